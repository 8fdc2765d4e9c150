import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, rand, randn, scope } from '../../src/torch/index.js';
import { fromSphere, renderShapes } from '../../src/data/shapes.js';

test('renderShapes: deterministic, [N, 3, 32, 32] in [0, 1], distinct latents give distinct images', () => {
  scope(() => {
    const z = rand([8, 6], new Generator(0));
    const a = renderShapes(z);
    assert.deepEqual(a.shape, [8, 3, 32, 32]);
    assert.equal(renderShapes(z).sub(a).abs().max().item(), 0);
    assert.ok(a.min().item() >= 0 && a.max().item() <= 1);
    for (let i = 1; i < 8; i++) assert.ok(a.select(0, i).sub(a.select(0, 0)).abs().mean().item() > 0.01);
    assert.throws(() => renderShapes(rand([2, 5])), /renderShapes: latents must be \[N, 6\]/);
  });
});

test('renderShapes is smooth: small latent changes give small image changes, proportionally', () => {
  scope(() => {
    const z = rand([16, 6], new Generator(1)).mul(0.8).add(0.1);
    const base = renderShapes(z);
    const dz = randn([16, 6], new Generator(2));
    const small = renderShapes(z.add(dz.mul(1e-3)))
      .sub(base)
      .abs()
      .mean()
      .item();
    const larger = renderShapes(z.add(dz.mul(1e-2)))
      .sub(base)
      .abs()
      .mean()
      .item();
    assert.ok(small < 2e-3, `small ${small}`);
    assert.ok(larger > small * 4, `${larger} vs ${small}`);
  });
});

test('fromSphere maps S² smoothly into the latents', () => {
  scope(() => {
    const u = F.normalize(randn([10, 3], new Generator(3)), 1);
    const z = fromSphere(u);
    assert.deepEqual(z.shape, [10, 6]);
    assert.ok(z.min().item() >= 0 && z.max().item() <= 1);
    assert.ok(z.select(1, 0).sub(u.select(1, 0).add(1).div(2)).abs().max().item() < 1e-6);
    assert.deepEqual(renderShapes(z).shape, [10, 3, 32, 32]);
  });
});
