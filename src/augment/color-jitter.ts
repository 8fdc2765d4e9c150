// Colour jitter (torchvision ColorJitter, SimCLR's colour distortion): brightness, contrast,
// saturation and hue changed by factors drawn per image, the four applied in a random order per
// image, the whole applied with probability p (SimCLR: RandomApply(ColorJitter(0.4, 0.4, 0.4, 0.1),
// p = 0.8) at CIFAR scale).
//
// As torchvision (functional_tensor), for an image x in [0, 1]:
//   brightness b:  x ↦ clamp(b·x)
//   contrast c:    x ↦ clamp(c·x + (1 − c)·mean(luma(x)))   (mean over the whole image)
//   saturation s:  x ↦ clamp(s·x + (1 − s)·luma(x))          (per pixel)
//   hue h:         the hue of HSV shifted by h (a fraction of the colour circle), h ∈ [−0.5, 0.5]
// with factors b, c, s ~ U[max(0, 1 − v), 1 + v] for a strength v (or a given [low, high]) and
// h ~ U[−v, v]. On one-channel images saturation and hue do nothing.
import { cat, rand, scope, stack, uniform, where, type Generator, type Tensor } from '../torch/index.js';
import { luma } from './grayscale.js';
import { checkImages, checkProbability, checkRange, sampleMask, type Augmentation, type Range } from './types.js';

export interface ColorJitterOptions {
  /** Strength v (factor range [max(0, 1 − v), 1 + v]) or a [low, high] factor range; default 0 (off). */
  brightness?: number | Range;
  contrast?: number | Range;
  saturation?: number | Range;
  /** Strength v ≤ 0.5 (shift range [−v, v]) or a [low, high] range within [−0.5, 0.5]; default 0 (off). */
  hue?: number | Range;
  /** Probability of jittering each image; default 1. */
  p?: number;
}

function factorRange(what: string, v: number | Range): Range {
  if (typeof v === 'number') {
    if (!(v >= 0)) throw new RangeError(`colorJitter: ${what} must be a non-negative number or [low, high], got ${v}`);
    return [Math.max(0, 1 - v), 1 + v];
  }
  checkRange('colorJitter', what, v, 0);
  return v;
}

function hueRange(v: number | Range): Range {
  const r: Range = typeof v === 'number' ? [-v, v] : v;
  if (typeof v === 'number' && !(v >= 0 && v <= 0.5))
    throw new RangeError(`colorJitter: hue must be in [0, 0.5] or [low, high], got ${v}`);
  checkRange('colorJitter', 'hue', r, -0.5);
  if (r[1] > 0.5) throw new RangeError(`colorJitter: hue range must lie in [−0.5, 0.5], got [${r[0]}, ${r[1]}]`);
  return r;
}

const clamp01 = (t: Tensor): Tensor => t.clamp(0, 1);

/** RGB [N, 3, H, W] in [0, 1] → HSV with h, s, v in [0, 1] (torchvision's _rgb2hsv). */
export function rgbToHsv(x: Tensor): Tensor {
  return scope(() => {
    const [r, g, b] = x.unbind(1) as [Tensor, Tensor, Tensor];
    const maxc = x.max(1);
    const minc = x.min(1);
    const eqc = maxc.eq(minc);
    const cr = maxc.sub(minc);
    const one = 1;
    const s = cr.div(where(eqc, one, maxc));
    const crDiv = where(eqc, one, cr);
    const rc = maxc.sub(r).div(crDiv);
    const gc = maxc.sub(g).div(crDiv);
    const bc = maxc.sub(b).div(crDiv);
    const isR = maxc.eq(r);
    const isG = maxc.eq(g).logicalAnd(isR.logicalNot());
    const isB = isR.logicalOr(isG).logicalNot();
    const h = where(isR, bc.sub(gc), 0)
      .add(where(isG, rc.sub(bc).add(2), 0))
      .add(where(isB, gc.sub(rc).add(4), 0));
    return stack([h.div(6).add(1).remainder(1), s, maxc], 1);
  });
}

