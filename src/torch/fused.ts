// Fused kernels of the native engine (issue 5): one native call where a composition of ATen ops
// would hold several large intermediates. Each has a test that it equals the unfused composition
// in values and gradients (test/torch/fused.test.ts).
import { native } from './native.js';
import { Tensor } from './tensor.js';

/**
 * Default target size of one block of logits in the chunked kernels: 1 MiB. Chosen by timing
 * infoNCE forward + backward with chunkBytes from 256 KiB to 32 MiB at B = 2000 (d = 3) and
 * B = 4096, 16384 (d = 128) on this 2-core CPU (2026-11-25, ad hoc, not a bench case): 1 MiB was
 * fastest or within noise of it everywhere; larger blocks fall out of cache.
 */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface ChunkOptions {
  /**
   * Target size of one block of the similarity matrix, in bytes (default 1 MiB). Rows are
   * processed in blocks of ⌊chunkBytes / (M · element size)⌋ (at least 128 rows, or B if smaller, so the GEMMs stay efficient); the result does
   * not depend on it beyond float rounding of the accumulated negative gradient.
   */
  chunkBytes?: number;
}

/**
 * The InfoNCE log-normaliser with negatives shared by every anchor, computed block by block:
 *
 *     lse_i = log( exp(a_i·p_i/τ) + Σ_j exp(a_i·n_j/τ) )
 *
 * Shapes: anchors, positives [B, d]; negatives [M, d]; result [B] (float32 or float64, as the
 * inputs). Equal to `cat([(a·p).sum(1, keepdim), a @ nᵀ], 1).div(τ).logsumexp(1)` in values and
 * first-order gradients, but never holds the B×M matrix: memory O((B+M)·d + chunk). When gradients
 * are recorded, the gradient for a uniform upstream weight (a mean or sum of lse) is computed in
 * the same pass, so forward + backward cost three GEMMs. Gradients of gradients are not supported.
 *
 * @example
 * const lse = infoNCELogSumExp(a, p, n, 0.3);             // [B]
 * const loss = lse.sub(a.mul(p).sum(1).div(0.3)).mean();  // InfoNCE
 */
export function infoNCELogSumExp(
  anchors: Tensor,
  positives: Tensor,
  negatives: Tensor,
  tau: number,
  options: ChunkOptions = {},
): Tensor {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isFinite(chunkBytes) || chunkBytes < 1)
    throw new RangeError(`infoNCELogSumExp(): chunkBytes must be a number >= 1, got ${String(chunkBytes)}`);
  for (const [name, t] of [
    ['anchors', anchors],
    ['positives', positives],
    ['negatives', negatives],
  ] as const)
    if (!(t instanceof Tensor)) throw new TypeError(`infoNCELogSumExp(): ${name} must be a Tensor`);
  return Tensor.fromNative(
    native.infoNCELogSumExp(anchors.native, positives.native, negatives.native, tau, Math.floor(chunkBytes)),
  );
}

/**
 * Linear → ReLU → BatchNorm (training mode, batch statistics) in one fused float32 kernel:
 *
 *     out = γ · (r − mean) / √(var + ε) + β,   r = relu(x·Wᵀ + b),   mean, var over the N rows
 *
 * Shapes: x [N, in] (N > 1), weight [C, in], bias/gamma/beta [C] or undefined (no bias; no affine
 * — gamma and beta together); returns out [N, C] and the batch `mean` and biased `variance` [C]
 * (not differentiable) from which the caller updates running statistics. Equal to
 * `F.batchNorm(F.linear(x, W, b).relu(), …, {training: true})` in values and first-order
 * gradients (test/torch/fused.test.ts) with fewer passes over the activations (native/src/fused_mlp_block.cc).
 *
 * @example
 * const { out, mean, variance } = linearReluBatchNorm(x, lin.weight, lin.bias, bn.weight, bn.bias, 1e-5);
 */
export function linearReluBatchNorm(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  gamma: Tensor | undefined,
  beta: Tensor | undefined,
  eps = 1e-5,
): { out: Tensor; mean: Tensor; variance: Tensor } {
  const [out, mean, variance] = native
    .linearReluBatchNorm(x.native, weight.native, bias?.native, gamma?.native, beta?.native, eps)
    .map((t) => Tensor.fromNative(t)) as [Tensor, Tensor, Tensor];
  return { out, mean, variance };
}
