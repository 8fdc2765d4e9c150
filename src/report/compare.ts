// Comparing chosen runs (`clab report <ids…>`): what sets the runs apart is read from their
// resolved specs — every key path whose value is not the same in all of them (a τ sweep: loss.tau)
// — and nothing else is assumed. Runs that differ only in the seed form a group, summarised as
// mean ± sample std; curves are labelled by the differing values (and the seed when seeds differ),
// a group of several seeds adds its mean with a ±std band. The environment comes from the runs'
// meta.json, with the runs named where they disagree.
import { summarise } from './table.js';
import type { ComparisonTable, LatentViewInput, LossCurveInput, ReportInput } from './types.js';

/** One run as the comparison needs it (plain data: the CLI reads it from the run store). */
export interface CompareRun {
  id: string;
  name: string;
  seed: number;
  /** The resolved spec body (spec.json's `spec`). */
  spec: unknown;
  /** Final metrics (summary.json), absent for an unfinished run. */
  final?: { finalLoss: number; metrics: Record<string, number> };
  /** Training loss by step (metrics.jsonl). */
  loss: { step: number; loss: number }[];
  environment: Record<string, unknown>;
  codeVersion: string;
  sample?: { truth: number[][]; recovered: number[][] };
}

/** Leaf values of a JSON value by dotted key path; arrays are leaves (`encoder.hidden: [64,64]`). */
export function flattenSpec(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenSpec(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (prefix !== '') out.set(prefix, JSON.stringify(value));
  return out;
}

const ABSENT = '—';

/** The key paths whose values differ between the specs (absent counts as a value), sorted. */
export function differingKeys(specs: readonly unknown[]): string[] {
  const flat = specs.map((s) => flattenSpec(s));
  const keys = new Set(flat.flatMap((f) => [...f.keys()]));
  return [...keys].filter((k) => new Set(flat.map((f) => f.get(k) ?? ABSENT)).size > 1).sort();
}

/** The value of a key path in a run's spec, for display (`0.1`, `infonce`, `[64,64]`). */
function valueAt(run: CompareRun, key: string): string {
  const v = flattenSpec(run.spec).get(key);
  if (v === undefined) return ABSENT;
  return v.startsWith('"') ? (JSON.parse(v) as string) : v;
}

/** `loss.tau=0.1 encoder.kind=mlp`: the run's values of the differing keys (its name when none). */
export function groupLabel(run: CompareRun, keys: readonly string[]): string {
  return keys.length === 0 ? run.name : keys.map((k) => `${k}=${valueAt(run, k)}`).join(' ');
}

export interface RunGroup {
  label: string;
  runs: CompareRun[];
}

/** Runs grouped by everything but the seed (groups in the order of their first run; runs by seed). */
export function groupRuns(runs: readonly CompareRun[], keys: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const label = groupLabel(run, keys);
    const g = groups.get(label) ?? { label, runs: [] };
    g.runs.push(run);
    groups.set(label, g);
  }
  for (const g of groups.values()) g.runs.sort((a, b) => a.seed - b.seed);
  return [...groups.values()];
}

/** The final metrics worth a column: those any run has (not per-factor ones like r2_0), the identifiability ones first. */
function metricColumns(runs: readonly CompareRun[]): string[] {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.final?.metrics ?? {})).filter((k) => !/_\d+$/.test(k)));
  const first = ['r2', 'mcc', 'ape'].filter((k) => keys.has(k));
  return [...first, ...[...keys].filter((k) => !first.includes(k)).sort()];
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

