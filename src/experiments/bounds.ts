// Bounds a spec must respect before any work starts, each reported with its key path (exit 2):
// numbers float32 can hold, counts the loops and the run store can handle, the number of runs
// (seeds × sweep points), distinct seeds, and a memory estimate of one training step and of the
// evaluation against the machine's memory. Without them a spec fails late (at step 1, with no key
// named), aborts the process (V8 out of heap, a libtorch allocation) or silently trains garbage.
import os from 'node:os';

/** The largest finite float32: a setting above it becomes Infinity once it reaches the engine. */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** The smallest normal float32: a non-zero setting below it loses precision or becomes 0. */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
/** The largest count (iterations, batch, widths, samples, …) and seed: libtorch's int32 range. */
export const MAX_COUNT = 2 ** 31 - 1;
/** The most seeds one spec may list (each seed is one run folder). */
export const MAX_SEEDS = 1000;
/** The most runs one spec may expand into (seeds × sweep points). */
export const MAX_RUNS = 10_000;
/** Spec files larger than this are refused before parsing. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Spec files with more keys than this are refused before parsing (YAML parsing is superlinear). */
export const MAX_SPEC_KEYS = 5000;

const GB = 1024 ** 3;
const FLOAT_BYTES = 4;
/** Activations kept for backward, their gradients, and temporaries: a rough multiple of one forward pass. */
const TRAIN_OVERHEAD = 3;
/** Metrics that compare every pair of held-out samples (an n × n matrix). */
const PAIRWISE_METRICS = new Set(['knn', 'silhouette', 'similarity', 'similarity-range', 'kmeans']);

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Every number of `value` with its dotted key path. */
function numbersOf(value: unknown, path: string, out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbersOf(v, `${path}.${i}`, out));
  else if (isRecord(value))
    for (const [k, v] of Object.entries(value)) numbersOf(v, path === '' ? k : `${path}.${k}`, out);
  return out;
}

/** Numbers float32 cannot hold, and integers beyond the counts the engine takes. */
function numberIssues(spec: Json): string[] {
  const issues: string[] = [];
  // Sweep values and presets are checked where they are applied (each sweep point is validated).
  const { sweep: _s, presets: _p, derived: _d, ...body } = spec;
  for (const [path, x] of numbersOf(body, '')) {
    if (!Number.isFinite(x)) issues.push(`${path}: got ${x}; settings must be finite numbers`);
    else if (Math.abs(x) > FLOAT32_MAX)
      issues.push(`${path}: got ${x}; beyond what float32 holds (±${FLOAT32_MAX.toPrecision(3)})`);
    else if (x !== 0 && Math.abs(x) < FLOAT32_MIN_NORMAL)
      issues.push(
        `${path}: got ${x}; closer to 0 than float32 holds (${FLOAT32_MIN_NORMAL.toPrecision(3)}), it would act as 0`,
      );
    else if (Number.isInteger(x) && Math.abs(x) > MAX_COUNT && isCountSetting(path))
      issues.push(`${path}: got ${x}; counts and seeds must be at most ${MAX_COUNT}`);
  }
  return issues;
}

/** Settings that count something (sizes, steps, seeds): the last key that is not a list index. */
function isCountSetting(path: string): boolean {
  const key =
    path
      .split('.')
      .filter((k) => !/^\d+$/.test(k))
      .at(-1) ?? '';
  return /^(seeds|iterations|batch|checkpointEvery|every|samples|dim|outDim|inDim|width|widths|hidden|count|negativesPerAnchor|size|channels|slices|k|clusters|steps|epochs|depth|layers|blocks|fixedDims|perClass|classes|points|degree|n\w*)$/.test(
    key,
  );
}

/** Seeds: at most MAX_SEEDS, and no seed twice (two runs with the same key would be one run). */
export function seedIssues(seeds: unknown): string[] {
  if (!Array.isArray(seeds)) return [];
  const issues: string[] = [];
  if (seeds.length > MAX_SEEDS)
    issues.push(`seeds: ${seeds.length} seeds; at most ${MAX_SEEDS} per spec (each seed is one run)`);
  const seen = new Map<unknown, number>();
  seeds.forEach((s, i) => {
    const first = seen.get(s);
    if (first !== undefined)
      issues.push(`seeds.${i}: seed ${String(s)} is listed twice (also seeds.${first}); each seed is one run`);
    else seen.set(s, i);
  });
  return issues;
}

/** The number of runs the spec expands into. */
function runCount(spec: Json): number {
  const seeds = Array.isArray(spec['seeds']) ? spec['seeds'].length : 1;
  const sweep = isRecord(spec['sweep']) ? spec['sweep'] : {};
  return Object.values(sweep).reduce<number>((n, values) => n * (Array.isArray(values) ? values.length : 1), seeds);
}

/** The largest integer under `value` (encoder widths, hidden sizes, channels), or 0. */
function largestInt(value: unknown): number {
  return numbersOf(value, '').reduce((m, [, x]) => (Number.isInteger(x) && x > m ? x : m), 0);
}

