// The store-damage matrix (issue 18): each file of a run folder truncated, emptied or bit-flipped,
// then the same spec run again. Every cell must end in a clear error naming the file, or in exact
// recovery (the same numbers as an undamaged run) — never in a finished run with other numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { expandRuns, parseSpecText, resolveSpec, runExperiment, trainRun } from '../../src/experiments/index.js';
import { RunStore } from '../../src/runs/index.js';
import { tempDir } from '../util/temp.js';
import { numbersOf, TINY } from './helpers.js';

type Damage = 'truncate' | 'empty' | 'flip';
const DAMAGES: Damage[] = ['truncate', 'empty', 'flip'];
/** Files of a finished run, and the checkpoints of one stopped at step 30 (newest first). */
const FINISHED_FILES = ['spec.json', 'meta.json', 'summary.json', 'metrics.jsonl', 'index.sqlite'];
const STOPPED_FILES = [
  'checkpoints/step-00000030.safetensors',
  'checkpoints/step-00000020.safetensors',
  'metrics.jsonl',
  'meta.json',
];

const planned = () => [{ run: expandRuns(resolveSpec(parseSpecText(TINY, 'tiny.yaml')))[0]!, labels: {} }];

function damage(file: string, how: Damage): void {
  const bytes = fs.readFileSync(file);
  if (how === 'empty') fs.writeFileSync(file, '');
  else if (how === 'truncate') fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  else {
    const at = Math.floor(bytes.length / 2) - 8;
    for (let i = 0; i < 16; i++) bytes[at + i] = bytes[at + i]! ^ 0x5a;
    fs.writeFileSync(file, bytes);
  }
}

/** Runs the spec again on the damaged store: the outcome, or the error it stopped with. */
async function rerun(root: string): Promise<{ dirs: string[]; error?: string }> {
  let store: RunStore | undefined;
  try {
    store = new RunStore(root);
    store.reindex();
    const { finished, failed } = await runExperiment(planned(), { store });
    if (failed.length > 0) return { dirs: [], error: failed.map((f) => f.error).join('; ') };
    return { dirs: finished.map((m) => m.dir) };
  } catch (err) {
    return { dirs: [], error: (err as Error).message };
  } finally {
    store?.close();
  }
}

/** Clear error naming the damaged file, or the reference numbers (metrics rows readable or refused by name). */
function assertCleanOutcome(
  cell: string,
  file: string,
  outcome: { dirs: string[]; error?: string },
  reference: ReturnType<typeof numbersOf>,
): void {
  if (outcome.error !== undefined) {
    assert.ok(outcome.error.includes(path.basename(file)), `${cell}: the error names the file: ${outcome.error}`);
    return;
  }
  assert.equal(outcome.dirs.length, 1, cell);
  let got: ReturnType<typeof numbersOf>;
  try {
    got = numbersOf(outcome.dirs[0]!);
  } catch (err) {
    // metrics.jsonl is refused by name when a complete line is not a row; the summary is intact
    assert.match((err as Error).message, /metrics\.jsonl|JSON/, cell);
    return;
  }
  assert.deepEqual(got.summary, reference.summary, `${cell}: same final numbers`);
  if (!file.endsWith('metrics.jsonl')) assert.deepEqual(got.metrics, reference.metrics, `${cell}: same metrics rows`);
}

test('store-damage matrix: every file of a run folder × truncated, emptied, bit-flipped', async (t) => {
  const refRoot = tempDir('damage-ref');
  let store = new RunStore(refRoot);
  const [ref] = (await runExperiment(planned(), { store })).finished;
  store.close();
  const reference = numbersOf(ref!.dir);
  let cells = 0;
  for (const rel of FINISHED_FILES)
    for (const how of DAMAGES) {
      const root = tempDir('damage');
      fs.cpSync(refRoot, root, { recursive: true });
      const dir = path.join(root, path.basename(ref!.dir));
      const file = rel === 'index.sqlite' ? path.join(root, rel) : path.join(dir, rel);
      damage(file, how);
      assertCleanOutcome(`finished run, ${rel} ${how}`, file, await rerun(root), reference);
      cells++;
    }
  for (const rel of STOPPED_FILES)
    for (const how of DAMAGES) {
      const root = tempDir('damage');
      store = new RunStore(root);
      const h = store.create(planned()[0]!.run);
      await trainRun(h.run, { sink: h, stopAfter: 30 });
      h.setStatus('interrupted');
      store.close();
      const file = path.join(h.dir, rel);
      damage(file, how);
      assertCleanOutcome(`run stopped at 30, ${rel} ${how}`, file, await rerun(root), reference);
      cells++;
    }
  t.diagnostic(`${cells} damage cells: each a clear error naming the file or exact recovery`);
});
