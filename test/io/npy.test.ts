import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DTYPES, liveTensors, scope, tensor, zeros } from '../../src/torch/index.js';
import { FileFormatError, decodeNpy, encodeNpy, loadNpy, saveNpy } from '../../src/io/index.js';
import { SHAPES, bytesOf, sample } from './samples.js';
import { tempDir as makeTempDir } from '../util/temp.js';

const tempDir = (): string => makeTempDir('io-npy');

/** A .npy file from a header dict text (padded like numpy unless `raw`) and data bytes. */
function npy(
  dict: string,
  data: Uint8Array = new Uint8Array(0),
  options: { version?: [number, number]; raw?: boolean } = {},
): Buffer {
  const [major, minor] = options.version ?? [1, 0];
  const lenBytes = major === 1 ? 2 : 4;
  let header = dict;
  if (!options.raw) {
    const total = 6 + 2 + lenBytes + header.length + 1;
    header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  }
  const pre = Buffer.alloc(8 + lenBytes);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, minor]).copy(pre);
  if (lenBytes === 2) pre.writeUInt16LE(header.length, 8);
  else pre.writeUInt32LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, major === 3 ? 'utf8' : 'latin1'), data]);
}

test('round trip: every dtype and shape (0-d and empty included), in memory and through a file', () => {
  scope(() => {
    const dir = tempDir();
    for (const dtype of DTYPES) {
      SHAPES.forEach((shape, i) => {
        const t = sample(dtype, shape, i);
        const file = path.join(dir, `${dtype}-${i}.npy`);
        saveNpy(file, t);
        assert.deepEqual(fs.readFileSync(file), encodeNpy(t));
        for (const u of [loadNpy(file), decodeNpy(encodeNpy(t))]) {
          assert.equal(u.dtype, dtype);
          assert.deepEqual(u.shape, shape);
          assert.deepEqual(bytesOf(u), bytesOf(t));
        }
      });
    }
    assert.equal(fs.readdirSync(dir).length, DTYPES.length * SHAPES.length, 'no temporary files left');
  });
});

test('the preamble is numpy 1.0: magic, version, u16 length, dict text, padded to 64 bytes with a final newline', () => {
  scope(() => {
    const bytes = encodeNpy(zeros([2, 3]));
    assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = bytes.readUInt16LE(8);
    assert.equal((10 + hlen) % 64, 0);
    assert.equal(bytes.length, 10 + hlen + 24);
    const header = bytes.subarray(10, 10 + hlen).toString('latin1');
    // Exactly what numpy 1.24 writes, including its 21-digit room for the first axis to grow.
    assert.equal(header, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + ' '.repeat(58) + '\n');
    const descr = (t: ReturnType<typeof zeros>): string =>
      /'descr': '([^']*)'/.exec(encodeNpy(t).toString('latin1'))![1]!;
    const shapeText = (t: ReturnType<typeof zeros>): string =>
      /'shape': (\([^)]*\))/.exec(encodeNpy(t).toString('latin1'))![1]!;
    assert.deepEqual(
      DTYPES.map((d) => descr(zeros([1], d))),
      ['<f4', '<f8', '<i8', '<i4', '|b1', '|u1'],
    );
    assert.equal(shapeText(zeros([])), '()');
    assert.equal(shapeText(zeros([7])), '(7,)');
    assert.equal(shapeText(zeros([0, 2, 1])), '(0, 2, 1)');
    for (const shape of SHAPES) {
      const b = encodeNpy(zeros(shape, 'float64'));
      assert.equal((10 + b.readUInt16LE(8)) % 64, 0, `shape [${shape}]`);
      assert.equal(b[10 + b.readUInt16LE(8) - 1], 0x0a);
    }
  });
});

test('reads what other writers produce: versions 2.0 and 3.0, double quotes, big-endian data, Python 2 longs', () => {
  scope(() => {
    const i32 = Buffer.from(new Int32Array([1, -2, 3, 4]).buffer);
    assert.deepEqual(
      decodeNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", i32, { version: [2, 0] })).toArray(),
      [1, -2, 3, 4],
    );
    assert.deepEqual(
      decodeNpy(npy('{"descr": "<i4", "shape": (4,), "fortran_order": False}', i32, { version: [3, 0] })).toArray(),
      [1, -2, 3, 4],
    );
    const be = Buffer.alloc(16);
    be.writeDoubleBE(1.5, 0);
    be.writeDoubleBE(-1e300, 8);
    const t = decodeNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2L,), }", be));
    assert.equal(t.dtype, 'float64');
    assert.deepEqual(t.toArray(), [1.5, -1e300]);
    const be32 = Buffer.alloc(8);
    be32.writeInt32BE(-7, 0);
    be32.writeInt32BE(65536, 4);
    assert.deepEqual(
      decodeNpy(npy("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be32)).toArray(),
      [-7, 65536],
    );
    assert.deepEqual(
      decodeNpy(npy("{'descr': '<u1', 'fortran_order': False, 'shape': (1,), }", Buffer.from([200]))).toArray(),
      [200],
    );
    // An unaligned view into a larger buffer still decodes.
    const file = Buffer.concat([
      Buffer.from([0]),
      npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", Buffer.from(new Float64Array([2.5]).buffer)),
    ]);
    assert.equal(decodeNpy(file.subarray(1)).item(), 2.5);
  });
});

