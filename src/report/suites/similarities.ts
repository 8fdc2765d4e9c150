// The report of the `similarities` suite (Paper B, "On the Similarities of Embeddings in
// Contrastive Learning", Lee, Lim, Lee, Sohn, ICML 2025; experiments/similarities.yaml): the
// variance of negative-pair similarities against the batch size m, SimCLR without and with VRNS,
// next to the paper's CIFAR-100 table; R² and the mean similarities; and the free-embedding theory
// checks (Thm 5.1's optimum, Thm 5.5's interval, VRNS; similarities-theory.ts). The runs are read in
// similarities-runs.ts.
//
// Runs are told apart by their stored specs, not by cell names: SimCLR runs train on data
// 'latent-set' (m = train.batch), theory runs on 'free-embeddings' (Thm 5.1: full batch; Thm 5.5:
// data.miniBatch = m); VRNS is an auxiliary term of kind 'vrns'. Numbers are the final evaluation's
// (summary.json); every conclusion in the notes is computed from them, not asserted.
import type { ExperimentSpec } from '../../experiments/spec.js';
import type { CellResult, CurveInput, LossCurveInput, PublishedCell, ReportInput, TableInput } from '../types.js';
import type { SuiteReportBuilder, SuiteReportContext } from './index.js';
import { batchOf, f4, meanOf, measure, stdOf, trend, type Measured } from './similarities-runs.js';
import { lossPointsOf } from './cells.js';
import { theoryPart } from './similarities-theory.js';

const ROW_PLAIN = 'SimCLR (NT-Xent)';
const ROW_VRNS = 'SimCLR + VRNS';

/** One SimCLR column: the suite's column name, its label, and its batch size m. */
interface Column {
  key: string;
  label: string;
  m: number;
}

/** What the pieces of the SimCLR part read: the finished SimCLR runs, the columns, the setting. */
interface SimclrSetting {
  ctx: SuiteReportContext;
  simclr: Measured[];
  columns: Column[];
  /** The spec the setting is described from: the first run's, else the suite's first SimCLR cell's. */
  ref: ExperimentSpec | undefined;
  /** The reference spec's setting in words (describeSetting). */
  sizes: { text: string; evalSamples: number } | undefined;
}

/** The SimCLR part: Var[s_neg], R² and the means by batch size, the curve, the loss curves, the notes. */
function simclrPart(ctx: SuiteReportContext, runs: Measured[]) {
  const s = simclrSetting(ctx, runs);
  return {
    tables: [varianceTable(s), r2Table(s), meansTable(s)],
    curve: varianceCurve(s),
    lossCurves: lossCurves(s),
    notes: simclrNotes(s),
  };
}

/** The SimCLR runs, columns and reference spec of the suite. */
function simclrSetting(ctx: SuiteReportContext, runs: Measured[]): SimclrSetting {
  const simclr = runs.filter((m) => m.spec.data.kind === 'latent-set');
  const ref = simclr[0]?.spec ?? ctx.suite.cells.find((c) => c.spec.data.kind === 'latent-set')?.spec;
  const sizes = ref === undefined ? undefined : describeSetting(ref);
  return { ctx, simclr, columns: simclrColumns(ctx), ref, sizes };
}

/**
 * The suite's SimCLR columns in order, labelled by their actual batch size (which `--set
 * train.batch=…` may have changed); duplicate sizes keep the column name.
 */
function simclrColumns(ctx: SuiteReportContext): Column[] {
  const columns: Column[] = [];
  for (const column of ctx.suite.columns) {
    const cell = ctx.suite.cells.find((c) => c.column === column && c.spec.data.kind === 'latent-set');
    if (cell === undefined) continue;
    const m = cell.spec.train.batch;
    const label = columns.some((c) => c.m === m) ? `m = ${m} (${column})` : `m = ${m}`;
    columns.push({ key: column, label, m });
  }
  return columns;
}

const rowOf = (vrns: boolean): string => (vrns ? ROW_VRNS : ROW_PLAIN);

/** The SimCLR runs of one column, without or with VRNS. */
const pick = (s: SimclrSetting, column: Column, vrns: boolean): Measured[] =>
  s.simclr.filter((r) => r.run.column === column.key && r.vrns === vrns);

/** The metric's value in each run of one column, without or with VRNS. */
const valuesAt = (s: SimclrSetting, column: Column, vrns: boolean, metric: string): number[] =>
  pick(s, column, vrns).map((r) => r.metric(metric));

