// `clab record`'s content: a suite's finished runs summarised into a recorded-results file
// (src/experiments/recorded.ts). The runs are found by run key like the report finds them, so
// the file holds exactly the runs `clab reproduce` with the same options trained. The file is a
// function of the store: cells sorted by key and runs by seed, `measured` the day the newest run
// finished, so recording the same runs again writes the same file.
import type { RecordedCellData, RecordedResults } from '../experiments/recorded.js';
import type { Suite } from '../experiments/suite.js';
import { codeVersion, type RunMeta, type RunStore } from '../runs/index.js';
import { metricOf, suiteRuns } from './suite-report.js';
import { summarise } from './table.js';

export interface RecordOptions {
  preset: string;
  /**
   * An earlier recording of the same suite and preset to merge with: its runs of seeds the store
   * has no finished run for are kept (a table measured over several sessions, whose earlier run
   * folders are gone, stays one file); the store's run wins for a seed both have.
   */
  previous?: RecordedResults;
  /** The `clab reproduce` command that trains these runs. */
  command: string;
  /** Free text about the machine; default: CPU count, model and platform from the runs. */
  machine?: string;
  note?: string;
}

export interface Recording {
  data: RecordedResults;
  /** Cells of the suite (as resolved) without a finished run that has the suite's metric. */
  missing: string[];
  /** Engine fields on which the runs disagree (recorded as the list of their values). */
  mixedEngine: string[];
}

/** A cell of finished runs: n, the metric's mean ± sample std, and every run's reported metrics. */
function recordCell(metas: RunMeta[], suite: Suite): RecordedCellData {
  const metrics = [suite.metric, ...suite.alsoReport.filter((m) => m !== suite.metric)];
  const stats = summarise(metas.map((m) => metricOf(m, suite.metric)!));
  const runs = metas.map((m) => ({
    seed: m.seed,
    run: m.id,
    ...Object.fromEntries(metrics.map((k) => [k, metricOf(m, k) ?? null])),
  }));
  return { n: stats.n, [suite.metric]: { mean: stats.mean!, std: stats.std }, runs } as RecordedCellData;
}

/** The runs' engine; a field they disagree on holds the sorted list of their values. */
function engineOf(metas: RunMeta[]): { engine: Record<string, unknown>; mixed: string[] } {
  const engine: Record<string, unknown> = {};
  const mixed: string[] = [];
  for (const key of [...new Set(metas.flatMap((m) => Object.keys(m.environment)))]) {
    const values = [...new Set(metas.map((m) => JSON.stringify(m.environment[key] ?? null)))].sort();
    if (values.length > 1) mixed.push(key);
    const parsed = values.map((v) => JSON.parse(v) as unknown);
    engine[key] = values.length === 1 ? parsed[0] : parsed;
  }
  return { engine, mixed };
}

/** The commit(s) the runs record; the checkout's own when none does (a rebuilt meta.json says 'unknown'). */
function clabCodeOf(metas: RunMeta[]): string {
  const codes = [...new Set(metas.map((m) => m.codeVersion).filter((c) => c !== 'unknown'))].sort();
  return codes.length > 0 ? codes.join(', ') : `${codeVersion()} (this checkout: the runs do not record their code)`;
}

/** "2-core AMD EPYC, linux-x64" from the engine the runs record. */
function machineOf(engine: Record<string, unknown>): string {
  const text = (v: unknown): string => (Array.isArray(v) ? v.join(' / ') : String(v ?? '?'));
  return `${text(engine['cpuCount'])}-core ${text(engine['cpuModel'])}, ${text(engine['platform'])}`;
}

/** Each cell's recorded runs from the store, sorted by seed; cells without one are `missing`. */
function storeCells(store: RunStore, suite: Suite): { runs: Map<string, RunMeta[]>; missing: string[] } {
  const byCell = suiteRuns(store, suite);
  const runs = new Map<string, RunMeta[]>();
  const missing: string[] = [];
  for (const key of [...byCell.keys()].sort()) {
    const metas = (byCell.get(key) ?? [])
      .filter((m) => metricOf(m, suite.metric) !== undefined)
      .sort((a, b) => a.seed - b.seed || a.id.localeCompare(b.id));
    if (metas.length === 0) missing.push(key);
    else runs.set(key, metas);
  }
  return { runs, missing };
}

