// The one trainer: every run of every spec — latents through a process, images, clustered data, the
// hypercube, free embeddings — trains here. Per step: the data source draws anchors, positives and
// the negatives the loss asks for; one forward pass through the encoder (shared BatchNorm
// statistics); the loss plus its auxiliary terms; backward; a divergence check; the optimizer step.
// Periodic evaluation on the held-out set drawn once per run; checkpoints; exact resumption.
//
// Determinism: every random draw comes from the run's named streams (streams.ts); the data stream's
// state is saved in each checkpoint with the model and optimizer, so a resumed run continues the
// very same stream and ends with the same numbers as an uninterrupted one.
import { cat, noGrad, scope, type Tensor } from '../torch/index.js';
import type { DataSource, EvalSet, TrainBatch } from '../data/source.js';
import type { Encoder } from '../encoders/kinds.js';
import type { Optimizer } from '../optim/optimizer.js';
import { buildData, buildEncoder, buildLoss, buildOptimizer } from './build.js';
import { collapseWarnings } from './collapse.js';
import { checkGradients, DivergenceError } from './divergence.js';
import { evaluateMetrics, represent } from './evaluation.js';
import type { DataParallel } from './distributed/data-parallel.js';
import type { RunSpec } from './spec.js';
import { runStreams } from './streams.js';

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

interface Parts {
  data: DataSource;
  encoder: Encoder;
  optimizer: Optimizer;
}

function restore(cp: Checkpoint, parts: Parts, run: { genData: { setState(t: Tensor): void } }): void {
  const model = new Map<string, Tensor>();
  const optimState = new Map<string, Tensor>();
  for (const [name, t] of cp.tensors) {
    if (name.startsWith('model.')) model.set(name.slice(6), t);
    else if (name.startsWith('optim.')) optimState.set(name.slice(6), t);
  }
  parts.encoder.loadStateDict(model);
  parts.optimizer.loadStateDict({ state: optimState, paramGroups: cp.state['paramGroups'] as never });
  const genState = cp.tensors.get('generator.data');
  if (genState === undefined) throw new Error('checkpoint has no data-generator state');
  run.genData.setState(genState);
  for (const t of cp.tensors.values()) t.dispose();
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
  const { spec, seed } = run;
  const { sink, parallel } = options;
  const writer = parallel?.writer ?? true;
  const ranks = run.worldSize ?? 1;
  if (ranks !== (parallel?.worldSize ?? 1))
    throw new Error(
      `this run is trained by ${ranks} data-parallel rank${ranks === 1 ? '' : 's'}, not ${parallel?.worldSize ?? 1}: resume it with \`clab resume\`, which starts as many`,
    );
  const gens = runStreams(seed);
  const data = buildData(spec, gens);
  const encoder = buildEncoder(spec, data, gens.init);
  const { loss, negatives } = buildLoss(spec, data);
  const { optimizer, schedule } = buildOptimizer(spec, encoder.parameters());
  const parts: Parts = { data, encoder, optimizer };
  const recentLosses: number[] = [];
  let startStep = 0;
  let elapsed = 0;

  const checkpoint = sink?.latestCheckpoint();
  if (checkpoint !== undefined) {
    restore(checkpoint, parts, { genData: gens.data });
    startStep = checkpoint.step;
    elapsed = Number(checkpoint.state['seconds'] ?? 0);
    recentLosses.push(...((checkpoint.state['recentLosses'] as number[] | undefined) ?? []));
    sink?.truncateMetricsAfter(checkpoint.step >= spec.train.iterations ? spec.train.iterations - 1 : checkpoint.step);
  } else {
    // No usable checkpoint (none yet, or every one damaged): the run starts over from step 0, so
    // rows an earlier attempt logged would otherwise be followed by the same steps again.
    sink?.truncateMetricsAfter(0);
  }

  parallel?.prepare(encoder);

  const save = (step: number): void => {
    if (sink === undefined) return;
    scope(() => {
      const tensors = new Map<string, Tensor>();
      for (const [name, t] of encoder.stateDict()) tensors.set(`model.${name}`, t);
      const sd = optimizer.stateDict();
      for (const [name, t] of sd.state) tensors.set(`optim.${name}`, t);
      tensors.set('generator.data', gens.data.getState());
      sink.saveCheckpoint(step, tensors, { step, seconds: elapsed, paramGroups: sd.paramGroups, recentLosses });
    });
  };
  const evaluate = (step: number): Record<string, number> => {
    const values = evaluateMetrics(run, encoder, data.evalSet(), loss);
    sink?.appendMetrics({ step, seconds: elapsed, loss: mean(recentLosses), ...values });
    return values;
  };

  const B = spec.train.batch;
  const total = spec.train.iterations;
  const params = encoder.parameters();
  let last: Record<string, number> = {};
  let started = performance.now();
  try {
    encoder.train();
    for (let step = startStep + 1; step <= total; step++) {
      optimizer.lr = schedule(step - 1);
      const value = scope(() => {
        const batch = data.batch(step, B, negatives, gens.data);
        const out = parallel
          ? loss(parallel.gatherEmbeddings(embedBatch(encoder, parallel.shard(batch))))
          : loss(embedBatch(encoder, batch));
        optimizer.zeroGrad();
        const v = parallel ? parallel.lossValue(out.loss) : out.loss.item();
        if (!Number.isFinite(v)) throw new DivergenceError(step, `the loss is ${v}`);
        out.loss.backward();
        parallel?.syncGradients(params);
        checkGradients(step, encoder);
        optimizer.step();
        return v;
      });
      recentLosses.push(value);
      if (recentLosses.length > 100) recentLosses.shift();
      const now = performance.now();
      elapsed += (now - started) / 1000;
      started = now;
      options.onStep?.(step, value);
      const isEnd = step === total;
      if (writer && (step % spec.eval.every === 0 || isEnd)) last = evaluate(step);
      const saved = step % spec.train.checkpointEvery === 0 || isEnd;
      if (saved) save(step);
      if (options.yieldEvery !== undefined && step % options.yieldEvery === 0) {
        await yieldTurn();
        started = performance.now();
      }
      if (options.stopAfter !== undefined && step >= options.stopAfter && !isEnd) return undefined;
      if (!isEnd && options.stopRequested?.() === true) {
        if (!saved) save(step);
        return undefined;
      }
    }
    if (writer && startStep >= total) last = evaluate(total);
    const sample = writer ? latentSample(encoder, data.evalSet()) : undefined;
    const warnings = writer ? finalCollapseWarnings(encoder, data.evalSet()) : [];
    return {
      steps: total,
      seconds: elapsed,
      finalLoss: mean(recentLosses),
      metrics: last,
      ...(sample !== undefined ? { sample } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } finally {
    void params;
    optimizer.dispose();
    encoder.dispose();
    data.dispose();
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
