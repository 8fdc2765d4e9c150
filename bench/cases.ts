// The clab side of the benchmarks (issue 5). Each case builds its inputs once (untimed) and returns
// one `step` that does the timed work; bench/reference.py builds the same shapes and runs the same
// ops in PyTorch. Keep the two files in step: a case id here is a case id there.
import { Generator, F, cat, grad, keep, randn, scope, type Tensor } from '../src/torch/index.js';
import { MlpEncoder, RESNET18_PAPER, ResNet18Encoder, resnet18Parameters } from '../src/encoders/index.js';
import { infoNCE, ntXent } from '../src/losses/index.js';
import type { Module } from '../src/nn/index.js';
import { UniformSphere, VonMisesFisher, sampleVonMisesFisher } from '../src/latent/index.js';
import { Adam } from '../src/optim/index.js';
import { RANK_CASES } from './ranks.js';
import { SWEEP_RUNS, sweepThroughput } from './sweep-throughput.js';

/** A built case: the timed work, and what frees its inputs. */
export interface Built {
  step: () => void;
  dispose: () => void;
}

/** Repetitions of one case: untimed warm-up iterations, then timed ones. */
export interface Reps {
  warmup: number;
  reps: number;
}

export interface BenchCase {
  /** Unique id, also the reference's case name, e.g. `infonce-fwd-bwd/B=4096`. */
  id: string;
  /** Benchmark family selected by `--only`, e.g. `infonce-fwd-bwd`. */
  group: string;
  /** One line on what is measured (printed and stored). */
  what: string;
  /** Default and `--quick` repetitions. */
  reps: Reps;
  quick: Reps;
  /** Set when the case cannot run yet: printed instead of timings. */
  skipped?: string;
  /** Set when only clab runs the case (the reference cannot): why, printed in PyTorch's column. */
  pytorchSkipped?: string;
  /**
   * Problem size under `--quick` when the full size is too slow for a smoke run (vmf-sample: number
   * of samples). Passed to both implementations as `--n`; printed and stored with the results.
   */
  quickN?: number;
  /** Builds the inputs (untimed) and returns the timed step; `dispose` frees the inputs. */
  setup?: (n?: number) => Built;
}

// Paper A's synthetic setting: τ = 0.3, κ = 1/τ, S² latents, batch 2000 (+2000 positives, +2000 negatives).
const TAU = 0.3;
const KAPPA = 1 / TAU;
const PAPER_BATCH = 2000;
const LR = 1e-4;
const D_INFONCE = 128;
const STREAMING_B = 65_536;
// Hidden block order, explicit on both sides: Linear → ReLU → BatchNorm, the CLTheory reference
// encoder's order and MlpEncoder's default (same ops and cost as Linear → BatchNorm → ReLU).
const ORDER = 'act-norm';

/**
 * One training step of `encoder` with Adam: `lossOf()` (inputs and forward included), `zeroGrad`,
 * backward, Adam step, and the loss read back (as a training loop logging it would). `dispose`
 * frees the optimizer, the encoder and `inputs` (tensors built for the case).
 */
function adamStep(encoder: Module, lr: number, lossOf: () => Tensor, inputs: Tensor[] = []): Built {
  const optimizer = new Adam(encoder.parameters(), { lr });
  const step = (): void =>
    scope(() => {
      const loss = lossOf();
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      loss.item();
    });
  return {
    step,
    dispose: () => {
      optimizer.dispose();
      encoder.dispose();
      for (const t of inputs) t.dispose();
    },
  };
}

function paperAStep(): Built {
  const gen = new Generator(0);
  const [gInit, gData] = gen.split(2);
  const encoder = new MlpEncoder({ inDim: 3, outDim: 3, order: ORDER, gen: gInit });
  const marginal = new UniformSphere(3);
  const conditional = new VonMisesFisher({ kappa: KAPPA });
  const loss = infoNCE({ tau: TAU });
  return adamStep(encoder, LR, () => {
    const z = marginal.sample(PAPER_BATCH, gData);
    const x = cat([z, conditional.sample(z, gData), marginal.sample(PAPER_BATCH, gData)]);
    const [a, p, n] = encoder.forward(x).split(PAPER_BATCH) as [Tensor, Tensor, Tensor];
    return loss({ anchors: a, positives: p, negatives: n }).loss;
  });
}

