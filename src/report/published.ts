// Paper A's published numbers (experiments/loss-is-not-enough/published.json), validated, and
// turned into the shapes the report takes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CurveInput, PublishedCell, TableInput } from './types.js';

const cell = z.object({ mean: z.number(), std: z.number().nonnegative() }).strict().nullable();
const metrics = z.object({ mcc: z.number(), ape: z.number(), loss: z.number() }).strict();
const sameLength = (xs: number[], ys: number[]): boolean => xs.length === ys.length;
const rhoCurve = z
  .object({ rho: z.array(z.number()), r2: z.array(z.number()) })
  .strict()
  .refine((o) => sameLength(o.rho, o.r2), { message: 'rho and r2 differ in length' });
// r2Std: the seeds' std where a source other than the printed table gives it (see table7.stdSource).
const fixedDimsCurve = z
  .object({
    dFixed: z.array(z.number().int().nonnegative()),
    r2: z.array(z.number()),
    r2Std: z.array(z.number().nonnegative()).optional(),
  })
  .strict()
  .refine((o) => sameLength(o.dFixed, o.r2), { message: 'dFixed and r2 differ in length' })
  .refine((o) => o.r2Std === undefined || sameLength(o.dFixed, o.r2Std), {
    message: 'dFixed and r2Std differ in length',
  });

const schema = z
  .object({
    source: z.string(),
    seeds: z.number().int().positive(),
    table1: z.object({
      title: z.string(),
      metric: z.string(),
      rows: z.array(z.string()),
      columns: z.array(z.string()),
      cells: z.record(z.string(), z.record(z.string(), cell)),
    }),
    holdsMlp: z.record(z.string(), z.union([metrics, z.string()])),
    violatedIdentity: z.record(z.string(), z.union([metrics, z.string()])),
    table7: z.object({ description: z.string().optional(), linear: fixedDimsCurve }).passthrough(),
    rhoSweep: z.object({ description: z.string().optional(), mlp: rhoCurve, 'inverse-linear': rhoCurve }).passthrough(),
    cifar10: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export type Published = z.infer<typeof schema>;

/** Where published.json lives, from the compiled (dist/src/report) or source (src/report) module. */
export function defaultPublishedPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rel = path.join('experiments', 'loss-is-not-enough', 'published.json');
  for (const up of ['../../..', '../..']) {
    const p = path.resolve(here, up, rel);
    if (fs.existsSync(p)) return p;
  }
  return path.resolve(here, '../../..', rel);
}

/** Reads and validates Paper A's published numbers. */
export function loadPublished(file = defaultPublishedPath()): Published {
  const parsed = schema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** Table 1 as a TableInput with no results of ours yet (fill `ours`). */
export function publishedTable1(p: Published): TableInput {
  const t = p.table1;
  const published: Record<string, Record<string, PublishedCell>> = {};
  for (const r of t.rows) {
    published[r] = {};
    for (const c of t.columns) published[r][c] = t.cells[r]?.[c] ?? null;
  }
  return {
    id: 'table1',
    title: t.title,
    metric: t.metric,
    rows: [...t.rows],
    columns: [...t.columns],
    ours: [],
    published,
  };
}

/** The paper's series of a curve figure (add ours with source 'ours'). */
export function publishedCurves(p: Published): { rho: CurveInput; fixedDims: CurveInput } {
  const mlp = p.rhoSweep.mlp;
  const inv = p.rhoSweep['inverse-linear'];
  const lin = p.table7.linear;
  const pts = (xs: number[], ys: number[]): { x: number; y: number }[] => xs.map((x, i) => ({ x, y: ys[i] ?? NaN }));
  return {
    rho: {
      id: 'r2-vs-rho',
      title: 'R² vs constraint ratio ρ (identity process)',
      x: 'ρ',
      y: 'R²',
      series: [
        { name: 'paper: MLP', source: 'paper', points: pts(mlp.rho, mlp.r2) },
        { name: 'paper: inverse linear', source: 'paper', points: pts(inv.rho, inv.r2) },
      ],
    },
    fixedDims: {
      id: 'r2-vs-fixed-dims',
      title: 'R² vs fixed dimensions on S⁹ (linear process)',
      x: 'fixed dimensions',
      y: 'R²',
      series: [{ name: 'paper: linear', source: 'paper', points: pts(lin.dFixed, lin.r2) }],
    },
  };
}
