// Shared helpers of the reliability tests: the real CLI as a child process, a tiny spec, run folders.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const entry = path.join(repoRoot, 'dist/src/cli/main.js');
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;
export const env: NodeJS.ProcessEnv = { ...parentEnv, CLAB_THREADS: '1' };

export function clab(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI; resolves when its output matches `ready`. */
export function clabUntil(
  args: string[],
  ready: RegExp,
): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<[number | null, NodeJS.Signals | null]> }> {
  const child = spawn(process.execPath, [entry, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) resolve({ child, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(([c]) => reject(new Error(`clab exited (${c}) before ${ready}: ${out}`)));
  });
}

/** A spec that trains in about a second: 40 steps, checkpoints every 10, evaluation every 10. */
export const TINY = `name: rel/tiny
latent: { dim: 3 }
conditional: { kind: vmf, kappa: 3.3333 }
process: { kind: identity }
encoder: { kind: mlp, hidden: [16, 16] }
loss: { kind: infonce, tau: 0.3 }
train: { iterations: 40, batch: 32, checkpointEvery: 10 }
eval: { every: 10, samples: 200, metrics: [r2, mcc] }
seeds: [0]
`;

export function writeSpec(dir: string, text = TINY, name = 'tiny.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The run folders of a store (folders with a meta.json). */
export function runDirs(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(path.join(d, 'meta.json')));
}

export const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/** summary.json's numbers and metrics.jsonl without wall-clock seconds: what must match exactly. */
export function numbersOf(dir: string): { summary: unknown; metrics: unknown[] } {
  const s = readJson(path.join(dir, 'summary.json'));
  const rows = fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
  return { summary: { metrics: s['metrics'], finalLoss: s['finalLoss'], steps: s['steps'] }, metrics: rows };
}