function infoNCEFwdBwd(b: number): () => Built {
  return () => {
    const gen = new Generator(0);
    // Two views on the unit sphere (d = 128), leaves that require gradients.
    const [u, v] = keep(
      scope(() => [
        F.normalize(randn([b, D_INFONCE], gen), 1).requiresGrad_(),
        F.normalize(randn([b, D_INFONCE], gen), 1).requiresGrad_(),
      ]),
    ) as [Tensor, Tensor];
    const loss = infoNCE({ tau: TAU });
    const step = (): void =>
      scope(() => {
        // Shared negatives = the other view ([B, d]): logits u·vᵀ/τ, positive u_i·v_i/τ.
        const out = loss({ anchors: u, positives: v, negatives: v });
        const grads = grad(out.loss, [u, v]);
        for (const g of grads) g?.dispose();
        out.loss.item();
      });
    return {
      step,
      dispose: () => {
        u.dispose();
        v.dispose();
      },
    };
  };
}

function mlpFwdBwd(): Built {
  const gen = new Generator(0);
  const encoder = new MlpEncoder({ inDim: 3, outDim: 3, order: ORDER, gen });
  const [x, gOut] = keep(scope(() => [randn([3 * PAPER_BATCH, 3], gen), randn([3 * PAPER_BATCH, 3], gen)])) as [
    Tensor,
    Tensor,
  ];
  const step = (): void =>
    scope(() => {
      encoder.zeroGrad();
      encoder.forward(x).backward(gOut);
    });
  return {
    step,
    dispose: () => {
      encoder.dispose();
      x.dispose();
      gOut.dispose();
    },
  };
}

/** One float32 product a [m, k] @ b [k, n]: clab's GEMM backend (oneDNN by default) against PyTorch's (OpenBLAS). */
function gemmF32(m: number, k: number, n: number): () => Built {
  return () => {
    const gen = new Generator(0);
    const [a, b] = keep(scope(() => [randn([m, k], gen), randn([k, n], gen)])) as [Tensor, Tensor];
    return {
      step: () => scope(() => void a.matmul(b)),
      dispose: () => {
        a.dispose();
        b.dispose();
      },
    };
  };
}

const VMF_SAMPLES = 1_000_000;

function vmfSample(k: number): (n?: number) => Built {
  return (n = VMF_SAMPLES) => {
    const gen = new Generator(0);
    const mu = keep(scope(() => F.normalize(randn([n, k], gen), 1)));
    const step = (): void => scope(() => void sampleVonMisesFisher(mu, KAPPA, gen));
    return { step, dispose: () => mu.dispose() };
  };
}

// SimCLR on CIFAR-10 (Paper A's image setting): two views of B images, NT-Xent τ = 0.5, Adam 3e-4.
const SIMCLR_BATCH = 128;
const SIMCLR_TAU = 0.5;
const SIMCLR_LR = 3e-4;
const RESNET18_PARAMS = resnet18Parameters(RESNET18_PAPER); // 11,168,832: the bare backbone (embedDim = 8·width)

/**
 * One SimCLR step: a fixed batch of 2B random CIFAR-size images (two "views" of B, drawn once, no
 * augmentation in the step), one forward of the 2B through ResNet18Encoder(RESNET18_PAPER), NT-Xent
 * on the two halves, zeroGrad, backward, Adam. `n` overrides B (manual runs: `one.js … --n 32`).
 */
function resnet18CifarStep(b = SIMCLR_BATCH): Built {
  const gen = new Generator(0);
  const [gInit, gData] = gen.split(2);
  const encoder = new ResNet18Encoder({ ...RESNET18_PAPER, gen: gInit });
  const x = keep(scope(() => randn([2 * b, 3, 32, 32], gData)));
  const loss = ntXent({ tau: SIMCLR_TAU });
  return adamStep(
    encoder,
    SIMCLR_LR,
    () => {
      const [u, v] = encoder.forward(x).split(b) as [Tensor, Tensor];
      return loss({ anchors: u, positives: v }).loss;
    },
    [x],
  );
}

