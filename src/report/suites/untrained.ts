// The reference every image report needs: the same metrics for a run's encoder at its random
// initialisation — the very weights the run started from (its `init` stream), on the very held-out
// set it was evaluated on (its `eval` stream), scored with the same metric stream — in eval mode,
// without a single training step. Nothing is trained here (the linear probe fits its own
// classifier, as in every evaluation).
//
// It rebuilds the run's data source, encoder and loss through the registries exactly as the trainer
// does (src/experiments/trainer.ts, evaluateMetrics): the representation is `embed` (before a
// projection head) in chunks of 500 inputs. (fixed-representation.ts does the same for a fixed map;
// an untrained encoder needs the run's data source to be built first, hence this separate helper.)
import type { Encoder } from '../../encoders/kinds.js';
import { buildData, buildEncoder, buildLoss, freshStream, runStreams, type RunSpec } from '../../experiments/index.js';
import { metricKinds, type EvalContext } from '../../metrics/kinds.js';
import { create } from '../../registry/kind.js';
import { cat, noGrad, scope, type Tensor } from '../../torch/index.js';
import type { SuiteRunData } from './index.js';

const CHUNK = 500;

function represent(encoder: Encoder, x: Tensor): Tensor {
  const rep = (t: Tensor): Tensor => (encoder.embed ? encoder.embed(t) : encoder.forward(t));
  const n = x.size(0);
  if (n <= CHUNK) return rep(x);
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i += CHUNK) parts.push(rep(x.narrow(0, i, Math.min(CHUNK, n - i))));
  return cat(parts);
}

/** The run's evaluation metrics at step 0 (its initial weights, eval mode), and the encoder's parameter count. */
export function untrainedMetrics(run: RunSpec): { metrics: Record<string, number>; parameters: number } {
  const gens = runStreams(run.seed);
  const data = buildData(run.spec, gens);
  const encoder = buildEncoder(run.spec, data, gens.init);
  try {
    const { loss } = buildLoss(run.spec, data);
    const evalSet = data.evalSet();
    // Positive views are embedded only when a metric reads them (probes and k-NN do not).
    const needsPositives = run.spec.eval.metrics.some((m) =>
      (metricKinds as Record<string, { requires?: readonly string[] }>)[m.kind]?.requires?.includes('positives'),
    );
    encoder.eval();
    const metrics = noGrad(() =>
      scope(() => {
        const ctx: EvalContext = {
          eval: evalSet,
          embeddings: represent(encoder, evalSet.inputs),
          ...(evalSet.positives !== undefined && needsPositives
            ? { positiveEmbeddings: represent(encoder, evalSet.positives) }
            : {}),
          ...(evalSet.train !== undefined ? { trainEmbeddings: represent(encoder, evalSet.train.inputs) } : {}),
          loss,
          gen: freshStream(run.seed, 'metric'),
        };
        const out: Record<string, number> = {};
        for (const m of run.spec.eval.metrics)
          Object.assign(out, create(metricKinds, m, ctx, 'metric') as Record<string, number>);
        return out;
      }),
    );
    return { metrics, parameters: encoder.numParameters() };
  } finally {
    encoder.dispose();
    data.dispose();
  }
}

/**
 * Per suite row, the untrained reference of each seed: `read` applied to the untrained metrics of
 * the row's first run of that seed (the weights it started from), in seed order.
 */
export function untrainedByRow<T>(
  rows: readonly string[],
  runs: readonly SuiteRunData[],
  specs: ReadonlyMap<string, RunSpec>,
  read: (untrained: ReturnType<typeof untrainedMetrics>, run: SuiteRunData) => T,
): Map<string, T[]> {
  const byRow = new Map<string, T[]>();
  for (const row of rows) {
    const seen = new Set<number>();
    for (const r of runs.filter((x) => x.row === row).sort((a, b) => a.meta.seed - b.meta.seed)) {
      if (seen.has(r.meta.seed)) continue;
      seen.add(r.meta.seed);
      byRow.set(row, [...(byRow.get(row) ?? []), read(untrainedMetrics(specs.get(r.meta.id)!), r)]);
    }
  }
  return byRow;
}
