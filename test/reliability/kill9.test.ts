// kill -9 at random moments of real training through the CLI — with a checkpoint every step and a
// wide encoder, so that many kills land inside checkpoint writes — then `clab run` again until the
// run is done: its numbers equal those of an uninterrupted run, to the last bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab, clabUntil, numbersOf, readJson, runDirs, TINY, writeSpec } from './helpers.js';

const SPEC = TINY.replace('hidden: [16, 16]', 'hidden: [256, 256, 256]').replace(
  'iterations: 40, batch: 32, checkpointEvery: 10',
  'iterations: 120, batch: 32, checkpointEvery: 1',
);
const KILLS = 4;

test(`kill -9 ${KILLS} times at random moments (checkpoint writes included); the resumed run equals the uninterrupted one`, async (t) => {
  const dir = tempDir('kill9');
  const spec = writeSpec(dir, SPEC);
  const whole = path.join(dir, 'whole');
  assert.equal(clab(['run', spec, '--root', whole]).code, 0);
  const killed = path.join(dir, 'killed');
  const delays: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    const { child, exited } = await clabUntil(['run', spec, '--root', killed], /start |resume /);
    const delay = Math.floor(Math.random() * 400);
    delays.push(delay);
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    const [run] = runDirs(killed);
    if (readJson(path.join(run!, 'meta.json'))['status'] === 'done') break; // it finished first
  }
  t.diagnostic(`killed after ${delays.join(', ')} ms`);
  const r = clab(['run', spec, '--root', killed]);
  assert.equal(r.code, 0, r.stderr);
  const [a] = runDirs(whole);
  const [b] = runDirs(killed);
  assert.equal(runDirs(killed).length, 1, 'one run folder, resumed each time');
  assert.deepEqual(numbersOf(b!), numbersOf(a!));
});
