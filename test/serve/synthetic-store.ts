// A large run store made without training: one run written through the RunStore API, cloned into
// `runs` folders (each its own id, seed and final metrics; every metrics.jsonl a hard link to one
// file of `rows` rows, so 1,000 × 10,000 rows cost one file), then indexed by RunStore.reindex().
// Creating 1,000 runs through create() would spend most of a minute in fsyncs.
import fs from 'node:fs';
import path from 'node:path';
import { META_FILE, METRICS_FILE, RunStore, SPEC_FILE, SUMMARY_FILE } from '../../src/runs/index.js';

export interface SyntheticStore {
  root: string;
  ids: string[];
}

function metricsText(rows: number): string {
  const lines: string[] = [];
  for (let step = 1; step <= rows; step++) {
    const row: Record<string, number> = {
      step,
      seconds: step * 0.01,
      loss: 4 + 2 * Math.exp(-step / 2000) + 0.05 * Math.sin(step / 7),
    };
    if (step % 100 === 0) row['r2'] = 1 - Math.exp(-step / 3000);
    lines.push(JSON.stringify(row));
  }
  return lines.join('\n') + '\n';
}

/** A store of `runs` finished runs, `rows` metrics rows each, in 20 cells × (runs / 20) seeds. */
export function syntheticStore(root: string, runs: number, rows: number): SyntheticStore {
  const store = new RunStore(root);
  try {
    const template = store.create(
      {
        spec: { name: 'synthetic/cell-0', loss: { kind: 'infonce', tau: 0.1 }, train: { batch: 64 } } as never,
        seed: 0,
        point: {},
      },
      { suite: 'synthetic', preset: 'quick', cell: 'cell-0' },
    );
    fs.writeFileSync(template.metricsFile, metricsText(rows));
    template.writeSummary({ steps: rows, seconds: rows * 0.01, finalLoss: 4, metrics: { r2: 0.5 } });
    const spec = JSON.parse(fs.readFileSync(path.join(template.dir, SPEC_FILE), 'utf8')) as {
      spec: { name: string; loss: { tau: number } };
      seed: number;
    };
    const meta = JSON.parse(fs.readFileSync(path.join(template.dir, META_FILE), 'utf8')) as Record<string, unknown>;
    const ids = [template.id];
    for (let i = 1; i < runs; i++) {
      const cell = i % 20;
      const seed = Math.floor(i / 20);
      const id = `synthetic-cell-${cell}-s${seed}-${String(i).padStart(4, '0')}`;
      const dir = path.join(root, id);
      fs.mkdirSync(dir);
      spec.spec.name = `synthetic/cell-${cell}`;
      spec.spec.loss.tau = 0.05 * (1 + (cell % 5));
      spec.seed = seed;
      fs.writeFileSync(path.join(dir, SPEC_FILE), JSON.stringify(spec));
      const created = new Date(Date.parse(String(meta['createdAt'])) + i).toISOString();
      fs.writeFileSync(
        path.join(dir, META_FILE),
        JSON.stringify({
          ...meta,
          id,
          name: spec.spec.name,
          seed,
          status: 'done',
          labels: { suite: 'synthetic', preset: 'quick', cell: `cell-${cell}` },
          createdAt: created,
          updatedAt: created,
        }),
      );
      fs.writeFileSync(
        path.join(dir, SUMMARY_FILE),
        JSON.stringify({ steps: rows, seconds: rows * 0.01, finalLoss: 4 + i / runs, metrics: { r2: i / runs } }),
      );
      fs.linkSync(template.metricsFile, path.join(dir, METRICS_FILE));
      ids.push(id);
    }
    store.reindex();
    return { root, ids };
  } finally {
    store.close();
  }
}
