// The report of the `content-style` suite (von Kügelgen et al., NeurIPS 2021;
// experiments/content-style.yaml): content and style block R² (linear and kernel ridge) by the
// latent's dependence structure and the style change probability p, and Paper A's restricted
// sampler read as content/style (content = the coordinates it holds fixed), where the full latent's
// linear R² is set beside the content block's. The claim is tested on the numbers: content R² near
// 1 in every content/style cell, and, for Paper A's rows, content R² above the full-latent R².
import type { ComparisonTable, ReportInput, TableInput } from '../types.js';
import { cellOf, configOf, diversityOf, fmt, latentOf, meanOf, valuesOf } from './cells.js';
import { budget } from './cl-ica.js';
import type { SuiteReportBuilder, SuiteReportContext } from './index.js';

const isRestricted = (row: string): boolean => row.startsWith('restricted');

const BLOCK_METRICS: { key: string; title: string }[] = [
  { key: 'contentR2Nonlinear', title: 'content block R², kernel ridge' },
  { key: 'contentR2', title: 'content block R², linear' },
  { key: 'styleR2Nonlinear', title: 'style block R², kernel ridge' },
  { key: 'styleR2', title: 'style block R², linear' },
];

/** Paper A's restricted rows: the full latent's linear R² beside the block scores (one column per metric). */
const RESTRICTED_COLUMNS: { key: string; label: string }[] = [
  { key: 'r2', label: 'full latent, linear R²' },
  { key: 'contentR2', label: 'content, linear' },
  { key: 'contentR2Nonlinear', label: 'content, kernel' },
  { key: 'styleR2', label: 'style, linear' },
  { key: 'styleR2Nonlinear', label: 'style, kernel' },
];

function tables(ctx: SuiteReportContext): TableInput[] {
  const rows = ctx.suite.rows.filter((r) => !isRestricted(r));
  const cs: TableInput[] = BLOCK_METRICS.map((m) => ({
    id: `content-style-${m.key}`,
    title: `${m.title}: dependence × style change probability`,
    metric: m.key,
    rows,
    columns: ctx.suite.columns,
    ours: rows.flatMap((row) => ctx.suite.columns.map((col) => cellOf(ctx.runs, row, col, m.key))),
    published: {},
    note: `preset ${ctx.preset}; fitted on one half of the held-out set, scored on the other; ours only`,
  }));
  const restricted = ctx.suite.rows.filter(isRestricted);
  if (restricted.length === 0) return cs;
  const column = ctx.suite.columns[0]!;
  return [
    ...cs,
    {
      id: 'content-style-restricted',
      title: "Paper A's restricted sampler as content/style (content = the fixed coordinates): full-latent vs block R²",
      metric: 'R²',
      rows: restricted,
      columns: RESTRICTED_COLUMNS.map((c) => c.label),
      ours: restricted.flatMap((row) =>
        RESTRICTED_COLUMNS.map((c) => cellOf(ctx.runs, row, column, c.key, { column: c.label })),
      ),
      published: {},
      note: `preset ${ctx.preset}; ours only`,
    },
  ];
}

function settings(ctx: SuiteReportContext): ComparisonTable {
  return {
    id: 'content-style-settings',
    title: 'Settings: latent law, positive conditional, diversity diagnostic (content = never-moved directions)',
    header: ['row', 'latent', 'conditional (column p=1)', 'diversity'],
    rows: ctx.suite.rows.map((row) => {
      const spec = ctx.suite.cells.find((c) => c.row === row)!.spec;
      return [row, latentOf(spec), configOf(spec.conditional), diversityOf(spec)];
    }),
  };
}

const range = (xs: number[]): string => {
  const fin = xs.filter(Number.isFinite);
  return fin.length === 0 ? 'n/a' : `${fmt(Math.min(...fin))}–${fmt(Math.max(...fin))}`;
};

