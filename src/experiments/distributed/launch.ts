// Starts this machine's ranks of a data-parallel job, as torchrun does (`clab run --nproc N`, with
// --nnodes/--node-rank/--master-addr/--master-port across machines): N child processes with
// torchrun's environment (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE), each running the same clab command as one rank, with the machine's cores
// shared out among them (CLAB_THREADS, unless set).
//
// The children inherit stdout and stderr: rank 0 reports progress, a failing rank prints its one
// error line. A rank that fails makes the others fail by themselves (at once when it ends, else
// within the timeout); the launcher only kills what is left after the timeout and a grace period,
// and reports ranks that died without a word (a kill -9). SIGINT/SIGTERM are passed on to the ranks,
// which stop together at the next step with a checkpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { INTERRUPTED_EXIT_CODE } from '../executor.js';

export interface LaunchOptions {
  /** Node script and arguments every rank runs (e.g. the CLI with `run spec.yaml …`). */
  script: string;
  args: string[];
  /** Ranks on this machine. */
  nproc: number;
  /** Machines (default 1). */
  nnodes?: number;
  /** This machine's index, 0 ≤ nodeRank < nnodes (default 0); node 0 runs rank 0. */
  nodeRank?: number;
  /** Rank 0's address (default 127.0.0.1; required with several machines). */
  masterAddr?: string;
  /** Rank 0's port (default: a free port with one machine, 29500 — torchrun's — with several). */
  masterPort?: number;
  /** Seconds after a rank failed before the remaining ranks are killed (their own timeout plus slack). */
  killAfter?: number;
  /** Where the launcher's own lines go (default stderr). */
  log?: (line: string) => void;
}

/** A TCP port on this machine that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** torchrun's environment for local rank `local` of this machine. */
export function rankEnvironment(
  local: number,
  o: { nproc: number; nnodes: number; nodeRank: number; masterAddr: string; masterPort: number },
): Record<string, string> {
  return {
    MASTER_ADDR: o.masterAddr,
    MASTER_PORT: String(o.masterPort),
    WORLD_SIZE: String(o.nproc * o.nnodes),
    RANK: String(o.nodeRank * o.nproc + local),
    LOCAL_RANK: String(local),
    LOCAL_WORLD_SIZE: String(o.nproc),
  };
}

/**
 * Runs this machine's ranks to the end. Resolves with the job's exit code: 0 when every rank
 * succeeded, 130 when they were interrupted, 2 when a rank refused its arguments, else 1.
 */
export async function launchRanks(options: LaunchOptions): Promise<number> {
  const nnodes = options.nnodes ?? 1;
  const nodeRank = options.nodeRank ?? 0;
  const masterAddr = options.masterAddr ?? '127.0.0.1';
  const masterPort = options.masterPort ?? (nnodes === 1 ? await freePort() : 29500);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const threads =
    process.env['CLAB_THREADS'] ?? String(Math.max(1, Math.floor(availableParallelism() / options.nproc)));
  const children: ChildProcess[] = [];
  let failedAt: number | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const codes = await Promise.all(
      Array.from({ length: options.nproc }, (_, local) => {
        const env = rankEnvironment(local, { nproc: options.nproc, nnodes, nodeRank, masterAddr, masterPort });
        const child = spawn(process.execPath, [options.script, ...options.args], {
          env: { ...process.env, ...env, CLAB_THREADS: threads },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        children.push(child);
        return new Promise<number>((resolve) => {
          child.on('error', (err) => {
            log(`clab: rank ${env['RANK']}: ${err.message}`);
            resolve(1);
          });
          child.on('exit', (code, signal) => {
            if (signal !== null && signal !== 'SIGINT' && signal !== 'SIGTERM')
              log(`clab: rank ${env['RANK']} (pid ${child.pid}) was killed by ${signal}`);
            const result = code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? INTERRUPTED_EXIT_CODE : 1);
            if (result !== 0 && result !== INTERRUPTED_EXIT_CODE && failedAt === undefined) {
              failedAt = Date.now();
              // The others fail by themselves; whatever is left after their timeout is killed.
              killTimer = setTimeout(
                () => {
                  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
                },
                (options.killAfter ?? 330) * 1000,
              );
              killTimer.unref();
            }
            resolve(result);
          });
        });
      }),
    );
    if (codes.every((c) => c === 0)) return 0;
    if (codes.includes(2)) return 2;
    if (codes.every((c) => c === 0 || c === INTERRUPTED_EXIT_CODE)) return INTERRUPTED_EXIT_CODE;
    return 1;
  } finally {
    if (killTimer !== undefined) clearTimeout(killTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
