// The three families of i.i.d. coordinate noise in cl-ica's benchmark (Zimmermann et al. 2021,
// Sec. 6 and brendel-group/cl-ica spaces.py / spaces_utils.py), the "Lp exponential" laws with
// density ∝ exp(−|x/α|^β) per coordinate:
//   normal              N(0, σ²)                            (β = 2 with α = σ√2; parametrised by σ)
//   laplace             (1/2b) exp(−|x|/b)                  (β = 1, α = b; torch's Laplace(0, b))
//   generalized-normal  β/(2αΓ(1/β)) exp(−|x/α|^β)          (any β > 0; α = `scale`)
// Sampling: normal by randn; Laplace as sign·b·E with E = −log(1 − U) exponential; generalised
// normal as sign·α·G^{1/β} with G ~ Gamma(1/β, 1) (|x/α|^β is Gamma(1/β, 1)-distributed: the
// construction of cl-ica's sample_generalized_normal and TFP's GeneralizedNormal). All in float64.
import { full, rand, randn, scope, standardGamma, type Generator, type Tensor } from '../torch/index.js';

export type NoiseLaw =
  | { kind: 'normal'; scale: number }
  | { kind: 'laplace'; scale: number }
  | { kind: 'generalized-normal'; scale: number; beta: number };

export const NOISE_KINDS = ['normal', 'laplace', 'generalized-normal'] as const;

/** Throws unless the law's scale (and β) are finite and > 0. */
export function checkNoiseLaw(who: string, law: NoiseLaw): NoiseLaw {
  if (!NOISE_KINDS.includes(law.kind))
    throw new RangeError(`${who}: noise must be one of ${NOISE_KINDS.join(', ')}, got ${String(law.kind)}`);
  if (!(Number.isFinite(law.scale) && law.scale > 0))
    throw new RangeError(`${who}: scale must be a finite number > 0, got ${String(law.scale)}`);
  if (law.kind === 'generalized-normal' && !(Number.isFinite(law.beta) && law.beta > 0))
    throw new RangeError(`${who}: beta must be a finite number > 0, got ${String(law.beta)}`);
  return law;
}

/** A random sign ±1 per element (float64), from one uniform each. */
function signs(shape: number[], gen: Generator): Tensor {
  return scope(() => rand(shape, gen, 'float64').lt(0.5).to('float64').mul(2).sub(1));
}

/** i.i.d. draws of the law, float64 of the given shape. */
export function sampleNoise(law: NoiseLaw, shape: number[], gen: Generator): Tensor {
  return scope(() => {
    switch (law.kind) {
      case 'normal':
        return randn(shape, gen, 'float64').mul(law.scale);
      case 'laplace': {
        // U ∈ [0, 1), so 1 − U ∈ (0, 1] and the exponential is finite.
        const e = rand(shape, gen, 'float64').rsub(1).log().neg();
        return e.mul(signs(shape, gen)).mul(law.scale);
      }
      case 'generalized-normal': {
        const g = standardGamma(full(shape, 1 / law.beta, 'float64'), gen);
        return g
          .pow(1 / law.beta)
          .mul(signs(shape, gen))
          .mul(law.scale);
      }
    }
  });
}

/** E[x²] of the law: σ², 2b², α²Γ(3/β)/Γ(1/β) (for the tests and for choosing scales). */
export function noiseVariance(law: NoiseLaw): number {
  switch (law.kind) {
    case 'normal':
      return law.scale ** 2;
    case 'laplace':
      return 2 * law.scale ** 2;
    case 'generalized-normal':
      return law.scale ** 2 * Math.exp(logGamma(3 / law.beta) - logGamma(1 / law.beta));
  }
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const y = x - 1;
  let a = c[0]!;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}
