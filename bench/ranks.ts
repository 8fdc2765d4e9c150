// Data-parallel bench cases (issue 13), clab only: the Paper A training step on 2 ranks × 1 thread
// against 1 rank × 2 threads (and 1 × 1), and the cost of the gradient all-reduce alone.
//
// The process one.js runs is rank 0 and times its steps as for any case; its setup starts rank 1
// (`node dist/bench/ranks.js peer CASE STEPS`, one libtorch thread) on 127.0.0.1, which runs the
// same number of steps (one.js's --warmup + --reps) and exits. Every step is what the trainer does
// on a rank (src/experiments/trainer.ts with distributed/data-parallel.ts): draw the global batch
// (2000 anchors, 2000 vMF positives, 2000 negatives), keep the rank's third of each, forward,
// optionally gather the negatives and synchronise BatchNorm, InfoNCE, the loss all-reduce,
// backward, the gradient all-reduce (mean), Adam.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainBatch } from '../src/data/source.js';
import { MlpEncoder } from '../src/encoders/index.js';
import { DataParallel } from '../src/experiments/distributed/data-parallel.js';
import type { RunSpecBody } from '../src/experiments/spec.js';
import { UniformSphere, VonMisesFisher } from '../src/latent/index.js';
import { infoNCE } from '../src/losses/index.js';
import { Adam } from '../src/optim/index.js';
import {
  Generator,
  cat,
  initProcessGroup,
  scope,
  setNumThreads,
  zeros,
  type ProcessGroup,
  type Tensor,
} from '../src/torch/index.js';
import type { BenchCase, Built } from './cases.js';

const TAU = 0.3;
const BATCH = 2000;
const LR = 1e-4;
const HERE = fileURLToPath(import.meta.url); // dist/bench/ranks.js

interface Variant {
  ranks: 1 | 2;
  threads: number;
  /** Gathered negatives and synchronised BatchNorm: the setting that equals one process exactly. */
  exact: boolean;
  /** Only the gradient all-reduce is timed. */
  allReduceOnly?: boolean;
  /** Only an all-reduce of one number: the latency of one collective (with its signature exchange). */
  latencyOnly?: boolean;
}

const VARIANTS: Record<string, Variant> = {
  'paperA-ranks/1x1': { ranks: 1, threads: 1, exact: false },
  'paperA-ranks/1x2': { ranks: 1, threads: 2, exact: false },
  'paperA-ranks/2x1': { ranks: 2, threads: 1, exact: false },
  'paperA-ranks/2x1-gather-syncbn': { ranks: 2, threads: 1, exact: true },
  'allreduce-grads/2x1': { ranks: 2, threads: 1, exact: false, allReduceOnly: true },
  'allreduce-latency/2x1': { ranks: 2, threads: 1, exact: false, latencyOnly: true },
};

/** What DataParallel reads of a spec. */
function specOf(exact: boolean): RunSpecBody {
  return {
    loss: { kind: 'infonce', tau: TAU, gather: exact },
    auxiliary: [],
    encoder: { kind: 'mlp', syncBatchNorm: exact },
  } as unknown as RunSpecBody;
}

