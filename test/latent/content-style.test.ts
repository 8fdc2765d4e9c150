// von Kügelgen et al.'s content/style latents (src/latent/content-style.ts) against closed forms:
// the marginal is normal with the block covariances it declares (σ²I or σ²GᵀG) and, with
// styleOnContent, s − (Bc + a) is that normal; the positive keeps content bit for bit and changes
// each style coordinate with probability changeProb by a normal step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eye, Generator, randn, type Tensor } from '../../src/torch/index.js';
import { ContentStyleConditional, ContentStyleMarginal } from '../../src/latent/index.js';
import { assertFollows, normalCdf } from './closed-forms.js';
import { assertWithinSE, estimate, sameBits } from './stats.js';

/** v·x for a fixed random unit v, and its closed-form σ_v = sqrt(vᵀΣv). */
function projection(x: Tensor, cov: Tensor, gen: Generator): { values: Float64Array; sd: number } {
  const v = randn([x.size(1), 1], gen, 'float64');
  const u = v.div(v.norm(2, 0, true));
  return {
    values: x.to('float64').matmul(u).reshape(-1).toFloat64Array(),
    sd: Math.sqrt(u.T.matmul(cov).matmul(u).item()),
  };
}

test('ContentStyleMarginal: blocks N(0, σ²I), or N(0, σ²GᵀG) with dependence (KS of random projections)', () => {
  const gen = new Generator(11);
  for (const dependence of [false, true]) {
    const m = new ContentStyleMarginal({ dim: 7, content: 3, scale: 0.5, dependence }, new Generator(12), 'float64');
    const z = m.sample(20_000, gen);
    for (const [from, size, factor] of [
      [0, 3, m.factors?.content],
      [3, 4, m.factors?.style],
    ] as const) {
      const cov = (factor === undefined ? eye(size, 'float64') : factor.T.matmul(factor)).mul(0.25);
      for (let r = 0; r < 3; r++) {
        const p = projection(z.narrow(1, from, size), cov, gen);
        assertFollows(p.values, normalCdf(p.sd), `block [${from}, ${from + size}) dependence ${dependence}`);
      }
    }
    // Content and style blocks are independent without styleOnContent.
    const c0 = z.narrow(1, 0, 1).reshape(-1);
    const s0 = z.narrow(1, 3, 1).reshape(-1);
    assertWithinSE(estimate(c0.mul(s0)), 0, 'E[c_0 s_0] = 0');
  }
});

test('ContentStyleMarginal with styleOnContent: s − (Bc + a) is N(0, σ²I), and the law is fixed across calls', () => {
  const gen = new Generator(13);
  const m = new ContentStyleMarginal(
    { dim: 5, content: 2, scale: 0.8, styleOnContent: true },
    new Generator(14),
    'float64',
  );
  const z = m.sample(20_000, gen);
  const c = z.narrow(1, 0, 2);
  const s = z.narrow(1, 2, 3);
  const { B, a } = m.link!;
  const noise = s.sub(c.matmul(B.T)).sub(a);
  assertFollows(noise.reshape(-1).toFloat64Array(), normalCdf(0.8), 's − (Bc + a)');
  // The same B, a at every call (reference code: redrawn per batch).
  const z2 = m.sample(20_000, gen);
  const n2 = z2
    .narrow(1, 2, 3)
    .sub(z2.narrow(1, 0, 2).matmul(B.T))
    .sub(a);
  assertFollows(n2.reshape(-1).toFloat64Array(), normalCdf(0.8), 'second call');
});

test('ContentStyleConditional: content copied bit for bit; each style coordinate changes with probability p by N(0, σ²)', () => {
  const gen = new Generator(15);
  const m = new ContentStyleMarginal({ dim: 6, content: 2 }, gen);
  for (const p of [1, 0.75, 0.3]) {
    const cond = new ContentStyleConditional({ dim: 6, content: 2, changeProb: p, scale: 0.7 }, gen);
    const z = m.sample(10_000, gen);
    const zt = cond.sample(z, gen);
    assert.equal(zt.dtype, 'float32');
    assert.ok(sameBits(zt.narrow(1, 0, 2).contiguous(), z.narrow(1, 0, 2).contiguous()), 'content bit for bit');
    const d = zt
      .narrow(1, 2, 4)
      .to('float64')
      .sub(z.narrow(1, 2, 4).to('float64'))
      .reshape(-1)
      .toFloat64Array();
    const changed = d.filter((v) => v !== 0);
    assertWithinSE(estimate(d.map((v) => (v !== 0 ? 1 : 0))), p, `P(change) = ${p}`);
    // float32 rounding of s + δ leaves δ within 1e-6 of a N(0, 0.49) draw: invisible to KS at n = 40 000.
    assertFollows(changed, normalCdf(0.7), `style step, p = ${p}`);
  }
});

test('ContentStyleConditional with dependence: the style step is N(0, σ²G_δᵀG_δ)', () => {
  const gen = new Generator(16);
  const cond = new ContentStyleConditional({ dim: 5, content: 1, changeProb: 1, scale: 1, dependence: true }, gen);
  const z = new ContentStyleMarginal({ dim: 5, content: 1 }, gen, 'float64').sample(20_000, gen);
  const d = cond.sample(z, gen).sub(z).narrow(1, 1, 4);
  const cov = cond.factor!.T.matmul(cond.factor!);
  for (let r = 0; r < 3; r++) {
    const p = projection(d, cov, gen);
    assertFollows(p.values, normalCdf(p.sd), `dependent step, projection ${r}`);
  }
});

test('content/style options are checked', () => {
  const gen = new Generator(0);
  assert.throws(
    () => new ContentStyleMarginal({ dim: 4, content: 4 }, gen),
    /content must be an integer in 1\.\.dim−1/,
  );
  assert.throws(
    () => new ContentStyleConditional({ dim: 4, content: 1, changeProb: 0 }, gen),
    /changeProb must be in \(0, 1\]/,
  );
});
