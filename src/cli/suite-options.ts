// The flags that pick a suite's runs — preset, overrides, seeds, dataset, cells — shared by the
// commands that train them (`reproduce`) and those that read them back (`report --suite`,
// `record`), so the readers resolve the same run keys the trainer wrote.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SpecError } from '../experiments/index.js';
import type { SuiteOptions } from '../experiments/suite.js';
import { collect, positiveIntOption } from './options.js';

export interface SuiteFlags {
  preset?: string;
  set?: string[];
  seeds?: string;
  data?: string;
  cells?: string;
}

/** loadSuite's options from the flags (--seeds checked, --data made absolute and required to exist). */
export function suiteOptionsOf(flags: SuiteFlags): SuiteOptions {
  if (flags.data !== undefined && !fs.existsSync(flags.data))
    throw new SpecError('--data', [`--data: no such file or folder: ${flags.data}`]);
  return {
    preset: flags.preset ?? 'quick',
    set: flags.set ?? [],
    ...(flags.seeds !== undefined ? { seeds: positiveIntOption('--seeds', flags.seeds) } : {}),
    ...(flags.data !== undefined ? { data: path.resolve(flags.data) } : {}),
    ...(flags.cells !== undefined ? { cells: flags.cells.split(',').map((c) => c.trim()) } : {}),
  };
}

/** The flags of a command that reads runs a `clab reproduce` trained: the same values find them. */
export function addReadBackFlags(cmd: Command): Command {
  return cmd
    .option('--preset <name>', 'which preset’s runs of the suite', 'quick')
    .option('--set <key=value>', 'the overrides the suite was reproduced with (repeatable)', collect)
    .option('--seeds <n>', 'the --seeds the suite was reproduced with')
    .option('--data <path>', 'the --data the suite was reproduced with')
    .option('--cells <list>', 'only these cells, comma-separated row/column (either part may be *)');
}
