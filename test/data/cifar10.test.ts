import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FileFormatError } from '../../src/io/index.js';
import { CIFAR10_CLASSES, CIFAR10_FILE_BYTES, CIFAR10_FILES, loadCifar10 } from '../../src/data/cifar10.js';
import { scope } from '../../src/torch/index.js';
import { tempDir as makeTempDir } from '../util/temp.js';

const tempDir = (): string => makeTempDir('cifar10');

/** The pixel byte of record `r` (global index), channel c, row y, column x in the fixtures. */
const pixel = (r: number, c: number, y: number, x: number): number => (r * 7 + c * 31 + y * 5 + x * 3) % 256;
const labelOf = (r: number): number => (r * 3) % 10;

/**
 * Bytes of `n` records in the real CIFAR-10 binary layout (label byte, then 1024 R, 1024 G, 1024 B
 * in row-major order), records numbered from `first`.
 */
function records(n: number, first = 0, label: (r: number) => number = labelOf): Buffer {
  const buf = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    const r = first + i;
    const off = i * 3073;
    buf[off] = label(r);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) buf[off + 1 + c * 1024 + y * 32 + x] = pixel(r, c, y, x);
  }
  return buf;
}

/** Writes every batch file with `perFile` records each into dir; returns dir. */
function writeBatches(dir: string, perFile: number): string {
  fs.mkdirSync(dir, { recursive: true });
  [...CIFAR10_FILES.train, ...CIFAR10_FILES.test].forEach((name, f) =>
    fs.writeFileSync(path.join(dir, name), records(perFile, f * perFile)),
  );
  return dir;
}

test('reads a full-size (30,730,000-byte) test batch in the real format', () => {
  scope(() => {
    const dir = tempDir();
    const full = records(10_000);
    assert.equal(full.length, CIFAR10_FILE_BYTES);
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), full);
    const { images, labels, classes } = loadCifar10(dir, { split: 'test' });
    assert.deepEqual(images.shape, [10_000, 3, 32, 32]);
    assert.equal(images.dtype, 'float32');
    assert.deepEqual(labels.shape, [10_000]);
    assert.equal(labels.dtype, 'int64');
    assert.deepEqual(classes, [...CIFAR10_CLASSES]);
    assert.equal(classes[labels.select(0, 1).item()], 'cat'); // labelOf(1) = 3
    assert.deepEqual(
      labels.slice(0, 0, 12).toArray(),
      Array.from({ length: 12 }, (_, r) => labelOf(r)),
    );
    // Channel-major, row-major pixels, scaled by 1/255.
    for (const [r, c, y, x] of [
      [0, 0, 0, 0],
      [1, 2, 31, 5],
      [9_999, 1, 7, 30],
      [4_321, 0, 16, 16],
    ] as const)
      assert.ok(
        Math.abs(images.select(0, r).select(0, c).select(0, y).select(0, x).item() - pixel(r, c, y, x) / 255) < 1e-7,
      );
    assert.ok(images.min().item() >= 0 && images.max().item() <= 1);
    assert.equal(images.max().item(), 1); // byte 255 occurs
    const first = loadCifar10(dir, { split: 'test', limit: 5 });
    assert.deepEqual(first.images.shape, [5, 3, 32, 32]);
    assert.equal(
      first.images
        .sub(images.slice(0, 0, 5))
        .abs()
        .max()
        .item(),
      0,
    );
  });
});

test('a truncated or oversized batch file is rejected with a message naming the file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'test_batch.bin');
  fs.writeFileSync(file, records(10_000).subarray(0, CIFAR10_FILE_BYTES - 100));
  assert.throws(
    () => loadCifar10(dir, { split: 'test' }),
    (err: unknown) =>
      err instanceof FileFormatError &&
      err.source === file &&
      err.message ===
        `${file}: invalid CIFAR-10 binary file: expected 30730000 bytes (10000 records of 3073), got 30729900 bytes — truncated?`,
  );
  fs.writeFileSync(file, Buffer.concat([records(10_000), Buffer.alloc(3073)]));
  assert.throws(
    () => loadCifar10(dir, { split: 'test' }),
    /test_batch\.bin: invalid CIFAR-10 binary file: expected 30730000 bytes .* got 30733073 bytes$/,
  );
  // A small fixture is refused unless allowPartial, and then only if it is made of whole records.
  fs.writeFileSync(file, records(4));
  assert.throws(() => loadCifar10(dir, { split: 'test' }), /got 12292 bytes — truncated\?/);
  fs.writeFileSync(file, records(4).subarray(0, 3 * 3073 + 10));
  assert.throws(
    () => loadCifar10(dir, { split: 'test', allowPartial: true }),
    /test_batch\.bin: invalid CIFAR-10 binary file: expected a positive multiple of 3073 bytes, got 9229 bytes$/,
  );
});

