// The patches process of Paper A's synthetic setup: S² is cut into horizontal slices by the height
// z₃, each slice is rotated about the z axis by its own angle, the sphere is turned by π/2 about
// the y axis, and the new horizontal slices are rotated again. A bijection of S² made of rigid
// rotations, discontinuous along the slice boundaries.
//
// Two slicing rules exist; `variant` selects one.
//  - 'reference' (default): the code that produced Paper A's numbers (BosonicJustin/CLTheory,
//    data/generation.py, piecewise_rotation + Patches). Slices are taken in |z₃|:
//    k = bucketize(|z₃|, linspace(0, 1, K+1), right=False) − 1, i.e. k = #{j : j/K < |z₃|} − 1, so
//    k/K < |z₃| ≤ (k+1)/K; k = −1 only at z₃ = 0 exactly (a null set). The angle is
//    +π / max(1, K − k): π/K next to the equator up to π next to the poles. The two hemispheres
//    share the same angles (2K − 1 bands of constant angle).
//  - 'design': the rule written in design/papers.md: k = floor((z₃ + 1)·K/2) clamped to [0, K−1]
//    (K bands of equal height over [−1, 1]), angle −π / max(1, K − k).
//  papers.md's "−π" matches the sign the reference's inverse encoder (InversePatchesEncoder) uses
//  to undo the process; the process itself rotates by +π/(K − k). We default to the reference so
//  that runs reproduce the published numbers.
// Turning about y by π/2 is (x₁, x₂, x₃) ↦ (x₃, x₂, −x₁) (RY(π/2)·x). The reference multiplies by
// a float matrix holding cos(π/2) ≈ 6e-17; we apply the exact signed permutation instead, which
// keeps the heights exact copies (the slice of the second rotation is read back bit-for-bit from
// the output). The reference also clamps the output to [−1, 1] against rounding; on S² that
// changes at most one ulp, and we omit it so that the map preserves norms for every input.
import { linspace, scope, stack, type Tensor } from '../torch/index.js';
import { checkInput, checkInteger, checkSphere2 } from './common.js';
import { rotateXY } from './rotate-xy.js';
import type { Process } from './types.js';

export type PatchesVariant = 'reference' | 'design';

export interface PatchesOptions {
  /** Latent dimension; must be 3 (patches are defined on S² only). Default 3. */
  dim?: number;
  /** Number of slices K ≥ 1; default 4 (Paper A). */
  slices?: number;
  /** Slicing rule (see the file header); default 'reference'. */
  variant?: PatchesVariant;
}

const DOMAIN = 'defined on S² only';

/** RY(π/2): (x₁, x₂, x₃) ↦ (x₃, x₂, −x₁). */
function turnY(x: Tensor): Tensor {
  return scope(() => {
    const [x1, x2, x3] = x.unbind(-1) as [Tensor, Tensor, Tensor];
    return stack([x3, x2, x1.neg()], -1);
  });
}

/** RY(−π/2) = RY(π/2)ᵀ: (y₁, y₂, y₃) ↦ (−y₃, y₂, y₁). */
function unturnY(y: Tensor): Tensor {
  return scope(() => {
    const [y1, y2, y3] = y.unbind(-1) as [Tensor, Tensor, Tensor];
    return stack([y3.neg(), y2, y1], -1);
  });
}

/**
 * Patches on S² (Paper A, "patches: K = 4 slices"):
 *   g = P ∘ RY(π/2) ∘ P,  P(x) = R_z(α(k(x₃)))·x,
 * with the slice k and angle α of the chosen `variant`. Each P rotates about the z axis and keeps
 * x₃, so the slice can be read back from the output: the inverse is exact,
 *   g⁻¹ = P⁻¹ ∘ RY(−π/2) ∘ P⁻¹,  P⁻¹(y) = R_z(−α(k(y₃)))·y.
 * Numerically, the inverse reads the first slice from a z₃ recovered through one rotation, so a
 * point whose z₃ lies within rounding error of a slice boundary can be assigned the neighbouring
 * slice (a set of measure ≈ 0).
 *
 * @example
 * const g = new PatchesProcess();                // K = 4, reference slicing
 * const x = g.apply(z);                          // [n, 3], still on S²
 * const back = g.inverse(x);                     // ≈ z
 */
export class PatchesProcess implements Process {
  readonly name = 'patches';
  readonly inDim = 3;
  readonly outDim = 3;
  readonly slices: number;
  readonly variant: PatchesVariant;

  constructor(options: PatchesOptions = {}) {
    checkSphere2('patches', options.dim ?? 3);
    const slices = options.slices ?? 4;
    checkInteger('patches', 'slices', slices, 1);
    const variant = options.variant ?? 'reference';
    if (variant !== 'reference' && variant !== 'design')
      throw new RangeError(`patches: variant must be 'reference' or 'design', got '${String(variant)}'`);
    this.slices = slices;
    this.variant = variant;
  }

  /**
   * The slice index (int64) of each height h [...] (a z₃ column). 'reference': k/K < |h| ≤ (k+1)/K,
   * k ∈ {−1 (only h = 0), 0, …, K−1} (K for |h| > 1); 'design': floor((h + 1)·K/2) in [0, K−1].
   */
  slice(h: Tensor): Tensor {
    const K = this.slices;
    return scope(() => {
      const v = h.detach();
      if (this.variant === 'design')
        return v
          .add(1)
          .mul(K / 2)
          .floor()
          .clamp(0, K - 1)
          .long();
      const dtype = v.dtype === 'float64' ? 'float64' : 'float32';
      const boundaries = linspace(0, 1, K + 1, dtype);
      return v.abs().unsqueeze(-1).gt(boundaries).sum(-1).sub(1);
    });
  }

  /** The rotation angle α of each height h [...]: ±π / max(1, K − k) in h's dtype (no gradient). */
  angle(h: Tensor): Tensor {
    const sign = this.variant === 'design' ? -1 : 1;
    return scope(() =>
      this.slice(h)
        .rsub(this.slices)
        .clampMin(1)
        .to(h.dtype)
        .reciprocal()
        .mul(sign * Math.PI),
    );
  }

  apply(z: Tensor): Tensor {
    checkInput(this.name, z, 3, DOMAIN);
    return scope(() => {
      const first = rotateXY(z, this.angle(z.select(-1, 2)));
      const turned = turnY(first);
      return rotateXY(turned, this.angle(turned.select(-1, 2)));
    });
  }

  inverse(x: Tensor): Tensor {
    checkInput(this.name, x, 3, undefined, 'x');
    return scope(() => {
      const turned = rotateXY(x, this.angle(x.select(-1, 2)).neg());
      const first = unturnY(turned);
      return rotateXY(first, this.angle(first.select(-1, 2)).neg());
    });
  }

  dispose(): void {}
}
