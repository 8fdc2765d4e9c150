// The spec fuzzer in `make test`: 300 generated specs across every registered kind (fuzz-specs.ts).
// In process: each is accepted or refused with issues that name a key path, never another error.
// Through the real CLI (a child process): every refused spec exits 2 with no stack trace, and a
// sample of the accepted ones trains two steps without aborting the process. `make fuzz` runs 1,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from './fuzz-specs.js';
import { runThroughCli, STACK_FRAME } from './fuzz-cli.js';
import { tempDir } from '../util/temp.js';

const SPECS = 300;
const TRAINED = 12;

test(`${SPECS} fuzzed specs: accepted, or refused naming the key; never a crash`, async (t) => {
  const summary = fuzz(SPECS, 18);
  t.diagnostic(
    `${summary.specs} specs, ${summary.valid} valid, ${summary.invalid} invalid, ${summary.kindsCovered}/${summary.kindsTotal} kinds, slowest ${summary.slowestMs.toFixed(0)} ms`,
  );
  assert.ok(summary.specs >= SPECS);
  assert.equal(summary.kindsCovered, summary.kindsTotal, 'every registered kind is fuzzed');
  assert.ok(summary.valid > 0 && summary.invalid > 0, 'the fuzzer makes both valid and invalid specs');
  assert.deepEqual(
    summary.crashes.map((c) => `${c.origin}: ${c.error.split('\n')[0]}\n${c.yaml}`),
    [],
  );
  assert.deepEqual(summary.unnamedIssues, []);

  const dir = tempDir('fuzz');
  const jobs = [
    ...summary.invalidSamples.map((s) => ({ ...s, small: false })),
    ...summary.validSamples.slice(0, TRAINED).map((s) => ({ ...s, small: true })),
  ];
  const outcomes = await runThroughCli(dir, jobs);
  assert.equal(outcomes.length, jobs.length, 'every spec got an outcome');
  const problems: string[] = [];
  for (const o of outcomes) {
    const job = jobs[o.index]!;
    const what = `${job.origin} (${job.small ? 'valid' : 'invalid'}):\n${job.yaml}`;
    if (o.aborted !== undefined) problems.push(`aborted the process (${o.aborted}): ${what}`);
    else if (STACK_FRAME.test(o.stderr)) problems.push(`printed a stack trace: ${o.stderr}\n${what}`);
    else if (!job.small && o.code !== 2) problems.push(`exit ${o.code}, not 2: ${o.stderr}\n${what}`);
    else if (job.small && o.code === 1)
      t.diagnostic(`accepted but failed in training (exit 1): ${o.stderr.trim()} — ${job.origin}`);
  }
  assert.deepEqual(problems, []);
});
