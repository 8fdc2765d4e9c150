// Running `clab` as a user would (a child process), and reading a sweep's results back.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunStore } from '../../src/runs/index.js';

// Compiled to dist/test/cluster: the repository is three levels up.
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = path.join(repo, 'dist/src/cli/main.js');
// NODE_TEST_CONTEXT would make a child node process report to this test runner instead of running.
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `clab …`; `exit` resolves with its code and output. */
export function clab(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; exit: Promise<Exit>; output: () => string } {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: repo,
    env: { ...parentEnv, CLAB_THREADS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<Exit>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, exit, output: () => stdout };
}

/** A sweep spec in `dir`: `seeds` × loss.tau ∈ {0.2, 0.3, 0.5}, checkpoints every 10 steps. */
export function sweepSpec(dir: string, iterations: number, seeds = [0, 1], taus = [0.2, 0.3, 0.5]): string {
  const file = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(
    file,
    [
      'name: cluster/tiny',
      'latent: { dim: 3 }',
      'conditional: { kind: vmf, kappa: 3.3333333333333335 }',
      'process: { kind: identity }',
      'encoder: { kind: mlp, hidden: [16, 16] }',
      'loss: { kind: infonce, tau: 0.3 }',
      `train: { iterations: ${iterations}, batch: 32, checkpointEvery: 10 }`,
      `eval: { every: ${Math.max(10, iterations / 2)}, samples: 200 }`,
      `seeds: [${seeds.join(', ')}]`,
      `sweep: { loss.tau: [${taus.join(', ')}] }`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Every finished run's final loss and metrics, by run key (the same run has the same key anywhere). */
export function results(root: string): Map<string, { finalLoss: number; metrics: Record<string, number> }> {
  const store = new RunStore(root);
  try {
    store.reindex();
    const out = new Map<string, { finalLoss: number; metrics: Record<string, number> }>();
    for (const m of store.list({ status: 'done' }))
      if (m.summary) out.set(m.key, { finalLoss: m.summary.finalLoss, metrics: m.summary.metrics });
    return out;
  } finally {
    store.close();
  }
}

/**
 * Resolves once `ok()` holds (checked every 50 ms), or rejects after `ms`; `explain()`, if given,
 * adds what the test can see at that moment to the error (a timeout on a cluster is otherwise mute).
 */
export async function waitFor(what: string, ok: () => boolean, ms = 120_000, explain?: () => string): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (ok()) return;
  throw new Error(`timed out waiting for ${what}${explain ? `\n${explain()}` : ''}`);
}

/** Ids of runs under `root` that have a checkpoint but no summary yet: in training, mid-run. */
export function midRun(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter(
      (id) =>
        !id.startsWith('.') &&
        fs.existsSync(path.join(root, id, 'checkpoints')) &&
        fs.readdirSync(path.join(root, id, 'checkpoints')).some((f) => f.endsWith('.safetensors')) &&
        !fs.existsSync(path.join(root, id, 'summary.json')),
    );
}
