// The sweep-throughput bench cases (issue 12): a 6-run sweep (2 seeds × 3 τ, MLP [32, 32], 200
// steps of batch 256) through `clab sweep --parallel W` with W = 1 or 2 worker processes of one
// libtorch thread each. One timed step is the whole sweep in a fresh store; runs per minute =
// 6 × 60 / seconds. The queue executor's `clab worker`s train each run the same way (one child
// process per run), so this is also their throughput on one machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Built } from './cases.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
export const SWEEP_RUNS = 6;

const SPEC = `name: bench/sweep
latent: { dim: 3 }
conditional: { kind: vmf, kappa: 3.3333333333333335 }
process: { kind: identity }
encoder: { kind: mlp, hidden: [32, 32] }
loss: { kind: infonce, tau: 0.3 }
train: { iterations: 200, batch: 256, checkpointEvery: 100 }
eval: { every: 100, samples: 500 }
seeds: [0, 1]
sweep: { loss.tau: [0.2, 0.3, 0.5] }
`;

/** The setup of the case `sweep-throughput/workers=W`. */
export function sweepThroughput(workers: number): () => Built {
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-bench-sweep-'));
    const spec = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(spec, SPEC);
    let round = 0;
    const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
    return {
      step: () => {
        const root = path.join(dir, `runs-${round++}`); // a fresh store: nothing is reused
        const r = spawnSync(process.execPath, [CLI, 'sweep', spec, '--parallel', String(workers), '--root', root], {
          env: { ...env, CLAB_THREADS: '1' },
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`clab sweep failed: ${r.stderr}`);
      },
      dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  };
}
