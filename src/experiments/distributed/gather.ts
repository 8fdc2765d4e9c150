// How each loss uses the global batch when a spec asks for `loss.gather: true` on several ranks
// (issue 13), and the checks a spec must pass before any rank starts.
//
// Without gathering, each rank's loss sees only its own share of the batch (B/N anchors, and B/N of
// the in-batch or shared negatives): the loss of an N-rank run is the mean of N losses on batches of
// B/N. With `loss.gather: true` every anchor is contrasted with the negatives of the whole global
// batch, as in one process with batch B:
//
//   negatives  the shared negatives of every rank are all-gathered; anchors and positives stay on
//              their rank. Each rank's loss is the mean over its own anchors, so the mean over
//              ranks is the single-process loss and the loss's work is split N ways.
//              (infonce with shared negatives.)
//   batch      anchors, positives (and negatives) of every rank are all-gathered and every rank
//              computes the loss of the whole global batch (the same number on every rank). Exact
//              for any loss of the batch — no label offsets to get wrong (lightly #1176/#1177) —
//              at the price of computing the loss N times; the encoder's work is still split.
//              (in-batch losses: infonce in-batch, nt-xent, siglip, spectral, alignment-uniformity,
//              similarity-family; and any loss with auxiliary terms.)
//
// The all-gather is differentiable: each rank receives the gradient of the sum of every rank's
// loss with respect to its own embeddings, and the gradient all-reduce (mean) after backward turns
// that into the gradient of the single-process loss.
import type { LossConfig } from '../../losses/kinds.js';
import { SpecError } from '../resolve.js';
import type { RunSpecBody } from '../spec.js';

export type GatherMode = 'negatives' | 'batch';

const PER_ANCHOR =
  'its negatives are drawn per anchor, so there is nothing to gather: without loss.gather a multi-rank run already computes the single-process loss';

/** Each loss kind's use of the gathered batch, or why it cannot gather. */
const LOSS_GATHER: Record<string, { mode: (config: LossConfig) => GatherMode } | { refused: string }> = {
  infonce: { mode: (c) => ((c as { negatives?: string }).negatives === 'in-batch' ? 'batch' : 'negatives') },
  'adapted-infonce': { refused: PER_ANCHOR },
  proxy: { refused: PER_ANCHOR },
  'nt-xent': { mode: () => 'batch' },
  siglip: { mode: () => 'batch' },
  spectral: { mode: () => 'batch' },
  'alignment-uniformity': { mode: () => 'batch' },
  'similarity-family': { mode: () => 'batch' },
  'lp-infonce': { mode: () => 'negatives' },
};

/** The loss kinds that can gather, for documentation and error messages. */
export const GATHERING_LOSSES = Object.entries(LOSS_GATHER)
  .filter(([, rule]) => 'mode' in rule)
  .map(([kind]) => kind);

/**
 * How the spec's loss gathers (undefined when it does not ask to), or a reason it cannot. Auxiliary
 * terms (VRNS) use the whole batch, so a loss with them gathers the batch.
 */
export function gatherMode(spec: RunSpecBody): GatherMode | undefined | { refused: string } {
  if ((spec.loss as { gather?: boolean }).gather !== true) return undefined;
  const rule = LOSS_GATHER[spec.loss.kind];
  if (rule === undefined)
    return {
      refused: `loss kind '${spec.loss.kind}' does not declare how it gathers (those that do: ${GATHERING_LOSSES.join(', ')})`,
    };
  if (!('mode' in rule)) return rule;
  return spec.auxiliary.length > 0 ? 'batch' : rule.mode(spec.loss);
}

/**
 * What stops a run spec from training on `worldSize` ranks: a loss that cannot gather but is
 * asked to, a batch (or count of shared negatives) that does not split evenly over the ranks.
 */
export function distributedProblems(spec: RunSpecBody, worldSize: number): string[] {
  if (worldSize <= 1) return [];
  const problems: string[] = [];
  const mode = gatherMode(spec);
  if (mode !== undefined && typeof mode !== 'string')
    problems.push(`loss.gather: ${spec.loss.kind} cannot gather: ${mode.refused}`);
  const B = spec.train.batch;
  if (B % worldSize !== 0)
    problems.push(
      `train.batch: ${B} does not split over ${worldSize} ranks (each rank takes batch/ranks anchors); use a multiple of ${worldSize}`,
    );
  const count = (spec.loss as { count?: number }).count;
  if (count !== undefined && count % worldSize !== 0)
    problems.push(
      `loss.count: ${count} shared negatives do not split over ${worldSize} ranks; use a multiple of ${worldSize}`,
    );
  return problems;
}

/** Throws a SpecError (exit code 2) listing every problem of `specs` on `worldSize` ranks. */
export function checkDistributable(specs: readonly RunSpecBody[], worldSize: number, source: string): void {
  const problems = [...new Set(specs.flatMap((s) => distributedProblems(s, worldSize)))];
  if (problems.length > 0)
    throw new SpecError(
      source,
      problems.map((p) => `${p} (--nproc × --nnodes = ${worldSize})`),
    );
}
