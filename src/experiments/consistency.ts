// Checks across sections of a spec, run by the schema before any work: a restricted conditional
// leaves a sphere to move on; S²-only processes and encoders get S²; an inverse encoder mirrors its
// process; the data provides what the loss, the auxiliary terms and the metrics need.
import { dataKinds, type DataCapability } from '../data/kinds.js';
import { INVERSE_OF } from '../encoders/kinds.js';
import { lossKinds } from '../losses/kinds.js';
import { metricKinds } from '../metrics/kinds.js';
import { S2_ONLY_PROCESSES } from '../processes/kinds.js';
import type { AnyKind } from '../registry/kind.js';

export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

interface SpecLike {
  latent: { dim: number };
  conditional?: { kind: string; fixedDims?: number } | undefined;
  process: { kind: string };
  data: { kind: string };
  encoder: { kind: string };
  loss: { kind: string; rho?: number };
  auxiliary: { kind: string; datasetSize?: number | undefined }[];
  train: { batch: number };
  eval: { metrics: { kind: string }[] };
}

const S2_ONLY_ENCODERS = ['inverse-spiral', 'inverse-patches'];

function latentIssues(spec: SpecLike): SpecIssue[] {
  const k = spec.latent.dim;
  const out: SpecIssue[] = [];
  const fixed = spec.conditional?.fixedDims;
  if (fixed !== undefined && fixed > k - 2)
    out.push({
      path: ['conditional', 'fixedDims'],
      message: `conditional.fixedDims must leave at least 2 varying coordinates (allowed: 0..${k - 2} for latent.dim ${k}), got ${fixed}`,
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
  if ((data.requires ?? []).includes('conditional') && spec.conditional === undefined)
    out.push({
      path: ['conditional'],
      message: `data '${spec.data.kind}' draws positives from the latent conditional: set conditional: { kind: vmf, kappa } (allowed kinds: vmf, restricted-vmf)`,
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

export function checkSpecConsistency(spec: SpecLike): SpecIssue[] {
  return [...latentIssues(spec), ...dataIssues(spec)];
}
