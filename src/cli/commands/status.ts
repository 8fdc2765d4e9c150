// `clab status`: the remote submissions (Slurm arrays, queue jobs) of a store, newest first, and
// how many of their runs are pending, running, done, failed or unfinished.
import type { Command } from 'commander';
import {
  countStates,
  queueStates,
  readRecords,
  REMOTE_STATES,
  slurmStates,
  type JobRecord,
  type RemoteState,
} from '../../experiments/executors/index.js';
import { withStore } from '../options.js';

interface StatusOptions {
  root?: string;
  limit: string;
  json?: boolean;
}

function where(record: JobRecord): string {
  if (record.executor === 'slurm') return `slurm array ${(record.slurmJobs ?? []).map((j) => j.jobId).join(', then ')}`;
  return `queue '${record.queue?.name ?? '?'}' on ${record.queue?.url ?? '?'}`;
}

export function addStatus(cli: Command): void {
  cli
    .command('status')
    .description('Show the Slurm arrays and queue jobs of a store: how many runs are pending, running, done, failed.')
    .option('--root <dir>', 'run store folder')
    .option('--limit <n>', 'at most n submissions', '5')
    .option('--json', 'one JSON object per submission')
    .action((opts: StatusOptions) =>
      withStore(opts.root, async (store) => {
        store.reindex(); // remote tasks write only their folders
        const records = readRecords(store.root).slice(0, Number(opts.limit));
        if (records.length === 0) process.stdout.write(`no Slurm or queue submissions in ${store.root}\n`);
        for (const record of records) {
          const states: Map<string, RemoteState> =
            record.executor === 'slurm' ? slurmStates(store.root, record) : await queueStates(store.root, record);
          const counts = countStates(states);
          if (opts.json)
            process.stdout.write(`${JSON.stringify({ ...record, counts, states: Object.fromEntries(states) })}\n`);
          else {
            const shown = REMOTE_STATES.filter((s) => s !== 'unfinished' || counts[s] > 0).map(
              (s) => `${counts[s]} ${s}`,
            );
            process.stdout.write(
              `${record.submittedAt}  ${where(record)}: ${record.ids.length} runs — ${shown.join(', ')}\n`,
            );
          }
        }
      }),
    );
}
