import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, full, Generator, rand, scope, tensor, type Tensor } from '../../src/torch/index.js';
import {
  colorJitter,
  compose,
  cutout,
  gaussianBlur,
  grayscale,
  horizontalFlip,
  randomResizedCrop,
  regime,
  REGIME_NAMES,
  rotation,
} from '../../src/augment/index.js';

const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();
const images = (n: number, c = 3, h = 8, w = 8, seed = 1): Tensor => rand([n, c, h, w], new Generator(seed));

test('horizontalFlip(p=1) mirrors exactly (manual index reversal); twice is the identity; p=0 is the identity', () => {
  scope(() => {
    const x = images(4, 3, 5, 7);
    const flip = horizontalFlip({ p: 1 });
    const y = flip.apply(x, new Generator(0));
    const manual = x.indexSelect(3, tensor([6, 5, 4, 3, 2, 1, 0], undefined, 'int64'));
    assert.equal(maxDiff(y, manual), 0);
    assert.equal(maxDiff(flip.apply(y, new Generator(0)), x), 0);
    assert.equal(maxDiff(horizontalFlip({ p: 0 }).apply(x, new Generator(0)), x), 0);
    // p = 0.5: every image is either itself or its mirror, and both occur.
    const z = horizontalFlip().apply(images(64, 1, 2, 3), new Generator(3));
    const orig = images(64, 1, 2, 3);
    let flipped = 0;
    for (let i = 0; i < 64; i++) {
      const same = maxDiff(z.select(0, i), orig.select(0, i)) === 0;
      const mirrored = maxDiff(z.select(0, i), orig.select(0, i).flip(2)) === 0;
      assert.ok(same || mirrored);
      if (!same) flipped++;
    }
    assert.ok(flipped > 15 && flipped < 49, `flipped ${flipped} of 64`);
    assert.throws(() => horizontalFlip({ p: 1.5 }), /horizontalFlip: p must be in \[0, 1\], got 1.5/);
    assert.throws(
      () => flip.apply(rand([3, 4]), new Generator(0)),
      /horizontalFlip: images must be \[N, C, H, W\], got shape \[3, 4\]/,
    );
  });
});

test('randomResizedCrop: output size; scale=(1,1), ratio=(1,1) is the identity; boxes follow the ranges', () => {
  scope(() => {
    const x = images(3, 3, 16, 16);
    const y = randomResizedCrop({ size: [10, 12] }).apply(x, new Generator(0));
    assert.deepEqual(y.shape, [3, 3, 10, 12]);
    const id = randomResizedCrop({ scale: [1, 1], ratio: [1, 1] }).apply(x, new Generator(0));
    assert.deepEqual(id.shape, x.shape);
    assert.ok(maxDiff(id, x) < 1e-5);
    const crop = randomResizedCrop({ scale: [0.25, 0.5], ratio: [0.5, 2] });
    for (const b of crop.boxes(200, 32, 32, new Generator(5))) {
      assert.ok(b.top >= 0 && b.left >= 0 && b.top + b.height <= 32 && b.left + b.width <= 32);
      const area = (b.width * b.height) / 1024;
      assert.ok(area > 0.2 && area < 0.56, `area ${area}`);
    }
    // A crop of the top-left quadrant, upsampled ×2: pixel centres map inside the quadrant.
    const ramp = arange(0, 16, 1, 'float32').view(1, 1, 1, 16).expand(1, 1, 16, 16).contiguous();
    const q = randomResizedCrop({ scale: [0.25, 0.25], ratio: [1, 1] });
    const box = q.boxes(1, 16, 16, new Generator(9))[0]!;
    const out = q.apply(ramp, new Generator(9));
    assert.deepEqual([box.width, box.height], [8, 8]);
    const row = out.select(0, 0).select(0, 0).select(0, 5).toArray();
    // Output centres map to left − 0.25 … left + 7.25 (bilinear reads ≤ ½ px past the crop edge, as documented).
    assert.ok(row.every((v) => v >= box.left - 0.5 - 1e-6 && v <= box.left + 7.5 + 1e-6));
    assert.ok(row[15]! - row[0]! >= 7 - 1e-5 && row[15]! - row[0]! <= 7.5 + 1e-5);
  });
});

