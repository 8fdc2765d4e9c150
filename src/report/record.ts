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

/** The suite's finished runs at `options.preset` as a recorded-results file. */
export function recordSuite(store: RunStore, suite: Suite, options: RecordOptions): Recording {
  const byCell = suiteRuns(store, suite);
  const cells: Record<string, RecordedCellData> = {};
  const missing: string[] = [];
  const recorded: RunMeta[] = [];
  for (const key of [...byCell.keys()].sort()) {
    const metas = (byCell.get(key) ?? [])
      .filter((m) => metricOf(m, suite.metric) !== undefined)
      .sort((a, b) => a.seed - b.seed || a.id.localeCompare(b.id));
    if (metas.length === 0) missing.push(key);
    else {
      cells[key] = recordCell(metas, suite);
      recorded.push(...metas);
    }
  }
  const { engine, mixed } = engineOf(recorded);
  const note = [options.note, missing.length > 0 ? `no finished runs: ${missing.join(', ')}` : undefined];
  const data: RecordedResults = {
    suite: suite.id,
    preset: options.preset,
    measured: recorded.map((m) => m.updatedAt.slice(0, 10)).reduce((a, b) => (b > a ? b : a), ''),
    machine: options.machine ?? machineOf(engine),
    engine,
    clabCode: clabCodeOf(recorded),
    command: options.command,
    note: note.filter((n) => n !== undefined && n !== '').join('; '),
    cells,
  };
  return { data, missing, mixedEngine: mixed };
}

/** The file's text: one-space indents like the first committed file, and a final newline. */
export function recordedJson(data: RecordedResults): string {
  return `${JSON.stringify(data, null, 1)}\n`;
}
