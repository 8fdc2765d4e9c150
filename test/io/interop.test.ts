// Interoperability with Python: NumPy reads our .npy files (and would write the same bytes),
// a reader written from the safetensors description reads our files with torch.frombuffer, and
// we read files that NumPy and a Python safetensors writer produce. Runs Debian's
// /usr/bin/python3 (python3-torch, python3-numpy; `make system-deps` installs them). These tests
// fail, never skip, when that interpreter lacks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DTYPES, scope, type Tensor } from '../../src/torch/index.js';
import {
  FileFormatError,
  encodeSafetensors,
  loadNpy,
  loadSafetensors,
  saveNpy,
  saveSafetensors,
} from '../../src/io/index.js';
import { SHAPES, pyValues, sample } from './samples.js';
import { tempDir as makeTempDir } from '../util/temp.js';

const PYTHON = '/usr/bin/python3';
// Compiled to dist/test/io; the Python helpers stay in test/io of the repository.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const script = (name: string): string => {
  const p = path.join(REPO, 'test', 'io', name);
  assert.ok(fs.existsSync(p), `missing Python helper ${p}`);
  return p;
};
const tempDir = (): string => makeTempDir('io-interop');

function python(args: string[]): string {
  try {
    return execFileSync(PYTHON, args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { message?: string; stderr?: string };
    throw new Error(`${PYTHON} failed: ${e.stderr ?? e.message ?? String(err)}`);
  }
}

type PyValue = number | string | boolean;
interface Described {
  dtype: string;
  shape: number[];
  values: PyValue[];
}

test(`${PYTHON} has numpy and torch (Debian's python3-numpy and python3-torch)`, () => {
  let out: string;
  try {
    out = execFileSync(PYTHON, ['-c', 'import numpy, torch; print(numpy.__version__, torch.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string };
    assert.fail(
      `the interop tests need numpy and torch in ${PYTHON} (run \`make system-deps\`, which installs python3-torch): ${e.stderr ?? String(err)}`,
    );
  }
  assert.match(out, /^\d+\.\d+\S* \d+\.\d+/);
});

test('numpy loads our .npy files with identical dtype, shape and values, and would write the same bytes', () => {
  scope(() => {
    const dir = tempDir();
    const written = new Map<string, Tensor>();
    for (const dtype of DTYPES) {
      SHAPES.forEach((shape, i) => {
        const t = sample(dtype, shape, i);
        const file = path.join(dir, `${dtype}-${i}.npy`);
        saveNpy(file, t);
        written.set(file, t);
      });
    }
    const check = `
import io, json, math, sys
import numpy
def conv(v, dt):
    if dt == numpy.int64: return str(v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)): return 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf')
    return v
out = {}
for f in sys.argv[1:]:
    raw = open(f, 'rb').read()
    a = numpy.load(f)
    buf = io.BytesIO(); numpy.save(buf, a)
    out[f] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'c_contiguous': bool(a.flags.c_contiguous),
              'values': [conv(v, a.dtype) for v in a.ravel().tolist()], 'same_bytes': buf.getvalue() == raw}
print(json.dumps(out))
`;
    const result = JSON.parse(python(['-c', check, ...written.keys()])) as Record<
      string,
      Described & { c_contiguous: boolean; same_bytes: boolean }
    >;
    for (const [file, t] of written) {
      const r = result[file];
      assert.ok(r !== undefined, file);
      assert.equal(r.dtype, t.dtype, file);
      assert.deepEqual(r.shape, t.shape, file);
      assert.ok(r.c_contiguous, file);
      assert.deepEqual(r.values, pyValues(t), file);
      assert.ok(r.same_bytes, `${file}: numpy.save writes the same bytes`);
    }
  });
});

test('a Python reader written from the safetensors description (torch.frombuffer) reads our files', () => {
  scope(() => {
    const dir = tempDir();
    const file = path.join(dir, 'ours.safetensors');
    const tensors = new Map<string, Tensor>();
    for (const dtype of DTYPES) SHAPES.forEach((shape, i) => tensors.set(`${dtype}/${i}`, sample(dtype, shape, i + 1)));
    tensors.set('unicode ✓ "name"', sample('float32', [2]));
    const metadata = { format: 'pt', epoch: '3', note: 'ü ✓' };
    saveSafetensors(file, tensors, metadata);

    const r = JSON.parse(python([script('read_safetensors.py'), file])) as {
      header_length: number;
      metadata: Record<string, string>;
      order: string[];
      tensors: Record<string, Described & { offsets: [number, number]; aligned: boolean }>;
    };
    const bytes = encodeSafetensors(tensors, metadata);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(r.header_length, n);
    assert.deepEqual(r.metadata, metadata);
    const ourOrder = Object.keys(JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as object).filter(
      (k) => k !== '__metadata__',
    );
    assert.deepEqual(r.order, ourOrder);
    assert.deepEqual(Object.keys(r.tensors).sort(), [...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const p = r.tensors[name]!;
      assert.equal(p.dtype, t.dtype, name);
      assert.deepEqual(p.shape, t.shape, name);
      assert.deepEqual(p.values, pyValues(t), name);
      assert.ok(p.aligned, `${name}: data aligned to its element size`);
    }
  });
});

test('we read a safetensors file written in Python from the description, and .npy files written by numpy', () => {
  scope(() => {
    const dir = tempDir();
    const expected = JSON.parse(python([script('write_reference.py'), dir])) as {
      safetensors: { metadata: Record<string, string>; tensors: Record<string, Described> };
      npy: Record<string, Described>;
    };

    const { tensors, metadata } = loadSafetensors(path.join(dir, 'reference.safetensors'));
    assert.deepEqual(metadata, expected.safetensors.metadata);
    assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected.safetensors.tensors).sort());
    for (const [name, e] of Object.entries(expected.safetensors.tensors)) {
      const t = tensors.get(name)!;
      assert.equal(t.dtype, e.dtype, name);
      assert.deepEqual(t.shape, e.shape, name);
      assert.deepEqual(pyValues(t), e.values, name);
    }
    // A few values stated independently of Python's own report.
    assert.equal(tensors.get('step')!.data()[0], 2n ** 62n + 1n);
    assert.deepEqual(tensors.get('a.b/c:ü')!.toArray(), [0, 0.25, 0.5, 0.75, 1, 1.25]);

    assert.ok(Object.keys(expected.npy).length >= 7);
    for (const [name, e] of Object.entries(expected.npy)) {
      const t = loadNpy(path.join(dir, name));
      assert.equal(t.dtype, e.dtype, name);
      assert.deepEqual(t.shape, e.shape, name);
      assert.deepEqual(pyValues(t), e.values, name);
    }
    assert.deepEqual(loadNpy(path.join(dir, 'big_endian.npy')).toArray(), [1.5, -3, 1e300]);
    assert.throws(
      () => loadNpy(path.join(dir, 'fortran.npy')),
      (err: unknown) => err instanceof FileFormatError && /Fortran-order arrays are not supported/.test(err.message),
    );
  });
});
