// The inverse-patches encoder of Paper A (high inductive bias for the patches process
// g = P ∘ RY(π/2) ∘ P, P(y) = R_z(α(k(y₃)))·y, see src/processes/patches.ts): one MLP predicts the
// original height z₃ (through tanh), another predicts soft slice weights (softmax over the K
// slices), and the process is undone in reverse order with soft rotations:
//   t = P̃_outer⁻¹(x),  u = RY(−π/2)·t,  r = P̃_inner⁻¹(u),  f(x) = normalize(r₁, r₂, ẑ₃),
// where a soft inverse rotation P̃⁻¹(y) = Σ_k w_k R_z(−α_k)·y is the weight-averaged rotation of
// (y₁, y₂) (y₃ is kept), α_k the process's angle of slice k, and ẑ₃ the predicted height (it
// replaces r₃, as the reference does).
//
// How it mirrors the process and the reference (BosonicJustin/CLTheory, InversePatchesEncoder):
//  - Slice angles follow the PatchesProcess `variant`: 'reference' rotates slice k by
//    +π/max(1, K−k), so its inverse rotates by −π/max(1, K−k) (the reference encoder's "−π/denom");
//    'design' rotates by −π/max(1, K−k), so its inverse rotates by +π/max(1, K−k). Either way the
//    encoder uses minus the process angle. The slice weights are indexed by the process's slice
//    k ∈ {0, …, K−1} (for 'reference' that is the band k/K < |z₃| ≤ (k+1)/K; the null set z₃ = 0,
//    k = −1, is not represented).
//  - RY(−π/2) is applied as the exact signed permutation (y₁, y₂, y₃) ↦ (−y₃, y₂, y₁), as the
//    process applies RY(π/2).
//  - **(ours)** The bucket MLP outputs 2K logits: one softmax for the outer (second) rotation and
//    one for the inner (first). The reference uses a single set of weights for both stages, which
//    cannot invert the process when a point's two slices differ; with two sets, hard one-hot
//    weights on the true slices and ẑ₃ = z₃ give g⁻¹ exactly (see `invert`).
//  - Predictor widths are the reference's: z₃: 3 → 32 → 16 → 1 (tanh); buckets: 3 → 64 → 32 → 2K.
import { mlp, Module, type Sequential } from '../nn/index.js';
import type { PatchesVariant } from '../processes/index.js';
import { F, scope, stack, tensor, type Generator, type Tensor } from '../torch/index.js';
import { checkEncoderInput, checkPositiveInt } from './mlp-encoder.js';

export interface InversePatchesEncoderOptions {
  /** Number of slices K; default 4 (must match the PatchesProcess). */
  slices?: number;
  /** Slicing rule of the process to invert (fixes the rotation signs); default 'reference'. */
  variant?: PatchesVariant;
  /** Hidden widths of the z₃ predictor; default [32, 16]. */
  zHidden?: number[];
  /** Hidden widths of the slice-weight predictor; default [64, 32]. */
  bucketHidden?: number[];
  /** Source of the initial weights (z₃ predictor first, then the bucket predictor). */
  gen: Generator;
}

/** The soft slice weights of both stages, each [n, K] with rows summing to 1. */
export interface PatchesBucketWeights {
  /** Weights of the slice of the second (outer) rotation, i.e. of the slice of x₃. */
  outer: Tensor;
  /** Weights of the slice of the first (inner) rotation, i.e. of the slice of z₃. */
  inner: Tensor;
}

/**
 * Soft inverse of PatchesProcess (see the file header).
 *
 * Shapes: x [n, 3] (float32) → [n, 3], rows of unit norm.
 *
 * @example
 * const f = new InversePatchesEncoder({ gen: new Generator(0) });   // K = 4, 'reference'
 * f.forward(x).shape;                                               // [n, 3]
 * f.invert(x, z3, { outer, inner });                                // with given z₃ and weights
 */
export class InversePatchesEncoder extends Module {
  readonly inDim = 3;
  readonly outDim = 3;
  readonly slices: number;
  readonly variant: PatchesVariant;
  readonly zPredictor: Sequential;
  readonly bucketPredictor: Sequential;
  /** −α_k of each slice k (the inverse angles), as plain numbers. */
  readonly inverseAngles: readonly number[];

