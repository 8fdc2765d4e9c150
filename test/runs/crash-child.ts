// Child process of crash.test.ts: appends metrics and saves checkpoints in a loop until it is
// killed. Inert unless CLAB_RUNS_CRASH_ROOT is set (the test runner also loads this file).
import { RunStore } from '../../src/runs/index.js';
import { full } from '../../src/torch/index.js';

const root = process.env.CLAB_RUNS_CRASH_ROOT;
const id = process.env.CLAB_RUNS_CRASH_ID;
if (root !== undefined && id !== undefined) {
  const store = new RunStore(root);
  const run = store.open(id);
  run.setStatus('running');
  const deadline = Date.now() + 20_000; // never outlive a test that failed to kill us
  for (let step = 1; Date.now() < deadline; step++) {
    run.appendMetrics({ step, seconds: step / 100, loss: 1 / step });
    if (step % 3 === 0) {
      const w = full([100_000], step);
      const b = full([7], -step, 'float64');
      run.saveCheckpoint(
        step,
        new Map([
          ['w', w],
          ['b', b],
        ]),
        { step, rng: [step, step * 2] },
      );
      w.dispose();
      b.dispose();
      if (step === 3) process.stdout.write('ready\n');
    }
  }
  store.close();
}
