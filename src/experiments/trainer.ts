// The one trainer: every run of every spec — latents through a process, images, clustered data, the
// hypercube, free embeddings — trains here. Per step: the data source draws anchors, positives and
// the negatives the loss asks for; one forward pass through the encoder (shared BatchNorm
// statistics); the loss plus its auxiliary terms; backward; a divergence check; the optimizer step.
// Periodic evaluation on the held-out set drawn once per run; checkpoints; exact resumption.
//
// Determinism: every random draw comes from the run's named streams (streams.ts); the data stream's
// state is saved in each checkpoint with the model and optimizer, so a resumed run continues the
// very same stream and ends with the same numbers as an uninterrupted one.
import { cat, noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import type { DataSource, EvalSet, NegativeRequest, TrainBatch } from '../data/source.js';
import type { Encoder } from '../encoders/kinds.js';
import type { ContrastiveLoss } from '../losses/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import { buildData, buildEncoder, buildLoss, buildOptimizer } from './build.js';
import { collapseWarnings } from './collapse.js';
import { checkGradients, DivergenceError } from './divergence.js';
import { evaluateMetrics, represent } from './evaluation.js';
import type { DataParallel } from './distributed/data-parallel.js';
import type { RunSpec } from './spec.js';
import { runStreams, type StreamName } from './streams.js';

/** One evaluation or training log line. */
export interface MetricsRow {
  step: number;
  seconds: number;
  [name: string]: number;
}

export interface RunResult {
  steps: number;
  seconds: number;
  /** Mean training loss over the last min(100, steps) steps. */
  finalLoss: number;
  /** Metrics of the final evaluation. */
  metrics: Record<string, number>;
  /** Representation collapse and the like: reported in the run's summary and by the CLI. */
  warnings?: string[];
  /** The first few held-out latents and their embeddings (for plots of the recovered sphere), when the data has latents. */
  sample?: { truth: number[][]; recovered: number[][] };
}

export interface Checkpoint {
  step: number;
  tensors: Map<string, Tensor>;
  state: Record<string, unknown>;
}

/** Where a trainer reports; the run store implements it, tests may keep things in memory. */
export interface TrainerSink {
  appendMetrics(row: MetricsRow): void;
  saveCheckpoint(step: number, tensors: Map<string, Tensor>, state: Record<string, unknown>): void;
  /** The checkpoint to resume from, if any. */
  latestCheckpoint(): Checkpoint | undefined;
  /** Drops metric rows logged after a checkpoint (they will be logged again). */
  truncateMetricsAfter(step: number): void;
}

export interface TrainOptions {
  sink?: TrainerSink;
  /** Called after every step (progress display). */
  onStep?: (step: number, loss: number) => void;
  /** Stop early after this many steps (tests of resumption); the run stays resumable. */
  stopAfter?: number;
  /**
   * Asked after every step: when it returns true the trainer saves a checkpoint at that step (the
   * same as a periodic one, data stream included) and returns undefined; the run stays resumable
   * and, resumed, ends with the numbers of an uninterrupted run. A SIGTERM before preemption or a
   * time limit sets it (executor.ts), so no step trained before the signal is lost.
   */
  stopRequested?: () => boolean;
  /** Give the event loop a turn every this many steps (lets signals and native finalizers run). */
  yieldEvery?: number;
  /**
   * This process is one rank of a data-parallel run (distributed/data-parallel.ts): it trains on its
   * share of each batch, reduces gradients with the other ranks, and only rank 0 evaluates.
   */
  parallel?: DataParallel;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const SAMPLE_POINTS = 400;
/** Held-out samples whose embeddings are checked for collapse. */
const COLLAPSE_SAMPLES = 2000;

/** Encodes a batch in one forward pass and hands the loss its embeddings in the batch's layout. */
function embedBatch(encoder: Encoder, b: TrainBatch): { anchors: Tensor; positives: Tensor; negatives?: Tensor } {
  const B = b.anchors.size(0);
  const inputShape = b.anchors.shape.slice(1);
  const parts = [b.anchors, b.positives];
  if (b.negatives !== undefined) parts.push(b.negatives.reshape(-1, ...inputShape));
  const f = encoder.forward(cat(parts));
  const d = f.size(1);
  const out: { anchors: Tensor; positives: Tensor; negatives?: Tensor } = {
    anchors: f.narrow(0, 0, B),
    positives: f.narrow(0, B, B),
  };
  if (b.negatives !== undefined) {
    const rest = f.narrow(0, 2 * B, f.size(0) - 2 * B);
    const perAnchor = b.negatives.ndim === inputShape.length + 2;
    out.negatives = perAnchor ? rest.reshape(B, b.negatives.size(1), d) : rest;
  }
  return out;
}

/** Everything one run's training loop touches, built once from its spec and seed. */
interface Training {
  run: RunSpec;
  options: TrainOptions;
  gens: Record<StreamName, Generator>;
  data: DataSource;
  encoder: Encoder;
  /** The encoder's parameters, held for the whole run (the gradient all-reduce walks them each step). */
  params: Tensor[];
  optimizer: Optimizer;
  schedule: Schedule;
  loss: ContrastiveLoss;
  negatives: NegativeRequest;
  /** Only the writing rank (rank 0 of a data-parallel run, else the one process) evaluates. */
  writer: boolean;
  /** Training losses of the last ≤ 100 steps: the summary's final loss; saved with each checkpoint. */
  recentLosses: number[];
  /** Seconds spent training, summed over every attempt of the run. */
  elapsed: number;
  /** Metrics of the latest evaluation. */
  last: Record<string, number>;
}

/** A run trained by N data-parallel ranks is resumed by N ranks: the data stream is split N ways. */
function checkRankCount(run: RunSpec, parallel: DataParallel | undefined): void {
  const ranks = run.worldSize ?? 1;
  const here = parallel?.worldSize ?? 1;
  if (ranks !== here)
    throw new Error(
      `this run is trained by ${ranks} data-parallel rank${ranks === 1 ? '' : 's'}, not ${here}: resume it with \`clab resume\`, which starts as many`,
    );
}

/** Builds the run's data, encoder, loss and optimizer from its streams (streams.ts). */
function setUp(run: RunSpec, options: TrainOptions): Training {
  const { spec, seed } = run;
  const gens = runStreams(seed);
  const data = buildData(spec, gens);
  const encoder = buildEncoder(spec, data, gens.init);
  const { loss, negatives } = buildLoss(spec, data);
  const params = encoder.parameters();
  const { optimizer, schedule } = buildOptimizer(spec, params);
  const writer = options.parallel?.writer ?? true;
  return {
    run,
    options,
    gens,
    data,
    encoder,
    params,
    optimizer,
    schedule,
    loss,
    negatives,
    writer,
    recentLosses: [],
    elapsed: 0,
    last: {},
  };
}

/**
 * Restores the sink's latest checkpoint — model, optimizer, data stream, clock and recent losses —
 * and returns the step it was saved at (0 when there is none).
 */
function resume(t: Training): number {
  const { sink } = t.options;
  const total = t.run.spec.train.iterations;
  const cp = sink?.latestCheckpoint();
  if (cp === undefined) {
    // No usable checkpoint (none yet, or every one damaged): the run starts over from step 0, so
    // rows an earlier attempt logged would otherwise be followed by the same steps again.
    sink?.truncateMetricsAfter(0);
    return 0;
  }
  const model = new Map<string, Tensor>();
  const optimState = new Map<string, Tensor>();
  for (const [name, tensor] of cp.tensors) {
    if (name.startsWith('model.')) model.set(name.slice(6), tensor);
    else if (name.startsWith('optim.')) optimState.set(name.slice(6), tensor);
  }
  t.encoder.loadStateDict(model);
  t.optimizer.loadStateDict({ state: optimState, paramGroups: cp.state['paramGroups'] as never });
  const genState = cp.tensors.get('generator.data');
  if (genState === undefined) throw new Error('checkpoint has no data-generator state');
  t.gens.data.setState(genState);
  for (const tensor of cp.tensors.values()) tensor.dispose();
  t.elapsed = Number(cp.state['seconds'] ?? 0);
  t.recentLosses.push(...((cp.state['recentLosses'] as number[] | undefined) ?? []));
  // A finished run re-evaluates its last step, so that step's row goes too.
  sink?.truncateMetricsAfter(cp.step >= total ? total - 1 : cp.step);
  return cp.step;
}

/** Saves model, optimizer state and the data stream at `step` (with the clock and recent losses). */
function save(t: Training, step: number): void {
  const { sink } = t.options;
  if (sink === undefined) return;
  scope(() => {
    const tensors = new Map<string, Tensor>();
    for (const [name, tensor] of t.encoder.stateDict()) tensors.set(`model.${name}`, tensor);
    const sd = t.optimizer.stateDict();
    for (const [name, tensor] of sd.state) tensors.set(`optim.${name}`, tensor);
    tensors.set('generator.data', t.gens.data.getState());
    const state = { step, seconds: t.elapsed, paramGroups: sd.paramGroups, recentLosses: t.recentLosses };
    sink.saveCheckpoint(step, tensors, state);
  });
}

/** Evaluates every metric of the spec on the held-out set and logs the row. */
function evaluate(t: Training, step: number): void {
  t.last = evaluateMetrics(t.run, t.encoder, t.data.evalSet(), t.loss);
  t.options.sink?.appendMetrics({ step, seconds: t.elapsed, loss: mean(t.recentLosses), ...t.last });
}

/** One optimisation step: batch, forward, loss, backward, divergence check, update. Returns the loss. */
function step(t: Training, n: number): number {
  const { parallel } = t.options;
  t.optimizer.lr = t.schedule(n - 1);
  return scope(() => {
    const batch = t.data.batch(n, t.run.spec.train.batch, t.negatives, t.gens.data);
    const out = parallel
      ? t.loss(parallel.gatherEmbeddings(embedBatch(t.encoder, parallel.shard(batch))))
      : t.loss(embedBatch(t.encoder, batch));
    t.optimizer.zeroGrad();
    const v = parallel ? parallel.lossValue(out.loss) : out.loss.item();
    if (!Number.isFinite(v)) throw new DivergenceError(n, `the loss is ${v}`);
    out.loss.backward();
    parallel?.syncGradients(t.params);
    checkGradients(n, t.encoder);
    t.optimizer.step();
    return v;
  });
}

/**
 * Trains from `startStep` to the spec's last step, evaluating and checkpointing on the way.
 * Returns false when stopped early (`stopAfter`, `stopRequested`), the run left resumable.
 */
async function trainSteps(t: Training, startStep: number): Promise<boolean> {
  const { options } = t;
  const { train, eval: evalSection } = t.run.spec;
  const total = train.iterations;
  let started = performance.now();
  t.encoder.train();
  for (let n = startStep + 1; n <= total; n++) {
    const value = step(t, n);
    t.recentLosses.push(value);
    if (t.recentLosses.length > 100) t.recentLosses.shift();
    const now = performance.now();
    t.elapsed += (now - started) / 1000;
    started = now;
    options.onStep?.(n, value);
    const isEnd = n === total;
    if (t.writer && (n % evalSection.every === 0 || isEnd)) evaluate(t, n);
    const saved = n % train.checkpointEvery === 0 || isEnd;
    if (saved) save(t, n);
    if (options.yieldEvery !== undefined && n % options.yieldEvery === 0) {
      await yieldTurn();
      started = performance.now();
    }
    if (options.stopAfter !== undefined && n >= options.stopAfter && !isEnd) return false;
    if (!isEnd && options.stopRequested?.() === true) {
      if (!saved) save(t, n);
      return false;
    }
  }
  return true;
}

/** The summary of a finished run: final loss, last metrics, a latent sample, collapse warnings. */
function result(t: Training): RunResult {
  const sample = t.writer ? latentSample(t.encoder, t.data.evalSet()) : undefined;
  const warnings = t.writer ? finalCollapseWarnings(t.encoder, t.data.evalSet()) : [];
  return {
    steps: t.run.spec.train.iterations,
    seconds: t.elapsed,
    finalLoss: mean(t.recentLosses),
    metrics: t.last,
    ...(sample !== undefined ? { sample } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function latentSample(encoder: Encoder, evalSet: EvalSet): RunResult['sample'] {
  const z = evalSet.latents;
  if (z === undefined) return undefined;
  encoder.eval();
  return noGrad(() =>
    scope(() => {
      const n = Math.min(SAMPLE_POINTS, z.size(0));
      return {
        truth: toRows(z.narrow(0, 0, n)),
        recovered: toRows(represent(encoder, evalSet.inputs.narrow(0, 0, n))),
      };
    }),
  );
}

/**
 * Trains the run; resumes from the sink's latest checkpoint when there is one.
 * Returns undefined when stopped early by `stopAfter` or `stopRequested`. Throws DivergenceError
 * when the loss or a gradient stops being finite (the last good checkpoint stays).
 */
export async function trainRun(run: RunSpec, options: TrainOptions = {}): Promise<RunResult | undefined> {
  checkRankCount(run, options.parallel);
  const t = setUp(run, options);
  try {
    const startStep = resume(t);
    options.parallel?.prepare(t.encoder);
    if (!(await trainSteps(t, startStep))) return undefined;
    // A run resumed from its final checkpoint trained no step here: evaluate it once more.
    const total = run.spec.train.iterations;
    if (t.writer && startStep >= total) evaluate(t, total);
    return result(t);
  } finally {
    t.optimizer.dispose();
    t.encoder.dispose();
    t.data.dispose();
  }
}

/** Representation collapse of the final held-out embeddings, as summary warnings. */
function finalCollapseWarnings(encoder: Encoder, evalSet: EvalSet): string[] {
  encoder.eval();
  try {
    return noGrad(() =>
      scope(() =>
        collapseWarnings(
          represent(encoder, evalSet.inputs.narrow(0, 0, Math.min(COLLAPSE_SAMPLES, evalSet.inputs.size(0)))),
        ),
      ),
    );
  } finally {
    encoder.train();
  }
}

function toRows(t: Tensor): number[][] {
  const [n, d] = t.shape as [number, number];
  const flat = t.toArray();
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d).map((x) => Math.round(x * 1e5) / 1e5));
}

function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
