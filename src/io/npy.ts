// NumPy's .npy format (numpy/lib/format.py; NEP 1), for exchanging single arrays with Python:
//
//   "\x93NUMPY"  major  minor  header length (u16 LE in 1.0; u32 LE in 2.0 and 3.0)
//   header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//           padded with spaces and ended by '\n' so that the data starts at a multiple of 64
//   data:   the elements, row-major (C order) when fortran_order is False
//
// Written exactly as numpy 1.24+ writes it (version 1.0, the same header text and padding, so the
// bytes equal numpy.save's). Read: versions 1.0–3.0, C order, dtypes f4 f8 i8 i4 b1 u1 in either
// byte order.
import fs from 'node:fs';
import type { Dtype, Tensor } from '../torch/index.js';
import { writeFileAtomic } from './atomic.js';
import { firstInvalidBool, ITEM_SIZE, numelOf, tensorBytes, tensorFromBytes } from './bytes.js';
import { failFor, type Fail } from './errors.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const ALIGN = 64;
/** numpy leaves room for the first dimension to grow to this many digits (numpy ≥ 1.24). */
const GROWTH_AXIS_MAX_DIGITS = 21;
const FORMAT = 'npy';

/** The `descr` numpy writes for each dtype on a little-endian machine. */
const DESCR: Readonly<Record<Dtype, string>> = {
  float32: '<f4',
  float64: '<f8',
  int64: '<i8',
  int32: '<i4',
  bool: '|b1',
  uint8: '|u1',
};
/** Type code and size (without the byte-order character) to dtype. */
const FROM_TYPE = new Map<string, Dtype>([
  ['f4', 'float32'],
  ['f8', 'float64'],
  ['i8', 'int64'],
  ['i4', 'int32'],
  ['b1', 'bool'],
  ['u1', 'uint8'],
]);
const SUPPORTED = Object.values(DESCR).join(', ');

function pythonTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encodes a tensor as .npy bytes (format version 1.0, C order), identical to what
 * `numpy.save` writes for the same array.
 *
 * @example
 * const bytes = encodeNpy(tensor([[1, 2, 3], [4, 5, 6]]));   // numpy.load gives float32 (2, 3)
 */
export function encodeNpy(t: Tensor): Buffer {
  return Buffer.concat([npyHeader(t), tensorBytes(t)]);
}

function npyHeader(t: Tensor): Buffer {
  const dtype = t.dtype;
  const shape = t.shape;
  const descr = DESCR[dtype] as string | undefined;
  if (descr === undefined)
    throw new TypeError(
      `encodeNpy: dtype '${dtype}' cannot be written to .npy (supported: ${Object.keys(DESCR).join(', ')})`,
    );
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const withNewline = dict.length + 1;
  const pad = ALIGN - ((MAGIC.length + 2 + 2 + withNewline) % ALIGN);
  const headerLength = withNewline + pad;
  if (headerLength > 0xffff)
    throw new RangeError(`encodeNpy: a ${shape.length}-d header does not fit in .npy version 1.0`);
  const out = Buffer.alloc(MAGIC.length + 4 + headerLength, 0x20);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(headerLength, 8);
  out.write(dict, 10, 'latin1');
  out[out.length - 1] = 0x0a;
  return out;
}

/**
 * Saves a tensor as a .npy file (version 1.0, C order), atomically (temporary file, fsync,
 * rename).
 *
 * @example
 * saveNpy('run/latents.npy', z);   // python: numpy.load('run/latents.npy')
 */
