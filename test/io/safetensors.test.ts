import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DTYPES, Tensor, liveTensors, scope, tensor, zeros } from '../../src/torch/index.js';
import {
  FileFormatError,
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  saveSafetensors,
} from '../../src/io/index.js';
import { SHAPES, bytesOf, sample } from './samples.js';
import { tempDir as makeTempDir } from '../util/temp.js';

const tempDir = (): string => makeTempDir('io-st');

const ITEM: Record<string, number> = { F32: 4, F64: 8, I64: 8, I32: 4, BOOL: 1, U8: 1 };

interface Info {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Splits safetensors bytes into header length, raw header text and data section. */
function parts(bytes: Buffer): { n: number; text: string; header: Record<string, unknown>; data: Buffer } {
  const n = Number(bytes.readBigUInt64LE(0));
  const text = bytes.subarray(8, 8 + n).toString('utf8');
  return { n, text, header: JSON.parse(text) as Record<string, unknown>, data: bytes.subarray(8 + n) };
}

/** Builds a file from a header (object or raw text) and a data section, padding like a writer. */
function build(header: object | string, data: Uint8Array = new Uint8Array(0), pad = true): Buffer {
  let text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  if (pad) text = Buffer.concat([text, Buffer.alloc((8 - (text.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([len, text, data]);
}

test('round trip: every dtype and shape (0-d and empty included), in memory and through a file', () => {
  scope(() => {
    const dir = tempDir();
    for (const dtype of DTYPES) {
      const tensors = new Map<string, Tensor>(SHAPES.map((shape, i) => [`${dtype}.${i}`, sample(dtype, shape, i)]));
      const file = path.join(dir, `${dtype}.safetensors`);
      saveSafetensors(file, tensors);
      const fromFile = loadSafetensors(file);
      const fromMemory = decodeSafetensors(encodeSafetensors(tensors));
      assert.deepEqual(fs.readFileSync(file), encodeSafetensors(tensors), 'file and in-memory bytes agree');
      for (const loaded of [fromFile, fromMemory]) {
        assert.deepEqual([...loaded.tensors.keys()].sort(), [...tensors.keys()].sort());
        assert.deepEqual(loaded.metadata, {});
        for (const [name, t] of tensors) {
          const u = loaded.tensors.get(name)!;
          assert.equal(u.dtype, dtype, name);
          assert.deepEqual(u.shape, t.shape, name);
          assert.deepEqual(bytesOf(u), bytesOf(t), name);
        }
      }
    }
    assert.deepEqual(fs.readdirSync(dir).sort(), DTYPES.map((d) => `${d}.safetensors`).sort());
  });
});

test('round trip: plain-object input, metadata, non-contiguous views and odd names', () => {
  scope(() => {
    const base = sample('float64', [3, 4]);
    const view = base.T; // non-contiguous: saved in its own row-major order
    const metadata = { format: 'pt', note: 'ünïcode ✓ "quoted"\n', '': 'empty key' };
    const bytes = encodeSafetensors({ 'layer.0/w:ü': view, '': sample('int32', [2]) }, metadata);
    const { tensors, metadata: back } = decodeSafetensors(bytes);
    assert.deepEqual(back, metadata);
    const w = tensors.get('layer.0/w:ü')!;
    assert.deepEqual(w.shape, [4, 3]);
    assert.deepEqual(bytesOf(w), bytesOf(view.contiguous()));
    assert.deepEqual(tensors.get('')!.toArray(), sample('int32', [2]).toArray());
  });
});

test('byte-exact with the reference implementation on its own test vectors', () => {
  scope(() => {
    // safetensors' test_serialization: one F32 tensor [1, 2, 3] named "attn.0".
    const out = encodeSafetensors({ 'attn.0': tensor(new Float32Array([0, 1, 2, 3, 4, 5]), [1, 2, 3]) });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    assert.equal(json.length, 64);
    const expected = Buffer.concat([
      Buffer.from([64, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(json),
      Buffer.from(new Float32Array([0, 1, 2, 3, 4, 5]).buffer),
    ]);
    assert.deepEqual(out, expected);
    // test_serialization_forced_alignement: a 65-byte header is padded with spaces to 72.
    const out2 = encodeSafetensors({ attn0: tensor(new Float32Array([0, 1, 2, 3, 4, 5]), [1, 1, 2, 3]) });
    assert.equal(out2.readBigUInt64LE(0), 72n);
    assert.equal(
      out2.subarray(8, 80).toString(),
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
    );
    // test_empty: no tensors, without and with metadata.
    assert.deepEqual([...encodeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = encodeSafetensors(new Map(), { framework: 'pt' });
    assert.equal(withMeta.readBigUInt64LE(0), 40n);
    assert.equal(withMeta.subarray(8).toString(), '{"__metadata__":{"framework":"pt"}}     ');
    assert.deepEqual(decodeSafetensors(withMeta), { tensors: new Map(), metadata: { framework: 'pt' } });
  });
});

test('header layout: padded to 8 bytes, metadata first, tensors by descending dtype then name, contiguous and aligned', () => {
  scope(() => {
    const bytes = encodeSafetensors(
      {
        g: sample('float32', [3]),
        a: sample('bool', [3]),
        e: sample('uint8', [5]),
        c: sample('int64', [2]),
        f: sample('int32', [1]),
        d: sample('float64', [0]),
        b: sample('float32', [2, 2]),
        h: sample('float64', []),
      },
      { z: '1', a: '2' },
    );
    const { n, text, header, data } = parts(bytes);
    assert.equal((8 + n) % 8, 0);
    assert.match(text, /^\{"__metadata__":\{"a":"2","z":"1"\},"c":/);
    assert.equal(
      text.trimEnd().length + ((8 - (text.trimEnd().length % 8)) % 8),
      n,
      'padding is only what alignment needs',
    );
    assert.match(text, /\} *$/);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    assert.deepEqual(names, ['c', 'd', 'h', 'b', 'g', 'f', 'e', 'a'], 'I64, F64, F32, I32, U8, BOOL; then by name');
    let offset = 0;
    for (const name of names) {
      const info = header[name] as Info;
      assert.deepEqual(Object.keys(info), ['dtype', 'shape', 'data_offsets']);
      const [begin, end] = info.data_offsets;
      assert.equal(begin, offset, `${name} starts where the previous tensor ended`);
      assert.equal((8 + n + begin) % ITEM[info.dtype]!, 0, `${name} is aligned to its element size`);
      assert.equal(end - begin, info.shape.reduce((x, y) => x * y, 1) * ITEM[info.dtype]!);
      offset = end;
    }
    assert.equal(offset, data.length);
  });
});

test('the reader accepts any tensor order and JSON spacing in the header (older writers use name order)', () => {
  scope(() => {
    const d = new Float64Array([1.25, -2]);
    const u = new Uint8Array([7, 8, 9]);
    const data = Buffer.concat([Buffer.from(u), Buffer.from(d.buffer)]); // f64 misaligned at offset 3
    const header =
      '{ "z": {"data_offsets": [3, 19], "shape": [2], "dtype": "F64"},\n  "a": {"dtype": "U8", "shape": [3], "data_offsets": [0, 3], "extra": 1} }';
    const { tensors } = decodeSafetensors(build(header, data));
    assert.deepEqual([...tensors.keys()], ['a', 'z'], 'in file order');
    assert.deepEqual(tensors.get('z')!.toArray(), [1.25, -2]);
    assert.deepEqual(tensors.get('a')!.toArray(), [7, 8, 9]);
  });
});

test('every kind of corruption gives a FileFormatError naming the file and the problem', () => {
  const dir = tempDir();
  const file = path.join(dir, 'bad.safetensors');
  const f32x4 = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
  const i32x3 = Buffer.from(new Int32Array([5, 6, 7]).buffer);
  const good = build(
    {
      a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
      b: { dtype: 'I32', shape: [3], data_offsets: [16, 28] },
    },
    Buffer.concat([f32x4, i32x3]),
  );
  const lengthOnly = (n: bigint, rest = Buffer.alloc(0)): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    return Buffer.concat([b, rest]);
  };
  // Invalid UTF-8 needs raw bytes (a JS string cannot hold them): {"\xff":1} plus a space.
  const badUtf8 = Buffer.concat([lengthOnly(8n), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x20])]);
  const cases: [string, Buffer, RegExp][] = [
    [
      'empty file',
      Buffer.alloc(0),
      /the file is 0 bytes, too short to hold the 8-byte header length \(is it truncated\?\)/,
    ],
    ['truncated length', good.subarray(0, 5), /the file is 5 bytes, too short/],
    [
      'header beyond the file',
      lengthOnly(1000n, Buffer.from('{}')),
      /the header length 1000 extends beyond the end of the file \(2 bytes follow the length field; is it truncated\?\)/,
    ],
    [
      'absurd header length',
      lengthOnly(2n ** 64n - 1n, Buffer.from('{}')),
      /header length 18446744073709551615 extends beyond the end of the file/,
    ],
    ['truncated header', good.subarray(0, 40), /extends beyond the end of the file/],
    ['invalid UTF-8', badUtf8, /the header is not valid UTF-8/],
    ['not an object', build('[1, 2]'), /the header must be a JSON object starting with '\{', found "\[1, 2\]/],
    ['invalid JSON', build('{"a": {"dtype": '), /the header is not valid JSON \(/],
    [
      'unknown dtype',
      build({ a: { dtype: 'XYZ', shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(4)),
      /tensor "a": unsupported dtype "XYZ" \(supported: F32, F64, I64, I32, BOOL, U8\)/,
    ],
    [
      'unsupported dtype',
      build({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, Buffer.alloc(4)),
      /tensor "a": unsupported dtype "F16"/,
    ],
    [
      'dtype not a string',
      build({ a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(4)),
      /tensor "a": "dtype" must be a string, got 4/,
    ],
    ['tensor info not an object', build({ a: 3 }), /tensor "a": expected \{"dtype", "shape", "data_offsets"\}, got 3/],
    [
      'missing shape',
      build({ a: { dtype: 'F32', data_offsets: [0, 4] } }, Buffer.alloc(4)),
      /tensor "a": "shape" must be an array of non-negative integers, got undefined/,
    ],
    [
      'negative dimension',
      build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, Buffer.alloc(4)),
      /"shape" must be an array of non-negative integers, got \[-1\]/,
    ],
    [
      'fractional dimension',
      build({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, Buffer.alloc(4)),
      /"shape" must be an array of non-negative integers/,
    ],
    [
      'one offset',
      build({ a: { dtype: 'F32', shape: [1], data_offsets: [4] } }, Buffer.alloc(4)),
      /tensor "a": "data_offsets" must be \[begin, end\] with non-negative integers, got \[4\]/,
    ],
    [
      'offsets reversed',
      build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, Buffer.alloc(4)),
      /tensor "a": data_offsets \[4, 0\] end before they begin/,
    ],
    [
      'size mismatch',
      build({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, Buffer.alloc(12)),
      /tensor "a": data_offsets \[0, 12\] hold 12 bytes, but shape \[2, 2\] of F32 needs 16/,
    ],
    [
      'truncated data',
      good.subarray(0, good.length - 4),
      /tensor "b": data_offsets \[16, 28\] extend beyond the 24-byte data section \(is the file truncated\?\)/,
    ],
    [
      'offsets out of range',
      build({ a: { dtype: 'U8', shape: [4], data_offsets: [100, 104] } }, Buffer.alloc(4)),
      /tensor "a": data_offsets \[100, 104\] extend beyond the 4-byte data section/,
    ],
    [
      'overlap',
      build(
        {
          a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
          b: { dtype: 'I32', shape: [3], data_offsets: [12, 24] },
        },
        Buffer.alloc(24),
      ),
      /tensors "a" and "b" overlap \(data_offsets \[0, 16\] and \[12, 24\]\)/,
    ],
    [
      'same offsets twice',
      build(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        },
        Buffer.alloc(4),
      ),
      /tensors "a" and "b" overlap/,
    ],
    [
      'gap between tensors',
      build(
        {
          a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
          b: { dtype: 'I32', shape: [3], data_offsets: [20, 32] },
        },
        Buffer.alloc(32),
      ),
      /bytes \[16, 20\) of the data section belong to no tensor \(offsets are not contiguous\)/,
    ],
    [
      'first tensor not at 0',
      build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, Buffer.alloc(8)),
      /bytes \[0, 4\) of the data section belong to no tensor/,
    ],
    [
      'trailing bytes',
      Buffer.concat([good, Buffer.alloc(8)]),
      /the data section has 36 bytes but the tensors cover only the first 28 \(offsets are not contiguous to the end\)/,
    ],
    [
      'data without tensors',
      build({}, Buffer.alloc(3)),
      /the data section has 3 bytes but the tensors cover only the first 0/,
    ],
    [
      'metadata not an object',
      build({ __metadata__: ['x'] }),
      /'__metadata__' must be an object of strings, got \["x"\]/,
    ],
    [
      'metadata value not a string',
      build({ __metadata__: { epoch: 3 } }),
      /'__metadata__' values must be strings, but 'epoch' is 3/,
    ],
    [
      'bool byte not 0 or 1',
      build({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, Buffer.from([1, 0, 2])),
      /tensor "m": BOOL element 2 has byte value 2, expected 0 or 1/,
    ],
  ];
  const before = liveTensors();
  for (const [what, bytes, pattern] of cases) {
    fs.writeFileSync(file, bytes);
    assert.throws(
      () => loadSafetensors(file),
      (err: unknown) => {
        assert.ok(err instanceof FileFormatError, `${what}: ${String(err)}`);
        assert.equal(err.source, file);
        assert.ok(err.message.startsWith(`${file}: invalid safetensors file: `), `${what}: ${err.message}`);
        assert.match(err.message, pattern, what);
        return true;
      },
    );
    assert.throws(
      () => decodeSafetensors(bytes),
      { name: 'FileFormatError', message: /^<buffer>: invalid safetensors file: / },
      what,
    );
  }
  assert.equal(liveTensors(), before, 'a failed load leaves no tensors behind');
  assert.throws(() => loadSafetensors(path.join(dir, 'missing.safetensors')), { code: 'ENOENT' });
});

test('a failed load disposes the tensors it had already created', () => {
  const bytes = build(
    { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, m: { dtype: 'BOOL', shape: [1], data_offsets: [4, 5] } },
    Buffer.from([0, 0, 128, 63, 9]),
  );
  const before = liveTensors();
  assert.throws(() => decodeSafetensors(bytes), /BOOL element 0 has byte value 9/);
  assert.equal(liveTensors(), before);
});

test('saving rejects bad arguments with messages naming them', () => {
  scope(() => {
    const t = zeros([2]);
    assert.throws(() => encodeSafetensors({ __metadata__: t }), {
      name: 'TypeError',
      message: /'__metadata__' is reserved/,
    });
    assert.throws(() => encodeSafetensors({ w: [1, 2] as unknown as Tensor }), {
      name: 'TypeError',
      message: /the value for 'w' is not a Tensor/,
    });
    assert.throws(() => encodeSafetensors({ w: t }, { epoch: 3 as unknown as string }), {
      name: 'TypeError',
      message: /metadata\['epoch'\] must be a string, got number/,
    });
    assert.throws(() => encodeSafetensors(null as unknown as Record<string, Tensor>), {
      name: 'TypeError',
      message: /'tensors' must be a Map or an object/,
    });
    const gone = zeros([2]);
    gone.dispose();
    assert.throws(() => encodeSafetensors({ gone }), {
      message: /encodeSafetensors: tensor 'gone': Tensor was disposed/,
    });
  });
});

test('saving is atomic: a tensor disposed mid-way leaves the existing file intact and no temporary file', () => {
  scope(() => {
    const dir = tempDir();
    const file = path.join(dir, 'ckpt.safetensors');
    saveSafetensors(file, { w: sample('float32', [2, 2]) }, { step: '1' });
    const original = fs.readFileSync(file);

    const a = sample('float32', [1000]);
    const b = sample('float32', [3]);
    // 'a' is written first (same dtype, name order); reading its data disposes 'b'.
    a.data = function (this: Tensor) {
      b.dispose();
      return Tensor.prototype.data.call(this);
    };
    assert.throws(() => saveSafetensors(file, { b, a }, { step: '2' }), {
      message: /saveSafetensors: tensor 'b': Tensor was disposed/,
    });
    assert.deepEqual(fs.readFileSync(file), original);
    assert.deepEqual(fs.readdirSync(dir), ['ckpt.safetensors']);
    assert.deepEqual(loadSafetensors(file).metadata, { step: '1' });

    assert.throws(() => saveSafetensors(path.join(dir, 'no', 'such', 'dir.safetensors'), { w: a }), { code: 'ENOENT' });
    assert.deepEqual(fs.readdirSync(dir), ['ckpt.safetensors']);
  });
});

test('loaded tensors belong to the enclosing scope; repeated save/load keeps the live count flat', () => {
  const dir = tempDir();
  const file = path.join(dir, 'x.safetensors');
  scope(() => saveSafetensors(file, { x: sample('float64', [4, 4]), i: sample('int64', [3]) }));
  const before = liveTensors();
  for (let i = 0; i < 50; i++) {
    scope(() => {
      const { tensors } = loadSafetensors(file);
      saveSafetensors(file, tensors);
    });
  }
  assert.equal(liveTensors(), before);
  const kept = scope(() => loadSafetensors(file).tensors.get('x')!);
  assert.equal(liveTensors(), before + 1);
  assert.deepEqual(kept.shape, [4, 4]);
  kept.dispose();
});
