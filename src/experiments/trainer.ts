// Trains one run of a spec: Paper A's loop (sample anchors, positives and negatives in latent space,
// push them through the frozen process and the encoder, InfoNCE, Adam), with evaluation on a fixed
// held-out latent sample, checkpoints, and exact resumption.
//
// Determinism: every random draw comes from generators split off the run's seed; the data stream's
// state is saved in each checkpoint with the model and optimizer, so a resumed run continues the
// very same stream and ends with the same numbers as an uninterrupted one.
import { cat, Generator, noGrad, scope, type Tensor } from '../torch/index.js';
import { metricByName } from '../metrics/index.js';
import { buildComponents, buildOptimizer, embedLatents } from './build.js';
import type { RunSpec } from './spec.js';

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
  /** The first few held-out latents and their embeddings (for plots of the recovered sphere). */
  sample: { truth: number[][]; recovered: number[][] };
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
  /** Give the event loop a turn every this many steps (lets signals and native finalizers run). */
  yieldEvery?: number;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains the run; resumes from the sink's latest checkpoint when there is one.
 * Returns undefined when stopped early by `stopAfter`.
 */
export async function trainRun(run: RunSpec, options: TrainOptions = {}): Promise<RunResult | undefined> {
  const { spec, seed } = run;
  const { sink } = options;
  const [genProcess, genInit, genData, genEval] = new Generator(seed).split(4);
  const c = buildComponents(spec, genProcess, genInit);
  const optimizer = buildOptimizer(spec.train.optimizer, c.encoder.parameters());
  const metrics = spec.eval.metrics.map((name) => metricByName(name));
  // The held-out sample is drawn before training so that it is the same whatever happens later.
  const zEval = noGrad(() => c.marginal.sample(spec.eval.samples, genEval));
  const recentLosses: number[] = [];
  let startStep = 0;
  let elapsed = 0;

  const checkpoint = sink?.latestCheckpoint();
  if (checkpoint !== undefined) {
    restore(checkpoint);
    sink?.truncateMetricsAfter(checkpoint.step);
  }

  function restore(cp: Checkpoint): void {
    const model = new Map<string, Tensor>();
    const optimState = new Map<string, Tensor>();
    for (const [name, t] of cp.tensors) {
      if (name.startsWith('model.')) model.set(name.slice(6), t);
      else if (name.startsWith('optim.')) optimState.set(name.slice(6), t);
    }
    c.encoder.loadStateDict(model);
    optimizer.loadStateDict({ state: optimState, paramGroups: cp.state['paramGroups'] as never });
    const genState = cp.tensors.get('generator.data');
    if (genState === undefined) throw new Error('checkpoint has no data-generator state');
    genData.setState(genState);
    startStep = cp.step;
    elapsed = Number(cp.state['seconds'] ?? 0);
    recentLosses.push(...((cp.state['recentLosses'] as number[] | undefined) ?? []));
    for (const t of cp.tensors.values()) t.dispose();
  }

  function save(step: number): void {
    if (sink === undefined) return;
    scope(() => {
      const tensors = new Map<string, Tensor>();
      for (const [name, t] of c.encoder.stateDict()) tensors.set(`model.${name}`, t);
      const sd = optimizer.stateDict();
      for (const [name, t] of sd.state) tensors.set(`optim.${name}`, t);
      tensors.set('generator.data', genData.getState());
      sink.saveCheckpoint(step, tensors, { step, seconds: elapsed, paramGroups: sd.paramGroups, recentLosses });
    });
  }

  function evaluate(step: number, trainLoss: number): Record<string, number> {
    c.encoder.eval();
    const values = noGrad(() =>
      scope(() => {
        const recovered = embedLatents(c, zEval);
        const out: Record<string, number> = {};
        for (const m of metrics) Object.assign(out, m(zEval, recovered));
        return out;
      }),
    );
    c.encoder.train();
    sink?.appendMetrics({ step, seconds: elapsed, loss: trainLoss, ...values });
    return values;
  }

  function finalSample(n: number): RunResult['sample'] {
    c.encoder.eval();
    return noGrad(() =>
      scope(() => {
        const z = zEval.narrow(0, 0, Math.min(n, zEval.size(0)));
        return { truth: toRows(z), recovered: toRows(embedLatents(c, z)) };
      }),
    );
  }

  const B = spec.train.batch;
  const total = spec.train.iterations;
  let last: Record<string, number> = {};
  let started = performance.now();
  try {
    c.encoder.train();
    for (let step = startStep + 1; step <= total; step++) {
      const loss = scope(() => {
        const z = c.marginal.sample(B, genData);
        const zPos = c.conditional.sample(z, genData);
        const zNeg = c.sampleNegatives(z, genData);
        // One forward pass over anchors, positives and negatives (shared BatchNorm statistics).
        const all = cat([z, zPos, zNeg.reshape(-1, z.size(1))]);
        const f = embedLatents(c, all);
        const d = f.size(1);
        const anchors = f.narrow(0, 0, B);
        const positives = f.narrow(0, B, B);
        const rest = f.narrow(0, 2 * B, f.size(0) - 2 * B);
        const negatives = zNeg.ndim === 3 ? rest.reshape(B, zNeg.size(1), d) : rest;
        const out = c.loss({ anchors, positives, negatives });
        optimizer.zeroGrad();
        out.loss.backward();
        optimizer.step();
        return out.loss.item();
      });
      if (!Number.isFinite(loss)) throw new Error(`training diverged: loss is ${loss} at step ${step}`);
      recentLosses.push(loss);
      if (recentLosses.length > 100) recentLosses.shift();
      const now = performance.now();
      elapsed += (now - started) / 1000;
      started = now;
      options.onStep?.(step, loss);
      const isEnd = step === total;
      if (step % spec.eval.every === 0 || isEnd) last = evaluate(step, mean(recentLosses));
      if (step % spec.train.checkpointEvery === 0 && !isEnd) save(step);
      if (options.yieldEvery !== undefined && step % options.yieldEvery === 0) {
        await yieldTurn();
        started = performance.now();
      }
      if (options.stopAfter !== undefined && step >= options.stopAfter && !isEnd) return undefined;
    }
    if (startStep >= total) last = evaluate(total, mean(recentLosses));
    return { steps: total, seconds: elapsed, finalLoss: mean(recentLosses), metrics: last, sample: finalSample(SAMPLE_POINTS) };
  } finally {
    optimizer.dispose();
    zEval.dispose();
    c.dispose();
  }
}

const SAMPLE_POINTS = 400;

function toRows(t: Tensor): number[][] {
  const [n, d] = t.shape as [number, number];
  const flat = t.toArray();
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d).map((x) => Math.round(x * 1e5) / 1e5));
}

function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
