// Turns a resolved spec into the science objects of one run: the registry from spec kinds to
// implementations (each science domain's own factory: createProcess, createEncoder, …).
import { noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import type { Module } from '../nn/index.js';
import { Adam, SGD, type Optimizer } from '../optim/index.js';
import { ConstrainedSupport, RestrictedVonMisesFisher, UniformSphere, VonMisesFisher, type Conditional, type Marginal } from '../latent/index.js';
import { createProcess, type Process } from '../processes/index.js';
import { createEncoder } from '../encoders/index.js';
import { adaptedInfoNCE, infoNCE, sampleAdaptedNegatives, type ContrastiveLoss } from '../losses/index.js';
import type { ConditionalConfig, ExperimentSpec, OptimizerConfig } from './spec.js';

export function buildConditional(config: ConditionalConfig): Conditional {
  if (config.kind === 'vmf' || config.fixedDims === 0) return new VonMisesFisher({ kappa: config.kappa });
  return new RestrictedVonMisesFisher({ kappa: config.kappa, fixedDims: config.fixedDims });
}

export function buildOptimizer(config: OptimizerConfig, params: readonly Tensor[]): Optimizer {
  switch (config.kind) {
    case 'adam':
      return new Adam(params, { lr: config.lr, weightDecay: config.weightDecay });
    case 'sgd':
      return new SGD(params, { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay });
  }
}

/** Everything one run trains and evaluates with. Dispose when done. */
export interface RunComponents {
  marginal: Marginal;
  conditional: Conditional;
  process: Process;
  encoder: Module & { forward(x: Tensor): Tensor };
  loss: ContrastiveLoss;
  /**
   * Latent negatives for a batch of anchors: [M, k] shared by all anchors (standard InfoNCE,
   * Paper A's "one fresh batch of uniform negatives"), or [B, M, k] per anchor (corrected loss).
   */
  sampleNegatives(anchors: Tensor, gen: Generator): Tensor;
  dispose(): void;
}

type RunSpecBody = Omit<ExperimentSpec, 'sweep' | 'presets' | 'seeds'>;

/**
 * Builds the run's objects. `genProcess` fixes the frozen generative process, `genInit` the
 * encoder's initial weights (both from the run's seed).
 */
export function buildComponents(spec: RunSpecBody, genProcess: Generator, genInit: Generator): RunComponents {
  const k = spec.latent.dim;
  const marginal = new UniformSphere(k);
  const conditional = buildConditional(spec.conditional);
  const process = createProcess(spec.process, k, genProcess);
  const encoder = createEncoder(spec.encoder, { inDim: process.outDim, outDim: k }, genInit) as RunComponents['encoder'];
  const batch = spec.train.batch;
  let loss: ContrastiveLoss;
  let sampleNegatives: RunComponents['sampleNegatives'];
  if (spec.loss.kind === 'infonce') {
    loss = infoNCE({ tau: spec.loss.tau });
    sampleNegatives = (_anchors, gen) => marginal.sample(batch, gen);
  } else {
    const { negativesPerAnchor: M, rho } = spec.loss;
    const fixedDims = spec.conditional.kind === 'restricted-vmf' ? spec.conditional.fixedDims : 0;
    const support = new ConstrainedSupport({ fixedDims });
    loss = adaptedInfoNCE({ tau: spec.loss.tau, negativesPerAnchor: M, rho });
    sampleNegatives = (anchors, gen) => sampleAdaptedNegatives(anchors, support, M, rho, gen);
  }
  return {
    marginal,
    conditional,
    process,
    encoder,
    loss,
    sampleNegatives,
    dispose() {
      encoder.dispose();
      process.dispose?.();
    },
  };
}

/** Embeds latents through the frozen process and the encoder: z [..., k] → f(g(z)) [..., d]. */
export function embedLatents(c: RunComponents, z: Tensor): Tensor {
  return scope(() => {
    const lead = z.shape.slice(0, -1);
    const flat = z.reshape(-1, z.size(-1));
    const x = noGrad(() => c.process.apply(flat));
    const f = c.encoder.forward(x);
    return f.reshape(...lead, f.size(-1));
  });
}
