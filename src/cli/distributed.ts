// Data-parallel runs from the command line (issue 13): the options of `clab run` and `clab resume`
// that start this machine's ranks (--nproc, --nnodes, --node-rank, --master-addr, --master-port,
// --dist-timeout), and what a process does when it is itself a rank — started by those options, by
// torchrun or by any launcher that sets MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE.
import type { Command } from 'commander';
import { SpecError } from '../experiments/index.js';
import { launchRanks } from '../experiments/distributed/launch.js';
import {
  DEFAULT_TIMEOUT_SECONDS,
  initProcessGroup,
  processGroupOptionsFromEnv,
  type ProcessGroup,
  type ProcessGroupOptions,
} from '../torch/index.js';
import { cliEntry } from './paths.js';

export interface DistributedFlags {
  nproc?: string;
  nnodes?: string;
  nodeRank?: string;
  masterAddr?: string;
  masterPort?: string;
  distTimeout?: string;
}

/** The launch of this machine's ranks that the flags ask for. */
export interface Launch {
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr?: string;
  masterPort?: number;
  /** Seconds a rank waits for the others (rendezvous and each collective). */
  timeout: number;
  worldSize: number;
}

export function addDistributedOptions(cmd: Command): Command {
  return cmd
    .option('--nproc <n>', 'data-parallel ranks to start on this machine (one process each; default 1)')
    .option('--nnodes <n>', 'machines of a data-parallel job (default 1); start the same command on each')
    .option('--node-rank <r>', "this machine's index among --nnodes (default 0; machine 0 runs rank 0)")
    .option('--master-addr <host>', "rank 0's machine, reachable from every machine (default 127.0.0.1)")
    .option('--master-port <port>', "rank 0's port (default: a free port on one machine, 29500 with several)")
    .option(
      '--dist-timeout <s>',
      `seconds a rank waits for the others before failing (default ${DEFAULT_TIMEOUT_SECONDS}; more than the longest evaluation)`,
    );
}

function integer(
  flag: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new SpecError(flag, [`${flag}: expected an integer in ${min}..${max}, got '${value}'`]);
  return n;
}

/** Seconds of --dist-timeout (exit 2 when malformed). */
export function distTimeout(flags: DistributedFlags): number {
  if (flags.distTimeout === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const t = Number(flags.distTimeout);
  if (!Number.isFinite(t) || t <= 0)
    throw new SpecError('--dist-timeout', [
      `--dist-timeout: expected a positive number of seconds, got '${flags.distTimeout}'`,
    ]);
  return t;
}

/** The launch the flags ask for, or undefined without any (exit 2 when they do not fit together). */
export function launchOf(flags: DistributedFlags, defaultNproc?: number): Launch | undefined {
  const given = [flags.nproc, flags.nnodes, flags.nodeRank, flags.masterAddr, flags.masterPort].some(
    (v) => v !== undefined,
  );
  if (!given && defaultNproc === undefined) return undefined;
  const nnodes = integer('--nnodes', flags.nnodes, 1) ?? 1;
  const nproc = integer('--nproc', flags.nproc, 1) ?? defaultNproc ?? 1;
  const nodeRank = integer('--node-rank', flags.nodeRank, 0, nnodes - 1) ?? 0;
  const masterPort = integer('--master-port', flags.masterPort, 1, 65535);
  if (nnodes > 1 && flags.masterAddr === undefined)
    throw new SpecError('--master-addr', [
      "--master-addr: a job on several machines (--nnodes > 1) needs rank 0's address, reachable from every machine",
    ]);
  return {
    nproc,
    nnodes,
    nodeRank,
    ...(flags.masterAddr !== undefined ? { masterAddr: flags.masterAddr } : {}),
    ...(masterPort !== undefined ? { masterPort } : {}),
    timeout: distTimeout(flags),
    worldSize: nproc * nnodes,
  };
}

/** Starts this machine's ranks, each running `clab <args>`; resolves with the job's exit code. */
export function launch(l: Launch, args: string[]): Promise<number> {
  return launchRanks({
    script: cliEntry,
    args: [...args, '--dist-timeout', String(l.timeout)],
    nproc: l.nproc,
    nnodes: l.nnodes,
    nodeRank: l.nodeRank,
    ...(l.masterAddr !== undefined ? { masterAddr: l.masterAddr } : {}),
    ...(l.masterPort !== undefined ? { masterPort: l.masterPort } : {}),
    killAfter: l.timeout + 30,
  });
}

/**
 * This process's place in a data-parallel job, from torchrun's environment (undefined when
 * WORLD_SIZE is not set); a malformed variable is exit code 2.
 */
export function rankEnvironment(flags: DistributedFlags): ProcessGroupOptions | undefined {
  try {
    return processGroupOptionsFromEnv(process.env, distTimeout(flags));
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError('environment', [(err as Error).message], 'invalid distributed environment');
  }
}

/** Joins the group, runs `fn` as a rank, and leaves the group (also after a failure). */
export async function asRank<T>(options: ProcessGroupOptions, fn: (group: ProcessGroup) => Promise<T>): Promise<T> {
  const group = initProcessGroup(options);
  try {
    return await fn(group);
  } finally {
    group.destroy();
  }
}

/** Exit code 2 for options that cannot go with data-parallel ranks. */
export function refuseWithRanks(options: { parallel?: string; executor?: string }): void {
  if (options.parallel !== undefined && options.parallel !== '1')
    throw new SpecError('--parallel', [
      '--parallel: data-parallel ranks (--nproc, or a rank of torchrun) train the runs one after another; leave out --parallel',
    ]);
  if (options.executor !== undefined && options.executor !== 'local')
    throw new SpecError('--executor', [
      `--executor ${options.executor}: data-parallel ranks run on this machine's processes (use --nnodes across machines)`,
    ]);
}
