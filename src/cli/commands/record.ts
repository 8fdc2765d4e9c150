// `clab record <suite>`: the suite's finished runs from the store, summarised into a JSON file to
// commit (e.g. experiments/loss-is-not-enough/results/table1-paper.json), which the suite then
// names under `recorded:` so its report shows them next to fresh runs. It trains nothing: cells
// without finished runs are left out and named on stderr.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SpecError } from '../../experiments/index.js';
import { loadRecorded, type RecordedResults } from '../../experiments/recorded.js';
import { loadSuite, type Suite } from '../../experiments/suite.js';
import { writeFileAtomic } from '../../io/index.js';
import { recordedJson, recordSuite } from '../../report/record.js';
import { withStore } from '../options.js';
import { Output } from '../output.js';
import { listSuites, suiteFile } from '../paths.js';
import { addReadBackFlags, suiteOptionsOf } from '../suite-options.js';

interface RecordOptions {
  out?: string;
  preset: string;
  set?: string[];
  seeds?: string;
  data?: string;
  cells?: string;
  root?: string;
  machine?: string;
  note?: string;
  merge?: boolean;
  json?: boolean;
}

/** A shell word as typed: quoted when it holds anything a shell would read differently. */
const shellWord = (s: string): string => (/^[\w.,:/*=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The `clab reproduce` command that trains the runs this records (the store's folder left out). */
function reproduceCommand(name: string, opts: RecordOptions): string {
  const args = ['clab', 'reproduce', name, '--preset', opts.preset];
  if (opts.seeds !== undefined) args.push('--seeds', opts.seeds);
  for (const s of opts.set ?? []) args.push('--set', s);
  if (opts.data !== undefined) args.push('--data', opts.data);
  if (opts.cells !== undefined) args.push('--cells', opts.cells);
  return args.map(shellWord).join(' ');
}

/** --out, else the one file the suite names for this preset under `recorded:`. */
function outFile(suite: Suite, opts: RecordOptions): string {
  if (opts.out !== undefined) return path.resolve(opts.out);
  const named = suite.recorded.filter((r) => r.preset === opts.preset);
  if (named.length === 0)
    throw new SpecError('--out', [
      `--out: suite ${suite.id} names no recorded file for preset '${opts.preset}' (recorded: ${[...new Set(suite.recorded.map((r) => r.preset))].join(', ') || 'none'}); give --out <file>`,
    ]);
  // Several files record different cells: which one these runs belong to is the user's to say.
  if (named.length > 1)
    throw new SpecError('--out', [
      `--out: suite ${suite.id} names ${named.length} recorded files for preset '${opts.preset}' (${named.map((r) => r.file).join(', ')}); give --out <file>`,
    ]);
  return path.resolve(path.dirname(suite.file), named[0]!.file);
}

/** --merge: the recording already at `out` (validated against the suite), if there is one. */
function previousRecording(suite: Suite, out: string, preset: string): RecordedResults | undefined {
  if (!fs.existsSync(out)) return undefined;
  const { tables, problems } = loadRecorded(
    path.dirname(out),
    { [preset]: path.basename(out) },
    {
      suite: suite.id,
      metric: suite.metric,
      rows: [...suite.rows, ...suite.skipped.rows],
      columns: [...suite.columns, ...suite.skipped.columns],
    },
  );
  if (problems.length > 0)
    throw new SpecError(
      '--merge',
      problems.map((p) => `--merge: ${p}`),
    );
  return tables[0]?.data;
}

async function record(name: string, opts: RecordOptions): Promise<void> {
  let file: string;
  try {
    file = suiteFile(name);
  } catch {
    throw new SpecError('record', [`got '${name}'; allowed values: ${listSuites().join(', ')}`]);
  }
  // The same resolution as `reproduce`, so the run keys are those of the runs it trained.
  const suite = loadSuite(file, suiteOptionsOf(opts));
  const out = outFile(suite, opts);
  const previous = opts.merge ? previousRecording(suite, out, opts.preset) : undefined;
  const output = Output.fromProcess(Boolean(opts.json));
  const { data, missing, mixedEngine } = await withStore(opts.root, (store) =>
    recordSuite(store, suite, {
      preset: opts.preset,
      command: reproduceCommand(name, opts),
      ...(opts.machine !== undefined ? { machine: opts.machine } : {}),
      ...(opts.note !== undefined ? { note: opts.note } : {}),
      ...(previous !== undefined ? { previous } : {}),
    }),
  );
  const cells = Object.keys(data.cells).length;
  if (cells === 0)
    throw new Error(`no cell of ${suite.id} has finished runs at preset '${opts.preset}': nothing recorded`);
  if (missing.length > 0)
    process.stderr.write(
      `record: no finished runs in ${missing.length} cell(s), not recorded: ${missing.join(', ')}\n`,
    );
  if (mixedEngine.length > 0)
    process.stderr.write(`record: the runs differ in engine ${mixedEngine.join(', ')} (each recorded as a list)\n`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, recordedJson(data));
  const runs = Object.values(data.cells).reduce((a, c) => a + c.runs.length, 0);
  output.info(`recorded ${cells} cells (${runs} runs) of ${suite.id} at preset '${opts.preset}' → ${out}`, {
    event: 'recorded',
    path: out,
    cells,
    runs,
    missing,
  });
}

export function addRecord(cli: Command): void {
  const cmd = cli
    .command('record')
    .argument('<name>', `a suite under experiments/ (${listSuites().join(', ') || 'none found'})`)
    .description('Write the summaries of a suite’s finished runs to a JSON file to commit (trains nothing).')
    .option(
      '--out <file>',
      'the JSON file (default: the file the suite names under recorded.<preset>, if it names one)',
    );
  addReadBackFlags(cmd)
    .option('--machine <text>', 'the machine, as the file states it (default: CPU count, model and platform)')
    .option('--note <text>', 'a note kept in the file (cells without runs are added to it)')
    .option(
      '--merge',
      'keep the runs of the file already at --out for seeds the store has not (results gathered over several sessions)',
    )
    .option('--root <dir>', 'run store folder (default: $CLAB_RUNS or ./runs)')
    .option('--json', 'machine-readable output')
    .action((name: string, opts: RecordOptions) => record(name, opts));
}
