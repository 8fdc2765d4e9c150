// Launching the ranks of a distributed test: N node processes on 127.0.0.1 with torchrun's
// environment (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK), each bounded in time.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

// NODE_TEST_CONTEXT would make a child node process report to this test runner instead of running.
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;

/** A TCP port that was free a moment ago (the OS's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RankOutcome {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
  /** When it exited (Date.now()). */
  endedAt: number;
}

export interface RankOptions {
  worldSize: number;
  /** Ranks to start (default all of 0..worldSize-1). */
  ranks?: number[];
  port: number;
  /** Extra environment for every rank. */
  env?: Record<string, string>;
  /** Each process is killed (SIGKILL) after this many milliseconds (default 120 s). */
  killAfterMs?: number;
  /** Called with each child once spawned (to kill one mid-run, say). */
  onSpawn?: (rank: number, child: ChildProcess) => void;
}

/** Runs `node <args…>` once per rank and resolves with every rank's outcome, in rank order. */
export function runRanks(args: string[], options: RankOptions): Promise<RankOutcome[]> {
  const ranks = options.ranks ?? Array.from({ length: options.worldSize }, (_, i) => i);
  return Promise.all(
    ranks.map(
      (rank) =>
        new Promise<RankOutcome>((resolve) => {
          const started = Date.now();
          const child = spawn(process.execPath, args, {
            env: {
              ...parentEnv,
              MASTER_ADDR: '127.0.0.1',
              MASTER_PORT: String(options.port),
              RANK: String(rank),
              LOCAL_RANK: String(rank),
              WORLD_SIZE: String(options.worldSize),
              CLAB_THREADS: '1',
              ...options.env,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000);
          child.on('close', (code, signal) => {
            clearTimeout(timer);
            resolve({ rank, code, signal, stdout, stderr, ms: Date.now() - started, endedAt: Date.now() });
          });
          options.onSpawn?.(rank, child);
        }),
    ),
  );
}

/** The last JSON line a rank printed. */
export function lastJson(out: RankOutcome): Record<string, unknown> {
  const lines = out.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`rank ${out.rank} printed no JSON line; stderr: ${out.stderr}`);
  return JSON.parse(last) as Record<string, unknown>;
}