test('a label outside 0..9 is rejected with the file and record', () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'test_batch.bin'),
    records(6, 0, (r) => (r === 4 ? 10 : 0)),
  );
  assert.throws(
    () => loadCifar10(dir, { split: 'test', allowPartial: true }),
    (err: unknown) =>
      err instanceof FileFormatError &&
      /test_batch\.bin: invalid CIFAR-10 binary file: record 4 has label 10 \(labels are 0\.\.9\)$/.test(err.message),
  );
});

test('train split concatenates data_batch_1..5 in order; finds cifar-10-batches-bin inside a folder', () => {
  scope(() => {
    const root = tempDir();
    writeBatches(path.join(root, 'cifar-10-batches-bin'), 3);
    for (const p of [root, path.join(root, 'cifar-10-batches-bin')]) {
      const { images, labels } = loadCifar10(p, { split: 'train', allowPartial: true });
      assert.deepEqual(images.shape, [15, 3, 32, 32]);
      assert.deepEqual(
        labels.toArray(),
        Array.from({ length: 15 }, (_, r) => labelOf(r)),
      );
      assert.ok(
        Math.abs(images.select(0, 14).select(0, 2).select(0, 3).select(0, 4).item() - pixel(14, 2, 3, 4) / 255) < 1e-7,
      );
    }
    const test5 = loadCifar10(root, { split: 'test', allowPartial: true });
    assert.deepEqual(test5.labels.toArray(), [15, 16, 17].map(labelOf));
    // limit stops early: only the first two files are needed.
    fs.writeFileSync(path.join(root, 'cifar-10-batches-bin', 'data_batch_5.bin'), records(3).subarray(0, 100));
    assert.throws(
      () => loadCifar10(root, { split: 'train', allowPartial: true, limit: 4 }),
      /data_batch_5\.bin: invalid CIFAR-10 binary file/,
    );
    fs.rmSync(path.join(root, 'cifar-10-batches-bin', 'data_batch_5.bin'));
    assert.throws(
      () => loadCifar10(root, { split: 'train', allowPartial: true }),
      /data_batch_5\.bin: invalid CIFAR-10 binary file: missing \(the train split needs data_batch_1\.bin, .*data_batch_5\.bin\)$/,
    );
    assert.throws(() => loadCifar10(path.join(root, 'nope'), { split: 'test' }), /nope does not exist/);
  });
});

test('reads the .tar.gz distribution directly; rejects a corrupt archive', () => {
  scope(() => {
    const root = tempDir();
    writeBatches(path.join(root, 'cifar-10-batches-bin'), 2);
    fs.writeFileSync(path.join(root, 'cifar-10-batches-bin', 'batches.meta.txt'), CIFAR10_CLASSES.join('\n') + '\n');
    const archive = path.join(root, 'cifar-10-binary.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', root, 'cifar-10-batches-bin']);
    const fromTar = loadCifar10(archive, { split: 'train', allowPartial: true });
    const fromDir = loadCifar10(root, { split: 'train', allowPartial: true });
    assert.deepEqual(fromTar.images.shape, [10, 3, 32, 32]);
    assert.equal(fromTar.images.sub(fromDir.images).abs().max().item(), 0);
    assert.deepEqual(fromTar.labels.toArray(), fromDir.labels.toArray());
    assert.throws(
      () => loadCifar10(archive, { split: 'train' }),
      new RegExp(
        `cifar-10-binary\\.tar\\.gz:data_batch_1\\.bin: invalid CIFAR-10 binary file: expected 30730000 bytes`,
      ),
    );
    const bad = path.join(root, 'bad.tar.gz');
    fs.writeFileSync(bad, fs.readFileSync(archive).subarray(0, 200));
    assert.throws(
      () => loadCifar10(bad, { split: 'test' }),
      (err: unknown) =>
        err instanceof FileFormatError && err.source === bad && /cannot be decompressed/.test(err.message),
    );
  });
});
