// The spec's `latent` section: the latent space and the law of the anchors.
//   latent: { dim: 3 }                                              Paper A: uniform on S^{k−1}
//   latent: { dim: 10, space: box, bounds: [0, 1], marginal: { kind: uniform } }      cl-ica
//   latent: { dim: 10, space: real, marginal: { kind: laplace, scale: 1 } }           cl-ica
//   latent: { dim: 10, space: real, marginal: { kind: content-style, content: 5 } }   von Kügelgen et al.
// A section that names neither space, bounds nor marginal is resolved to exactly { dim } — Paper A's
// uniform sphere, sampled by the same code as before spaces existed — so existing specs resolve
// (and hash to run keys) unchanged and their numbers stay bit-identical. Naming any of the three
// fills the others' defaults into the resolved spec: space sphere, marginal uniform, and on a box
// bounds [0, 1] (cl-ica main_mlp.py's default box).
import { z } from 'zod';
import { marginalKinds } from '../latent/marginal-kinds.js';
import { SPACE_KINDS, type LatentSpace, type SpaceKind } from '../latent/space.js';
import { unionOf, type ConfigOf } from '../registry/kind.js';

export const MarginalSpec = unionOf(marginalKinds, 'marginal');
export type MarginalConfig = ConfigOf<typeof marginalKinds>;

/** cl-ica main_mlp.py's --box-min / --box-max defaults. */
export const DEFAULT_BOX_BOUNDS: [number, number] = [0, 1];

const LatentFields = z.strictObject({
  dim: z.number().int().min(2, { error: 'latent.dim must be ≥ 2' }).default(3),
  /** sphere (S^{dim−1}, default), box ([low, high]^dim) or real (R^dim). */
  space: z.enum(SPACE_KINDS as [SpaceKind, ...SpaceKind[]]).optional(),
  /** [low, high] of a box (default [0, 1]); box only. */
  bounds: z.tuple([z.number(), z.number()]).optional(),
  /** The law of the anchors (default: uniform). */
  marginal: MarginalSpec.optional(),
});

export interface LatentSection {
  dim: number;
  space?: SpaceKind;
  bounds?: [number, number];
  marginal?: MarginalConfig;
}

/** Fills the defaults of a section that names a space, bounds or marginal; leaves Paper A's { dim } as is. */
function fill(l: z.output<typeof LatentFields>): LatentSection {
  if (l.space === undefined && l.bounds === undefined && l.marginal === undefined) return { dim: l.dim };
  const space = l.space ?? 'sphere';
  const bounds = space === 'box' ? (l.bounds ?? DEFAULT_BOX_BOUNDS) : l.bounds;
  return {
    dim: l.dim,
    space,
    ...(bounds !== undefined ? { bounds } : {}),
    marginal: l.marginal ?? { kind: 'uniform' },
  };
}

export const LatentSpec = LatentFields.transform(fill).default({ dim: 3 });

/** The space a resolved `latent` section declares (the sphere when it names none). */
export function latentSpaceOf(latent: LatentSection): LatentSpace {
  const { dim } = latent;
  switch (latent.space ?? 'sphere') {
    case 'sphere':
      return { kind: 'sphere', dim };
    case 'box': {
      const [low, high] = latent.bounds ?? DEFAULT_BOX_BOUNDS;
      return { kind: 'box', dim, low, high };
    }
    case 'real':
      return { kind: 'real', dim };
  }
}
