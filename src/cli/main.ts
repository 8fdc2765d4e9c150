#!/usr/bin/env node
// The `clab` command line: declare an experiment, run it, look at it next to the paper. It only
// parses and prints: each command is a file under commands/, and the work is the library's.
// Every command validates its input before any work starts; a bad spec exits with code 2.
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { SpecError } from '../experiments/index.js';
import { RunLookupError } from '../runs/index.js';
import { addDiagnose } from './commands/diagnose.js';
import { addExport } from './commands/export.js';
import { addLs } from './commands/ls.js';
import { addMeasure } from './commands/measure.js';
import { addRecord } from './commands/record.js';
import { addReport } from './commands/report.js';
import { addReproduce } from './commands/reproduce.js';
import { addResume } from './commands/resume.js';
import { addRun } from './commands/run.js';
import { addServe } from './commands/serve.js';
import { addShow } from './commands/show.js';
import { addStatus } from './commands/status.js';
import { addSweep } from './commands/sweep.js';
import { addTheory } from './commands/theory.js';
import { addWorker } from './commands/worker.js';
import type { AddCommand } from './options.js';
import { quietOnClosedPipes } from './output.js';
import { cliEntry, packageRoot } from './paths.js';

/** The commands in the order `clab --help` lists them. */
const COMMANDS: AddCommand[] = [
  addRun,
  addSweep,
  addReproduce,
  addWorker,
  addStatus,
  addLs,
  addShow,
  addResume,
  addExport,
  addMeasure,
  addReport,
  addRecord,
  addServe,
  addDiagnose,
  addTheory,
];

/** The whole command tree (exported for the README's generated CLI reference). */
export function program(): Command {
  const cli = new Command('clab')
    .description('A contrastive-learning laboratory: when does InfoNCE recover the latent structure of data?')
    .version(JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version as string)
    .showHelpAfterError()
    .exitOverride();
  for (const add of COMMANDS) add(cli);
  return cli;
}

/** Exit code of an error: 2 for what the user can fix in the command line or the spec, else 1. */
function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors are configuration errors (2).
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof SpecError) {
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  if (err instanceof RunLookupError) {
    process.stderr.write(`clab: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`clab: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

// Through npm's bin symlink (node_modules/.bin/clab → …/dist/src/cli/main.js) argv[1] is the link: resolve it.
const realPath = (p: string): string => (fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p));
const isEntry = process.argv[1] !== undefined && realPath(process.argv[1]) === realPath(cliEntry);
if (isEntry) {
  quietOnClosedPipes();
  process.exitCode = await main(process.argv.slice(2));
}
