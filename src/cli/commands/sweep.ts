// `clab sweep <spec>`: `run` with two worker processes unless --parallel says otherwise.
import type { Command } from 'commander';
import { addRunOptions, type RunOptions } from '../options.js';
import { runSpecFile } from './run.js';

export function addSweep(cli: Command): void {
  addRunOptions(
    cli.command('sweep').argument('<spec>', 'experiment spec with a sweep: section').description('Run every point of a spec’s sweep (same as run; several worker processes by default).'),
  ).action(async (spec: string, opts: RunOptions) => {
    process.exitCode = await runSpecFile(spec, { ...opts, parallel: opts.parallel ?? '2' });
  });
}
