// Memory: 2,000 training steps (MLP with BatchNorm, Adam), each in scope(), must keep the
// live-tensor count flat and the RSS within a small tolerance. The loop gives the event loop a turn
// every 100 steps, as an async training runner (metrics, checkpoints) does; memory-sync.test.ts
// runs the same loop without yielding.
import { test } from 'node:test';
import { check, RSS_TOLERANCE_MB, STEPS, train } from './memory-loop.js';

test(`training ${STEPS} steps in scope() keeps live tensors flat and RSS within ${RSS_TOLERANCE_MB} MB`, async () => {
  check(await train(100));
});