/** One rank's training step (group undefined: one process, the whole batch). */
function rankStep(group: ProcessGroup | undefined, v: Variant): Built {
  const [gInit, gData] = new Generator(0).split(2);
  const encoder = new MlpEncoder({ inDim: 3, outDim: 3, order: 'act-norm', gen: gInit! });
  const parallel = group !== undefined ? new DataParallel(group, specOf(v.exact)) : undefined;
  parallel?.prepare(encoder);
  const optimizer = new Adam(encoder.parameters(), { lr: LR });
  const params = encoder.parameters();
  const marginal = new UniformSphere(3);
  const conditional = new VonMisesFisher({ kappa: 1 / TAU });
  const loss = infoNCE({ tau: TAU });
  const forwardBackward = (): void => {
    const z = marginal.sample(BATCH, gData!);
    const batch: TrainBatch = {
      anchors: z,
      positives: conditional.sample(z, gData!),
      negatives: marginal.sample(BATCH, gData!),
    };
    const b = parallel ? parallel.shard(batch) : batch;
    const [anchors, positives, negatives] = encoder
      .forward(cat([b.anchors, b.positives, b.negatives!]))
      .split(b.anchors.size(0)) as [Tensor, Tensor, Tensor];
    const emb = { anchors, positives, negatives };
    const out = loss(parallel ? parallel.gatherEmbeddings(emb) : emb);
    optimizer.zeroGrad();
    if (parallel) parallel.lossValue(out.loss);
    else out.loss.item();
    out.loss.backward();
  };
  if (v.latencyOnly) {
    const one = zeros([1]);
    return {
      step: () => group!.allReduce_([one], 'sum'),
      dispose: () => {
        one.dispose();
        optimizer.dispose();
        encoder.dispose();
      },
    };
  }
  if (v.allReduceOnly) {
    scope(forwardBackward); // gradients to reduce, computed once
    return {
      step: () => parallel!.syncGradients(params),
      dispose: () => {
        optimizer.dispose();
        encoder.dispose();
      },
    };
  }
  return {
    step: () =>
      scope(() => {
        forwardBackward();
        parallel?.syncGradients(params);
        optimizer.step();
      }),
    dispose: () => {
      optimizer.dispose();
      encoder.dispose();
    },
  };
}

/** one.js's --warmup + --reps: how many steps rank 1 must take with rank 0. */
function stepsOfThisRun(): number {
  const arg = (name: string): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : 0;
  };
  return arg('warmup') + arg('reps');
}

function setup(id: string): () => Built {
  return () => {
    const v = VARIANTS[id]!;
    setNumThreads(v.threads);
    if (v.ranks === 1) return rankStep(undefined, v);
    // A port from the dynamic range; a collision fails the case with the rendezvous error.
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const env = { MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), WORLD_SIZE: '2' };
    const peer = spawn(process.execPath, [HERE, 'peer', id, String(stepsOfThisRun())], {
      env: { ...process.env, ...env, RANK: '1', CLAB_THREADS: String(v.threads) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    peer.unref();
    const group = initProcessGroup({ masterAddr: '127.0.0.1', masterPort: port, rank: 0, worldSize: 2, timeout: 120 });
    const built = rankStep(group, v);
    return {
      step: built.step,
      dispose: () => {
        built.dispose();
        group.barrier();
        group.destroy();
      },
    };
  };
}

export const RANK_CASES: BenchCase[] = Object.keys(VARIANTS).map((id) => {
  const v = VARIANTS[id]!;
  const exact = v.exact ? ', gathered negatives + synchronised BatchNorm (equals one process)' : '';
  return {
    id,
    group: id.split('/')[0]!,
    what: v.latencyOnly
      ? 'an all-reduce of one float32 between 2 ranks on loopback: the latency of one collective, signature exchange included'
      : v.allReduceOnly
        ? "the gradient all-reduce (mean) of the Paper A MLP's 200,451 parameters (0.8 MB) between 2 ranks on loopback"
        : `Paper A step (global batch 2000, MLP [128,256,256,256,128], InfoNCE, Adam) on ${v.ranks} rank${v.ranks > 1 ? 's' : ''} × ${v.threads} thread${v.threads > 1 ? 's' : ''}${exact}`,
    reps: v.allReduceOnly || v.latencyOnly ? { warmup: 10, reps: 200 } : { warmup: 5, reps: 30 },
    quick: { warmup: 2, reps: 5 },
    pytorchSkipped:
      'clab only: the ratios of interest are between clab configurations (README, Data-parallel training)',
    setup: setup(id),
  };
});

// Rank 1 of a case: `node dist/bench/ranks.js peer CASE STEPS`.
if (process.argv[2] === 'peer' && path.resolve(process.argv[1] ?? '') === HERE) {
  const [id, steps] = [process.argv[3]!, Number(process.argv[4])];
  const v = VARIANTS[id]!;
  setNumThreads(v.threads);
  const group = initProcessGroup({
    masterAddr: '127.0.0.1',
    masterPort: Number(process.env['MASTER_PORT']),
    rank: 1,
    worldSize: 2,
    timeout: 120,
  });
  const built = rankStep(group, v);
  for (let i = 0; i < steps; i++) built.step();
  built.dispose();
  group.barrier();
  group.destroy();
}
