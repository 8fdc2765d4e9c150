// Runs ONE clab benchmark case in this (fresh) process and prints one JSON line on stdout, so the
// process's RSS high-water mark belongs to that case alone. Called by bench/run.ts:
//   node dist/bench/one.js CASE_ID --threads N --warmup W --reps R [--n SIZE]
// The JSON line has the same fields as bench/reference.py's.
import { performance } from 'node:perf_hooks';
import { engineInfo, getNumThreads, setNumThreads } from '../src/torch/index.js';
import { CASES } from './cases.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`one.js: --${name} must be a non-negative integer`);
  return v;
}

const id = process.argv[2];
const bench = CASES.find((c) => c.id === id);
if (bench === undefined || bench.setup === undefined) {
  console.error(`one.js: unknown or skipped case ${String(id)}; known: ${CASES.map((c) => c.id).join(', ')}`);
  process.exit(2);
}
const threads = arg('threads', 2);
const warmup = arg('warmup', bench.reps.warmup);
const reps = arg('reps', bench.reps.reps);
const n = process.argv.includes('--n') ? arg('n', 0) : undefined;

setNumThreads(threads);
const baselineKb = process.resourceUsage().maxRSS; // runtime + engine loaded, no case data yet
const { step, dispose } = bench.setup(n);
for (let i = 0; i < warmup; i++) step();
const times: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  step();
  times.push((performance.now() - t0) / 1000);
}
dispose();
const line = {
  id,
  impl: 'clab',
  threads: getNumThreads(),
  warmup,
  reps,
  n: n ?? null,
  times,
  maxRssKb: process.resourceUsage().maxRSS,
  baselineRssKb: baselineKb,
  engine: engineInfo(),
};
console.log(JSON.stringify(line));