/** HSV [N, 3, H, W] → RGB (torchvision's _hsv2rgb). */
export function hsvToRgb(hsv: Tensor): Tensor {
  return scope(() => {
    const [h, s, v] = hsv.unbind(1) as [Tensor, Tensor, Tensor];
    const h6 = h.mul(6);
    const i = h6.floor();
    const f = h6.sub(i);
    const sector = i.remainder(6).long().unsqueeze(1); // [N, 1, H, W]
    const p = clamp01(v.mul(s.rsub(1)));
    const q = clamp01(v.mul(s.mul(f).rsub(1)));
    const t = clamp01(v.mul(s.mul(f.rsub(1)).rsub(1)));
    const pick = (c: Tensor[]): Tensor => stack(c, 1).gather(1, sector);
    return cat([pick([v, q, p, p, t, v]), pick([t, v, v, q, p, p]), pick([p, p, t, v, v, q])], 1);
  });
}

/** Jitters brightness, contrast, saturation and hue of each image of [N, C, H, W] (C = 1 or 3). */
export function colorJitter(options: ColorJitterOptions = {}): Augmentation {
  const { p = 1 } = options;
  checkProbability('colorJitter', p);
  const ranges = {
    brightness: factorRange('brightness', options.brightness ?? 0),
    contrast: factorRange('contrast', options.contrast ?? 0),
    saturation: factorRange('saturation', options.saturation ?? 0),
    hue: hueRange(options.hue ?? 0),
  };
  const isOff = (r: Range, identity: number): boolean => r[0] === identity && r[1] === identity;
  return {
    name: 'color-jitter',
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('colorJitter', x);
      const [n, c] = x.shape as [number, number];
      if (c !== 1 && c !== 3) throw new RangeError(`colorJitter: images must have 1 or 3 channels, got ${c}`);
      return scope(() => {
        // Fixed draws per call: 4 factors, the order (4 uniforms), the apply decision.
        const fb = uniform(ranges.brightness[0], ranges.brightness[1], [n], gen, x.dtype).view(n, 1, 1, 1);
        const fc = uniform(ranges.contrast[0], ranges.contrast[1], [n], gen, x.dtype).view(n, 1, 1, 1);
        const fs = uniform(ranges.saturation[0], ranges.saturation[1], [n], gen, x.dtype).view(n, 1, 1, 1);
        const fh = uniform(ranges.hue[0], ranges.hue[1], [n], gen, x.dtype).view(n, 1, 1);
        const order = rand([n, 4], gen).argsort(1); // order[:, k] = the op applied at step k
        const mask = sampleMask(n, p, gen);
        const ops: ((y: Tensor) => Tensor)[] = [
          (y) => (isOff(ranges.brightness, 1) ? y : clamp01(y.mul(fb))),
          (y) =>
            isOff(ranges.contrast, 1) ? y : clamp01(y.mul(fc).add(luma(y).mean([1, 2, 3], true).mul(fc.rsub(1)))),
          (y) => (isOff(ranges.saturation, 1) || c === 1 ? y : clamp01(y.mul(fs).add(luma(y).mul(fs.rsub(1))))),
          (y) => {
            if (isOff(ranges.hue, 0) || c === 1) return y;
            const hsv = rgbToHsv(y);
            const [h, s, v] = hsv.unbind(1) as [Tensor, Tensor, Tensor];
            return hsvToRgb(stack([h.add(fh).remainder(1), s, v], 1));
          },
        ];
        let y = x;
        for (let k = 0; k < 4; k++) {
          const which = order.select(1, k); // [n]
          const candidates = ops.map((f) => f(y));
          let next = candidates[0] as Tensor;
          for (let j = 1; j < 4; j++) next = where(which.eq(j).view(n, 1, 1, 1), candidates[j] as Tensor, next);
          y = next;
        }
        return where(mask, y, x);
      });
    },
  };
}