test('malformed or unsupported .npy data gives a FileFormatError naming the file and the problem', () => {
  const dir = tempDir();
  const file = path.join(dir, 'bad.npy');
  const f4 = (shape: string, data: Uint8Array, descr = '<f4', fortran = 'False'): Buffer =>
    npy(`{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`, data);
  const cases: [string, Buffer, RegExp][] = [
    ['not npy', Buffer.from('PK\x03\x04 this is a zip file'), /it does not start with the magic string "\\x93NUMPY"/],
    [
      'truncated preamble',
      Buffer.from([0x93, 0x4e, 0x55, 0x4d]),
      /the file is 4 bytes, too short for a \.npy preamble \(is it truncated\?\)/,
    ],
    [
      'unknown version',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Buffer.alloc(4), { version: [4, 0] }),
      /unsupported format version 4\.0 \(supported: 1\.0, 2\.0, 3\.0\)/,
    ],
    [
      'header beyond the file',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }").subarray(0, 30),
      /the header length 118 extends beyond the end of the file \(20 bytes follow; is it truncated\?\)/,
    ],
    ['not a dict', npy('[1, 2]'), /malformed header: expected '\{'/],
    ['unterminated dict', npy("{'descr': '<f4', 'shape': (2,"), /malformed header/],
    ['an expression', npy("{'descr': __import__('os'), }"), /malformed header: unexpected "__import__"/],
    [
      'text after the dict',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), } x"),
      /unexpected text after the dict/,
    ],
    [
      'missing key',
      npy("{'descr': '<f4', 'shape': (1,), }", Buffer.alloc(4)),
      /exactly the keys 'descr', 'fortran_order' and 'shape', found 'descr', 'shape'/,
    ],
    [
      'extra key',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", Buffer.alloc(4)),
      /exactly the keys .* found 'descr', 'fortran_order', 'shape', 'x'/,
    ],
    [
      'structured dtype',
      npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(8)),
      /structured dtypes are not supported/,
    ],
    [
      'float16',
      f4('(1,)', Buffer.alloc(2), '<f2'),
      /unsupported dtype '<f2' \(supported: <f4, <f8, <i8, <i4, \|b1, \|u1, in either byte order\)/,
    ],
    ['unicode strings', f4('(1,)', Buffer.alloc(12), '<U3'), /unsupported dtype '<U3'/],
    ['objects', f4('(1,)', Buffer.alloc(8), '|O'), /unsupported dtype '\|O'/],
    ['no byte order', f4('(1,)', Buffer.alloc(4), '|f4'), /dtype '\|f4' needs a byte order/],
    [
      'fortran order',
      f4('(2, 2)', Buffer.alloc(16), '<f4', 'True'),
      /Fortran-order arrays are not supported; save a C-order copy \(numpy\.ascontiguousarray\(a\)\) instead/,
    ],
    [
      'fortran_order not a bool',
      f4('(1,)', Buffer.alloc(4), '<f4', '0'),
      /'fortran_order' must be True or False, got 0/,
    ],
    [
      'negative dimension',
      f4('(-1,)', Buffer.alloc(4)),
      /'shape' must be a tuple of non-negative integers, got \[-1\]/,
    ],
    ['shape not a tuple', f4("'2'", Buffer.alloc(8)), /'shape' must be a tuple of non-negative integers, got "2"/],
    [
      'truncated data',
      f4('(2, 3)', Buffer.alloc(20)),
      /shape \(2, 3\) of '<f4' needs 24 data bytes, but only 20 follow the header \(is it truncated\?\)/,
    ],
    [
      'trailing bytes',
      f4('(2,)', Buffer.alloc(12)),
      /4 unexpected bytes follow the 8 data bytes of shape \(2\) of '<f4'/,
    ],
    [
      'bool byte not 0 or 1',
      f4('(3,)', Buffer.from([0, 1, 5]), '|b1'),
      /bool element 2 has byte value 5, expected 0 or 1/,
    ],
  ];
  const before = liveTensors();
  for (const [what, bytes, pattern] of cases) {
    fs.writeFileSync(file, bytes);
    assert.throws(
      () => loadNpy(file),
      (err: unknown) => {
        assert.ok(err instanceof FileFormatError, `${what}: ${String(err)}`);
        assert.equal(err.source, file);
        assert.ok(err.message.startsWith(`${file}: invalid npy file: `), `${what}: ${err.message}`);
        assert.match(err.message, pattern, what);
        return true;
      },
    );
    assert.throws(() => decodeNpy(bytes), { name: 'FileFormatError', message: /^<buffer>: invalid npy file: / }, what);
  }
  assert.equal(liveTensors(), before);
});

test('saving is atomic: a failed save leaves the existing file intact and no temporary file', () => {
  scope(() => {
    const dir = tempDir();
    const file = path.join(dir, 'z.npy');
    saveNpy(file, tensor([1, 2, 3]));
    const original = fs.readFileSync(file);
    const gone = zeros([2]);
    gone.dispose();
    assert.throws(() => saveNpy(file, gone), /Tensor was disposed/);
    assert.throws(() => saveNpy(path.join(dir, 'missing', 'z.npy'), tensor([1])), { code: 'ENOENT' });
    assert.deepEqual(fs.readFileSync(file), original);
    assert.deepEqual(fs.readdirSync(dir), ['z.npy']);
    assert.throws(() => loadNpy(path.join(dir, 'missing.npy')), { code: 'ENOENT' });
  });
});
