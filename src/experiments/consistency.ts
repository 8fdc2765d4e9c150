// Checks across sections of a spec, run by the schema before any work: a restricted conditional
// leaves a sphere to move on; S²-only processes and encoders get S²; an inverse encoder mirrors its
// process; the data provides what the loss, the auxiliary terms and the metrics need; the encoder
// takes the inputs the data gives (vectors, images, instance indices) and train.batch fits the set.
// Each is a question that would otherwise be answered only when the run builds its data and encoder.
import { dataKinds, type DataCapability } from '../data/kinds.js';
import { encoderKinds, INVERSE_OF, SIZED_BY_LATENTS } from '../encoders/kinds.js';
import { CONDITIONAL_SPACES } from '../latent/kinds.js';
import { lossKinds } from '../losses/kinds.js';
import { metricKinds } from '../metrics/kinds.js';
import { processKinds, S2_ONLY_PROCESSES } from '../processes/kinds.js';
import { inputKindOf, type AnyKind, type DataInputs, type InputKind } from '../registry/kind.js';
import { spaceIssues } from './space-consistency.js';

export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

interface SpecLike {
  latent: { dim: number; space?: string; bounds?: [number, number]; marginal?: { kind: string; content?: number } };
  conditional?: { kind: string; fixedDims?: number; content?: number } | undefined;
  process: { kind: string; outDim?: number };
  data: { kind: string };
  encoder: { kind: string; outDim?: number | undefined };
  loss: { kind: string; rho?: number };
  auxiliary: { kind: string; datasetSize?: number | undefined }[];
  train: { batch: number };
  eval: { samples: number; metrics: { kind: string; testFraction?: number }[] };
}

const S2_ONLY_ENCODERS = ['inverse-spiral', 'inverse-patches'];

function latentIssues(spec: SpecLike): SpecIssue[] {
  const k = spec.latent.dim;
  const out: SpecIssue[] = [];
  const fixed = spec.conditional?.fixedDims;
  if (fixed !== undefined && fixed > k)
    out.push({
      path: ['conditional', 'fixedDims'],
      message: `conditional.fixedDims can hold at most every latent coordinate (allowed: 0..${k} for latent.dim ${k}), got ${fixed}`,
    });
  if (S2_ONLY_PROCESSES.includes(spec.process.kind) && k !== 3)
    out.push({
      path: ['process', 'kind'],
      message: `process.kind '${spec.process.kind}' is defined on S² only (latent.dim 3), got latent.dim ${k}`,
    });
  if (S2_ONLY_ENCODERS.includes(spec.encoder.kind) && k !== 3)
    out.push({
      path: ['encoder', 'kind'],
      message: `encoder.kind '${spec.encoder.kind}' is defined on S² only (latent.dim 3), got latent.dim ${k}`,
    });
  const allowed = INVERSE_OF[spec.encoder.kind];
  if (allowed !== undefined && (spec.data.kind !== 'latents' || !allowed.includes(spec.process.kind)))
    out.push({
      path: ['encoder', 'kind'],
      message:
        spec.data.kind === 'latents'
          ? `encoder.kind '${spec.encoder.kind}' inverts process ${allowed.map((a) => `'${a}'`).join(' or ')}, but process.kind is '${spec.process.kind}'`
          : `encoder.kind '${spec.encoder.kind}' inverts a process of data 'latents', but data.kind is '${spec.data.kind}'`,
    });
  return out;
}

/** The conditional kinds defined on a latent space (sphere, box, real). */
const conditionalsOn = (space: string): string[] =>
  Object.entries(CONDITIONAL_SPACES)
    .filter(([, spaces]) => (spaces as readonly string[]).includes(space))
    .map(([kind]) => kind);

/** What the loss needs from the data, read off the negatives it would request. */
function lossNeeds(spec: SpecLike): DataCapability | undefined {
  const kind = (lossKinds as Record<string, AnyKind>)[spec.loss.kind];
  let negatives: { kind: string; source?: string };
  try {
    negatives = (kind!.create(spec.loss, { batch: spec.train.batch }) as { negatives: typeof negatives }).negatives;
  } catch {
    return undefined; // the loss's own settings are invalid; their issues are reported at their keys
  }
  if (negatives.kind === 'shared') return 'shared-negatives';
  if (negatives.kind === 'per-anchor') return negatives.source === 'support' ? 'support-negatives' : 'view-negatives';
  return undefined;
}

