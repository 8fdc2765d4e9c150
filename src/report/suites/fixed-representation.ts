// Reference rows of suite reports that no training produces: a fixed representation — an analytic
// one (Paper C's perfect and spurious representations of the hypercube) or the raw inputs
// themselves (Paper D's reference row) — scored with a run's own metrics, on the run's own held-out
// set (its `eval` stream), with its loss and its metric stream, exactly as the trainer scores a
// trained encoder (src/experiments/trainer.ts, evaluateMetrics). Nothing is trained here (the
// linear probe fits its own classifier, as in every evaluation).
//
// Also: the representation of a finished run's held-out inputs, from its last checkpoint (for the
// plots of a representation on S²).
import path from 'node:path';
import { buildData, buildEncoder, buildLoss, freshStream, runStreams, type RunSpec } from '../../experiments/index.js';
import { metricKinds, type EvalContext } from '../../metrics/kinds.js';
import { create } from '../../registry/kind.js';
import { readLatestCheckpoint } from '../../runs/checkpoint-files.js';
import { CHECKPOINTS_DIR } from '../../runs/index.js';
import { noGrad, scope, type Tensor } from '../../torch/index.js';
import type { DataSource } from '../../data/source.js';

/** Maps a batch of the data's inputs [n, ...] to a representation [n, d]; `data` is the run's source. */
export type FixedRepresentation = (x: Tensor, data: DataSource) => Tensor;

/**
 * The run's evaluation metrics for a fixed representation (metric kinds listed in `skip` are left
 * out, e.g. those that need a loss when the loss cannot apply).
 */
export function fixedRepresentationMetrics(
  run: RunSpec,
  rep: FixedRepresentation,
  options: { skip?: readonly string[] } = {},
): Record<string, number> {
  const gens = runStreams(run.seed);
  const data = buildData(run.spec, gens);
  try {
    const { loss } = buildLoss(run.spec, data);
    const evalSet = data.evalSet();
    return noGrad(() =>
      scope(() => {
        const ctx: EvalContext = {
          eval: evalSet,
          embeddings: rep(evalSet.inputs, data),
          ...(evalSet.positives !== undefined ? { positiveEmbeddings: rep(evalSet.positives, data) } : {}),
          ...(evalSet.train !== undefined ? { trainEmbeddings: rep(evalSet.train.inputs, data) } : {}),
          loss,
          gen: freshStream(run.seed, 'metric'),
        };
        const out: Record<string, number> = {};
        for (const m of run.spec.eval.metrics)
          if (!(options.skip ?? []).includes(m.kind))
            Object.assign(out, create(metricKinds, m, ctx, 'metric') as Record<string, number>);
        return out;
      }),
    );
  } finally {
    data.dispose();
  }
}

/**
 * The representation of the held-out inputs by a finished run's encoder (its last checkpoint, eval
 * mode), as rows; undefined when the run folder has no checkpoint.
 */
export function storedRepresentation(
  run: RunSpec,
  dir: string,
): { inputs: number[][]; embeddings: number[][]; labels?: number[] } | undefined {
  const checkpoint = readLatestCheckpoint(path.join(dir, CHECKPOINTS_DIR));
  if (checkpoint === undefined) return undefined;
  const gens = runStreams(run.seed);
  const data = buildData(run.spec, gens);
  const encoder = buildEncoder(run.spec, data, gens.init);
  try {
    const model = new Map<string, Tensor>();
    for (const [name, t] of checkpoint.tensors) if (name.startsWith('model.')) model.set(name.slice(6), t);
    encoder.loadStateDict(model);
    encoder.eval();
    const evalSet = data.evalSet();
    return noGrad(() =>
      scope(() => {
        const z = encoder.embed ? encoder.embed(evalSet.inputs) : encoder.forward(evalSet.inputs);
        return {
          inputs: rows(evalSet.inputs),
          embeddings: rows(z),
          ...(evalSet.labels !== undefined ? { labels: evalSet.labels.toArray() } : {}),
        };
      }),
    );
  } finally {
    for (const t of checkpoint.tensors.values()) t.dispose();
    encoder.dispose();
    data.dispose();
  }
}

function rows(t: Tensor): number[][] {
  const [n, d] = [t.size(0), t.size(1)];
  const flat = t.toArray();
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
}
