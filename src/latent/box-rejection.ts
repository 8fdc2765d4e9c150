// Per-coordinate rejection into a box [low, high]^k, as cl-ica constrains its box samplers
// (Zimmermann et al. 2021; brendel-group/cl-ica, spaces_utils.truncated_rejection_resampling):
// every coordinate that falls outside is redrawn, on its own, from the same law until it falls
// inside. For a law with independent coordinates (all of ours) this samples exactly the law
// conditioned on the box, coordinate j having density p_j(x) / P_j([low, high]) on [low, high] —
// the truncated law whose CDF the tests compare with. Reflection at the faces would not: it folds
// the outside mass back and piles it up near the faces.
import { noGrad, scope, where, type Generator, type Tensor } from '../torch/index.js';

/** Rounds before giving up: each round redraws every pending coordinate. */
const MAX_ROUNDS = 10_000;

/**
 * `draw(gen)` gives float64 candidates [n, k] (one i.i.d. draw per call); returns [n, k] with every
 * coordinate in [low, high], each the first of its candidates that fell inside. Throws when the
 * box catches almost none of the law (after MAX_ROUNDS rounds), naming the acceptance it saw.
 */
export function rejectIntoBox(draw: (gen: Generator) => Tensor, low: number, high: number, gen: Generator): Tensor {
  return noGrad(() => {
    let out = draw(gen);
    let pending = scope(() => out.lt(low).logicalOr(out.gt(high)));
    try {
      for (let round = 0; ; round++) {
        const left = pending.sum().item();
        if (left === 0) return out;
        if (round >= MAX_ROUNDS)
          throw new RangeError(
            `rejectIntoBox(): ${left} of ${out.numel} coordinates still outside [${low}, ${high}] after ${MAX_ROUNDS} rounds; the law puts almost no mass in the box (a scale far larger or a centre far outside?)`,
          );
        const [nextOut, nextPending] = scope(() => {
          const candidate = draw(gen);
          const inside = candidate.ge(low).logicalAnd(candidate.le(high));
          const take = pending.logicalAnd(inside);
          return [where(take, candidate, out), pending.logicalAnd(inside.logicalNot())];
        });
        out.dispose();
        pending.dispose();
        [out, pending] = [nextOut, nextPending];
      }
    } finally {
      pending.dispose();
    }
  });
}