function dataIssues(spec: SpecLike): SpecIssue[] {
  const data = (dataKinds as Record<string, AnyKind>)[spec.data.kind]!;
  const provides = new Set(data.provides ?? []);
  const has = `data '${spec.data.kind}' provides ${[...provides].join(', ') || 'nothing else'}`;
  const out: SpecIssue[] = [];
  const space = spec.latent.space ?? 'sphere';
  if ((data.requires ?? []).includes('conditional') && spec.conditional === undefined)
    out.push({
      path: ['conditional'],
      message: `data '${spec.data.kind}' draws positives from the latent conditional: set conditional: { kind: vmf, kappa } (allowed kinds on latent.space ${space}: ${conditionalsOn(space).join(', ')})`,
    });
  const need = lossNeeds(spec);
  if (need !== undefined && !provides.has(need))
    out.push({ path: ['loss', 'kind'], message: `loss '${spec.loss.kind}' needs ${need}; ${has}` });
  if (need === 'support-negatives' && (spec.loss.rho ?? 0) > 0 && spec.conditional?.kind !== 'restricted-vmf')
    out.push({
      path: ['loss', 'rho'],
      message:
        'loss.rho > 0 needs a restricted conditional (its support K(z)); use conditional.kind restricted-vmf or rho 0',
    });
  spec.auxiliary.forEach((aux, i) => {
    if (aux.kind === 'vrns' && aux.datasetSize === undefined && !provides.has('finite-set'))
      out.push({
        path: ['auxiliary', i, 'datasetSize'],
        message: `auxiliary vrns needs the training-set size k (δ = −1/(k − 1)); ${has}, no finite set: set datasetSize`,
      });
  });
  spec.eval.metrics.forEach((m, i) => {
    const missing = ((metricKinds as Record<string, AnyKind>)[m.kind]?.requires ?? []).filter((r) => !provides.has(r));
    if (missing.length > 0)
      out.push({ path: ['eval', 'metrics', i], message: `metric '${m.kind}' needs ${missing.join(', ')}; ${has}` });
  });
  return out;
}

/** The linear process maps S^{k−1} into R^outDim injectively only when outDim ≥ k (W of full column rank). */
function processIssues(spec: SpecLike): SpecIssue[] {
  const k = spec.latent.dim;
  const outDim = spec.process.outDim;
  if (spec.process.kind !== 'linear' || outDim === undefined || outDim >= k) return [];
  return [
    {
      path: ['process', 'outDim'],
      message: `process 'linear' needs outDim ≥ latent.dim for W to have full column rank (allowed: ${k} or more), got ${outDim}`,
    },
  ];
}

/** Kinds that draw their inputs from the latent sphere S² only (rendered images of (x, y, hue)). */
function sphereIssues(spec: SpecLike): SpecIssue[] {
  const data = (dataKinds as Record<string, AnyKind>)[spec.data.kind]!;
  if (!(data.requires ?? []).includes('latent-s2') || spec.latent.dim === 3) return [];
  return [
    {
      path: ['latent', 'dim'],
      message: `data '${spec.data.kind}' renders points of S² (allowed: latent.dim 3), got latent.dim ${spec.latent.dim}`,
    },
  ];
}

/** What the data will feed the encoder, from the data kind's and the process's declarations. */
function dataInputs(spec: SpecLike): DataInputs | undefined {
  const k = spec.latent.dim;
  const process = (processKinds as Record<string, AnyKind>)[spec.process.kind]!;
  const processOutDim = process.outDim?.(spec.process, k) ?? k;
  return (dataKinds as Record<string, AnyKind>)[spec.data.kind]!.inputs?.(spec.data, { latentDim: k, processOutDim });
}

const INPUT_NAMES: Record<InputKind, string> = {
  vectors: 'vectors [d]',
  images: 'square images [C, H, W]',
  indices: "instance indices (data 'free-embeddings')",
};

/** The encoders that take inputs of a kind (inverse encoders only mirror their process: left out). */
function encodersFor(kind: InputKind | undefined): string[] {
  return Object.entries(encoderKinds as Record<string, AnyKind>)
    .filter(([name, e]) => e.accepts === kind && INVERSE_OF[name] === undefined)
    .map(([name]) => name);
}

/** The encoder takes the data's inputs: a vector MLP cannot read images, an image CNN cannot read vectors. */
function inputIssues(spec: SpecLike, inputs: DataInputs): SpecIssue[] {
  const accepts = (encoderKinds as Record<string, AnyKind>)[spec.encoder.kind]!.accepts;
  const gives = inputKindOf(inputs.shape);
  if (accepts === undefined || accepts === gives) return [];
  return [
    {
      path: ['encoder', 'kind'],
      message: `encoder '${spec.encoder.kind}' takes ${INPUT_NAMES[accepts]}; data '${spec.data.kind}' gives inputs of shape [${inputs.shape.join(', ')}] (allowed encoders: ${encodersFor(gives).join(', ') || 'none'})`,
    },
  ];
}

/** Encoders sized by the latents (no encoder.outDim) need data that has latents to size them by. */
function embeddingIssues(spec: SpecLike, inputs: DataInputs): SpecIssue[] {
  const sized = SIZED_BY_LATENTS.includes(spec.encoder.kind) && spec.encoder.outDim === undefined;
  if (!sized || inputs.latentDim !== undefined || inputKindOf(inputs.shape) !== 'vectors') return [];
  return [
    {
      path: ['encoder', 'outDim'],
      message: `encoder '${spec.encoder.kind}' sizes its embedding by the data's latents, and data '${spec.data.kind}' has none: set encoder.outDim (a positive integer)`,
    },
  ];
}

