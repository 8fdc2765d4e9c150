// Generative processes x = g(z) of Paper A's synthetic setup (design/papers.md, "Generative
// processes g"), plus the monomial embedding of its S⁹ experiment. Each is frozen: parameters are
// drawn once from the Generator given at construction and never trained; `apply` is
// differentiable in z.
import type { Generator } from '../torch/index.js';
import { IdentityProcess, type IdentityOptions } from './identity.js';
import { InvertibleMlpProcess, type InvertibleMlpOptions } from './invertible-mlp.js';
import { LinearProcess, type LinearOptions } from './linear.js';
import { MonomialProcess, type MonomialOptions } from './monomial.js';
import { PatchesProcess, type PatchesOptions } from './patches.js';
import { SpiralProcess, type SpiralOptions } from './spiral.js';
import type { Process } from './types.js';

export type { Process } from './types.js';
export { IdentityProcess, type IdentityOptions } from './identity.js';
export { LinearProcess, type LinearOptions, type LinearBias } from './linear.js';
export { SpiralProcess, type SpiralOptions } from './spiral.js';
export { PatchesProcess, type PatchesOptions, type PatchesVariant } from './patches.js';
export { InvertibleMlpProcess, type InvertibleMlpOptions } from './invertible-mlp.js';
export { MonomialProcess, type MonomialOptions } from './monomial.js';

/**
 * A process by tagged kind, as in an experiment spec (`process: { kind: linear, outDim: 7 }`).
 * The latent dimension is the experiment's, so it is not part of the spec.
 */
export type ProcessSpec =
  | ({ kind: 'identity' } & Omit<IdentityOptions, 'dim'>)
  | ({ kind: 'linear' } & Omit<LinearOptions, 'inDim'>)
  | ({ kind: 'spiral' } & Omit<SpiralOptions, 'dim'>)
  | ({ kind: 'patches' } & Omit<PatchesOptions, 'dim'>)
  | ({ kind: 'invertible-mlp' } & Omit<InvertibleMlpOptions, 'dim'>)
  | ({ kind: 'monomial' } & Omit<MonomialOptions, 'dim'>);

export type ProcessKind = ProcessSpec['kind'];
export const PROCESS_KINDS: readonly ProcessKind[] = [
  'identity',
  'linear',
  'spiral',
  'patches',
  'invertible-mlp',
  'monomial',
];

/**
 * Builds the process `spec` for latents in R^latentDim (on S^{latentDim−1}). Processes with
 * parameters draw them from `gen`; the others ignore it. Unknown kinds throw, listing the valid ones.
 *
 * @example
 * const g = createProcess({ kind: 'spiral', turns: 2 }, 3, gen);
 */
export function createProcess(spec: ProcessSpec, latentDim: number, gen: Generator): Process {
  const { kind, ...options } = spec;
  switch (kind) {
    case 'identity':
      return new IdentityProcess({ ...options, dim: latentDim });
    case 'linear':
      return new LinearProcess(gen, { ...options, inDim: latentDim });
    case 'spiral':
      return new SpiralProcess({ ...options, dim: latentDim });
    case 'patches':
      return new PatchesProcess({ ...options, dim: latentDim });
    case 'invertible-mlp':
      return new InvertibleMlpProcess(gen, { ...options, dim: latentDim });
    case 'monomial':
      return new MonomialProcess({ ...options, dim: latentDim });
    default:
      throw new RangeError(
        `createProcess: unknown process kind '${String(kind)}'; valid kinds: ${PROCESS_KINDS.join(', ')}`,
      );
  }
}
export { rotateXY } from './rotate-xy.js';
