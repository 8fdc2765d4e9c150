/**
 * Where runs train: locally (worker processes, the default), as a Slurm job array, or from a Redis
 * work queue fed to `clab worker` processes on any machine.
 *
 * @example
 * const executor = chooseExecutor({ executor: 'queue', queue: 'redis://127.0.0.1:6379', wait: true });
 * await runExperiment(planned, { store, ...(executor ? { executor } : {}) });
 *
 * @packageDocumentation
 */
import { QueueExecutor } from './queue.js';
import { SlurmExecutor } from './slurm.js';
import { ExecutorUsageError, type RemoteExecutor } from './types.js';

export { ExecutorUsageError, type RemoteExecutor, type ExecuteContext } from './types.js';
export { SlurmExecutor, arrayStates, type SlurmOptions } from './slurm.js';
export { QueueExecutor, type QueueOptions, type RunJobData } from './queue.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './queue-worker.js';
export { parseQueueUrl, checkReachable, type QueueAddress } from './connection.js';
export { readRecords, type JobRecord } from './jobs.js';
export { recordResult, type RemoteResult } from './run-folder.js';

export const EXECUTORS = ['local', 'slurm', 'queue'] as const;

/** The executor options of `clab run`, `sweep` and `reproduce`. */
export interface ExecutorChoice {
  executor?: string;
  /** sbatch arguments, split on whitespace (e.g. "--partition=cpu --time=01:00:00"). */
  slurm?: string;
  queue?: string;
  wait?: boolean;
  /** --parallel: with slurm, the array tasks running at once. */
  parallel?: string;
}

/** The remote executor chosen, or undefined for local; inconsistent options are usage errors. */
export function chooseExecutor(choice: ExecutorChoice): RemoteExecutor | undefined {
  const kind = choice.executor ?? 'local';
  if (!(EXECUTORS as readonly string[]).includes(kind))
    throw new ExecutorUsageError(`--executor: got '${kind}'; allowed values: ${EXECUTORS.join(', ')}`);
  if (choice.slurm !== undefined && kind !== 'slurm')
    throw new ExecutorUsageError('--slurm: only with --executor slurm');
  if (choice.queue !== undefined && kind !== 'queue')
    throw new ExecutorUsageError('--queue: only with --executor queue');
  if (kind === 'local') return undefined;
  const wait = Boolean(choice.wait);
  if (kind === 'slurm') {
    const limit = choice.parallel === undefined ? undefined : Number(choice.parallel);
    const sbatchArgs =
      choice.slurm
        ?.trim()
        .split(/\s+/)
        .filter((a) => a !== '') ?? [];
    return new SlurmExecutor({
      sbatchArgs,
      wait,
      ...(limit !== undefined && Number.isInteger(limit) && limit > 0 ? { arrayLimit: limit } : {}),
    });
  }
  return new QueueExecutor({ url: choice.queue ?? '', wait });
}
export { slurmStates, queueStates, countStates, REMOTE_STATES, type RemoteState } from './status.js';
