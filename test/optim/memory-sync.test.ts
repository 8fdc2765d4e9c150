// Memory, synchronous variant: the loop of memory.test.ts without ever yielding to the event loop.
//
// Each tensor handle owns a small native wrapper (an N-API ObjectWrap and its reference, ≈ 0.2 KB).
// N-API runs wrapper finalizers only as a task on an event-loop turn, so a loop that never yielded
// used to grow by that much per tensor (≈ 45 KB per step here). dispose() now removes the wrapper
// at once (native/src/tensor.cc), so the synchronous loop is as flat as the yielding one; scope()
// disposes every temporary. test/reliability/memory-sync-ops.test.ts checks 200,000 raw ops.
import { test } from 'node:test';
import { check, STEPS, train } from './memory-loop.js';

test(`the same ${STEPS} training steps in a fully synchronous loop`, async () => {
  check(await train(undefined));
});
