// The latent spaces of cl-ica's benchmark (Zimmermann et al., ICML 2021, "Contrastive Learning
// Inverts the Data Generating Process"; code brendel-group/cl-ica, spaces.py): the unit sphere
// S^{k−1} (Paper A's only space), a box [a, b]^k and R^k. A space says where latents live; the
// marginal and the conditional say how they are drawn there. How a sampler keeps its draws in the
// space is part of the space (see `constrainToSpace`):
//   sphere  radial projection x ↦ x/|x| (cl-ica's "projected" normal, Laplace, generalised normal);
//   box     per-coordinate rejection: a coordinate outside [a, b] is redrawn until it falls inside
//           (cl-ica, spaces_utils.truncated_rejection_resampling), so each coordinate follows its
//           law truncated to [a, b] — never reflection, which would put extra mass near the faces;
//   real    no constraint.
import type { Generator, Tensor } from '../torch/index.js';
import { rejectIntoBox } from './box-rejection.js';
import { checkInteger } from './checks.js';

export type SpaceKind = 'sphere' | 'box' | 'real';
export const SPACE_KINDS: readonly SpaceKind[] = ['sphere', 'box', 'real'];

export type LatentSpace =
  | { kind: 'sphere'; dim: number }
  | { kind: 'box'; dim: number; low: number; high: number }
  | { kind: 'real'; dim: number };

/** The unit sphere S^{dim−1} (Paper A's latent space, the default of a spec). */
export const sphere = (dim: number): LatentSpace => ({ kind: 'sphere', dim });

/** Throws unless the space is well formed (dim ≥ 1; a box with finite low < high). */
export function checkSpace(who: string, space: LatentSpace): LatentSpace {
  checkInteger(who, 'space.dim', space.dim, 1);
  if (!SPACE_KINDS.includes(space.kind))
    throw new RangeError(`${who}: space must be one of ${SPACE_KINDS.join(', ')}, got ${String(space.kind)}`);
  if (space.kind === 'box' && !(Number.isFinite(space.low) && Number.isFinite(space.high) && space.low < space.high))
    throw new RangeError(`${who}: a box needs finite bounds low < high, got [${space.low}, ${space.high}]`);
  return space;
}

/** "S^2", "[0, 1]^10", "R^10" (for messages and reports). */
export function describeSpace(space: LatentSpace): string {
  switch (space.kind) {
    case 'sphere':
      return `S^${space.dim - 1}`;
    case 'box':
      return `[${space.low}, ${space.high}]^${space.dim}`;
    case 'real':
      return `R^${space.dim}`;
  }
}

/**
 * Draws `draw(gen)` (float64 [n, k] candidates around their centres) and makes the result lie in
 * the space: projected on the sphere, redrawn coordinate by coordinate into the box, kept in R^k.
 * `draw` is called once, or once per rejection round on the box (each call a fresh i.i.d. draw).
 */
export function constrainToSpace(space: LatentSpace, draw: (gen: Generator) => Tensor, gen: Generator): Tensor {
  switch (space.kind) {
    case 'sphere': {
      const x = draw(gen);
      // x/|x| in place of F.normalize: a zero row has probability 0 under every continuous law here.
      return x.div_(x.mul(x).sum(1, true).sqrt_());
    }
    case 'box':
      return rejectIntoBox(draw, space.low, space.high, gen);
    case 'real':
      return draw(gen);
  }
}
