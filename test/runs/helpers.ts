// Shared helpers of the run-store tests.
import type { RunSpec } from '../../src/experiments/spec.js';
import { tempDir as makeTempDir } from '../util/temp.js';

export const tempDir = (): string => makeTempDir('runs');

/** A small resolved-looking run (the store only needs spec.name and JSON-ness). */
export function sampleRun(
  overrides: { name?: string; seed?: number; tau?: number; point?: Record<string, unknown> } = {},
): RunSpec {
  const spec = {
    name: overrides.name ?? 'table1/spiral',
    latent: { dim: 3 },
    conditional: { kind: 'vmf', kappa: 3.333 },
    process: { kind: 'spiral', turns: 2 },
    encoder: { kind: 'mlp', hidden: [8, 8], batchNorm: true },
    loss: { kind: 'infonce', tau: overrides.tau ?? 0.3 },
    train: { steps: 10, batchSize: 4 },
    eval: { every: 5 },
  };
  return { spec, seed: overrides.seed ?? 0, point: overrides.point ?? {} } as unknown as RunSpec;
}
