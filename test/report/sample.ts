// A small report input shared by the report tests: Table 1 with the paper's numbers and a few of
// our cells (five seeds, one seed, none), curves, loss curves, a latent view and a theory curve.
import { loadPublished, publishedCurves, publishedTable1 } from '../../src/report/published.js';
import type { ReportInput, TableInput } from '../../src/report/types.js';

export function sampleTable(): TableInput {
  const t = publishedTable1(loadPublished());
  t.ours = [
    {
      row: 'identity',
      column: 'holds-infonce',
      values: [0.99, 1.0, 0.98, 0.995, 0.985],
      runIds: ['a1', 'a2', 'a3', 'a4', 'a5'],
    },
    { row: 'identity', column: 'violated-infonce', values: [0.5], runIds: ['b1'] },
    { row: 'spiral', column: 'violated-inverse', values: [0.97, 0.99], runIds: ['c1', 'c2'] },
    { row: 'invertible-mlp', column: 'violated-inverse', values: [0.42], runIds: ['d1'] },
  ];
  t.note = 'quick preset, <test> & "note"';
  return t;
}

/** Points spread over S² (a Fibonacci lattice) and a rotated copy as the "recovered" latents. */
export function spherePoints(n: number): { truth: number[][]; recovered: number[][] } {
  const truth: number[][] = [];
  const recovered: number[][] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const z = 1 - (2 * (i + 0.5)) / n;
    const r = Math.sqrt(1 - z * z);
    const x = Math.cos(golden * i) * r;
    const y = Math.sin(golden * i) * r;
    truth.push([x, y, z]);
    recovered.push([y, z, x]);
  }
  return { truth, recovered };
}

export function sampleInput(): ReportInput {
  const curves = publishedCurves(loadPublished());
  curves.rho.series.push({
    name: 'ours: MLP',
    source: 'ours',
    points: [
      { x: 0, y: 0.1, yStd: 0.05 },
      { x: 0.5, y: 0.55, yStd: 0.02 },
      { x: 1, y: 0.6 },
    ],
  });
  const { truth, recovered } = spherePoints(400);
  return {
    title: 'Paper A <Table 1> & co',
    generatedAt: '2026-01-01T00:00:00.000Z',
    environment: { node: 'v20', threads: 2, torch: { version: '2.1', blas: 'openblas' } },
    tables: [sampleTable()],
    curves: [curves.rho, curves.fixedDims],
    lossCurves: [
      {
        runId: 'a1',
        label: 'identity holds',
        points: Array.from({ length: 20 }, (_, i) => ({ step: i * 10, loss: 8 - Math.log1p(i) * 0.2 })),
      },
      {
        runId: 'b1',
        label: 'identity violated',
        points: Array.from({ length: 20 }, (_, i) => ({ step: i * 10, loss: 7 - Math.log1p(i) * 0.4 })),
      },
    ],
    latentViews: [{ runId: 'a1', label: 'identity, diversity holds', truth, recovered }],
    theory: [
      {
        title: 'L(h_λ) − L(id), restricted conditional',
        lambdas: [0.8, 0.9, 0.95, 1],
        series: [{ name: 'restricted', diff: [0.01, -0.02, -0.01, 0], stdErr: [0.002, 0.002, 0.001, 0] }],
      },
    ],
    notes: ['One seed per cell in the quick preset.', 'ρ sweep <partial>'],
  };
}

export function emptyInput(): ReportInput {
  return {
    title: 'empty',
    generatedAt: '',
    environment: {},
    tables: [],
    curves: [],
    lossCurves: [],
    latentViews: [],
    theory: [],
    notes: [],
  };
}