/** The metric's mean at each column (NaN where no run finished), without or with VRNS. */
const meansAt = (s: SimclrSetting, vrns: boolean, metric: string): number[] =>
  s.columns.map((c) => meanOf(valuesAt(s, c, vrns, metric)));

/** Table cells of one metric: a row without VRNS, then one with, each over every column. */
function cellsOf(s: SimclrSetting, metric: string, rowName: (vrns: boolean) => string = rowOf): CellResult[] {
  return [false, true].flatMap((vrns) =>
    s.columns.map((c) => {
      const rs = pick(s, c, vrns);
      return {
        row: rowName(vrns),
        column: c.label,
        values: rs.map((r) => r.metric(metric)),
        runIds: rs.map((r) => r.run.meta.id),
      };
    }),
  );
}

/**
 * The paper's Var[s_neg] at batch size m (null where it has none): the published file's row is the
 * suite row of the SimCLR runs without or with VRNS, its columns are named m<batch>.
 */
function publishedAt(s: SimclrSetting, vrns: boolean, m: number): PublishedCell {
  const row =
    s.simclr.find((r) => r.vrns === vrns)?.run.row ??
    s.ctx.suite.cells.find(
      (c) => c.spec.data.kind === 'latent-set' && c.spec.auxiliary.some((a) => a.kind === 'vrns') === vrns,
    )?.row;
  return (row === undefined ? undefined : s.ctx.suite.published[row]?.[`m${m}`]) ?? null;
}

/** Var[s_neg] by batch size next to the paper's CIFAR-100 numbers. */
function varianceTable(s: SimclrSetting): TableInput {
  const published: Record<string, Record<string, PublishedCell>> = { [ROW_PLAIN]: {}, [ROW_VRNS]: {} };
  for (const vrns of [false, true])
    for (const c of s.columns) published[rowOf(vrns)]![c.label] = publishedAt(s, vrns, c.m);
  return {
    id: 'variance-vs-batch',
    title:
      'Variance of negative similarities vs batch size, SimCLR without and with VRNS (paper: CIFAR-100; ours: synthetic)',
    metric: 'Var[s_neg]',
    rows: [ROW_PLAIN, ROW_VRNS],
    columns: s.columns.map((c) => c.label),
    ours: cellsOf(s, 'negVar'),
    published,
    note:
      `Different setting: the paper's numbers are CIFAR-100 (SimCLR with an image encoder, t = 0.2, λ = 30, k = 50 000); ours are ${s.sizes?.text ?? 'not run'}. ` +
      'The absolute values are not comparable (Δ is shown but means nothing here); the claims to check are the trends: the variance falls with the batch size, and VRNS lowers it.',
  };
}

/** R² by batch size (ours only: the paper reports downstream accuracy on images instead). */
function r2Table(s: SimclrSetting): TableInput {
  return {
    id: 'r2-vs-batch',
    title: 'Representation quality: R² of the latents from the embeddings (affine regression, held-out half)',
    metric: 'R²',
    rows: [ROW_PLAIN, ROW_VRNS],
    columns: s.columns.map((c) => c.label),
    ours: cellsOf(s, 'r2'),
    published: { [ROW_PLAIN]: {}, [ROW_VRNS]: {} },
    note: "The paper reports downstream accuracy on images instead (not comparable); R² is Paper A's score on this synthetic setting.",
  };
}

/** E[s_pos] and E[s_neg] by batch size, with Thm 5.1's full-batch optimum in the note. */
function meansTable(s: SimclrSetting): TableInput {
  const k = s.ref?.data.kind === 'latent-set' ? s.ref.data.size : Number.NaN;
  return {
    id: 'similarity-means',
    title: 'Mean positive and negative similarities on the evaluation set',
    metric: 'similarity',
    rows: [`${ROW_PLAIN}: E[s_pos]`, `${ROW_PLAIN}: E[s_neg]`, `${ROW_VRNS}: E[s_pos]`, `${ROW_VRNS}: E[s_neg]`],
    columns: s.columns.map((c) => c.label),
    ours: [
      ...cellsOf(s, 'posMean', (v) => `${rowOf(v)}: E[s_pos]`),
      ...cellsOf(s, 'negMean', (v) => `${rowOf(v)}: E[s_neg]`),
    ],
    published: {},
    note: `Thm 5.1's full-batch optimum over the k = ${k} training instances would put every negative at −1/(k−1) ≈ ${(-1 / (k - 1)).toExponential(2)}.`,
  };
}

