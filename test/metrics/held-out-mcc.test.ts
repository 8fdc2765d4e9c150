// Out-of-sample MCC and cl-ica's permutation score (src/metrics/held-out-mcc.ts,
// permutation-disentanglement.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn, tensor } from '../../src/torch/index.js';
import { heldOutMcc, mcc, permutationDisentanglement } from '../../src/metrics/index.js';

test('held-out MCC = 1 on a permutation with sign flips and rescaling, with the matching recovered', () => {
  const gen = new Generator(41);
  const z = randn([1000, 5], gen, 'float64');
  const perm = [3, 0, 4, 1, 2];
  const scale = tensor([[-2, 0.5, -1, 3, -0.1]], undefined, 'float64');
  const rep = z
    .indexSelect(1, tensor(perm, undefined, 'int64'))
    .mul(scale)
    .add(7);
  const r = heldOutMcc(z, rep);
  assert.ok(Math.abs(r.mcc - 1) < 1e-12, `mcc ${r.mcc}`);
  // truth dimension perm[j] sits in representation column j.
  assert.deepEqual(
    r.pairs,
    perm.map((_, i) => [i, perm.indexOf(i)]),
  );
  assert.ok(Math.abs(permutationDisentanglement(z, rep) - 1) < 1e-12, 'cl-ica perm score');
});

test('held-out MCC ≈ 0 on independent noise, where in-sample MCC is biased up by matching the noise', () => {
  const gen = new Generator(42);
  const z = randn([400, 10], gen, 'float64');
  const noise = randn([400, 10], gen, 'float64');
  const inSample = mcc(z, noise).mcc;
  const held = heldOutMcc(z, noise).mcc;
  // n = 200 per half: |corr| of unrelated columns ≈ 0.8/√200 ≈ 0.056 on average.
  assert.ok(held < 0.09, `held-out ${held}`);
  assert.ok(inSample > held, `in-sample ${inSample} > held-out ${held}`);
});

test("cl-ica's permutation score: rescaling leaves |Pearson| unchanged, so it equals the in-sample MCC", () => {
  const gen = new Generator(43);
  const z = randn([500, 4], gen, 'float64');
  const rep = z.matmul(randn([4, 4], gen, 'float64')).add(randn([500, 4], gen, 'float64').mul(0.3));
  assert.ok(Math.abs(permutationDisentanglement(z, rep) - mcc(z, rep).mcc) < 1e-12);
  assert.throws(() => permutationDisentanglement(z, rep.narrow(1, 0, 3)), /need the same dimension; got 4 and 3/);
});
