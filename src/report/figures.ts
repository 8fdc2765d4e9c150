// Figures as Vega-Lite specs, rendered server-side to standalone SVG strings (no canvas, no
// browser, no network): compile Vega-Lite → Vega, run a headless View, serialise to SVG.
import { compile, type TopLevelSpec } from 'vega-lite';
import { View, parse } from 'vega';
import type {
  CurveInput,
  LatentViewInput,
  LossCurveInput,
  ReportInput,
  StripInput,
  TheoryCurveInput,
} from './types.js';
import { CONFIG } from './figure-style.js';
import { latentSpec } from './latent-figure.js';

/** A rendered figure. `id` is safe as a file name (`figures/<id>.svg`). */
export interface Figure {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
  svg: string;
}

const WIDTH = 420;
const HEIGHT = 280;

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSpec(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new View(parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A file-name-safe id: lower case letters, digits, '-', '_' and '.'; never empty. */
const GREEK: Record<string, string> = { λ: 'lambda', ρ: 'rho', τ: 'tau', κ: 'kappa', σ: 'sigma', '²': '2', '⁹': '9' };

export function slug(s: string): string {
  const out = s
    .toLowerCase()
    .replace(/[λρτκσ²⁹]/g, (ch) => GREEK[ch] ?? ch)
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return out || 'figure';
}

// ---- curves: R² vs ρ, R² vs fixedDims ------------------------------------------------------------

/** The rows a curve figure plots: one per point, with its ±std ends (null where the point has no yStd). */
function curveValues(c: CurveInput): Record<string, unknown>[] {
  return c.series.flatMap((s) =>
    s.points.map((p) => ({
      series: s.name,
      source: s.source,
      x: p.x,
      y: p.y,
      lo: p.yStd === undefined ? null : p.y - p.yStd,
      hi: p.yStd === undefined ? null : p.y + p.yStd,
    })),
  );
}

/** The stroke-dash encoding by a series' source: solid for ours, dashed for the paper's. */
function sourceDash(): Record<string, unknown> {
  return {
    field: 'source',
    type: 'nominal',
    title: 'source',
    scale: {
      // Our measurements, fresh or recorded, solid; the paper's values dashed.
      domain: ['ours', 'recorded', 'paper'],
      range: [
        [1, 0],
        [1, 0],
        [5, 3],
      ],
    },
  };
}

/** A line per series (ours solid, paper dashed), with ±std error bars where a point has yStd. */
export function curveSpec(c: CurveInput): TopLevelSpec {
  const x = { field: 'x', type: 'quantitative' as const, title: c.x };
  const color = { field: 'series', type: 'nominal' as const, title: 'series' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: curveValues(c) },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'y', type: 'quantitative', title: c.y }, color, strokeDash: sourceDash() },
      },
      {
        transform: [{ filter: 'datum.lo != null' }],
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: c.y }, y2: { field: 'hi' }, color },
      },
    ],
  } as TopLevelSpec;
}

// ---- strips: per-run values by category -----------------------------------------------------------

/** One dot per run by category (coloured by its label), a tick at each category's mean, the band shaded. */
export function stripSpec(st: StripInput): TopLevelSpec {
  const x = {
    field: 'category',
    type: 'nominal' as const,
    title: st.x,
    sort: st.categories,
    scale: { domain: st.categories },
  };
  const y = { field: 'y', type: 'quantitative' as const, title: st.y };
  const band =
    st.band === undefined
      ? []
      : [
          {
            data: { values: [{ lo: st.band.lo, hi: st.band.hi, band: st.band.label }] },
            mark: { type: 'rect', opacity: 0.18, color: '#e45756' },
            encoding: { y: { field: 'lo', type: 'quantitative', title: st.y }, y2: { field: 'hi' } },
          },
          {
            data: { values: [{ mid: (st.band.lo + st.band.hi) / 2, band: st.band.label }] },
            mark: { type: 'rule', strokeDash: [5, 3], color: '#e45756' },
            encoding: { y: { field: 'mid', type: 'quantitative', title: st.y }, tooltip: { field: 'band' } },
          },
        ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: st.title,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      ...band,
      {
        data: { values: st.points },
        mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
        encoding: { x, y, color: { field: 'label', type: 'nominal', title: 'run' } },
      },
      {
        data: { values: st.points },
        mark: { type: 'tick', color: '#333', thickness: 2, size: 22 },
        encoding: { x, y: { aggregate: 'mean', field: 'y', type: 'quantitative', title: st.y } },
      },
    ],
  } as TopLevelSpec;
}

// ---- loss curves ---------------------------------------------------------------------------------

/** Training loss against step, one line per curve; a ±std band where points carry `std`. */
export function lossSpec(curves: LossCurveInput[]): TopLevelSpec {
  const values = curves.flatMap((c) =>
    c.points.map((p) => ({
      run: c.label,
      step: p.step,
      loss: p.loss,
      lo: p.std === undefined ? null : p.loss - p.std,
      hi: p.std === undefined ? null : p.loss + p.std,
    })),
  );
  const x = { field: 'step', type: 'quantitative' as const, title: 'step' };
  const color = { field: 'run', type: 'nominal' as const, title: 'run' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Training loss',
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values },
    layer: [
      {
        transform: [{ filter: 'datum.lo != null' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', title: 'loss', scale: { zero: false } },
          y2: { field: 'hi' },
          color,
        },
      },
      {
        mark: { type: 'line', strokeWidth: 1.2 },
        encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } }, color },
      },
    ],
  } as TopLevelSpec;
}