/** The curve of Var[s_neg] against m: ours (mean ± std over seeds) and the paper's, without and with VRNS. */
function varianceCurve(s: SimclrSetting): CurveInput {
  const ours = (vrns: boolean): { x: number; y: number; yStd?: number }[] =>
    s.columns.flatMap((c) => {
      const vs = valuesAt(s, c, vrns, 'negVar');
      if (vs.length === 0) return [];
      return vs.length > 1 ? [{ x: c.m, y: meanOf(vs), yStd: stdOf(vs) }] : [{ x: c.m, y: meanOf(vs) }];
    });
  const paper = (vrns: boolean): { x: number; y: number }[] =>
    s.columns.flatMap((c) => {
      const p = publishedAt(s, vrns, c.m);
      return p === null ? [] : [{ x: c.m, y: p.mean }];
    });
  return {
    id: 'variance-vs-batch-curve',
    title: 'Var[s_neg] vs batch size: ours (synthetic S², MLP) and the paper (CIFAR-100)',
    x: 'batch size m',
    y: 'Var[s_neg]',
    series: [
      { name: `ours: ${ROW_PLAIN}`, source: 'ours', points: ours(false) },
      { name: `ours: ${ROW_VRNS}`, source: 'ours', points: ours(true) },
      { name: `paper (CIFAR-100): ${ROW_PLAIN}`, source: 'paper', points: paper(false) },
      { name: `paper (CIFAR-100): ${ROW_VRNS}`, source: 'paper', points: paper(true) },
    ],
  };
}

/** The training-loss curves of the SimCLR runs of the first seed (one per cell). */
function lossCurves(s: SimclrSetting): LossCurveInput[] {
  const firstSeed = s.simclr[0]?.run.meta.seed;
  return s.simclr
    .filter((r) => r.run.meta.seed === firstSeed)
    .map((r) => ({
      runId: r.run.meta.id,
      label: `m = ${batchOf(r)}, ${r.vrns ? 'NT-Xent + λ·VRNS' : 'NT-Xent'}`,
      points: lossPointsOf(r.run),
    }));
}

const fmtList = (xs: number[]): string => xs.map(f4).join(' / ');

const PROTOCOL_NOTE =
  "Protocol differences that may matter: every batch size gets the same number of steps (so larger batches see more pairs), whereas the paper trains for a fixed number of epochs; mini-batches are reshuffled every epoch (Thm 5.5 assumes a fixed partition); the anchor is the clean latent and only the positive is augmented (Paper A's setup), not two augmented views; with k in the thousands δ = −1/(k−1) is ≈ 0, so VRNS here mainly pulls cross-view negatives towards orthogonality.";

/** The SimCLR notes: the setting, the paper's two trends checked on ours, R², the protocol. */
function simclrNotes(s: SimclrSetting): string[] {
  if (s.simclr.length === 0) return ['No SimCLR run of this suite has finished: the variance tables are empty.'];
  const plainVar = meansAt(s, false, 'negVar');
  const vrnsVar = meansAt(s, true, 'negVar');
  return [
    `Setting differs from the paper: the published variances are CIFAR-100 (SimCLR with an image encoder, t = 0.2, VRNS λ = 30 with k = 50 000); ours are a synthetic substitute that runs on CPU (${s.sizes?.text}). Absolute values are not comparable — only the trends are: the variance should fall with the batch size, and VRNS should lower it.`,
    ...trendNotes(s, plainVar, vrnsVar),
    isometryNote(s, plainVar, vrnsVar),
    `Representation quality (R²): without VRNS ${fmtList(meansAt(s, false, 'r2'))}, with VRNS ${fmtList(meansAt(s, true, 'r2'))}.`,
    PROTOCOL_NOTE,
    `Var[s_neg] is the population variance over all n_eval(n_eval − 1) cross-view pairs (u_i, v_j), i ≠ j, of a fixed evaluation set (n_eval = ${s.sizes?.evalSamples}), with the encoder in eval mode (BatchNorm running statistics). The loss curves are the trainer's running mean of the last ≤ 100 step losses at each evaluation.`,
  ];
}

/** Trend 1 (Var[s_neg] falls with m) and trend 2 (VRNS lowers it), counted on the means by column. */
function trendNotes(s: SimclrSetting, plainVar: number[], vrnsVar: number[]): string[] {
  const ms = s.columns.map((c) => c.m);
  const tPlain = trend(plainVar);
  const tVRNS = trend(vrnsVar);
  const lowerAt = ms.filter((_, i) => (vrnsVar[i] as number) < (plainVar[i] as number));
  return [
    `Trend 1 (variance falls with m): ours without VRNS ${fmtList(plainVar)} for m = ${ms.join('/')} — ${tPlain.down} of ${tPlain.steps} consecutive steps go down, first → last ${tPlain.endToEnd ? 'down' : 'NOT down'}; with VRNS ${fmtList(vrnsVar)} — ${tVRNS.down} of ${tVRNS.steps} down, first → last ${tVRNS.endToEnd ? 'down' : 'NOT down'}. Paper: monotone decrease in both rows.`,
    `Trend 2 (VRNS lowers the variance): lower with VRNS at ${lowerAt.length} of ${ms.length} batch sizes${lowerAt.length > 0 ? ` (m = ${lowerAt.join(', ')})` : ''}. Paper: lower at every batch size.`,
  ];
}

