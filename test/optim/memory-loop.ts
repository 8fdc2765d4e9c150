// A long training loop (MLP with BatchNorm, Adam, each step in scope()) that records what the
// memory tests assert on. Each memory test file runs one loop, in its own process (node --test).
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { F, Generator, liveTensors, randn, scope, setNumThreads } from '../../src/torch/index.js';
import { mlp } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';

export const STEPS = 2000;
export const RSS_TOLERANCE_MB = 50;

// Tiny tensors: one thread is faster than several, and the test is about memory, not speed.
setNumThreads(1);

export interface Trace {
  liveAt100: number;
  liveAtEnd: number;
  rssGrowthMb: number;
  firstLoss: number;
  lastLoss: number;
}

/**
 * Trains for STEPS steps, each in scope(). With `yieldEvery`, the loop gives the event loop a turn
 * every so many steps, as an async training runner (metrics, checkpoints) does.
 */
export async function train(yieldEvery: number | undefined): Promise<Trace> {
  const [gInit, gData] = new Generator(0).split(2) as [Generator, Generator];
  // Small widths and batch keep the test fast; the code paths are those of a full-size run.
  const net = mlp({ inDim: 3, hidden: [32, 64, 32], outDim: 3, gen: gInit });
  const opt = new Adam(net.parameters(), { lr: 1e-3, amsgrad: true });
  let liveAt100 = -1;
  let rssAt500 = 0;
  let firstLoss = 0;
  let lastLoss = 0;
  for (let step = 1; step <= STEPS; step++) {
    if (step === 100) liveAt100 = liveTensors();
    const loss = scope(() => {
      opt.zeroGrad();
      const z = randn([16, 3], gData);
      // Learn a fixed smooth map of the input: a loss that actually decreases.
      const l = F.mseLoss(net.forward(z), z.sin());
      l.backward();
      opt.step();
      return l.item();
    });
    if (step === 1) firstLoss = loss;
    lastLoss = loss;
    if (yieldEvery !== undefined && step % yieldEvery === 0) await nextTurn();
    if (step === 500) rssAt500 = process.memoryUsage().rss;
  }
  const trace = {
    liveAt100,
    liveAtEnd: liveTensors(),
    rssGrowthMb: (process.memoryUsage().rss - rssAt500) / 2 ** 20,
    firstLoss,
    lastLoss,
  };
  const before = liveTensors();
  opt.dispose();
  net.dispose();
  // Parameters, buffers and Adam's four state tensors per parameter (step, exp_avg, exp_avg_sq, max_exp_avg_sq).
  assert.equal(
    before - liveTensors(),
    5 * net.parameters().length + net.buffers().length,
    'dispose frees model and optimizer',
  );
  return trace;
}

export function check(t: Trace): void {
  assert.equal(t.liveAtEnd, t.liveAt100, 'live tensors after the last step equal those before step 100');
  assert.ok(
    t.rssGrowthMb < RSS_TOLERANCE_MB,
    `RSS grew ${t.rssGrowthMb.toFixed(1)} MB between step 500 and step ${STEPS}`,
  );
  assert.ok(t.lastLoss < t.firstLoss, `training made progress (${t.firstLoss} → ${t.lastLoss})`);
}
