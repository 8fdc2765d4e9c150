// The runs of a store as the dashboard shows them: table rows (flattened spec, final metrics), a
// run's details, its metrics as columns and its latent-view figure. Read-only: it reads the index
// and the run folders and writes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { latentSpec, renderSpec } from '../report/index.js';
import {
  CHECKPOINTS_DIR,
  METRICS_FILE,
  META_FILE,
  SPEC_FILE,
  SUMMARY_FILE,
  readRunFolder,
  type RunMeta,
  type RunStore,
} from '../runs/index.js';
import type { CheckpointInfo, MetricsResponse, ParamValue, RunDetail, RunRow, RunsResponse } from './api-types.js';
import { flattenSpec, varyingKeys } from './flatten.js';
import { HttpError } from './http.js';
import { readMetricsFrom, toColumns } from './metrics-reader.js';
import { isSafeName } from './paths.js';

/** The files of a run folder that can be downloaded, and nothing else. */
export const DOWNLOADABLE = [SPEC_FILE, META_FILE, SUMMARY_FILE, METRICS_FILE] as const;

const CHECKPOINT_RE = /^step-(\d+)\.safetensors$/;

type Sample = { truth: number[][]; recovered: number[][] };

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export class RunsView {
  /** Flattened specs by run id: a run's spec.json never changes. */
  readonly #params = new Map<string, Record<string, ParamValue>>();
  readonly #latent = new Map<string, Promise<string>>();

  constructor(readonly store: RunStore) {}

  /** The folder of run `id`, or a 404 when the store has no such run (ids are folder names, never paths). */
  dirOf(id: string): string {
    if (!isSafeName(id)) throw new HttpError(404, 'no such run');
    const dir = path.join(this.store.root, id);
    if (!fs.existsSync(path.join(dir, META_FILE))) throw new HttpError(404, `no run '${id}'`);
    return dir;
  }

  list(): RunsResponse {
    const metas = this.store.list();
    const runs = metas.map((m) => this.#row(m));
    const metricKeys = new Set<string>();
    for (const r of runs) for (const k of Object.keys(r.metrics)) metricKeys.add(k);
    return { runs, paramKeys: varyingKeys(runs.map((r) => r.params)), metricKeys: [...metricKeys].sort() };
  }

  detail(id: string): RunDetail {
    const dir = this.dirOf(id);
    const { run, meta } = readRunFolder(dir);
    const sample = meta.summary?.['sample'] as Sample | undefined;
    const { dir: _dir, summary, ...metaFields } = meta;
    return {
      row: this.#row(meta),
      run,
      meta: metaFields as unknown as Record<string, unknown>,
      summary: summary === undefined ? null : withoutSample(summary),
      checkpoints: checkpoints(path.join(dir, CHECKPOINTS_DIR)),
      hasLatentView: isLatentSample(sample),
      files: DOWNLOADABLE.filter((f) => fs.existsSync(path.join(dir, f))),
    };
  }

  metrics(id: string): MetricsResponse {
    const chunk = readMetricsFrom(path.join(this.dirOf(id), METRICS_FILE), 0);
    return { id, ...toColumns(chunk.rows), offset: chunk.offset };
  }

  /** The run's recovered latents next to the true ones (the report's figure), as SVG; cached per run. */
  latentSvg(id: string): Promise<string> {
    const { meta } = readRunFolder(this.dirOf(id));
    const sample = meta.summary?.['sample'] as Sample | undefined;
    if (!isLatentSample(sample)) throw new HttpError(404, `run '${id}' has no 3-d latent sample`);
    let svg = this.#latent.get(id);
    if (svg === undefined) {
      svg = renderSpec(latentSpec({ runId: id, label: meta.name, truth: sample.truth, recovered: sample.recovered }));
      this.#latent.set(id, svg);
      svg.catch(() => this.#latent.delete(id));
    }
    return svg;
  }

  /** Path of a downloadable file of a run (only the names in DOWNLOADABLE). */
  file(id: string, name: string): string {
    if (!(DOWNLOADABLE as readonly string[]).includes(name)) throw new HttpError(404, 'not found');
    const file = path.join(this.dirOf(id), name);
    if (!fs.existsSync(file)) throw new HttpError(404, `run '${id}' has no ${name}`);
    return file;
  }

  #row(meta: RunMeta): RunRow {
    const metrics: Record<string, number | null> = {};
    const s = meta.summary;
    if (s !== undefined) {
      metrics['loss'] = finite(s.finalLoss);
      for (const [k, v] of Object.entries(s.metrics ?? {}))
        if (typeof v === 'number' || v === null) metrics[k] = finite(v);
    }
    const row: RunRow = {
      id: meta.id,
      name: meta.name,
      status: meta.status,
      seed: meta.seed,
      suite: meta.labels['suite'] ?? '',
      preset: meta.labels['preset'] ?? '',
      cell: meta.labels['cell'] ?? '',
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      params: this.#paramsOf(meta.id),
      metrics,
    };
    if (meta.error !== undefined) row.error = meta.error;
    return row;
  }

  #paramsOf(id: string): Record<string, ParamValue> {
    let params = this.#params.get(id);
    if (params === undefined) {
      try {
        const run = JSON.parse(fs.readFileSync(path.join(this.store.root, id, SPEC_FILE), 'utf8')) as {
          spec?: unknown;
        };
        params = flattenSpec(run.spec);
      } catch {
        params = {}; // a folder being created, or a damaged one: no columns rather than no table
        return params;
      }
      this.#params.set(id, params);
    }
    return params;
  }
}

function isLatentSample(s: Sample | undefined): s is Sample {
  return (
    s !== undefined &&
    Array.isArray(s.truth) &&
    Array.isArray(s.recovered) &&
    s.truth[0]?.length === 3 &&
    s.recovered[0]?.length === 3
  );
}

/** The summary without its latent sample (thousands of numbers the page draws as a figure instead). */
function withoutSample(summary: Record<string, unknown>): Record<string, unknown> {
  const { sample: _sample, ...rest } = summary;
  return rest;
}

function checkpoints(dir: string): CheckpointInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((file) => {
      const m = CHECKPOINT_RE.exec(file);
      if (m?.[1] === undefined) return [];
      try {
        return [{ step: Number(m[1]), file, bytes: fs.statSync(path.join(dir, file)).size }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.step - b.step);
}
