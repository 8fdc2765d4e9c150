// Measuring a trained run after the fact (`clab measure`): metrics its spec did not ask for — a
// per-coordinate R², a held-out R², a k-NN accuracy — on its checkpoint, without training again.
//
// The held-out set is rebuilt, not stored: the same spec and seed give the same data source and the
// same `eval` stream (streams.ts), so the metrics see the very inputs the run's own evaluations saw,
// and a metric the run already reports comes out equal to it.
import type { Tensor } from '../torch/index.js';
import { buildData, buildEncoder, buildLoss } from './build.js';
import { evaluateMetrics } from './evaluation.js';
import type { MetricConfig, RunSpec } from './spec.js';
import { runStreams } from './streams.js';
import type { Checkpoint } from './trainer.js';

const MODEL_PREFIX = 'model.';

/**
 * The encoder's tensors of a checkpoint under their state-dict names (the `model.` prefix dropped).
 * The other tensors (optimizer state, generator) are disposed; the caller owns the ones returned.
 */
export function modelStateOf(cp: Checkpoint): Map<string, Tensor> {
  const weights = new Map<string, Tensor>();
  for (const [name, t] of cp.tensors) {
    if (name.startsWith(MODEL_PREFIX)) weights.set(name.slice(MODEL_PREFIX.length), t);
    else t.dispose();
  }
  return weights;
}

/**
 * The metrics of a run's encoder with the weights of `checkpoint` (validated metric configs, e.g.
 * `[{ kind: 'r2', perFactor: true, ... }]`), by reported name. Takes ownership of the checkpoint's
 * tensors.
 *
 * @example (docs/library.md; run by test/experiments/measure.test.ts)
 *   const handle = store.open('tau-sweep-s0');   // a RunHandle of the run store
 *   measureCheckpoint(handle.run, handle.latestCheckpoint()!, [MetricSpec.parse({ kind: 'r2', perFactor: true })]);
 *   // → { r2, r2_0, r2_1, r2_2 }: the linear R², and one per latent coordinate
 */
export function measureCheckpoint(
  run: RunSpec,
  checkpoint: Checkpoint,
  metrics: readonly MetricConfig[],
): Record<string, number> {
  const weights = modelStateOf(checkpoint);
  const gens = runStreams(run.seed);
  const data = buildData(run.spec, gens);
  const encoder = buildEncoder(run.spec, data, gens.init);
  try {
    // Strict: a checkpoint that does not fit the spec's encoder throws, naming every key.
    encoder.loadStateDict(weights);
    const { loss } = buildLoss(run.spec, data);
    return evaluateMetrics(run, encoder, data.evalSet(), loss, metrics);
  } finally {
    for (const t of weights.values()) t.dispose();
    encoder.dispose();
    data.dispose();
  }
}