/** `fresh` cells with the runs of `previous` for seeds they lack; n, mean and std recomputed. */
function mergeCells(
  fresh: Record<string, RecordedCellData>,
  previous: Record<string, RecordedCellData>,
  metric: string,
): { cells: Record<string, RecordedCellData>; kept: number } {
  const cells: Record<string, RecordedCellData> = {};
  let kept = 0;
  for (const key of [...new Set([...Object.keys(previous), ...Object.keys(fresh)])].sort()) {
    const bySeed = new Map((previous[key]?.runs ?? []).map((r) => [r.seed, r]));
    for (const r of fresh[key]?.runs ?? []) bySeed.set(r.seed, r);
    const runs = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
    kept += runs.filter((r) => !(fresh[key]?.runs ?? []).includes(r)).length;
    const stats = summarise(runs.flatMap((r) => (typeof r[metric] === 'number' ? [r[metric]] : [])));
    cells[key] = { n: stats.n, [metric]: { mean: stats.mean!, std: stats.std }, runs } as RecordedCellData;
  }
  return { cells, kept };
}

/** Where and when runs trained: their engine (and the fields runs disagree on), code and day. */
interface Provenance {
  engine: Record<string, unknown>;
  mixed: string[];
  clabCode: string;
  measured: string;
}

function provenanceOf(metas: RunMeta[]): Provenance {
  const { engine, mixed } = engineOf(metas);
  const measured = metas.map((m) => m.updatedAt.slice(0, 10)).reduce((a, b) => (b > a ? b : a), '');
  return { engine, mixed, clabCode: clabCodeOf(metas), measured };
}

/** The values of both, flattened, deduplicated and sorted; one value stays a scalar. */
function union(a: unknown, b: unknown): unknown[] {
  const texts = new Set([a, b].flatMap((v) => (Array.isArray(v) ? v : [v])).map((v) => JSON.stringify(v)));
  return [...texts].sort().map((t) => JSON.parse(t) as unknown);
}

/** The provenance of store runs merged with an earlier recording's (whose runs were kept). */
function withEarlier(fresh: Provenance, earlier: RecordedResults): Provenance {
  const engine: Record<string, unknown> = { ...earlier.engine };
  for (const [k, v] of Object.entries(fresh.engine)) {
    const values = k in earlier.engine ? union(earlier.engine[k], v) : [v];
    engine[k] = values.length === 1 ? values[0] : values;
  }
  const codes = union(earlier.clabCode.split(', '), fresh.clabCode.split(', ')).filter((c) => c !== '');
  return {
    engine,
    mixed: Object.keys(engine).filter((k) => Array.isArray(engine[k])),
    clabCode: codes.join(', '),
    measured: earlier.measured > fresh.measured ? earlier.measured : fresh.measured,
  };
}

/** The suite's finished runs at `options.preset` as a recorded-results file. */
export function recordSuite(store: RunStore, suite: Suite, options: RecordOptions): Recording {
  const { runs, missing: notInStore } = storeCells(store, suite);
  const recorded = [...runs.values()].flat();
  const fresh = Object.fromEntries([...runs].map(([key, metas]) => [key, recordCell(metas, suite)]));
  const earlier = options.previous;
  const { cells, kept } =
    earlier === undefined ? { cells: fresh, kept: 0 } : mergeCells(fresh, earlier.cells, suite.metric);
  const missing = notInStore.filter((key) => cells[key] === undefined);
  const prov =
    earlier !== undefined && kept > 0 ? withEarlier(provenanceOf(recorded), earlier) : provenanceOf(recorded);
  const note = [
    options.note,
    kept > 0 ? `${kept} runs kept from the earlier recording of ${earlier!.measured}` : undefined,
    missing.length > 0 ? `no finished runs: ${missing.join(', ')}` : undefined,
  ];
  const data: RecordedResults = {
    suite: suite.id,
    preset: options.preset,
    measured: prov.measured,
    machine: options.machine ?? machineOf(prov.engine),
    engine: prov.engine,
    clabCode: prov.clabCode,
    command: options.command,
    note: note.filter((n) => n !== undefined && n !== '').join('; '),
    cells,
  };
  return { data, missing, mixedEngine: prov.mixed };
}

/** The file's text: one-space indents like the first committed file, and a final newline. */
export function recordedJson(data: RecordedResults): string {
  return `${JSON.stringify(data, null, 1)}\n`;
}