export const CASES: BenchCase[] = [
  {
    id: 'paperA-step',
    group: 'paperA-step',
    what: 'S² latents, MLP [128,256,256,256,128] (Linear→ReLU→BatchNorm blocks), 2000 anchors + 2000 vMF positives + 2000 uniform negatives in one forward, InfoNCE τ=0.3, backward, Adam',
    reps: { warmup: 5, reps: 30 },
    quick: { warmup: 2, reps: 5 },
    setup: paperAStep,
  },
  ...[512, 4096, 16384].map((b): BenchCase => ({
    id: `infonce-fwd-bwd/B=${b}`,
    group: 'infonce-fwd-bwd',
    what: `InfoNCE loss + grad w.r.t. both views, B=${b}, d=${D_INFONCE}, negatives = the other view (shared [B,d])`,
    reps: b >= 16384 ? { warmup: 1, reps: 3 } : b >= 4096 ? { warmup: 2, reps: 10 } : { warmup: 5, reps: 50 },
    quick: b >= 16384 ? { warmup: 0, reps: 1 } : { warmup: 1, reps: 3 },
    setup: infoNCEFwdBwd(b),
  })),
  {
    // Paper B's full-batch regime: only a streaming loss fits. PyTorch's dense composition holds
    // about four B×B float32 matrices at once (4.4 GB measured at B = 16384), ≈ 70 GB here.
    id: `infonce-fwd-bwd/B=${STREAMING_B}`,
    group: 'infonce-fwd-bwd',
    what: `InfoNCE loss + grad w.r.t. both views, B=${STREAMING_B}, d=${D_INFONCE}, negatives = the other view; clab's fused, chunked kernel (never holds the B×B logits)`,
    reps: { warmup: 0, reps: 2 },
    quick: { warmup: 0, reps: 1 },
    pytorchSkipped: `not run: the dense loss needs ≈ 4 B×B float32 matrices at once (≈ ${Math.round((4 * STREAMING_B * STREAMING_B * 4) / 2 ** 30)} GiB), more than this machine's memory`,
    setup: infoNCEFwdBwd(STREAMING_B),
  },
  {
    id: 'mlp-fwd-bwd',
    group: 'mlp-fwd-bwd',
    what: 'MlpEncoder (3→[128,256,256,256,128] Linear→ReLU→BatchNorm blocks→3, L2-normalised) forward + backward, batch 6000',
    reps: { warmup: 5, reps: 30 },
    quick: { warmup: 2, reps: 5 },
    setup: mlpFwdBwd,
  },
  // The products of the MLP's hidden layers and of InfoNCE's logits (d = 128).
  ...(
    [
      [6000, 256, 256],
      [4096, 128, 4096],
    ] as const
  ).map(([m, k, n]): BenchCase => ({
    id: `gemm-f32/${m}x${k}x${n}`,
    group: 'gemm-f32',
    what: `one float32 product [${m}, ${k}] @ [${k}, ${n}] (${((2 * m * k * n) / 1e9).toFixed(2)} GFLOP): clab's GEMM backend vs PyTorch's`,
    reps: { warmup: 5, reps: 50 },
    quick: { warmup: 2, reps: 10 },
    setup: gemmF32(m, k, n),
  })),
  ...[3, 64].map((k): BenchCase => ({
    id: `vmf-sample/k=${k}`,
    group: 'vmf-sample',
    what: `10⁶ vMF samples on S^${k - 1}, κ=1/0.3, one mean direction per row (Wood's algorithm)`,
    reps: { warmup: 1, reps: 5 },
    quick: { warmup: 1, reps: 2 },
    quickN: 100_000,
    setup: vmfSample(k),
  })),
  {
    id: 'resnet18-cifar-step',
    group: 'resnet18-cifar-step',
    what:
      `SimCLR step: 2×${SIMCLR_BATCH} random 3×32×32 images in one forward through ResNet-18 (CIFAR stem, width 64, ` +
      `512-d L2-normalised, ${RESNET18_PARAMS.toLocaleString('en-US')} parameters), NT-Xent τ=${SIMCLR_TAU}, backward, Adam (lr ${SIMCLR_LR})`,
    reps: { warmup: 1, reps: 5 },
    quick: { warmup: 1, reps: 2 },
    setup: resnet18CifarStep,
  },
  ...[1, 2].map((workers): BenchCase => ({
    id: `sweep-throughput/workers=${workers}`,
    group: 'sweep-throughput',
    what: `a ${SWEEP_RUNS}-run sweep through ${workers} worker process${workers === 1 ? '' : 'es'} of one thread each (bench/sweep-throughput.ts); runs per minute = ${SWEEP_RUNS * 60} / seconds`,
    reps: { warmup: 0, reps: 3 },
    quick: { warmup: 0, reps: 1 },
    pytorchSkipped: 'clab only: the throughput of clab’s executor',
    setup: sweepThroughput(workers),
  })),
  // Data-parallel training (issue 13): 2 ranks × 1 thread vs 1 rank × 2 threads, and the all-reduce.
  ...RANK_CASES,
];