/** A set visited without replacement (an epoch of distinct instances per step) cannot serve a larger batch. */
function batchIssues(spec: SpecLike, inputs: DataInputs): SpecIssue[] {
  if (inputs.maxBatch === undefined || spec.train.batch <= inputs.maxBatch) return [];
  return [
    {
      path: ['train', 'batch'],
      message: `data '${spec.data.kind}' draws each batch without replacement from its ${inputs.size ?? inputs.maxBatch} instances (allowed: 1..${inputs.maxBatch}), got ${spec.train.batch}`,
    },
  ];
}

/** The checks between the data's declared inputs and the encoder and training that consume them. */
function encoderIssues(spec: SpecLike): SpecIssue[] {
  const inputs = dataInputs(spec);
  if (inputs === undefined) return [];
  return [...inputIssues(spec, inputs), ...embeddingIssues(spec, inputs), ...batchIssues(spec, inputs)];
}

/** Metrics that relate every latent coordinate to every embedding coordinate over eval.samples. */
const COORDINATE_METRICS = ['r2', 'mcc', 'held-out-mcc', 'permutation-disentanglement', 'block-r2'];

/**
 * Metrics that fit or correlate coordinates need more evaluation samples than coordinates: with
 * n ≤ d + 1 samples an affine fit of the latents from d embedding coordinates interpolates them
 * (R² = 1 for any encoder), and the n-sample correlations have rank < n, so matching k latents to
 * d coordinates pairs chance correlations (MCC inflated) — silent wrong numbers, and at large d an
 * O(d³) matching. The count that fits a held-out R² is the part not held out.
 */
function evalSampleIssues(spec: SpecLike): SpecIssue[] {
  const k = dataInputs(spec)?.latentDim ?? spec.latent.dim;
  // The embedding's width when the spec fixes it (outDim, or an encoder sized by the latents).
  const d = spec.encoder.outDim ?? (SIZED_BY_LATENTS.includes(spec.encoder.kind) ? k : undefined);
  const needed = Math.max(k, d ?? 0) + 2;
  const coordinates = d === undefined ? `${k} latent coordinates` : `${k} latent and ${d} embedding coordinates`;
  const fittedOf = (n: number, testFraction: number): number => n - Math.round(n * testFraction);
  const out: SpecIssue[] = [];
  spec.eval.metrics.forEach((m, i) => {
    const testFraction = m.testFraction ?? 0;
    const fitted = fittedOf(spec.eval.samples, testFraction);
    if (!COORDINATE_METRICS.includes(m.kind) || fitted >= needed) return;
    let least = needed;
    while (fittedOf(least, testFraction) < needed) least++;
    const part = fitted < spec.eval.samples ? ` (${fitted} after holding out ${spec.eval.samples - fitted})` : '';
    out.push({
      path: ['eval', 'samples'],
      message: `metric '${m.kind}' (eval.metrics.${i}) relates ${coordinates} over eval.samples, which must exceed the larger dimension + 1 or the fit interpolates (R² = 1) and the correlations match by chance (allowed: ${least} or more), got ${spec.eval.samples}${part}`,
    });
  });
  return out;
}

/**
 * Each metric reports under its own names: two that report the same name (two r2 metrics without
 * distinct `as`) would overwrite each other's value silently.
 */
function metricNameIssues(spec: SpecLike): SpecIssue[] {
  const k = dataInputs(spec)?.latentDim ?? spec.latent.dim;
  const claimedBy = new Map<string, number>();
  const out: SpecIssue[] = [];
  spec.eval.metrics.forEach((m, i) => {
    const names = (metricKinds as Record<string, AnyKind>)[m.kind]?.outputs?.(m, k) ?? [];
    const clashes = [...new Set(names)].filter((name) => claimedBy.has(name));
    if (clashes.length > 0)
      out.push({
        path: ['eval', 'metrics', i],
        message: `metric '${m.kind}' (eval.metrics.${i}) reports ${clashes.map((c) => `'${c}'`).join(', ')}, already reported by eval.metrics.${claimedBy.get(clashes[0]!)}: give one of them another name${m.kind === 'r2' ? " (as: e.g. 'r2Pooled')" : ''}`,
      });
    for (const name of names) if (!claimedBy.has(name)) claimedBy.set(name, i);
  });
  return out;
}

export function checkSpecConsistency(spec: SpecLike): SpecIssue[] {
  return [
    ...latentIssues(spec),
    ...spaceIssues(spec),
    ...processIssues(spec),
    ...sphereIssues(spec),
    ...dataIssues(spec),
    ...encoderIssues(spec),
    ...evalSampleIssues(spec),
    ...metricNameIssues(spec),
  ];
}
