// Finding 11 of issue 18: a synchronous loop of small ops grew RSS by ≈ 0.2 KB per op until it
// yielded, because N-API runs tensor-wrapper finalizers only on an event-loop turn. dispose() now
// frees the wrapper at once (native/src/tensor.cc): 200,000 ops without a single yield stay flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { full, liveTensors, setNumThreads } from '../../src/torch/index.js';

const OPS = 200_000;
const TOLERANCE_MB = 8; // before the fix: ≈ 37 MB for these ops

test(`${OPS} small ops in a synchronous loop stay within ${TOLERANCE_MB} MB of RSS`, () => {
  setNumThreads(1);
  const a = full([4], 1);
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) a.add(a).dispose();
  };
  run(20_000); // warm-up: allocator caches, JIT
  const live = liveTensors();
  const before = process.memoryUsage().rss;
  run(OPS);
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.equal(liveTensors(), live, 'every op result was freed');
  assert.ok(grownMb < TOLERANCE_MB, `RSS grew ${grownMb.toFixed(1)} MB over ${OPS} ops`);
  assert.throws(() => {
    const t = a.add(a);
    t.dispose();
    t.add(a);
  }, /disposed/);
  a.dispose();
});
