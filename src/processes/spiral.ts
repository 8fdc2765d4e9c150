// The spiral process of Paper A's synthetic setup: θ = nπ·z₃, rotate (z₁, z₂) by θ, keep z₃.
// As in the reference code (BosonicJustin/CLTheory, data/generation.py, SpiralRotation):
//   x₁ = cos θ·z₁ − sin θ·z₂,  x₂ = sin θ·z₁ + cos θ·z₂,  x₃ = z₃.
// Each horizontal circle of S² is rotated rigidly, by an angle that grows with the height, so the
// map is a bijection of S² (norm preserving) but not an isometry of it: it twists the sphere.
import { scope, type Tensor } from '../torch/index.js';
import { checkFinite, checkInput, checkSphere2 } from './common.js';
import { rotateXY } from './rotate-xy.js';
import type { Process } from './types.js';

export interface SpiralOptions {
  /** Latent dimension; must be 3 (the spiral is defined on S² only). Default 3. */
  dim?: number;
  /** n in θ = nπ·z₃; default 2 (Paper A). Any finite number (0 gives the identity). */
  turns?: number;
}

const DOMAIN = 'defined on S² only';

/**
 * The spiral g(z) = (R(nπ z₃)(z₁, z₂), z₃) on S², with its exact inverse
 * g⁻¹(x) = (R(−nπ x₃)(x₁, x₂), x₃) (z₃ passes through unchanged, so the angle is known from x).
 *
 * @example
 * const g = new SpiralProcess();          // n = 2
 * const x = g.apply(z);                   // [n, 3]
 * const back = g.inverse(x);              // ≈ z
 */
export class SpiralProcess implements Process {
  readonly name = 'spiral';
  readonly inDim = 3;
  readonly outDim = 3;
  readonly turns: number;

  constructor(options: SpiralOptions = {}) {
    checkSphere2('spiral', options.dim ?? 3);
    const turns = options.turns ?? 2;
    checkFinite('spiral', 'turns', turns);
    this.turns = turns;
  }

  /** The rotation angle θ = nπ·z₃ of each row of z [..., 3] (or of x: x₃ = z₃). */
  angle(z: Tensor): Tensor {
    checkInput(this.name, z, 3, DOMAIN);
    return scope(() => z.select(-1, 2).mul(this.turns * Math.PI));
  }

  apply(z: Tensor): Tensor {
    checkInput(this.name, z, 3, DOMAIN);
    return scope(() => rotateXY(z, z.select(-1, 2).mul(this.turns * Math.PI)));
  }

  inverse(x: Tensor): Tensor {
    checkInput(this.name, x, 3, undefined, 'x');
    return scope(() => rotateXY(x, x.select(-1, 2).mul(-this.turns * Math.PI)));
  }

  dispose(): void {}
}
