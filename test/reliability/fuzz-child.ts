// Child process of the fuzzer: runs specs through the real CLI entry (`main(['run', …])`) one after
// another and reports each outcome as one JSON line. A spec that aborted the process (V8 out of
// heap, a libtorch abort) shows as the child's death right after its "begin" line. Inert unless
// CLAB_FUZZ_JOBS names a jobs file (the test runner also loads this file).
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';

/** Valid specs train two small steps: the fuzzer tests that they run, not how well. */
const SMALL = [
  '--set',
  'train.iterations=2',
  '--set',
  'eval.every=1',
  '--set',
  'eval.samples=64',
  '--set',
  'train.checkpointEvery=1',
];

async function runOne(file: string, root: string, small: boolean): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const out = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (stderr += chunk.toString()),
    true
  )) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.exitCode = undefined;
  try {
    const code = await main(['run', file, '--root', root, ...(small ? SMALL : [])]);
    return { code, stderr };
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
    process.exitCode = undefined;
  }
}

const jobsFile = process.env['CLAB_FUZZ_JOBS'];
if (jobsFile !== undefined) {
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8')) as { yaml: string; small: boolean }[];
  const dir = path.dirname(jobsFile);
  for (const [i, job] of jobs.entries()) {
    const file = path.join(dir, `spec-${i}.yaml`);
    fs.writeFileSync(file, job.yaml);
    process.stdout.write(`${JSON.stringify({ begin: i })}\n`);
    const { code, stderr } = await runOne(file, path.join(dir, 'runs'), job.small);
    process.stdout.write(`${JSON.stringify({ end: i, code, stderr: stderr.slice(0, 2000) })}\n`);
  }
}