/**
 * Why trend 1 may not show here: with κ·τ = 1 the optimal encoder is an isometry of S², for which
 * Var[s_neg] = 1/3 whatever m; VRNS spreads the embeddings over more output dimensions.
 */
function isometryNote(s: SimclrSetting, plainVar: number[], vrnsVar: number[]): string {
  const ref = s.ref;
  const outDim = ref?.encoder.kind === 'mlp' ? (ref.encoder.outDim ?? ref.latent.dim) : Number.NaN;
  const kappaTau =
    ref?.conditional !== undefined && 'kappa' in ref.conditional && ref.loss.kind === 'nt-xent'
      ? ref.conditional.kappa * ref.loss.tau
      : Number.NaN;
  return (
    `Why trend 1 may not show in our synthetic setting: with κ·τ = 1 (here ${Math.abs(kappaTau - 1) < 1e-9 ? 'it holds' : `κ·τ = ${f4(kappaTau)}: it does NOT hold`}) Paper A's optimum is an encoder that maps S² isometrically (h orthogonal), and the data are a continuum on a 2-sphere, not k separate instances. For such an encoder s_neg = z_i·z̃_j with z̃_j marginally uniform and independent of z_i, so Var[s_neg] = 1/3 ≈ 0.3333 whatever m; ours without VRNS average ${f4(meanOf(plainVar))}. ` +
    `With VRNS the embeddings spread over more of the ${outDim} output dimensions (uniform on S^${outDim - 1} would give Var = 1/${outDim} ≈ ${f4(1 / outDim)}); ours with VRNS average ${f4(meanOf(vrnsVar))}, at the price of a lower E[s_pos] (see the means table).`
  );
}

/** The setting of a SimCLR spec in words, for the notes, and its evaluation-set size. */
function describeSetting(spec: ExperimentSpec): { text: string; evalSamples: number } {
  const kappa = spec.conditional !== undefined && 'kappa' in spec.conditional ? spec.conditional.kappa : Number.NaN;
  const encoder =
    spec.encoder.kind === 'mlp'
      ? `MLP ${spec.encoder.hidden.join('-')} → ${spec.encoder.outDim ?? spec.latent.dim}`
      : spec.encoder.kind;
  const loss = spec.loss.kind === 'nt-xent' ? `NT-Xent τ = ${spec.loss.tau}` : spec.loss.kind;
  const k = spec.data.kind === 'latent-set' ? spec.data.size : Number.NaN;
  return {
    text: `S^${spec.latent.dim - 1} latents, ${spec.process.kind} process, vMF positives (κ = ${kappa}), ${encoder}, ${loss}, ${spec.train.iterations} Adam steps (lr ${spec.train.optimizer.lr}) per run, k = ${k}, n_eval = ${spec.eval.samples}, ${spec.seeds.length} seed(s)`,
    evalSamples: spec.eval.samples,
  };
}

/** The report of experiments/similarities.yaml. */
export const similaritiesReport: SuiteReportBuilder = (ctx) => {
  const runs = measure(ctx);
  const s = simclrPart(ctx, runs);
  const theory = theoryPart(runs);
  const seconds = runs.reduce((a, m) => a + (m.run.meta.summary?.seconds ?? 0), 0);
  const out: ReportInput = {
    title: 'Paper B — similarities of embeddings: negative-similarity variance vs batch size, and VRNS',
    generatedAt: new Date().toISOString(),
    environment: {
      ...ctx.generic.environment,
      suite: ctx.suite.id,
      preset: ctx.preset,
      runs: ctx.runs.length,
      trainingSeconds: Math.round(seconds * 10) / 10,
    },
    tables: [...s.tables, ...theory.tables],
    curves: [s.curve],
    lossCurves: s.lossCurves,
    latentViews: [],
    theory: [],
    notes: [
      ...(ctx.suite.claim !== undefined ? [`Claim tested: ${ctx.suite.claim}`] : []),
      ...s.notes,
      ...theory.notes,
    ],
  };
  return out;
};