// ---- theory: L(h_λ) − L(id) vs λ -----------------------------------------------------------------

/** The estimated loss difference against λ per series, with a ±2·SE band and a zero line. */
export function theorySpec(t: TheoryCurveInput): TopLevelSpec {
  const values = t.series.flatMap((s) =>
    t.lambdas.flatMap((lambda, i) => {
      const diff = s.diff[i];
      if (diff === undefined) return [];
      const se = s.stdErr[i] ?? 0;
      return [{ series: s.name, lambda, diff, lo: diff - 2 * se, hi: diff + 2 * se }];
    }),
  );
  const x = { field: 'lambda', type: 'quantitative' as const, title: 'λ', scale: { zero: false } };
  const color = { field: 'series', type: 'nominal' as const, title: 'series' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: t.title,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'L(h_λ) − L(id)' }, y2: { field: 'hi' }, color },
      },
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'diff', type: 'quantitative', title: 'L(h_λ) − L(id)' }, color },
      },
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#666' },
        encoding: { y: { field: 'zero', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

// ---- all figures of a report ---------------------------------------------------------------------

/** A figure before rendering: what `renderFigures` hands to Vega. */
type FigureJob = Omit<Figure, 'svg'>;

/** A function that turns each name into a file-name-safe id not given before (`-2`, `-3`, … on a repeat). */
function idAllocator(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    const base = slug(name);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    return id;
  };
}

/** The figure of a curve (ours against the paper's). */
const curveJob = (c: CurveInput, id: string): FigureJob => ({
  id,
  title: c.title,
  caption: `${c.y} against ${c.x}. Solid: ours, fresh runs or recorded results (error bars ± one sample std over runs); dashed: the paper.`,
  spec: curveSpec(c),
});

/** The figure of a strip plot, its caption naming the band when there is one. */
const stripJob = (st: StripInput, id: string): FigureJob => ({
  id,
  title: st.title,
  caption: `${st.y} of each run by ${st.x} (dots, coloured by run); dark ticks: the mean of each ${st.x}.${st.band === undefined ? '' : ` Shaded: ${st.band.label} (${st.band.lo.toFixed(3)} to ${st.band.hi.toFixed(3)}), dashed line its centre.`}`,
  spec: stripSpec(st),
});

/** The one figure of every training-loss curve, its caption naming the std band when a curve has one. */
function lossJob(curves: LossCurveInput[], id: string): FigureJob {
  const band = curves.some((c) => c.points.some((p) => p.std !== undefined))
    ? ' Shaded: ± one sample std over the seeds around their mean.'
    : '';
  return {
    id,
    title: 'Training loss',
    caption: `Training loss of each run against step.${band}`,
    spec: lossSpec(curves),
  };
}

/** The figure of a theory curve. */
const theoryJob = (t: TheoryCurveInput, id: string): FigureJob => ({
  id,
  title: t.title,
  caption:
    'Monte-Carlo estimate of the asymptotic loss difference L(h_λ) − L(id) against λ; bands ± 2 standard errors. Below zero: h_λ beats the identity.',
  spec: theorySpec(t),
});

/** The figure of one run's latents on S². */
const latentJob = (v: LatentViewInput, id: string): FigureJob => ({
  id,
  title: `Latents on S², ${v.label}`,
  caption:
    'Orthographic views of the true latents (top) and the recovered ones (bottom), front and back hemispheres (the back seen from behind). ' +
    'Each point is coloured by its true latent: hue from the azimuth, lightness from the height. Smooth colours on the recovered sphere mean the latent was recovered up to a rotation.',
  spec: latentSpec(v),
});

/** Renders every figure of a report, with unique file-name-safe ids. */
export async function renderFigures(input: ReportInput): Promise<Figure[]> {
  // Ids are given in this order, so a repeated name is numbered the same way on every render.
  const uniqueId = idAllocator();
  const jobs: FigureJob[] = [
    ...input.curves.map((c) => curveJob(c, uniqueId(c.id))),
    ...(input.strips ?? []).map((st) => stripJob(st, uniqueId(st.id))),
    ...(input.lossCurves.length > 0 ? [lossJob(input.lossCurves, uniqueId('loss-curves'))] : []),
    ...input.theory.map((t) => theoryJob(t, uniqueId(`theory-${t.title}`))),
    ...input.latentViews.map((v) => latentJob(v, uniqueId(`latents-${v.runId}`))),
  ];
  const svgs = await Promise.all(jobs.map((j) => renderSpec(j.spec)));
  return jobs.map((j, i) => ({ ...j, svg: svgs[i] ?? '' }));
}

export { latentColor, latentPoints, latentSpec, MAX_LATENT_POINTS, type LatentPoint } from './latent-figure.js';
