// The MLP container that runs Linear → ReLU → BatchNorm1d blocks through the fused kernel
// (torch/fused.ts linearReluBatchNorm, issue 5). Same children, names and state dict as a plain
// Sequential; only the arithmetic path of eligible blocks differs (equal to float32 rounding).
import { linearReluBatchNorm, type Tensor } from '../torch/index.js';
import { ReLU } from './activation.js';
import { BatchNorm1d } from './batchnorm.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

/**
 * A block runs fused when it is Linear → ReLU → BatchNorm1d in training mode on a float32
 * [N > 1, in] batch (BatchNorm in eval is a fixed affine map and stays unfused). Returns the
 * block's output, or undefined when the block is not eligible.
 */
export function fusedLinearReluBatchNorm(
  lin: Module | undefined,
  act: Module | undefined,
  bn: Module | undefined,
  x: Tensor,
): Tensor | undefined {
  if (!(lin instanceof Linear) || !(act instanceof ReLU) || !(bn instanceof BatchNorm1d)) return undefined;
  // Synchronised BatchNorm needs every rank's statistics: the unfused path (BatchNorm.syncGroup).
  if (
    !bn.training ||
    bn.syncGroup !== undefined ||
    x.ndim !== 2 ||
    (x.shape[0] ?? 0) < 2 ||
    x.dtype !== 'float32' ||
    lin.weight.dtype !== 'float32'
  )
    return undefined;
  if (bn.numFeatures !== lin.outFeatures || x.shape[1] !== lin.inFeatures) return undefined;
  const { out, mean, variance } = linearReluBatchNorm(x, lin.weight, lin.bias, bn.weight, bn.bias, bn.eps);
  bn.recordBatchStats(mean, variance, x.shape[0]!);
  mean.dispose();
  variance.dispose();
  return out;
}

/**
 * Sequential whose forward fuses each eligible Linear → ReLU → BatchNorm1d triple (see
 * fusedLinearReluBatchNorm); `fused = false` runs every layer on its own.
 *
 * @example
 * const net = new FusedMlp(new Linear(3, 64, gen), new ReLU(), new BatchNorm1d(64), new Linear(64, 3, gen));
 * net.forward(randn([256, 3], gen)).shape;   // [256, 3] — the first three layers in one kernel
 */
export class FusedMlp extends Sequential {
  fused = true;

  /** Prints and reports as the torch.nn.Sequential it is equivalent to. */
  override get typeName(): string {
    return 'Sequential';
  }

  override forward(x: Tensor): Tensor {
    const layers = [...this];
    let h = x;
    for (let i = 0; i < layers.length;) {
      const out = this.fused ? fusedLinearReluBatchNorm(layers[i], layers[i + 1], layers[i + 2], h) : undefined;
      if (out !== undefined) {
        h = out;
        i += 3;
      } else {
        h = layers[i]!.forward(h);
        i += 1;
      }
    }
    return h;
  }
}
