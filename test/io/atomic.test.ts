import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../src/io/index.js';
import { tempDir as makeTempDir } from '../util/temp.js';

const tempDir = (): string => makeTempDir('io-atomic');

test('writeFileAtomic writes bytes, strings and streamed chunks, leaving no temporary files', () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.bin');
  writeFileAtomic(file, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(file)], [1, 2, 3]);
  writeFileAtomic(file, 'héllo\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'héllo\n');
  writeFileAtomic(file, (sink) => {
    sink.write(Buffer.from('ab'));
    sink.write('cd');
    sink.write(new Uint8Array(0));
  });
  assert.equal(fs.readFileSync(file, 'utf8'), 'abcd');
  assert.deepEqual(fs.readdirSync(dir), ['out.bin']);
});

test('writeFileAtomic accepts a relative path and respects the requested mode', () => {
  const dir = tempDir();
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    writeFileAtomic('rel.txt', 'x', { mode: 0o600 });
  } finally {
    process.chdir(cwd);
  }
  assert.equal(fs.readFileSync(path.join(dir, 'rel.txt'), 'utf8'), 'x');
  assert.equal(fs.statSync(path.join(dir, 'rel.txt')).mode & 0o777, 0o600);
});

test('a failure mid-write leaves the existing file intact and removes the temporary file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'keep.txt');
  fs.writeFileSync(file, 'original');
  assert.throws(
    () =>
      writeFileAtomic(file, (sink) => {
        sink.write('partial new content');
        throw new Error('simulated failure');
      }),
    { message: 'simulated failure' },
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'original');
  assert.deepEqual(fs.readdirSync(dir), ['keep.txt']);
});

test('writing into a directory that does not exist throws ENOENT and creates nothing', () => {
  const dir = tempDir();
  assert.throws(() => writeFileAtomic(path.join(dir, 'missing', 'x.bin'), 'data'), { code: 'ENOENT' });
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('writeJsonAtomic writes indented JSON with a final newline and rejects unserializable values', () => {
  const dir = tempDir();
  const file = path.join(dir, 'config.json');
  writeJsonAtomic(file, { seed: 0, loss: { kind: 'infonce', tau: 0.1 } });
  assert.equal(
    fs.readFileSync(file, 'utf8'),
    '{\n  "seed": 0,\n  "loss": {\n    "kind": "infonce",\n    "tau": 0.1\n  }\n}\n',
  );
  writeJsonAtomic(file, [1, 2], { indent: 0 });
  assert.equal(fs.readFileSync(file, 'utf8'), '[1,2]\n');
  assert.throws(() => writeJsonAtomic(file, undefined), {
    name: 'TypeError',
    message: /undefined cannot be written as JSON/,
  });
  assert.equal(fs.readFileSync(file, 'utf8'), '[1,2]\n');
  assert.throws(() => writeJsonAtomic(file, { n: 1n }), TypeError);
  assert.equal(fs.readFileSync(file, 'utf8'), '[1,2]\n');
  assert.deepEqual(fs.readdirSync(dir), ['config.json']);
});
