#!/usr/bin/env node
// The `clab` command line: declare an experiment, run it, look at it next to the paper.
// Every command validates its input before any work starts; a bad spec exits with code 2.
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { expandRuns, parseSpecText, resolveSpec, SpecError, type ExperimentSpec, type RunSpec } from '../experiments/index.js';
import { loadSuite } from '../experiments/suite.js';
import { getStudy, studyIds, type Study } from '../experiments/study.js';
import '../studies/index.js';
import { buildConditional } from '../experiments/build.js';
import { RunStore, RunLookupError } from '../runs/index.js';
import { formatTerminalTable, writeReport, type ReportInput } from '../report/index.js';
import { ConstrainedSupport, UniformSphere, diversityDiagnostic } from '../latent/index.js';
import { estimateOnCommonSamples, differenceOf, hLambda, identityMap } from '../theory/index.js';
import { Generator } from '../torch/index.js';
import { executeRuns, trainStoredRun, type PlannedRun } from './execute.js';
import { Output } from './output.js';
import { cliEntry, listSuites, packageRoot, runsRoot, suiteFile } from './paths.js';
import { suiteReportInput } from './suite-report.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function readSpec(file: string, options: { preset?: string; set?: string[]; seeds?: string }): ExperimentSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SpecError(file, ['cannot read the file']);
  }
  const set = [...(options.set ?? [])];
  if (options.seeds !== undefined) {
    const n = Number(options.seeds);
    if (!Number.isInteger(n) || n < 1) throw new SpecError('--seeds', [`--seeds: expected a positive integer, got '${options.seeds}'`]);
    set.push(`seeds=[${Array.from({ length: n }, (_, i) => i).join(',')}]`);
  }
  return resolveSpec(parseSpecText(text, file), { source: file, ...(options.preset ? { preset: options.preset } : {}), set });
}

interface RunOptions {
  set?: string[];
  preset?: string;
  seeds?: string;
  root?: string;
  parallel?: string;
  json?: boolean;
}

function parallelism(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new SpecError('--parallel', [`--parallel: expected a positive integer, got '${value}'`]);
  return n;
}

