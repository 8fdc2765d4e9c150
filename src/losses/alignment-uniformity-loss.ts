// Wang & Isola (2020) alignment and uniformity as a differentiable loss:
//   alignment  = E_i |a_i − p_i|^α
//   uniformity = ½ [ log mean_{i≠j} e^{−t|a_i − a_j|²} + log mean_{i≠j} e^{−t|p_i − p_j|²} ]
//   loss       = alignment + weight · uniformity
// (uniformity over distinct pairs within each view, averaged over the two views, as in their code).
import { eye, scope, type Tensor } from '../torch/index.js';
import { checkFiniteBatch, type ContrastiveBatch, type ContrastiveLoss, type LossOutput } from './types.js';

export interface AlignmentUniformityOptions {
  /** Exponent α > 0 of the alignment distance (default 2). */
  alpha?: number;
  /** Scale t > 0 of the uniformity kernel e^{−t|x−y|²} (default 2). */
  t?: number;
  /** Weight ≥ 0 of the uniformity term (default 1). */
  weight?: number;
}

/** log mean_{i≠j} exp(−t |x_i − x_j|²) for x [B, d]; differentiable (no sqrt at zero distance). */
function logMeanGaussianKernel(x: Tensor, t: number): Tensor {
  const B = x.shape[0]!;
  const sq = x.square().sum(1, true); // [B, 1]
  const d2 = sq.add(sq.T).sub(x.matmul(x.T).mul(2)).clampMin(0); // [B, B]
  const diagonal = eye(B, 'bool'); // i = j pairs are excluded
  const logits = d2.mul(-t).maskedFill(diagonal, -Infinity);
  return logits
    .flatten()
    .logsumexp(0)
    .sub(Math.log(B * (B - 1)));
}

/**
 * Alignment + weight · uniformity (Wang & Isola). anchors, positives: [B, d] with B ≥ 2 (negatives,
 * if given, are ignored). perAnchor[i] = |a_i − p_i|^α + weight · uniformity, so perAnchor.mean() =
 * loss (uniformity is a batch quantity and is shared by every anchor). parts: { alignment, uniformity }.
 */
export function alignmentUniformityLoss(options: AlignmentUniformityOptions = {}): ContrastiveLoss {
  const who = 'alignmentUniformityLoss';
  const { alpha = 2, t = 2, weight = 1 } = options;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0)
    throw new RangeError(`${who}: alpha must be a finite number > 0, got ${String(alpha)}`);
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)
    throw new RangeError(`${who}: t must be a finite number > 0, got ${String(t)}`);
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
    throw new RangeError(`${who}: weight must be a finite number >= 0, got ${String(weight)}`);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('alignmentUniformityLoss', batch);
    const { anchors, positives } = batch;
    if (
      anchors.ndim !== 2 ||
      positives.ndim !== 2 ||
      anchors.shape[0] !== positives.shape[0] ||
      anchors.shape[1] !== positives.shape[1]
    )
      throw new RangeError(
        `${who}: anchors and positives must both be [B, d], got [${anchors.shape.join(', ')}] and [${positives.shape.join(', ')}]`,
      );
    if (anchors.shape[0]! < 2)
      throw new RangeError(`${who}: uniformity needs at least 2 instances, got B = ${anchors.shape[0]}`);
    return scope(() => {
      const diff2 = anchors.sub(positives).square().sum(1);
      // |a − p|^α = (|a − p|²)^{α/2}; α = 2 avoids the sqrt (and its infinite slope at 0).
      const align = alpha === 2 ? diff2 : diff2.pow(alpha / 2);
      const alignment = align.mean();
      const uniformity = logMeanGaussianKernel(anchors, t).add(logMeanGaussianKernel(positives, t)).div(2);
      const perAnchor = align.add(uniformity.mul(weight));
      return { loss: alignment.add(uniformity.mul(weight)), perAnchor, parts: { alignment, uniformity } };
    });
  };
}
