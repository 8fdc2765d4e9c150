// `clab sweep <spec>`: `run` with two worker processes unless --parallel says otherwise.
import type { Command } from 'commander';
import { addRunOptions, type RunOptions } from '../options.js';
import { runSpecFile } from './run.js';

export function addSweep(cli: Command): void {
  addRunOptions(
    cli
      .command('sweep')
      .argument('<spec>', 'experiment spec with a sweep: section')
      .description('Run every point of a spec’s sweep (same as run; several worker processes by default).'),
  ).action(async (spec: string, opts: RunOptions) => {
    // Two local worker processes by default; a remote executor's parallelism is the cluster's.
    const local = opts.executor === undefined || opts.executor === 'local';
    process.exitCode = await runSpecFile(spec, local ? { ...opts, parallel: opts.parallel ?? '2' } : opts);
  });
}