function notes(ctx: SuiteReportContext): string[] {
  const rows = ctx.suite.rows.filter((r) => !isRestricted(r));
  const all = (metric: string): number[] =>
    rows.flatMap((row) => ctx.suite.columns.map((col) => meanOf(valuesOf(ctx.runs, row, col, metric))));
  const kernel = all('contentR2Nonlinear');
  const out = [
    `Claim (von Kügelgen et al. 2021, Thm 4.4; Paper A for the restricted rows): ${ctx.suite.claim ?? ''}`,
    "No published numbers are compared (ours only). Block R² is fitted on one half of the held-out set and scored on the other, with representation and blocks standardised on the fit half; the kernel readout is RBF kernel ridge with a 3-fold CV grid (α ∈ {1, 0.1, 0.01, 0.001}, γ ∈ logspace(−2, 2, 4), the reference code's).",
    `Evidence (${ctx.preset} preset): content R², kernel ridge, over every content/style cell: ${range(kernel)} (linear: ${range(all('contentR2'))}); style R², kernel: ${range(all('styleR2Nonlinear'))} (linear: ${range(all('styleR2'))}).`,
  ];
  for (const row of rows) {
    const parts = ctx.suite.columns.map(
      (col) =>
        `${col}: content ${fmt(meanOf(valuesOf(ctx.runs, row, col, 'contentR2Nonlinear')))} / style ${fmt(meanOf(valuesOf(ctx.runs, row, col, 'styleR2Nonlinear')))}`,
    );
    out.push(`  ${row} (kernel R²): ${parts.join('; ')}.`);
  }
  const column = ctx.suite.columns[0]!;
  for (const row of ctx.suite.rows.filter(isRestricted)) {
    const v = (k: string): number => meanOf(valuesOf(ctx.runs, row, column, k));
    const [full, content, contentK] = [v('r2'), v('contentR2'), v('contentR2Nonlinear')];
    const kept = Math.max(content, contentK);
    out.push(
      `  ${row}: full-latent linear R² ${fmt(full)}, content block ${fmt(content)} (linear) / ${fmt(contentK)} (kernel), style ${fmt(v('styleR2'))} / ${fmt(v('styleR2Nonlinear'))} — ${
        !Number.isFinite(full)
          ? 'no run'
          : kept > full + 0.1
            ? 'the fixed coordinates are kept better than the full latent, as block identifiability predicts'
            : 'the content block is not kept better than the full latent here'
      }.`,
    );
  }
  out.push(
    "How to read it: with style changed in every pair (p = 1) the theory identifies the content block whatever the dependence; style R² well above 0 then means style information leaked into the representation (its output has n_c = 5 dimensions, so it cannot hold both blocks invertibly). With style depending on content, style is partly predictable from content, so a style R² above 0 is expected there without any leak. Paper A's rows ask whether what its violated sampler keeps fixed survives even though the full latent is lost.",
    `Differences from the reference code (experiments/content-style.base.yaml): the Wishart covariances and the style-on-content map are drawn once per run (theirs per batch: a mixture of laws), ReLU instead of LeakyReLU, kernel ridge on 1 000 rows (theirs 20 480). The content/style cells here ${budget(ctx)} (theirs 100 001 of 6 144).`,
  );
  return out;
}

export const contentStyleReport: SuiteReportBuilder = (ctx) =>
  ({
    ...ctx.generic,
    environment: { ...ctx.generic.environment, suite: ctx.suite.id, preset: ctx.preset },
    tables: tables(ctx),
    comparisons: [settings(ctx)],
    notes: [
      ...notes(ctx),
      ...(ctx.suite.skipped.columns.length > 0 || ctx.suite.skipped.rows.length > 0
        ? [
            `Not run at this preset ('${ctx.preset}'): ${[...ctx.suite.skipped.rows, ...ctx.suite.skipped.columns].join(', ')}.`,
          ]
        : []),
    ],
  }) satisfies ReportInput;