  constructor(options: InversePatchesEncoderOptions) {
    super();
    const { slices = 4, variant = 'reference', zHidden = [32, 16], bucketHidden = [64, 32], gen } = options;
    checkPositiveInt('InversePatchesEncoder', 'slices', slices);
    if (variant !== 'reference' && variant !== 'design')
      throw new RangeError(`InversePatchesEncoder: variant must be 'reference' or 'design', got '${String(variant)}'`);
    for (const [name, widths] of [
      ['zHidden', zHidden],
      ['bucketHidden', bucketHidden],
    ] as const) {
      if (!Array.isArray(widths))
        throw new TypeError(`InversePatchesEncoder: ${name} must be an array of layer widths`);
      widths.forEach((h, i) => checkPositiveInt('InversePatchesEncoder', `${name}[${i}]`, h));
    }
    this.slices = slices;
    this.variant = variant;
    const processSign = variant === 'design' ? -1 : 1;
    this.inverseAngles = Array.from({ length: slices }, (_, k) => (-processSign * Math.PI) / Math.max(1, slices - k));
    this.zPredictor = this.registerModule(
      'zPredictor',
      mlp({ inDim: 3, hidden: [...zHidden], outDim: 1, batchNorm: false, gen }),
    );
    this.bucketPredictor = this.registerModule(
      'bucketPredictor',
      mlp({ inDim: 3, hidden: [...bucketHidden], outDim: 2 * slices, batchNorm: false, gen }),
    );
  }

  /** The predicted height ẑ₃ [n] ∈ (−1, 1). */
  predictZ3(x: Tensor): Tensor {
    checkEncoderInput('InversePatchesEncoder', x, 3);
    return scope(() => this.zPredictor.forward(x).squeeze(1).tanh());
  }

  /** The predicted soft slice weights of both stages (softmax over the K slices). */
  predictBuckets(x: Tensor): PatchesBucketWeights {
    checkEncoderInput('InversePatchesEncoder', x, 3);
    return scope(() => {
      const logits = this.bucketPredictor.forward(x).reshape(x.shape[0] ?? 0, 2, this.slices);
      const [outer, inner] = F.softmax(logits, 2).unbind(1) as [Tensor, Tensor];
      return { outer, inner };
    });
  }

  /** Σ_k w_k R_z(−α_k)·y: rotates (y₁, y₂) by the weight-averaged rotation matrix, keeps y₃. */
  #softInverseRotate(y: Tensor, w: Tensor): Tensor {
    return scope(() => {
      const angles = tensor(this.inverseAngles as number[], [this.slices], w.dtype);
      const cos = w.matmul(angles.cos());
      const sin = w.matmul(angles.sin());
      const [y1, y2, y3] = y.unbind(1) as [Tensor, Tensor, Tensor];
      return stack([cos.mul(y1).sub(sin.mul(y2)), sin.mul(y1).add(cos.mul(y2)), y3], 1);
    });
  }

  /**
   * The encoder's map with given z₃ [n] and slice weights (each [n, K]) instead of the predicted
   * ones. Any float dtype (no parameters are involved). With z₃ the true height and one-hot weights
   * on the true slices (outer: slice of x₃, inner: slice of z₃), this is PatchesProcess.inverse.
   */
  invert(x: Tensor, z3: Tensor, weights: PatchesBucketWeights): Tensor {
    const shape = x.shape;
    if (shape.length !== 2 || shape[1] !== 3)
      throw new RangeError(`InversePatchesEncoder: expects x of shape [n, 3], got [${shape.join(', ')}]`);
    const n = shape[0];
    if (z3.shape.length !== 1 || z3.shape[0] !== n)
      throw new RangeError(`InversePatchesEncoder: expects z3 of shape [${n}], got [${z3.shape.join(', ')}]`);
    for (const [name, w] of [
      ['outer', weights.outer],
      ['inner', weights.inner],
    ] as const)
      if (w.shape.length !== 2 || w.shape[0] !== n || w.shape[1] !== this.slices)
        throw new RangeError(
          `InversePatchesEncoder: expects ${name} weights of shape [${n}, ${this.slices}], got [${w.shape.join(', ')}]`,
        );
    return scope(() => {
      const turned = this.#softInverseRotate(x, weights.outer);
      const [t1, t2, t3] = turned.unbind(1) as [Tensor, Tensor, Tensor];
      const first = stack([t3.neg(), t2, t1], 1); // RY(−π/2)
      const [r1, r2] = this.#softInverseRotate(first, weights.inner).unbind(1) as [Tensor, Tensor, Tensor];
      return F.normalize(stack([r1, r2, z3], 1), 1);
    });
  }

  forward(x: Tensor): Tensor {
    return scope(() => this.invert(x, this.predictZ3(x), this.predictBuckets(x)));
  }
}
