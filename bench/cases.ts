// The clab side of the benchmarks (issue 5). Each case builds its inputs once (untimed) and returns
// one `step` that does the timed work; bench/reference.py builds the same shapes and runs the same
// ops in PyTorch. Keep the two files in step: a case id here is a case id there.
import { Generator, F, cat, grad, keep, randn, scope, type Tensor } from '../src/torch/index.js';
import { MlpEncoder } from '../src/encoders/index.js';
import { infoNCE } from '../src/losses/index.js';
import { UniformSphere, VonMisesFisher, sampleVonMisesFisher } from '../src/latent/index.js';
import { Adam } from '../src/optim/index.js';

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
  /**
   * Problem size under `--quick` when the full size is too slow for a smoke run (vmf-sample: number
   * of samples). Passed to both implementations as `--n`; printed and stored with the results.
   */
  quickN?: number;
  /** Builds the inputs (untimed) and returns the timed step; `dispose` frees the inputs. */
  setup?: (n?: number) => { step: () => void; dispose: () => void };
}

// Paper A's synthetic setting: τ = 0.3, κ = 1/τ, S² latents, batch 2000 (+2000 positives, +2000 negatives).
const TAU = 0.3;
const KAPPA = 1 / TAU;
const PAPER_BATCH = 2000;
const LR = 1e-4;
const D_INFONCE = 128;
// Hidden block order, explicit on both sides: Linear → ReLU → BatchNorm, the CLTheory reference
// encoder's order and MlpEncoder's default (same ops and cost as Linear → BatchNorm → ReLU).
const ORDER = 'act-norm';

function paperAStep(): { step: () => void; dispose: () => void } {
  const gen = new Generator(0);
  const [gInit, gData] = gen.split(2);
  const encoder = new MlpEncoder({ inDim: 3, outDim: 3, order: ORDER, gen: gInit });
  const optimizer = new Adam(encoder.parameters(), { lr: LR });
  const marginal = new UniformSphere(3);
  const conditional = new VonMisesFisher({ kappa: KAPPA });
  const loss = infoNCE({ tau: TAU });
  const step = (): void =>
    scope(() => {
      const z = marginal.sample(PAPER_BATCH, gData);
      const x = cat([z, conditional.sample(z, gData), marginal.sample(PAPER_BATCH, gData)]);
      const [a, p, n] = encoder.forward(x).split(PAPER_BATCH) as [Tensor, Tensor, Tensor];
      const out = loss({ anchors: a, positives: p, negatives: n });
      optimizer.zeroGrad();
      out.loss.backward();
      optimizer.step();
      out.loss.item();
    });
  return { step, dispose: () => encoder.dispose() };
}

function infoNCEFwdBwd(b: number): () => { step: () => void; dispose: () => void } {
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

function mlpFwdBwd(): { step: () => void; dispose: () => void } {
  const gen = new Generator(0);
  const encoder = new MlpEncoder({ inDim: 3, outDim: 3, order: ORDER, gen });
  const [x, gOut] = keep(scope(() => [randn([3 * PAPER_BATCH, 3], gen), randn([3 * PAPER_BATCH, 3], gen)])) as [Tensor, Tensor];
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

const VMF_SAMPLES = 1_000_000;

function vmfSample(k: number): (n?: number) => { step: () => void; dispose: () => void } {
  return (n = VMF_SAMPLES) => {
    const gen = new Generator(0);
    const mu = keep(scope(() => F.normalize(randn([n, k], gen), 1)));
    const step = (): void => scope(() => void sampleVonMisesFisher(mu, KAPPA, gen));
    return { step, dispose: () => mu.dispose() };
  };
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
  ...[512, 4096, 16384].map(
    (b): BenchCase => ({
      id: `infonce-fwd-bwd/B=${b}`,
      group: 'infonce-fwd-bwd',
      what: `InfoNCE loss + grad w.r.t. both views, B=${b}, d=${D_INFONCE}, negatives = the other view (shared [B,d])`,
      reps: b >= 16384 ? { warmup: 1, reps: 3 } : b >= 4096 ? { warmup: 2, reps: 10 } : { warmup: 5, reps: 50 },
      quick: b >= 16384 ? { warmup: 0, reps: 1 } : { warmup: 1, reps: 3 },
      setup: infoNCEFwdBwd(b),
    }),
  ),
  {
    id: 'mlp-fwd-bwd',
    group: 'mlp-fwd-bwd',
    what: 'MlpEncoder (3→[128,256,256,256,128] Linear→ReLU→BatchNorm blocks→3, L2-normalised) forward + backward, batch 6000',
    reps: { warmup: 5, reps: 30 },
    quick: { warmup: 2, reps: 5 },
    setup: mlpFwdBwd,
  },
  ...[3, 64].map(
    (k): BenchCase => ({
      id: `vmf-sample/k=${k}`,
      group: 'vmf-sample',
      what: `10⁶ vMF samples on S^${k - 1}, κ=1/0.3, one mean direction per row (Wood's algorithm)`,
      reps: { warmup: 1, reps: 5 },
      quick: { warmup: 1, reps: 2 },
      quickN: 100_000,
      setup: vmfSample(k),
    }),
  ),
  {
    id: 'resnet18-cifar-step',
    group: 'resnet18-cifar-step',
    what: 'ResNet-18 on CIFAR-10 images, one training step',
    reps: { warmup: 0, reps: 0 },
    quick: { warmup: 0, reps: 0 },
    skipped: 'image encoders not implemented yet (issue 6)',
  },
];
