// How a trained encoder is measured: its representation of a set of inputs, and the spec's metrics
// on the held-out set. The trainer evaluates through here during training, and `clab measure`
// (measure.ts) through here after it, so a metric asked of a finished run sees exactly what the
// run's own evaluations saw.
import { cat, noGrad, scope, type Tensor } from '../torch/index.js';
import type { EvalSet } from '../data/source.js';
import type { Encoder } from '../encoders/kinds.js';
import type { ContrastiveLoss } from '../losses/types.js';
import { metricKinds, type EvalContext } from '../metrics/kinds.js';
import { create } from '../registry/kind.js';
import type { MetricConfig, RunSpec } from './spec.js';
import { freshStream } from './streams.js';

/** Inputs encoded per forward pass when measuring (bounds the activations' memory). */
const CHUNK = 500;

/**
 * The representation of inputs x [n, ...] as [n, d]: `embed` (before a projection head) when the
 * encoder has one, else its output; in chunks of 500. The caller sets eval mode and noGrad.
 */
export function represent(encoder: Encoder, x: Tensor): Tensor {
  const n = x.size(0);
  const rep = (t: Tensor): Tensor => (encoder.embed ? encoder.embed(t) : encoder.forward(t));
  if (n <= CHUNK) return rep(x);
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i += CHUNK) parts.push(rep(x.narrow(0, i, Math.min(CHUNK, n - i))));
  return cat(parts);
}

/**
 * The metrics (default: the spec's `eval.metrics`) of the encoder on the held-out set, by reported
 * name. The encoder is put in eval mode and back in train mode after. The metric stream restarts
 * at its beginning for every call, so an evaluation does not depend on when it runs; metrics that
 * draw from it (held-out R² splits, k-means seeds) take their draws in list order.
 */
export function evaluateMetrics(
  run: RunSpec,
  encoder: Encoder,
  evalSet: EvalSet,
  loss: ContrastiveLoss,
  metrics: readonly MetricConfig[] = run.spec.eval.metrics,
): Record<string, number> {
  encoder.eval();
  try {
    return noGrad(() =>
      scope(() => {
        const ctx: EvalContext = {
          eval: evalSet,
          embeddings: represent(encoder, evalSet.inputs),
          ...(evalSet.positives !== undefined ? { positiveEmbeddings: represent(encoder, evalSet.positives) } : {}),
          ...(evalSet.train !== undefined ? { trainEmbeddings: represent(encoder, evalSet.train.inputs) } : {}),
          loss,
          gen: freshStream(run.seed, 'metric'),
        };
        const out: Record<string, number> = {};
        for (const m of metrics) Object.assign(out, create(metricKinds, m, ctx, 'metric') as Record<string, number>);
        return out;
      }),
    );
  } finally {
    encoder.train();
  }
}
