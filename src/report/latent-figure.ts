// The latent-view figure (Paper A, Figure 2): recovered latents on S² coloured by the true ones,
// front and back hemispheres side by side.
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG } from './figure-style.js';
import type { LatentViewInput } from './types.js';

/** At most this many points per latent view (deterministic stride subsampling). */
export const MAX_LATENT_POINTS = 1500;

function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number): number => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  const hex = (v: number): string =>
    Math.round(Math.max(0, Math.min(1, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(f(0))}${hex(f(8))}${hex(f(4))}`;
}

/** The colour of a true latent: hue from its azimuth atan2(z2, z1), lightness from its height z3. */
export function latentColor(z: readonly number[]): string {
  const [x = 0, y = 0, h = 0] = z;
  const hue = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  const height = Math.max(-1, Math.min(1, h));
  return hslToHex(hue, 0.85, 0.5 + 0.32 * height);
}

function unit(v: readonly number[]): [number, number, number] | null {
  const [x = 0, y = 0, z = 0] = v;
  const n = Math.hypot(x, y, z);
  if (!(n > 0) || !Number.isFinite(n)) return null;
  return [x / n, y / n, z / n];
}

export interface LatentPoint {
  panel: 'true latents' | 'recovered';
  hemisphere: 'front (z₃ ≥ 0)' | 'back (z₃ < 0)';
  px: number;
  py: number;
  depth: number;
  color: string;
}

/**
 * Orthographic projections of the true and the recovered latents, coloured by the true latent.
 * Front: seen from +z₃, (x, y) = (z₁, z₂). Back: seen from −z₃, (x, y) = (−z₁, z₂), i.e. mirrored
 * as an observer behind the sphere sees it. Points are ordered far-to-near so near ones are on top.
 */
export function latentPoints(v: LatentViewInput, maxPoints = MAX_LATENT_POINTS): LatentPoint[] {
  const n = Math.min(v.truth.length, v.recovered.length);
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const out: LatentPoint[] = [];
  for (let i = 0; i < n; i += stride) {
    const t = unit(v.truth[i] ?? []);
    const r = unit(v.recovered[i] ?? []);
    if (!t || !r) continue;
    const color = latentColor(t);
    for (const [panel, p] of [
      ['true latents', t],
      ['recovered', r],
    ] as const) {
      const front = p[2] >= 0;
      out.push({
        panel,
        hemisphere: front ? 'front (z₃ ≥ 0)' : 'back (z₃ < 0)',
        px: front ? p[0] : -p[0],
        py: p[1],
        depth: Math.abs(p[2]),
        color,
      });
    }
  }
  out.sort((a, b) => a.depth - b.depth);
  return out;
}

/** Four panels: rows true / recovered, columns front / back hemisphere. */
export function latentSpec(v: LatentViewInput, maxPoints = MAX_LATENT_POINTS): TopLevelSpec {
  const values = latentPoints(v, maxPoints);
  const axis = (title: string): object => ({
    type: 'quantitative',
    scale: { domain: [-1, 1] },
    axis: { title, tickCount: 5 },
  });
  // Four explicit panels (vconcat of hconcats, each filtering its own points) rather than a facet:
  // the panels' contents are then fixed by their filters, whatever the renderer does with facets.
  const panel = (which: string, hemisphere: string, showY: boolean): object => ({
    width: 200,
    height: 200,
    title: { text: `${which}, ${hemisphere}`, fontSize: 11 },
    transform: [
      {
        filter: {
          and: [
            { field: 'panel', equal: which },
            { field: 'hemisphere', equal: hemisphere },
          ],
        },
      },
    ],
    mark: { type: 'circle', size: 10, opacity: 0.9 },
    encoding: {
      x: { field: 'px', ...axis('x') },
      y: { field: 'py', ...axis(showY ? 'y' : '') },
      color: { field: 'color', type: 'nominal', scale: null },
    },
  });
  const front = 'front (z₃ ≥ 0)';
  const back = 'back (z₃ < 0)';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Latents on S², ${v.label}`,
    config: CONFIG,
    data: { values },
    vconcat: ['true latents', 'recovered'].map((which) => ({
      hconcat: [panel(which, front, true), panel(which, back, false)],
    })),
  } as TopLevelSpec;
}
