// What several commands share: the run options (--set, --preset, --seeds, --root, --parallel,
// --json), reading a spec file with them, the run store, and how metrics are printed.
import fs from 'node:fs';
import type { Command } from 'commander';
import { parseSpecText, resolveSpec, SpecError, type ExperimentSpec } from '../experiments/index.js';
import { MAX_SEEDS } from '../experiments/bounds.js';
import { chooseExecutor, type RemoteExecutor } from '../experiments/executors/index.js';
import { RunStore } from '../runs/index.js';
import { runsRoot } from './paths.js';

/** A command module adds its command to the program. */
export type AddCommand = (cli: Command) => void;

export interface RunOptions {
  set?: string[];
  preset?: string;
  seeds?: string;
  root?: string;
  parallel?: string;
  json?: boolean;
  executor?: string;
  slurm?: string;
  queue?: string;
  wait?: boolean;
}

/** Commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options of every command that runs experiments (run, sweep, reproduce). */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--set <key=value>', 'override a setting, e.g. loss.tau=0.1 (repeatable)', collect)
    .option('--preset <name>', 'apply a named preset of the spec (e.g. quick, paper)')
    .option('--seeds <n>', 'run seeds 0..n-1 instead of the spec’s seeds')
    .option('--root <dir>', 'run store folder (default: $CLAB_RUNS or ./runs)')
    .option('--parallel <n>', 'worker processes for several runs (default 1); with slurm, array tasks at once')
    .option('--json', 'machine-readable output: one JSON event per line')
    .option(
      '--executor <name>',
      'where the runs train: local (worker processes, default), slurm (one job array), queue (Redis, `clab worker`s)',
    )
    .option(
      '--slurm <sbatch args>',
      'extra sbatch arguments for --executor slurm, e.g. "--partition=cpu --time=02:00:00"',
    )
    .option('--queue <url>', 'the Redis of --executor queue: redis://HOST:PORT')
    .option(
      '--wait',
      'slurm/queue: wait for every run to end, then print the results (default: return once submitted)',
    );
}

/** The remote executor of --executor/--slurm/--queue/--wait, if any (a bad choice exits 2). */
export function executorOption(options: RunOptions): { executor?: RemoteExecutor } {
  const executor = chooseExecutor(options);
  return executor === undefined ? {} : { executor };
}

/** Reads, resolves and validates a spec file with --preset, --set and --seeds applied. */
export function readSpec(file: string, options: { preset?: string; set?: string[]; seeds?: string }): ExperimentSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SpecError(file, ['cannot read the file']);
  }
  const set = [...(options.set ?? [])];
  if (options.seeds !== undefined) set.push(`seeds=[${seedList(options.seeds).join(',')}]`);
  return resolveSpec(parseSpecText(text, file), {
    source: file,
    ...(options.preset ? { preset: options.preset } : {}),
    set,
  });
}

/** A flag's value as a positive integer; anything else is a usage error (exit 2) naming the flag. */
export function positiveIntOption(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new SpecError(flag, [`${flag}: expected a positive integer, got '${value}'`]);
  return n;
}

function seedList(value: string): number[] {
  const n = positiveIntOption('--seeds', value);
  // Checked before the list is built: --seeds 1000000000 would otherwise exhaust the heap.
  if (n > MAX_SEEDS)
    throw new SpecError('--seeds', [`--seeds: got ${n}; at most ${MAX_SEEDS} seeds per spec (each seed is one run)`]);
  return Array.from({ length: n }, (_, i) => i);
}

/** --parallel as a number (1 when not given). */
export function parallelism(value: string | undefined): number {
  return value === undefined ? 1 : positiveIntOption('--parallel', value);
}

/** Opens the run store of --root (else $CLAB_RUNS, else ./runs) for `fn`, and closes it after. */
export async function withStore<T>(root: string | undefined, fn: (store: RunStore) => T | Promise<T>): Promise<T> {
  const store = new RunStore(runsRoot(root));
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** `r2=0.9912  mcc=0.9876 …` for the identifiability metrics present. */
export function formatMetrics(metrics: Record<string, number>): string {
  return ['r2', 'mcc', 'ape', 'orthogonalityError']
    .filter((k) => metrics[k] !== undefined)
    .map((k) => `${k}=${metrics[k]!.toFixed(4)}`)
    .join('  ');
}

/** The spec's positive-pair conditional, which `diagnose` and `theory` study; a spec without one is an error. */
export function conditionalOf(
  spec: ExperimentSpec,
  file: string,
  command: string,
): NonNullable<ExperimentSpec['conditional']> {
  if (spec.conditional === undefined)
    throw new SpecError(file, [
      `conditional: \`clab ${command}\` studies the positive-pair conditional, and the spec declares none`,
    ]);
  return spec.conditional;
}