/** `0.9912 ± 0.0031 (3)` over the runs that have the value; one run: `0.9912`. */
export function meanStd(values: readonly number[]): string {
  const s = summarise(values);
  if (s.mean === null) return ABSENT;
  return s.std === null ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmt(s.std)} (${s.n})`;
}

const valueOf = (run: CompareRun, metric: string): number | undefined =>
  metric === 'loss' ? run.final?.finalLoss : run.final?.metrics[metric];

/** A row per group: its differing values, seeds, and each metric as mean ± std over the seeds. */
export function groupTable(
  groups: readonly RunGroup[],
  keys: readonly string[],
  metrics: readonly string[],
): ComparisonTable {
  const header = [...(keys.length === 0 ? ['name'] : keys), 'seeds', ...metrics, 'loss'];
  const rows = groups.map((g) => {
    const first = g.runs[0]!;
    const cells = keys.length === 0 ? [first.name] : keys.map((k) => valueAt(first, k));
    const stat = (m: string): string =>
      meanStd(g.runs.map((r) => valueOf(r, m)).filter((v): v is number => v !== undefined));
    return [...cells, g.runs.map((r) => r.seed).join(','), ...metrics.map(stat), stat('loss')];
  });
  return {
    id: 'groups',
    title: 'Runs grouped by everything but the seed (mean ± sample std over seeds, n)',
    header,
    rows,
  };
}

/** A row per run: its id, differing values, seed and final numbers. */
export function runTable(
  runs: readonly CompareRun[],
  keys: readonly string[],
  metrics: readonly string[],
): ComparisonTable {
  const header = ['run', ...keys, 'seed', ...metrics, 'loss'];
  const rows = runs.map((r) => [
    r.id,
    ...keys.map((k) => valueAt(r, k)),
    String(r.seed),
    ...[...metrics, 'loss'].map((m) => {
      const v = valueOf(r, m);
      return v === undefined ? ABSENT : fmt(v);
    }),
  ]);
  return { id: 'runs', title: 'Runs', header, rows };
}

/** Per-run loss curves, plus each several-seed group's mean with a ±std band (steps all its runs logged). */
export function lossCurves(groups: readonly RunGroup[], seedsDiffer: boolean): LossCurveInput[] {
  const out: LossCurveInput[] = [];
  for (const g of groups) {
    for (const r of g.runs)
      out.push({ runId: r.id, label: seedsDiffer ? `${g.label} seed=${r.seed}` : g.label, points: r.loss });
    if (g.runs.length < 2) continue;
    const bySteps = g.runs.map((r) => new Map(r.loss.map((p) => [p.step, p.loss])));
    const steps = [...bySteps[0]!.keys()].filter((s) => bySteps.every((m) => m.has(s))).sort((a, b) => a - b);
    const points = steps.map((step) => {
      const s = summarise(bySteps.map((m) => m.get(step)!));
      return { step, loss: s.mean!, std: s.std ?? 0 };
    });
    out.push({
      runId: g.runs.map((r) => r.id).join(','),
      label: `${g.label} mean ± std (${g.runs.length} seeds)`,
      points,
    });
  }
  return out;
}

/** The runs' environment (meta.json): one value per key, or each value with the runs that had it. */
export function mergedEnvironment(runs: readonly CompareRun[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const entries = runs.map((r) => ({
    id: r.id,
    env: { codeVersion: r.codeVersion, ...r.environment } as Record<string, unknown>,
  }));
  const keys = [...new Set(entries.flatMap((e) => Object.keys(e.env)))];
  for (const k of keys) {
    const byValue = new Map<string, string[]>();
    for (const e of entries) {
      const v = JSON.stringify(e.env[k] ?? null);
      byValue.set(v, [...(byValue.get(v) ?? []), e.id]);
    }
    const only = [...byValue.keys()];
    out[k] =
      only.length === 1
        ? (JSON.parse(only[0]!) as unknown)
        : [...byValue].map(([v, ids]) => `${v} (${ids.join(', ')})`).join('; ');
  }
  return out;
}

/** The report of chosen runs: tables of groups and runs, labelled loss curves, latent views, environment. */
export function compareReport(runs: readonly CompareRun[]): ReportInput {
  const keys = differingKeys(runs.map((r) => r.spec));
  const groups = groupRuns(runs, keys);
  const seedsDiffer = new Set(runs.map((r) => r.seed)).size > 1;
  const metrics = metricColumns(runs);
  const label = (r: CompareRun): string =>
    seedsDiffer ? `${groupLabel(r, keys)} seed=${r.seed}` : groupLabel(r, keys);
  const latentViews: LatentViewInput[] = runs.flatMap((r) =>
    r.sample && r.sample.truth[0]?.length === 3 && r.sample.recovered[0]?.length === 3
      ? [{ runId: r.id, label: label(r), truth: r.sample.truth, recovered: r.sample.recovered }]
      : [],
  );
  const names = [...new Set(runs.map((r) => r.name))];
  return {
    title: `clab runs: ${names.join(', ')} (${runs.length} run${runs.length === 1 ? '' : 's'})`,
    generatedAt: new Date().toISOString(),
    environment: mergedEnvironment(runs),
    tables: [],
    comparisons: [groupTable(groups, keys, metrics), runTable(runs, keys, metrics)],
    curves: [],
    lossCurves: lossCurves(groups, seedsDiffer),
    latentViews,
    theory: [],
    notes: [
      keys.length === 0
        ? 'The runs have the same spec (they differ at most in the seed).'
        : `The runs differ in: ${keys.join(', ')}.`,
    ],
  };
}