test('colorJitter stays in [0, 1]; brightness factors respect their range', () => {
  scope(() => {
    const x = images(32);
    const y = colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.5 }).apply(x, new Generator(0));
    assert.deepEqual(y.shape, x.shape);
    assert.ok(y.min().item() >= 0 && y.max().item() <= 1);
    // brightness only on a constant 0.5 image: every image becomes constant 0.5·b with b ∈ [0.8, 1.2].
    const half = full([200, 3, 4, 4], 0.5);
    const b = colorJitter({ brightness: 0.2 }).apply(half, new Generator(1));
    const per = b;
    const vals = per.flatten(1).max(1).toArray();
    const mins = per.flatten(1).min(1).toArray();
    vals.forEach((v, i) => assert.ok(Math.abs(v - mins[i]!) < 1e-6));
    assert.ok(Math.min(...vals) >= 0.4 - 1e-6 && Math.max(...vals) <= 0.6 + 1e-6);
    assert.ok(Math.min(...vals) < 0.43 && Math.max(...vals) > 0.57, 'the range is used');
    const fixed = colorJitter({ brightness: [1.5, 1.5] }).apply(full([2, 3, 2, 2], 0.5), new Generator(0));
    assert.ok(maxDiff(fixed, full([2, 3, 2, 2], 0.75)) < 1e-6);
    // Hue shift by 0 or a full turn is the identity (up to the HSV round trip).
    assert.ok(maxDiff(colorJitter({ hue: [0, 0] }).apply(x, new Generator(0)), x) === 0);
    assert.ok(
      maxDiff(
        colorJitter({ hue: [0.5, 0.5] }).apply(
          colorJitter({ hue: [0.5, 0.5] }).apply(x, new Generator(0)),
          new Generator(0),
        ),
        x,
      ) < 1e-5,
    );
    // saturation 0 makes the image gray.
    const gray = colorJitter({ saturation: [0, 0] }).apply(x, new Generator(0));
    assert.ok(maxDiff(gray.select(1, 0), gray.select(1, 2)) < 1e-6);
    assert.throws(() => colorJitter({ hue: 0.7 }), /colorJitter: hue must be in \[0, 0.5\]/);
  });
});

test('grayscale(p=1) makes the channels equal (luma); p=0 is the identity', () => {
  scope(() => {
    const x = images(5);
    const y = grayscale({ p: 1 }).apply(x, new Generator(0));
    assert.equal(maxDiff(y.select(1, 0), y.select(1, 1)), 0);
    assert.equal(maxDiff(y.select(1, 0), y.select(1, 2)), 0);
    const luma = x.select(1, 0).mul(0.299).add(x.select(1, 1).mul(0.587)).add(x.select(1, 2).mul(0.114));
    assert.ok(maxDiff(y.select(1, 0), luma) < 1e-6);
    assert.equal(maxDiff(grayscale({ p: 0 }).apply(x, new Generator(0)), x), 0);
  });
});

test('gaussianBlur preserves a constant image (and its mean) and smooths noise', () => {
  scope(() => {
    const c = full([3, 3, 9, 9], 0.3);
    const blurred = gaussianBlur({ kernelSize: 5, sigma: [0.5, 2], p: 1 }).apply(c, new Generator(0));
    assert.ok(maxDiff(blurred, c) < 1e-6);
    assert.ok(Math.abs(blurred.mean().item() - 0.3) < 1e-6);
    const x = images(4, 3, 16, 16);
    const y = gaussianBlur({ kernelSize: 5, sigma: [1.5, 2], p: 1 }).apply(x, new Generator(0));
    assert.ok(y.std().item() < x.std().item() * 0.7);
    assert.throws(() => gaussianBlur({ kernelSize: 4 }), /kernelSize must be an odd positive integer, got 4/);
  });
});

