// Terminal manners: a closed pipe ends `clab` quietly, Ctrl-C says how to resume, the progress bar
// shows step, loss and rate, and colour appears only on a terminal without NO_COLOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Output, paint, useColour } from '../../src/cli/output.js';
import { tempDir } from '../util/temp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = path.join(root, 'dist/src/cli/main.js');
const tiny = path.join(root, 'experiments/examples/tiny.yaml');
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;
const env = { ...parentEnv, CLAB_THREADS: '1' };

/** A store with a few finished runs (trained once for the tests below). */
const store = tempDir('term');
const trained = spawnSync(
  process.execPath,
  [entry, 'run', tiny, '--root', store, '--seeds', '3', '--set', 'train.iterations=4', '--set', 'eval.every=2'],
  { env, encoding: 'utf8' },
);
assert.equal(trained.status, 0, trained.stderr);

test('`clab ls | head -1` exits quietly', () => {
  const r = spawnSync(
    'bash',
    ['-c', `set -o pipefail; node ${JSON.stringify(entry)} ls --root ${JSON.stringify(store)} | head -1`],
    { env, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^id\s+status\s+name\s+overrides\s+seed\s+started\s+duration\s+metric\n$/);
  assert.equal(r.stderr, '');
});

test('a reader that closed the pipe before clab wrote (EPIPE) ends it with code 0 and no stack trace', async () => {
  const child = spawn(process.execPath, [entry, 'ls', '--root', store], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // closed before the first write: every write now fails with EPIPE
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});

test('SIGINT during a run finishes the progress and prints `clab resume <id>`; the run is interrupted and resumable', async () => {
  const s = tempDir('sigint');
  const child = spawn(
    process.execPath,
    [entry, 'run', tiny, '--root', s, '--set', 'train.iterations=200000', '--set', 'eval.every=100000'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Interrupt once training is under way (its first checkpoint, at step 20, is written).
  const deadline = Date.now() + 120_000;
  const started = (): boolean => {
    const id = /start {2}(\S+)/.exec(stdout)?.[1];
    return id !== undefined && fs.existsSync(path.join(s, id, 'checkpoints', 'step-00000020.safetensors'));
  };
  while (!started()) {
    if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no progress: ${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const id = /start {2}(\S+)/.exec(stdout)?.[1];
  assert.ok(id, stdout);
  assert.equal(code, 130);
  assert.match(stderr, new RegExp(`clab resume ${id}`));
  assert.equal(JSON.parse(fs.readFileSync(path.join(s, id, 'meta.json'), 'utf8')).status, 'interrupted');
});

test('the TTY progress bar shows step, loss and steps/s', () => {
  // Capture what Output writes (the bar goes to stderr, the 'start' line to stdout).
  const written: string[] = [];
  const [errWrite, outWrite] = [process.stderr.write, process.stdout.write];
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const out = new Output({ json: false, tty: true });
    out.event({ kind: 'plan', total: 1, cached: 0 });
    out.event({ kind: 'started', id: 'r1', name: 'examples/tiny', total: 100, from: 0 });
    out.event({ kind: 'step', id: 'r1', step: 40, loss: 3.25 });
  } finally {
    process.stderr.write = errWrite;
    process.stdout.write = outWrite;
  }
  const line = written.join('');
  assert.match(line, /step 40\/100/);
  assert.match(line, /loss 3\.2500/);
  assert.match(line, /(\d+(\.\d)?|--) steps\/s/);
  assert.match(line, / 40%/);
});

test('colour only on a terminal, never with NO_COLOR', () => {
  assert.equal(useColour({ isTTY: true }, {}), true);
  assert.equal(useColour({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColour({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
  assert.equal(useColour({ isTTY: false }, {}), false);
  assert.equal(useColour({}, {}), false);
  assert.equal(paint(false, 'green', 'done'), 'done');
  assert.equal(paint(true, 'green', 'done'), '\x1b[32mdone\x1b[0m');
  // Piped output (not a terminal) carries no escape codes.
  const ls = spawnSync(process.execPath, [entry, 'ls', '--root', store], { env, encoding: 'utf8' });
  assert.doesNotMatch(ls.stdout, /\x1b\[/);
});
