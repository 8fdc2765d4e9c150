// `clab ls` reads the folders (the truth), and refuses filters it cannot honour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../util/temp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = path.join(root, 'dist/src/cli/main.js');
const tiny = path.join(root, 'experiments/examples/tiny.yaml');
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;
const clab = (args: string[]): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [entry, ...args], {
    env: { ...parentEnv, CLAB_THREADS: '1' },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

test('clab ls shows a run damaged after the index was written, and --status damaged selects it', () => {
  const store = tempDir('ls');
  assert.equal(clab(['run', tiny, '--root', store, '--set', 'train.iterations=4', '--set', 'eval.every=4']).code, 0);
  assert.match(clab(['ls', '--root', store, '--status', 'done']).stdout, /examples-tiny-s0-\S+\s+done/);
  const id = fs.readdirSync(store).find((d) => d.startsWith('examples-tiny'))!;
  fs.writeFileSync(path.join(store, id, 'meta.json'), '{ not json');
  const damaged = clab(['ls', '--root', store, '--status', 'damaged']);
  assert.equal(damaged.code, 0, damaged.stderr);
  assert.match(damaged.stdout, new RegExp(`${id}\\s+damaged`));
  assert.match(clab(['ls', '--root', store, '--status', 'done']).stdout, /no runs/);
});

test('clab ls --limit must be a positive integer (exit 2)', () => {
  const store = tempDir('ls');
  for (const bad of ['abc', '0', '-3', '2.5']) {
    const r = clab(['ls', '--root', store, '--limit', bad]);
    assert.equal(r.code, 2, `--limit ${bad}`);
    assert.match(r.stderr, /--limit: expected a positive integer/);
  }
});