test('cutout zeroes exactly one size × size square per image', () => {
  scope(() => {
    const x = rand([20, 3, 12, 10], new Generator(2)).add(0.1); // no zeros of its own
    const y = cutout({ size: 4 }).apply(x, new Generator(0));
    for (let i = 0; i < 20; i++) {
      const zero = y.select(0, i).eq(0); // [3, 12, 10]
      assert.equal(zero.sum().item(), 3 * 16);
      const rows = zero.select(0, 0).sum(1).toArray();
      const cols = zero.select(0, 0).sum(0).toArray();
      assert.deepEqual(
        rows.filter((v) => v > 0),
        [4, 4, 4, 4],
      );
      assert.deepEqual(
        cols.filter((v) => v > 0),
        [4, 4, 4, 4],
      );
      // contiguous square, same in every channel, the rest untouched
      const r0 = rows.findIndex((v) => v > 0);
      assert.ok(rows.slice(r0, r0 + 4).every((v) => v === 4));
      assert.equal(maxDiff(zero.select(0, 0).float(), zero.select(0, 2).float()), 0);
      assert.equal(maxDiff(y.select(0, i).where(zero.logicalNot(), 0), x.select(0, i).where(zero.logicalNot(), 0)), 0);
    }
  });
});

test('rotation by 0 is the identity; by 90° turns the image counter-clockwise', () => {
  scope(() => {
    const x = images(3, 3, 8, 8);
    assert.ok(maxDiff(rotation({ degrees: 0 }).apply(x, new Generator(0)), x) < 1e-6);
    const r = rotation({ degrees: [90, 90] }).apply(x, new Generator(0));
    // Counter-clockwise by 90° on a square image: out[i][j] = in[j][W−1−i] (torch.rot90(x, 1, [2, 3])).
    const expected = x.flip(3).transpose(2, 3);
    assert.ok(maxDiff(r, expected) < 1e-5);
  });
});

test("regimes contain exactly Paper A's operations; unknown names list the valid ones", () => {
  const names = (r: string): string[] => regime(r).ops.map((o) => o.name);
  assert.deepEqual([...REGIME_NAMES], ['all', 'crop-only', 'all-without-crop']);
  assert.deepEqual(names('all'), [
    'random-resized-crop',
    'horizontal-flip',
    'color-jitter',
    'grayscale',
    'gaussian-blur',
    'cutout',
  ]);
  assert.deepEqual(names('crop-only'), ['random-resized-crop']);
  assert.deepEqual(names('all-without-crop'), [
    'horizontal-flip',
    'color-jitter',
    'grayscale',
    'gaussian-blur',
    'cutout',
  ]);
  assert.throws(
    () => regime('crop'),
    /unknown augmentation regime 'crop'; valid regimes: all, crop-only, all-without-crop/,
  );
  const c = compose([horizontalFlip({ p: 1 }), cutout({ size: 2 })]);
  assert.equal(c.name, 'compose(horizontal-flip, cutout)');
});

test('every regime is deterministic given the seed, keeps shape and range, and differs across seeds', () => {
  scope(() => {
    for (const c of [1, 3]) {
      const x = images(6, c, 32, 32);
      for (const name of REGIME_NAMES) {
        const r = regime(name);
        const a = r.apply(x, new Generator(7));
        const b = r.apply(x, new Generator(7));
        const d = r.apply(x, new Generator(8));
        assert.deepEqual(a.shape, x.shape);
        assert.equal(maxDiff(a, b), 0, name);
        assert.ok(maxDiff(a, d) > 0, name);
        assert.ok(a.min().item() >= 0 && a.max().item() <= 1 + 1e-6, name);
      }
    }
    const rot = rotation({ degrees: 30 });
    const x = images(4);
    assert.equal(maxDiff(rot.apply(x, new Generator(1)), rot.apply(x, new Generator(1))), 0);
  });
});
