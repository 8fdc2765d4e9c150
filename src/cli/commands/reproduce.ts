// `clab reproduce <name>`: every cell of a suite (a published table) through the executor, then
// the report next to the paper's numbers.
import path from 'node:path';
import type { Command } from 'commander';
import { runExperiment, SpecError } from '../../experiments/index.js';
import { loadSuite, planSuite } from '../../experiments/suite.js';
import { addRunOptions, executorOption, parallelism, withStore, type RunOptions } from '../options.js';
import { Output } from '../output.js';
import { listSuites, suiteFile } from '../paths.js';
import { printAndWriteReport } from '../print-report.js';
import { suiteOptionsOf } from '../suite-options.js';
import { suiteReport } from '../../report/suite-report.js';

type ReproduceOptions = RunOptions & { out?: string; data?: string; cells?: string };

function suiteFileOf(name: string): string {
  try {
    return suiteFile(name);
  } catch {
    throw new SpecError('reproduce', [`got '${name}'; allowed values: ${listSuites().join(', ')}`]);
  }
}

async function reproduceSuite(name: string, options: ReproduceOptions): Promise<number> {
  const preset = options.preset ?? 'quick';
  const suite = loadSuite(suiteFileOf(name), suiteOptionsOf(options));
  const output = Output.fromProcess(Boolean(options.json));
  const planned = planSuite(suite, preset);
  const remote = executorOption(options);
  return withStore(options.root, async (store) => {
    output.info(
      `${suite.title}\n${suite.claim ? `claim: ${suite.claim}\n` : ''}${suite.cells.length} cells, ${planned.length} runs (preset '${preset}') → ${store.root}`,
      {
        event: 'plan',
        suite: suite.id,
        cells: suite.cells.length,
        runs: planned.length,
        preset,
      },
    );
    // Two runs at a time by default: a suite has many small runs, and two cores are common.
    const parallel = options.parallel === undefined ? Math.min(2, planned.length) : parallelism(options.parallel);
    const { failed, submitted } = await runExperiment(planned, {
      store,
      parallel,
      ...remote,
      onEvent: (e) => output.event(e),
    });
    if (submitted !== undefined) {
      // The report needs every run: it is written by `clab report --suite` once they are done (or use --wait).
      output.info(`submitted ${submitted.note}; then \`clab report --suite ${suite.id}\``, {
        event: 'submitted',
        ids: submitted.ids,
        note: submitted.note,
      });
      return 0;
    }
    await printAndWriteReport(
      await suiteReport(store, suite, preset),
      options.out ?? path.join('reports', suite.id, preset),
      output,
    );
    return failed.length > 0 ? 1 : 0;
  });
}

export function addReproduce(cli: Command): void {
  addRunOptions(
    cli
      .command('reproduce')
      .argument('<name>', `a suite under experiments/ (${listSuites().join(', ') || 'none found'})`)
      .description('Run every cell of a published table and report it next to the paper’s numbers.')
      .option('--out <dir>', 'report folder (default: reports/<suite>/<preset>)')
      .option('--data <path>', 'dataset the suite reads (e.g. the CIFAR-10 cifar-10-batches-bin folder or .tar.gz)')
      .option(
        '--cells <list>',
        'only these cells, comma-separated row/column (either part may be *), e.g. "*/violated-infonce"; the report covers these cells',
      ),
  ).action(async (name: string, opts: ReproduceOptions) => {
    process.exitCode = await reproduceSuite(name, opts);
  });
}