export function saveNpy(filePath: string, t: Tensor): void {
  const header = npyHeader(t);
  const data = tensorBytes(t);
  writeFileAtomic(filePath, (sink) => {
    sink.write(header);
    sink.write(data);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading: a small parser for the header's Python literal (never eval).

type PyValue = string | boolean | number | PyValue[];

class LiteralParser {
  #pos = 0;
  constructor(
    private readonly text: string,
    private readonly fail: Fail,
  ) {}

  #skipSpace(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos++;
  }
  #peek(): string {
    this.#skipSpace();
    return this.text[this.#pos] ?? '';
  }
  #expect(ch: string): void {
    if (this.#peek() !== ch)
      this.fail(
        `malformed header: expected '${ch}' at position ${this.#pos} of ${JSON.stringify(this.text.trimEnd())}`,
      );
    this.#pos++;
  }

  /** The whole header: one dict, then only whitespace. */
  parseHeader(): Map<string, PyValue> {
    const dict = this.#dict();
    if (this.#peek() !== '')
      this.fail(`malformed header: unexpected text after the dict in ${JSON.stringify(this.text.trimEnd())}`);
    return dict;
  }

  #dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.#expect('{');
    while (this.#peek() !== '}') {
      const key = this.#value();
      if (typeof key !== 'string')
        this.fail(`malformed header: dict keys must be strings in ${JSON.stringify(this.text.trimEnd())}`);
      this.#expect(':');
      out.set(key as string, this.#value());
      if (this.#peek() === ',') this.#pos++;
      else if (this.#peek() !== '}') this.#expect('}');
    }
    this.#pos++;
    return out;
  }

  #value(): PyValue {
    const ch = this.#peek();
    if (ch === "'" || ch === '"') {
      const end = this.text.indexOf(ch, this.#pos + 1);
      if (end < 0) this.fail('malformed header: unterminated string');
      const s = this.text.slice(this.#pos + 1, end);
      this.#pos = end + 1;
      return s;
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      this.#pos++;
      const items: PyValue[] = [];
      while (this.#peek() !== close) {
        items.push(this.#value());
        if (this.#peek() === ',') this.#pos++;
        else if (this.#peek() !== close) this.#expect(close);
      }
      this.#pos++;
      return items;
    }
    const m = /^(True|False|-?\d+)L?/.exec(this.text.slice(this.#pos));
    if (m === null)
      return this.fail(`malformed header: unexpected ${JSON.stringify(this.text.slice(this.#pos, this.#pos + 10))}`);
    this.#pos += m[0].length;
    const token = m[1]!;
    if (token === 'True' || token === 'False') return token === 'True';
    return Number(token);
  }
}

/** The major version and where the header and the data start (byte offsets), read from the preamble. */
function readPreamble(buf: Buffer, fail: Fail): { major: number; headerStart: number; dataStart: number } {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    if (buf.length >= 6 && !buf.subarray(0, 6).equals(MAGIC))
      fail('it does not start with the magic string "\\x93NUMPY"');
    fail(`the file is ${buf.length} bytes, too short for a .npy preamble (is it truncated?)`);
  }
  const major = buf[6]!;
  const minor = buf[7]!;
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12)
      fail(`the file is ${buf.length} bytes, too short for a version ${major}.${minor} preamble (is it truncated?)`);
    headerLength = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    return fail(`unsupported format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > buf.length)
    fail(
      `the header length ${headerLength} extends beyond the end of the file (${buf.length - headerStart} bytes follow; is it truncated?)`,
    );
  return { major, headerStart, dataStart };
}

/** The header dict's three fields, type-checked: descr (a string), fortran_order and the shape's dims. */
function headerFields(header: Map<string, PyValue>, fail: Fail): { descr: string; fortran: boolean; dims: number[] } {
  const keys = [...header.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape')
    fail(
      `the header must have exactly the keys 'descr', 'fortran_order' and 'shape', found ${keys.map((k) => `'${k}'`).join(', ')}`,
    );
  const descr = header.get('descr');
  const fortran = header.get('fortran_order');
  const shape = header.get('shape');
  if (typeof descr !== 'string')
    return fail(`structured dtypes are not supported (descr ${JSON.stringify(descr)}; supported: ${SUPPORTED})`);
  if (typeof fortran !== 'boolean')
    return fail(`'fortran_order' must be True or False, got ${JSON.stringify(fortran)}`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
    return fail(`'shape' must be a tuple of non-negative integers, got ${JSON.stringify(shape)}`);
  return { descr, fortran, dims: shape as number[] };
}

/** The dtype and byte order a descr such as '<f4' names. */
function elementType(descr: string, fail: Fail): { dtype: Dtype; littleEndian: boolean } {
  const order = descr[0];
  const type = descr.slice(1);
  const dtype = FROM_TYPE.get(type);
  if (dtype === undefined || order === undefined || !'<>|='.includes(order))
    return fail(`unsupported dtype '${descr}' (supported: ${SUPPORTED}, in either byte order)`);
  if (order === '|' && ITEM_SIZE[dtype] > 1) fail(`dtype '${descr}' needs a byte order ('<' or '>')`);
  // '=' is the writer's native order; numpy writes '<' or '>' explicitly, so '=' files are rare.
  return { dtype, littleEndian: order !== '>' };
}

/** The data section, checked to hold exactly the shape's elements (and, for bool, only bytes 0 and 1). */
function checkedData(data: Buffer, dims: number[], dtype: Dtype, descr: string, fail: Fail): Buffer {
  const needed = numelOf(dims) * ITEM_SIZE[dtype];
  const found = data.length;
  if (found < needed)
    fail(
      `shape (${dims.join(', ')}) of '${descr}' needs ${needed} data bytes, but only ${found} follow the header (is it truncated?)`,
    );
  if (found > needed)
    fail(
      `${found - needed} unexpected bytes follow the ${needed} data bytes of shape (${dims.join(', ')}) of '${descr}'`,
    );
  if (dtype === 'bool') {
    const bad = firstInvalidBool(data);
    if (bad >= 0) fail(`bool element ${bad} has byte value ${data[bad]}, expected 0 or 1`);
  }
  return data;
}

/**
 * Decodes .npy bytes (versions 1.0–3.0; C order; f4, f8, i8, i4, b1, u1 in either byte order).
 * Anything else throws a `FileFormatError` naming `source` and the problem.
 *
 * @example
 * const x = decodeNpy(fs.readFileSync('z.npy'), 'z.npy');
 */
export function decodeNpy(bytes: Uint8Array, source = '<buffer>'): Tensor {
  const fail = failFor(FORMAT, source);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { major, headerStart, dataStart } = readPreamble(buf, fail);
  const headerText = buf.subarray(headerStart, dataStart).toString(major === 3 ? 'utf8' : 'latin1');
  const { descr, fortran, dims } = headerFields(new LiteralParser(headerText, fail).parseHeader(), fail);
  const { dtype, littleEndian } = elementType(descr, fail);
  if (fortran) fail('Fortran-order arrays are not supported; save a C-order copy (numpy.ascontiguousarray(a)) instead');
  const data = checkedData(buf.subarray(dataStart), dims, dtype, descr, fail);
  return tensorFromBytes(data, dims, dtype, littleEndian);
}

/**
 * Loads a .npy file as a tensor (see `decodeNpy` for what is supported).
 *
 * @example
 * const x = loadNpy('data/observations.npy');   // e.g. float64 [10000, 10]
 */
export function loadNpy(filePath: string): Tensor {
  return decodeNpy(fs.readFileSync(filePath), filePath);
}