async function runSpecFile(file: string, options: RunOptions): Promise<number> {
  const spec = readSpec(file, options);
  const parallel = parallelism(options.parallel);
  const runs = expandRuns(spec);
  const output = Output.fromProcess(Boolean(options.json));
  const store = new RunStore(runsRoot(options.root));
  try {
    output.info(`${spec.name}: ${runs.length} run${runs.length === 1 ? '' : 's'} → ${store.root}`, { event: 'plan', name: spec.name, runs: runs.length, root: store.root });
    const planned: PlannedRun[] = runs.map((run) => ({ run, labels: { spec: path.basename(file), ...(options.preset ? { preset: options.preset } : {}) } }));
    const { finished, failed } = await executeRuns(store, planned, { parallel, entry: cliEntry, output });
    if (!options.json) {
      for (const m of finished) output.info(`${m.id}\t${formatMetrics(m.summary?.metrics ?? {})}`);
    }
    return failed.length > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

function formatMetrics(metrics: Record<string, number>): string {
  return ['r2', 'mcc', 'ape', 'orthogonalityError']
    .filter((k) => metrics[k] !== undefined)
    .map((k) => `${k}=${metrics[k]!.toFixed(4)}`)
    .join('  ');
}

async function reproduceStudy(study: Study, options: RunOptions & { out?: string; data?: string }): Promise<number> {
  const preset = options.preset ?? 'quick';
  const presets: Record<string, 'quick' | 'full'> = { quick: 'quick', full: 'full', paper: 'full', ...(study.presets ?? {}) };
  const mapped = presets[preset];
  if (mapped === undefined) throw new SpecError('--preset', [`--preset: got '${preset}'; allowed values: ${Object.keys(presets).join(', ')}`]);
  if (study.needsData && options.data === undefined)
    throw new SpecError('--data', [`--data: study '${study.id}' reads a dataset you supply; give its path with --data PATH`]);
  if (options.data !== undefined && !fs.existsSync(options.data)) throw new SpecError('--data', [`--data: no such file or folder: ${options.data}`]);
  const output = Output.fromProcess(Boolean(options.json));
  output.info(`${study.title}\nclaim: ${study.claim}\npreset: ${preset}`, { event: 'plan', study: study.id, preset });
  const input = await study.run({
    preset: mapped,
    log: (m) => output.info(`  ${m}`, { event: 'log', message: m }),
    ...(options.data !== undefined ? { data: path.resolve(options.data) } : {}),
  });
  // The report states the claim it tests first.
  const withClaim = input.notes.some((n) => n.includes(study.claim)) ? input : { ...input, notes: [`Claim tested: ${study.claim}`, ...input.notes] };
  await printAndWriteReport(withClaim, options.out ?? path.join('reports', study.id, preset), output);
  return 0;
}

async function reproduce(name: string, options: RunOptions & { out?: string; data?: string }): Promise<number> {
  const study = getStudy(name);
  if (study !== undefined) return reproduceStudy(study, options);
  const preset = options.preset ?? 'quick';
  let file: string;
  try {
    file = suiteFile(name);
  } catch {
    throw new SpecError('reproduce', [`got '${name}'; allowed values: ${[...listSuites(), ...studyIds()].join(', ')}`]);
  }
  const suite = loadSuite(file, { preset, set: options.set ?? [] });
  const output = Output.fromProcess(Boolean(options.json));
  const store = new RunStore(runsRoot(options.root));
  try {
    const planned: PlannedRun[] = suite.cells.flatMap((cell) =>
      expandRuns(cell.spec).map((run: RunSpec) => ({ run, labels: { suite: suite.id, cell: `${cell.row}/${cell.column}`, preset } })),
    );
    output.info(`${suite.title}\n${suite.cells.length} cells, ${planned.length} runs (preset '${preset}') → ${store.root}`, {
      event: 'plan',
      suite: suite.id,
      cells: suite.cells.length,
      runs: planned.length,
      preset,
    });
    const parallel = options.parallel === undefined ? Math.min(2, planned.length) : parallelism(options.parallel);
    const { failed } = await executeRuns(store, planned, { parallel, entry: cliEntry, output });
    const input = suiteReportInput(store, suite, preset);
    await printAndWriteReport(input, options.out ?? path.join('reports', suite.id, preset), output);
    return failed.length > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

async function printAndWriteReport(input: ReportInput, outDir: string, output: Output): Promise<void> {
  if (!output.json) {
    for (const table of input.tables) output.info(`\n${formatTerminalTable(table, { layout: "long" })}`);
    for (const note of input.notes) output.info(note);
  }
  const written = await writeReport(path.resolve(outDir), input);
  output.info(`\nreport: ${written.reportPath}`, { event: 'report', path: written.reportPath, figures: written.figurePaths });
}

/** The whole command tree (exported for the README's generated CLI reference). */
export function program(): Command {
  const cli = new Command('clab')
    .description('A contrastive-learning laboratory: when does InfoNCE recover the latent structure of data?')
    .version(JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version as string)
    .showHelpAfterError()
    .exitOverride();

  const runOptions = (cmd: Command): Command =>
    cmd
      .option('--set <key=value>', 'override a setting, e.g. loss.tau=0.1 (repeatable)', collect)
      .option('--preset <name>', 'apply a named preset of the spec (e.g. quick, paper)')
      .option('--seeds <n>', 'run seeds 0..n-1 instead of the spec’s seeds')
      .option('--root <dir>', 'run store folder (default: $CLAB_RUNS or ./runs)')
      .option('--parallel <n>', 'worker processes for several runs (default 1)')
      .option('--json', 'machine-readable output: one JSON event per line');

  runOptions(cli.command('run').argument('<spec>', 'experiment spec (YAML or JSON)').description('Run an experiment (all its seeds and sweep points); finished runs are reused, interrupted ones resumed.')).action(
    async (spec: string, opts: RunOptions) => {
      process.exitCode = await runSpecFile(spec, opts);
    },
  );

  runOptions(cli.command('sweep').argument('<spec>', 'experiment spec with a sweep: section').description('Run every point of a spec’s sweep (same as run; several worker processes by default).')).action(
    async (spec: string, opts: RunOptions) => {
      process.exitCode = await runSpecFile(spec, { ...opts, parallel: opts.parallel ?? '2' });
    },
  );

  runOptions(
    cli
      .command('reproduce')
      .argument('<name>', `a suite under experiments/ (${listSuites().join(', ') || 'none found'}) or a study (${studyIds().join(', ') || 'none registered'})`)
      .description('Run every cell of a published table and report it next to the paper’s numbers.')
      .option('--out <dir>', 'report folder (default: reports/<suite>/<preset>)')
      .option('--data <path>', 'dataset a study reads (e.g. the CIFAR-10 cifar-10-batches-bin folder or .tar.gz)'),
  ).action(async (name: string, opts: RunOptions & { out?: string; data?: string }) => {
    process.exitCode = await reproduce(name, opts);
  });

  cli
    .command('ls')
    .description('List runs, newest first.')
    .option('--name <name>', 'only runs of this spec name')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(['running', 'done', 'failed', 'interrupted']))
    .option('--label <key=value>', 'only runs with this label (e.g. suite=loss-is-not-enough/table1)')
    .option('--limit <n>', 'at most n runs', '50')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'one JSON object per run')
    .action((opts: { name?: string; status?: 'running' | 'done' | 'failed' | 'interrupted'; label?: string; limit: string; root?: string; json?: boolean }) => {
      const store = new RunStore(runsRoot(opts.root));
      try {
        const label = opts.label?.split('=') as [string, string] | undefined;
        const metas = store.list({
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.status ? { status: opts.status } : {}),
          ...(label && label.length === 2 ? { label } : {}),
          limit: Number(opts.limit),
        });
        if (opts.json) for (const m of metas) process.stdout.write(`${JSON.stringify(m)}\n`);
        else if (metas.length === 0) process.stdout.write(`no runs in ${store.root}\n`);
        else for (const m of metas) process.stdout.write(`${m.id.padEnd(60)} ${m.status.padEnd(11)} seed ${m.seed}  ${formatMetrics(m.summary?.metrics ?? {})}\n`);
      } finally {
        store.close();
      }
    });

  cli
    .command('show')
    .argument('<run>', 'run id or unique prefix')
    .description('Show a run: its spec, status, environment, metrics and summary.')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'as JSON')
    .action((id: string, opts: { root?: string; json?: boolean }) => {
      const store = new RunStore(runsRoot(opts.root));
      try {
        const handle = store.open(id);
        const meta = handle.meta();
        const metrics = handle.readMetrics();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ meta, run: handle.run, metrics }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${meta.id}  (${meta.status})\nfolder: ${handle.dir}\n`);
        process.stdout.write(`seed ${meta.seed}  code ${meta.codeVersion}  created ${meta.createdAt}\n`);
        if (meta.error) process.stdout.write(`error: ${meta.error}\n`);
        process.stdout.write(`\nspec:\n${JSON.stringify(handle.run.spec, null, 2)}\n\nmetrics (every evaluation):\n`);
        for (const r of metrics) process.stdout.write(`  step ${String(r.step).padStart(6)}  loss ${(r['loss'] ?? Number.NaN).toFixed(4)}  ${formatMetrics(r)}\n`);
        if (meta.summary) process.stdout.write(`\nfinal: loss ${meta.summary.finalLoss.toFixed(4)}  ${formatMetrics(meta.summary.metrics)}  (${meta.summary.seconds.toFixed(1)} s)\n`);
      } finally {
        store.close();
      }
    });

  cli
    .command('resume')
    .argument('<run>', 'run id or unique prefix')
    .description('Resume an interrupted run from its last checkpoint; it ends with the same numbers as an uninterrupted run.')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { root?: string; json?: boolean }) => {
      const store = new RunStore(runsRoot(opts.root));
      const output = Output.fromProcess(Boolean(opts.json));
      try {
        store.recoverStale();
        const handle = store.open(id);
        const meta = handle.meta();
        if (meta.status === 'done') {
          output.info(`${meta.id} already finished`, { event: 'cached', id: meta.id });
          return;
        }
        if (meta.status === 'running') throw new Error(`run ${meta.id} is running (pid ${meta.pid ?? '?'}); nothing to resume`);
        const cp = handle.latestCheckpoint();
        const from = cp?.step ?? 0;
        if (cp) for (const t of cp.tensors.values()) t.dispose();
        output.plan(1);
        output.started(meta.id, meta.name, handle.run.spec.train.iterations, from);
        const done = await trainStoredRun(store, meta.id, (step, loss) => output.step(meta.id, step, loss));
        output.finished(done.id, done.summary ?? {});
      } finally {
        store.close();
      }
    });

  cli
    .command('report')
    .argument('[runs...]', 'run ids (or unique prefixes)')
    .description('Write an HTML report (and print the tables) for a suite or for chosen runs.')
    .option('--suite <name>', 'report a suite’s cells next to the paper')
    .option('--preset <name>', 'which preset’s runs of the suite', 'quick')
    .option('--out <dir>', 'report folder (default: reports/<suite>/<preset> or reports/runs)')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'machine-readable output')
    .action(async (ids: string[], opts: { suite?: string; preset: string; out?: string; root?: string; json?: boolean }) => {
      const store = new RunStore(runsRoot(opts.root));
      const output = Output.fromProcess(Boolean(opts.json));
      try {
        if (opts.suite !== undefined) {
          const suite = loadSuite(suiteFile(opts.suite), { preset: opts.preset });
          await printAndWriteReport(suiteReportInput(store, suite, opts.preset), opts.out ?? path.join('reports', suite.id, opts.preset), output);
          return;
        }
        if (ids.length === 0) throw new SpecError('report', ['give run ids or --suite <name>']);
        const metas = ids.map((id) => store.open(id).meta());
        const input: ReportInput = {
          title: `clab runs: ${metas.map((m) => m.id).join(', ')}`,
          generatedAt: new Date().toISOString(),
          environment: {},
          tables: [
            {
              id: 'runs',
              title: 'Final metrics',
              metric: 'r2',
              rows: metas.map((m) => m.id),
              columns: ['r2', 'mcc', 'ape'],
              ours: metas.flatMap((m) => ['r2', 'mcc', 'ape'].map((k) => ({ row: m.id, column: k, values: m.summary?.metrics[k] !== undefined ? [m.summary.metrics[k]] : [], runIds: [m.id] }))),
              published: {},
            },
          ],
          curves: [],
          lossCurves: metas.map((m) => ({
            runId: m.id,
            label: m.name,
            points: store
              .open(m.id)
              .readMetrics()
              .filter((r) => Number.isFinite(r['loss']))
              .map((r) => ({ step: r.step, loss: r['loss']! })),
          })),
          latentViews: metas.flatMap((m) => {
            const s = m.summary?.['sample'] as { truth: number[][]; recovered: number[][] } | undefined;
            return s && s.truth[0]?.length === 3 && s.recovered[0]?.length === 3 ? [{ runId: m.id, label: m.name, truth: s.truth, recovered: s.recovered }] : [];
          }),
          theory: [],
          notes: [],
        };
        await printAndWriteReport(input, opts.out ?? path.join('reports', 'runs'), output);
      } finally {
        store.close();
      }
    });

  cli
    .command('diagnose')
    .argument('<spec>', 'experiment spec')
    .description('Diversity diagnostic of the spec’s positive sampler: which latent directions do positive pairs never move along?')
    .option('--set <key=value>', 'override a setting (repeatable)', collect)
    .option('--samples <n>', 'anchors sampled', '4096')
    .option('--json', 'as JSON')
    .action((file: string, opts: { set?: string[]; samples: string; json?: boolean }) => {
      const spec = readSpec(file, opts);
      const report = diversityDiagnostic(new UniformSphere(spec.latent.dim), buildConditional(spec.conditional), new Generator(0), { samples: Number(opts.samples) });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      process.stdout.write(`${spec.name}: conditional ${JSON.stringify(spec.conditional)} on S^${spec.latent.dim - 1}\n`);
      process.stdout.write(`diversity condition: ${report.holds ? 'HOLDS' : 'VIOLATED'}\n`);
      process.stdout.write(`displacement spectrum: ${report.spectrum.map((x) => x.toExponential(2)).join(', ')}\n`);
      if (report.unperturbed.length > 0)
        process.stdout.write(`directions positives never move along: ${report.unperturbed.map((d) => `[${d.map((x) => x.toFixed(3)).join(', ')}]`).join(' ')}\n`);
    });

  cli
    .command('theory')
    .argument('<spec>', 'experiment spec (its latent dim, conditional and tau)')
    .description('Monte Carlo asymptotic loss of h_λ(u, v) = (u, λv)/|(u, λv)| relative to the identity, along λ (Paper A, Thm 4.5/4.6).')
    .option('--set <key=value>', 'override a setting (repeatable)', collect)
    .option('--lambdas <list>', 'comma-separated λ values', '0.8,0.9,0.95,1.05,1.1')
    .option('--anchors <n>', 'anchors (more: smaller error bars)', '600')
    .option('--negatives <kind>', 'full (the whole sphere) or support (each anchor’s K(z))', 'full')
    .option('--json', 'as JSON')
    .action((file: string, opts: { set?: string[]; lambdas: string; anchors: string; negatives: string; json?: boolean }) => {
      const spec = readSpec(file, opts);
      if (opts.negatives !== 'full' && opts.negatives !== 'support') throw new SpecError('--negatives', [`--negatives: got '${opts.negatives}'; allowed values: full, support`]);
      const lambdas = opts.lambdas.split(',').map(Number);
      if (lambdas.some((l) => !Number.isFinite(l) || l <= 0)) throw new SpecError('--lambdas', [`--lambdas: expected positive numbers, got '${opts.lambdas}'`]);
      const fixedDims = spec.conditional.kind === 'restricted-vmf' ? spec.conditional.fixedDims : 0;
      const estimates = estimateOnCommonSamples([identityMap, ...lambdas.map((l) => hLambda(l, Math.max(fixedDims, 1)))], {
        tau: spec.loss.tau,
        dim: spec.latent.dim,
        conditional: buildConditional(spec.conditional),
        ...(opts.negatives === 'support' ? { negatives: new ConstrainedSupport({ fixedDims }) } : {}),
        anchors: Number(opts.anchors),
        positivesPerAnchor: 64,
        negativesPerAnchor: 1024,
        generator: 0,
      });
      const id = estimates[0]!;
      const rows = lambdas.map((l, i) => ({ lambda: l, ...differenceOf(estimates[i + 1]!, id) }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ identity: { loss: id.loss, stdErr: id.stdErr }, rows })}\n`);
        return;
      }
      process.stdout.write(`L(identity) = ${id.loss.toFixed(5)} ± ${id.stdErr.toFixed(5)}   (${opts.negatives} negatives, τ = ${spec.loss.tau})\n`);
      process.stdout.write(`   λ      L(h_λ) − L(id)      ± s.e.    verdict\n`);
      for (const r of rows) {
        const z = r.meanDiff / r.stdErr;
        const verdict = Math.abs(z) < 3 ? 'no resolvable difference' : z < 0 ? 'h_λ BEATS the identity' : 'identity is better';
        process.stdout.write(`${r.lambda.toFixed(3).padStart(6)}  ${r.meanDiff.toExponential(3).padStart(14)}  ${r.stdErr.toExponential(2).padStart(10)}    ${verdict}\n`);
      }
    });

  cli
    .command('_train', { hidden: true })
    .argument('<id>')
    .requiredOption('--root <dir>')
    .action(async (id: string, opts: { root: string }) => {
      const store = new RunStore(opts.root);
      try {
        let last = 0;
        await trainStoredRun(store, id, (step, loss) => {
          const now = Date.now();
          if (process.send && now - last > 200) {
            last = now;
            process.send({ step, loss });
          }
        });
      } finally {
        store.close();
      }
    });

  return cli;
}

export async function main(argv: string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
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
}

const isEntry = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(cliEntry);
if (isEntry) {
  process.exitCode = await main(process.argv.slice(2));
}
