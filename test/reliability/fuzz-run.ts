// `make fuzz`: the spec fuzzer at full size (default 1,000 specs), through the real CLI; prints a
// summary (aborts, stack traces, hangs, exit codes) and exits 1 if any spec misbehaved.
// Usage: node dist/test/reliability/fuzz-run.js [specs] [seed]
import { fuzz } from './fuzz-specs.js';
import { runThroughCli, STACK_FRAME } from './fuzz-cli.js';
import { tempDir } from '../util/temp.js';

const isEntry = process.argv[1]?.endsWith('fuzz-run.js') === true && process.env['NODE_TEST_CONTEXT'] === undefined;
if (isEntry) {
  const specs = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? Date.now() % 100_000);
  const started = Date.now();
  const summary = fuzz(specs, seed);
  const jobs = [
    ...summary.invalidSamples.map((s) => ({ ...s, small: false })),
    ...summary.validSamples.map((s) => ({ ...s, small: true })),
  ];
  const outcomes = await runThroughCli(tempDir('fuzz-run'), jobs);
  let aborts = 0;
  let stacks = 0;
  let hangs = 0;
  let notTwo = 0;
  let trained = 0;
  const late: string[] = [];
  for (const o of outcomes) {
    const job = jobs[o.index]!;
    if (o.aborted === 'SIGKILL') hangs++;
    else if (o.aborted !== undefined) aborts++;
    else if (STACK_FRAME.test(o.stderr)) stacks++;
    else if (!job.small && o.code !== 2) notTwo++;
    else if (job.small && o.code === 0) trained++;
    else if (job.small && o.code === 1) late.push(`${job.origin}: ${o.stderr.trim().split('\n').pop()}`);
    if (o.aborted !== undefined || STACK_FRAME.test(o.stderr) || (!job.small && o.code !== 2))
      console.error(`--- ${job.origin} (${o.aborted ?? `exit ${o.code}`}):\n${job.yaml}\n${o.stderr}`);
  }
  const lines = [
    `clab spec fuzzer — ${new Date().toISOString().slice(0, 10)}, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    `specs: ${summary.specs} (${summary.kindsCovered}/${summary.kindsTotal} registered kinds), ${summary.valid} valid, ${summary.invalid} invalid`,
    `in process: ${summary.crashes.length} crashes (non-SpecError exceptions), ${summary.unnamedIssues.length} refusals without a key path`,
    `through the CLI: ${aborts} aborts, ${stacks} stack traces, ${hangs} hangs; invalid specs exiting 2: ${summary.invalid - notTwo}/${summary.invalid}`,
    `valid specs trained 2 steps: ${trained} exit 0, ${late.length} refused only in training (exit 1, named error)`,
    ...[...new Set(late)].slice(0, 10).map((l) => `  late: ${l}`),
  ];
  console.log(lines.join('\n'));
  process.exitCode =
    aborts + stacks + hangs + notTwo + summary.crashes.length + summary.unnamedIssues.length > 0 ? 1 : 0;
}
