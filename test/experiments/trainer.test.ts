import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keep, liveTensors, type Tensor } from '../../src/torch/index.js';
import {
  expandRuns,
  resolveSpec,
  trainRun,
  type Checkpoint,
  type MetricsRow,
  type TrainerSink,
} from '../../src/experiments/index.js';

/** A sink that keeps everything in memory, cloning checkpoint tensors as a store would persist them. */
class MemorySink implements TrainerSink {
  rows: MetricsRow[] = [];
  checkpoints: Checkpoint[] = [];
  appendMetrics(row: MetricsRow): void {
    this.rows.push(row);
  }
  saveCheckpoint(step: number, tensors: Map<string, Tensor>, state: Record<string, unknown>): void {
    const copy = new Map<string, Tensor>();
    for (const [k, t] of tensors) copy.set(k, keep(t.clone())); // outlives the trainer's scope
    this.checkpoints.push({ step, tensors: copy, state: JSON.parse(JSON.stringify(state)) as Record<string, unknown> });
  }
  latestCheckpoint(): Checkpoint | undefined {
    const cp = this.checkpoints.at(-1);
    if (cp === undefined) return undefined;
    const copy = new Map<string, Tensor>();
    for (const [k, t] of cp.tensors) copy.set(k, t.clone());
    return { step: cp.step, tensors: copy, state: cp.state };
  }
  truncateMetricsAfter(step: number): void {
    this.rows = this.rows.filter((r) => r.step <= step);
  }
  dispose(): void {
    for (const cp of this.checkpoints) for (const t of cp.tensors.values()) t.dispose();
  }
}

const tiny = (over: string[] = []) =>
  expandRuns(
    resolveSpec(
      {
        name: 'tiny',
        conditional: { kind: 'vmf', kappa: 3.333 },
        encoder: { kind: 'mlp', hidden: [16, 16] },
        loss: { kind: 'infonce', tau: 0.3 },
        train: { iterations: 30, batch: 32, checkpointEvery: 10 },
        eval: { every: 10, samples: 200 },
      },
      { set: over },
    ),
  )[0]!;

const withoutTime = (rows: MetricsRow[]) => rows.map(({ seconds: _s, ...rest }) => rest);

test('the same spec and seed give identical metrics; another seed does not', async () => {
  const a = new MemorySink();
  const b = new MemorySink();
  const c = new MemorySink();
  await trainRun(tiny(), { sink: a });
  await trainRun(tiny(), { sink: b });
  await trainRun({ ...tiny(), seed: 1 }, { sink: c });
  assert.equal(a.rows.length, 3);
  assert.deepEqual(withoutTime(a.rows), withoutTime(b.rows));
  assert.notDeepEqual(withoutTime(a.rows), withoutTime(c.rows));
  for (const s of [a, b, c]) s.dispose();
});

test('a run stopped after a checkpoint resumes and ends with the same numbers', async () => {
  const before = liveTensors();
  const whole = new MemorySink();
  const result = await trainRun(tiny(), { sink: whole });
  const parts = new MemorySink();
  // Stop at step 15: the last checkpoint is step 10, so steps 11–15 are redone after resuming.
  assert.equal(await trainRun(tiny(), { sink: parts, stopAfter: 15 }), undefined);
  const resumed = await trainRun(tiny(), { sink: parts });
  assert.deepEqual(resumed!.metrics, result!.metrics);
  assert.equal(resumed!.finalLoss, result!.finalLoss);
  assert.deepEqual(withoutTime(parts.rows), withoutTime(whole.rows));
  whole.dispose();
  parts.dispose();
  assert.equal(liveTensors(), before, 'no tensor leaks');
});

test('the adapted loss runs with per-anchor negatives from K(z)', async () => {
  const run = tiny([
    'conditional={kind: restricted-vmf, kappa: 3.333, fixedDims: 1}',
    'loss={kind: adapted-infonce, tau: 0.3, negativesPerAnchor: 4, rho: 0.5}',
  ]);
  const sink = new MemorySink();
  const r = await trainRun(run, { sink });
  assert.ok(Number.isFinite(r!.finalLoss));
  assert.ok(r!.metrics['r2'] !== undefined);
  sink.dispose();
});

test('stopRequested at step k saves a checkpoint at k (not only at multiples of checkpointEvery); resuming gives the same numbers', async () => {
  const before = liveTensors();
  const whole = new MemorySink();
  const result = await trainRun(tiny(), { sink: whole });
  for (const k of [13, 20]) {
    const parts = new MemorySink();
    let asked = 0;
    const stopped = await trainRun(tiny(), { sink: parts, stopRequested: () => ++asked === k });
    assert.equal(stopped, undefined);
    assert.equal(asked, k, 'asked after every step');
    // Periodic checkpoints at 10 (and 20), the stop's at k — saved once when k is also periodic.
    assert.deepEqual(
      parts.checkpoints.map((c) => c.step),
      k === 13 ? [10, 13] : [10, 20],
    );
    assert.deepEqual(
      withoutTime(parts.rows).map((r) => r.step),
      [10, 20].filter((s) => s <= k),
    );
    const resumed = await trainRun(tiny(), { sink: parts });
    assert.deepEqual(resumed!.metrics, result!.metrics);
    assert.equal(resumed!.finalLoss, result!.finalLoss);
    assert.deepEqual(withoutTime(parts.rows), withoutTime(whole.rows));
    parts.dispose();
  }
  // Not asked after the last step: a run that reaches its end ends.
  let asks = 0;
  const end = await trainRun(tiny(), { stopRequested: () => ++asks < 0 });
  assert.equal(asks, 29);
  assert.deepEqual(end!.metrics, result!.metrics);
  whole.dispose();
  assert.equal(liveTensors(), before, 'no tensor leaks');
});