/** A rough estimate of a training step's and of the evaluation's memory, in bytes, and how it was reached. */
export function memoryEstimate(spec: Json): { train: number; eval: number; how: string } {
  const train = isRecord(spec['train']) ? spec['train'] : {};
  const evalSpec = isRecord(spec['eval']) ? spec['eval'] : {};
  const loss = isRecord(spec['loss']) ? spec['loss'] : {};
  const encoder = isRecord(spec['encoder']) ? spec['encoder'] : {};
  const latent = isRecord(spec['latent']) ? spec['latent'] : {};
  const batch = typeof train['batch'] === 'number' ? train['batch'] : 0;
  const perAnchor = typeof loss['negativesPerAnchor'] === 'number' ? loss['negativesPerAnchor'] : 0;
  const shared =
    loss['kind'] === 'infonce' && loss['negatives'] !== 'in-batch'
      ? typeof loss['count'] === 'number'
        ? loss['count']
        : batch
      : 0;
  const rows = batch * (2 + perAnchor) + shared;
  const width = Math.max(
    largestInt(encoder),
    typeof latent['dim'] === 'number' ? latent['dim'] : 0,
    largestInt(spec['data']),
    1,
  );
  const hidden = Array.isArray(encoder['hidden']) ? encoder['hidden'].length : 4;
  const layers = hidden + 2;
  const samples = typeof evalSpec['samples'] === 'number' ? evalSpec['samples'] : 0;
  const metrics = Array.isArray(evalSpec['metrics']) ? evalSpec['metrics'] : [];
  const pairwise = metrics.some((m) => PAIRWISE_METRICS.has(isRecord(m) ? String(m['kind']) : String(m)));
  const trainBytes = rows * width * layers * FLOAT_BYTES * TRAIN_OVERHEAD;
  const evalBytes = samples * width * layers * FLOAT_BYTES + (pairwise ? samples * samples * FLOAT_BYTES : 0);
  const how = `${rows} rows per step (batch ${batch}${perAnchor ? ` × (2 + ${perAnchor} negatives per anchor)` : ' × 2'}${shared ? ` + ${shared} shared negatives` : ''}) × width ${width} × ${layers} layers × ${FLOAT_BYTES} bytes × ${TRAIN_OVERHEAD}`;
  return { train: trainBytes, eval: evalBytes, how };
}

/** Memory the machine has (CLAB_MEMORY_GB overrides, for machines shared with other work). */
export function availableMemory(): number {
  const gb = Number(process.env['CLAB_MEMORY_GB']);
  return Number.isFinite(gb) && gb > 0 ? gb * GB : os.totalmem();
}

function memoryIssues(spec: Json): string[] {
  const limit = availableMemory();
  const est = memoryEstimate(spec);
  const issues: string[] = [];
  const gb = (b: number): string => (b / GB).toFixed(b < GB ? 3 : 1);
  if (est.train > limit)
    issues.push(
      `train.batch: one training step needs ≈ ${gb(est.train)} GB (${est.how}), more than this machine's ${gb(limit)} GB; lower train.batch, the negatives or the encoder's width`,
    );
  if (est.eval > limit)
    issues.push(
      `eval.samples: the evaluation needs ≈ ${gb(est.eval)} GB (${est.eval > 0 ? `${Number(spec['eval'] && (spec['eval'] as Json)['samples'])} samples` : ''}), more than this machine's ${gb(limit)} GB; lower eval.samples`,
    );
  return issues;
}

/**
 * Every bound the (validated, defaults filled in) spec breaks, each naming its key path; [] when
 * it is within bounds.
 *
 * @example
 * checkBounds({ ...spec, train: { ...spec.train, optimizer: { kind: 'adam', lr: 1e39 } } });
 * // ['train.optimizer.lr: got 1e+39; beyond what float32 holds (±3.40e+38)']
 */
export function checkBounds(spec: Json): string[] {
  const issues = [...numberIssues(spec), ...seedIssues(spec['seeds'])];
  const runs = runCount(spec);
  if (runs > MAX_RUNS) issues.push(`seeds: ${runs} runs (seeds × sweep points); at most ${MAX_RUNS} per spec`);
  return issues.length > 0 ? issues : memoryIssues(spec);
}

/**
 * Cheap checks of a spec file's text before it is parsed: its size and an upper bound of its key
 * count (every ':' followed by a space or a line end), so a huge file is refused at once.
 */
export function checkSpecText(text: string): string[] {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SPEC_BYTES) return [`(file): ${bytes} bytes; a spec may have at most ${MAX_SPEC_BYTES} bytes`];
  let keys = 0;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    const next = text.charCodeAt(i + 1);
    const prev = text.charCodeAt(i - 1);
    // `key: value` (block or flow) or `"key":value` (JSON)
    if (
      Number.isNaN(next) ||
      next === 0x20 ||
      next === 0x0a ||
      next === 0x0d ||
      next === 0x09 ||
      prev === 0x22 ||
      prev === 0x27
    )
      keys++;
  }
  if (keys > MAX_SPEC_KEYS) return [`(file): about ${keys} keys; a spec may have at most ${MAX_SPEC_KEYS}`];
  return [];
}
