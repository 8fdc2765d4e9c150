// The safetensors format (https://github.com/huggingface/safetensors), written as the reference
// implementation writes it (the same header bytes and layout; metadata keys sorted, where the
// reference's order is arbitrary) and read with every check the reference makes, and a few more:
//
//   [8 bytes]  N, the header length, unsigned little-endian
//   [N bytes]  UTF-8 JSON: { "__metadata__": {string: string},            (optional, first)
//                            "<name>": { "dtype": "F32", "shape": [2, 3],
//                                        "data_offsets": [begin, end] }, … }
//              padded with spaces so that 8 + N is a multiple of 8
//   [rest]     the tensors' bytes, little-endian, row-major; offsets are relative to this
//              section, and the tensors tile it exactly (no gaps, no overlaps, no trailing bytes).
//
// Like the reference, tensors are laid out by descending dtype (in the reference's dtype order:
// I64, F64, F32, I32, U8, BOOL), then by name; with the 8-byte-aligned header this keeps every
// tensor aligned to its element size, so readers can map the file without copying.
import fs from 'node:fs';
import { Tensor, type Dtype } from '../torch/index.js';
import { writeFileAtomic } from './atomic.js';
import { firstInvalidBool, ITEM_SIZE, numelOf, tensorBytes, tensorFromBytes } from './bytes.js';
import { FileFormatError, failFor, type Fail } from './errors.js';

/** The safetensors dtype names clab reads and writes. */
export type SafetensorsDtype = 'F32' | 'F64' | 'I64' | 'I32' | 'BOOL' | 'U8';

const TO_SAFETENSORS: Readonly<Record<Dtype, SafetensorsDtype>> = {
  float32: 'F32',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  bool: 'BOOL',
  uint8: 'U8',
};
const FROM_SAFETENSORS = new Map<string, Dtype>(
  Object.entries(TO_SAFETENSORS).map(([dtype, name]) => [name, dtype as Dtype]),
);
const SUPPORTED = Object.values(TO_SAFETENSORS).join(', ');

/** Position of each dtype in the reference's `Dtype` enum (increasing alignment); files list higher first. */
const REFERENCE_ORDER: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 0,
  U8: 1,
  I32: 9,
  F32: 11,
  F64: 12,
  I64: 13,
};

/** The reference rejects larger headers (100 MB) as a guard against hostile files. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const FORMAT = 'safetensors';

/** Tensors to save: a Map, or a plain object from name to tensor. */
export type NamedTensors = Map<string, Tensor> | Record<string, Tensor>;

/** The contents of a safetensors file. */
export interface Safetensors {
  /** The tensors, in the order of their data in the file. */
  tensors: Map<string, Tensor>;
  /** The `__metadata__` map ({} when the file has none). */
  metadata: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Planned {
  name: string;
  tensor: Tensor;
  dtype: SafetensorsDtype;
  shape: number[];
  nbytes: number;
}

/** Byte-wise comparison of the UTF-8 encodings, as Rust's `String` orders names. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function describeTensorError(what: string, name: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${what}: tensor '${name}': ${message}`, { cause: err });
}

/** One tensor's plan entry: its safetensors dtype, shape and byte size, the value checked. */
function planTensor(what: string, name: unknown, t: unknown): Planned {
  if (typeof name !== 'string') throw new TypeError(`${what}: tensor names must be strings, got ${typeof name}`);
  if (name === METADATA_KEY) throw new TypeError(`${what}: '${METADATA_KEY}' is reserved and cannot name a tensor`);
  if (!(t instanceof Tensor)) throw new TypeError(`${what}: the value for '${name}' is not a Tensor`);
  let dtype: Dtype;
  let shape: number[];
  try {
    dtype = t.dtype;
    shape = t.shape;
  } catch (err) {
    throw describeTensorError(what, name, err);
  }
  const st = TO_SAFETENSORS[dtype] as SafetensorsDtype | undefined;
  if (st === undefined)
    throw new TypeError(
      `${what}: tensor '${name}' has dtype '${dtype}', which clab cannot save (supported: ${Object.keys(TO_SAFETENSORS).join(', ')})`,
    );
  return { name, tensor: t, dtype: st, shape, nbytes: numelOf(shape) * ITEM_SIZE[dtype] };
}

/** The header's `__metadata__` field (`"__metadata__":{…}`, keys in UTF-8 byte order), the argument checked. */
function metadataField(what: string, metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new TypeError(`${what}: 'metadata' must be an object of strings`);
  const keys = Object.keys(metadata).sort(compareUtf8);
  const parts = keys.map((k) => {
    const v = metadata[k];
    if (typeof v !== 'string') throw new TypeError(`${what}: metadata['${k}'] must be a string, got ${typeof v}`);
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  });
  return `${JSON.stringify(METADATA_KEY)}:{${parts.join(',')}}`;
}

/** The header's tensor fields (`"name":{dtype, shape, data_offsets}`), data laid end to end in plan order. */
function tensorFields(planned: Planned[]): string[] {
  let offset = 0;
  return planned.map((p) => {
    const info = `{"dtype":"${p.dtype}","shape":[${p.shape.join(',')}],"data_offsets":[${offset},${offset + p.nbytes}]}`;
    offset += p.nbytes;
    return `${JSON.stringify(p.name)}:${info}`;
  });
}

/** The 8-byte little-endian length followed by the JSON header, padded with spaces to a multiple of 8. */
function lengthPrefixed(headerJson: string): Buffer {
  const json = Buffer.from(headerJson, 'utf8');
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const header = Buffer.alloc(8 + padded, 0x20);
  header.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(header, 8);
  return header;
}

/** Checks the arguments, orders the tensors and builds the 8-byte length plus padded header. */
function plan(
  what: string,
  tensors: NamedTensors,
  metadata: Record<string, string> | undefined,
): { header: Buffer; planned: Planned[] } {
  if (typeof tensors !== 'object' || tensors === null)
    throw new TypeError(`${what}: 'tensors' must be a Map or an object of tensors`);
  const named = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const planned = named.map(([name, t]) => planTensor(what, name, t));
  planned.sort((a, b) => REFERENCE_ORDER[b.dtype] - REFERENCE_ORDER[a.dtype] || compareUtf8(a.name, b.name));
  const fields = metadata === undefined ? [] : [metadataField(what, metadata)];
  fields.push(...tensorFields(planned));
  return { header: lengthPrefixed(`{${fields.join(',')}}`), planned };
}

function bytesOf(what: string, p: Planned): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = tensorBytes(p.tensor);
  } catch (err) {
    throw describeTensorError(what, p.name, err);
  }
  if (bytes.byteLength !== p.nbytes) throw new Error(`${what}: tensor '${p.name}' changed while being saved`);
  return bytes;
}

/**
 * Serializes tensors (and optional string metadata) to safetensors bytes.
 *
 * @example
 * const bytes = encodeSafetensors({ w: randn([3, 2]), step: tensor([100], [], 'int64') }, { epoch: '3' });
 */
export function encodeSafetensors(tensors: NamedTensors, metadata?: Record<string, string>): Buffer {
  const { header, planned } = plan('encodeSafetensors', tensors, metadata);
  return Buffer.concat([header, ...planned.map((p) => bytesOf('encodeSafetensors', p))]);
}

/**
 * Saves tensors (and optional string metadata) to a safetensors file, atomically: the file is
 * written under a temporary name in the same directory, synced and renamed, so an existing file
 * is replaced only by a complete new one. Tensors are streamed one at a time.
 *
 * @example
 * saveSafetensors('run/checkpoint.safetensors', { 'encoder.weight': w, 'encoder.bias': b }, { step: '1000' });
 */
export function saveSafetensors(filePath: string, tensors: NamedTensors, metadata?: Record<string, string>): void {
  const { header, planned } = plan('saveSafetensors', tensors, metadata);
  writeFileAtomic(filePath, (sink) => {
    sink.write(header);
    for (const p of planned) sink.write(bytesOf('saveSafetensors', p));
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Entry {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Offsets relative to the data section. */
  begin: number;
  end: number;
}

interface Header {
  entries: Entry[];
  metadata: Record<string, string>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The header as a JSON object (it must be UTF-8 and start with '{'). */
function headerObject(headerBytes: Uint8Array, fail: Fail): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    return fail('the header is not valid UTF-8');
  }
  if (!text.startsWith('{'))
    fail(`the header must be a JSON object starting with '{', found ${show(text.slice(0, 20))}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(`the header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isPlainObject(parsed)) return fail('the header must be a JSON object');
  return parsed;
}

/** The `__metadata__` key/value pairs, in header order (every value must be a string). */
function metadataPairs(info: unknown, fail: Fail): [string, string][] {
  if (!isPlainObject(info)) return fail(`'${METADATA_KEY}' must be an object of strings, got ${show(info)}`);
  return Object.entries(info).map(([k, v]): [string, string] => {
    if (typeof v !== 'string') return fail(`'${METADATA_KEY}' values must be strings, but '${k}' is ${show(v)}`);
    return [k, v];
  });
}

/** How error messages name a tensor: `tensor "<name>"`. */
function tensorLabel(name: string): string {
  return `tensor ${JSON.stringify(name)}`;
}

/** One tensor's entry: its info's fields type-checked, then its byte range (`checkByteRange`). */
function tensorEntry(name: string, info: unknown, dataSize: number, fail: Fail): Entry {
  const where = tensorLabel(name);
  if (!isPlainObject(info)) return fail(`${where}: expected {"dtype", "shape", "data_offsets"}, got ${show(info)}`);
  const { dtype: stDtype, shape, data_offsets: offsets } = info;
  if (typeof stDtype !== 'string') return fail(`${where}: "dtype" must be a string, got ${show(stDtype)}`);
  const dtype = FROM_SAFETENSORS.get(stDtype);
  if (dtype === undefined) return fail(`${where}: unsupported dtype ${show(stDtype)} (supported: ${SUPPORTED})`);
  if (!Array.isArray(shape) || !shape.every(isCount))
    return fail(`${where}: "shape" must be an array of non-negative integers, got ${show(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
    return fail(`${where}: "data_offsets" must be [begin, end] with non-negative integers, got ${show(offsets)}`);
  const [begin, end] = offsets as [number, number];
  const entry: Entry = { name, dtype, shape: [...shape], begin, end };
  checkByteRange(entry, dataSize, fail);
  return entry;
}

/** Checks that an entry's data_offsets hold exactly its shape's bytes and lie inside the data section. */
function checkByteRange({ name, dtype, shape, begin, end }: Entry, dataSize: number, fail: Fail): void {
  const where = tensorLabel(name);
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const needed = numelOf(shape) * ITEM_SIZE[dtype];
  if (!Number.isSafeInteger(needed)) fail(`${where}: shape ${show(shape)} is too large`);
  if (end - begin !== needed)
    fail(
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but shape [${shape.join(', ')}] of ${TO_SAFETENSORS[dtype]} needs ${needed}`,
    );
  if (end > dataSize)
    fail(
      `${where}: data_offsets [${begin}, ${end}] extend beyond the ${dataSize}-byte data section (is the file truncated?)`,
    );
}

/** Checks that the entries, sorted by offset, tile the data section: each starts where the previous ended. */
function checkTiling(sorted: Entry[], dataSize: number, fail: Fail): void {
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < covered)
      fail(
        `tensors ${JSON.stringify(previous?.name)} and ${JSON.stringify(e.name)} overlap (data_offsets [${previous?.begin}, ${previous?.end}] and [${e.begin}, ${e.end}])`,
      );
    if (e.begin > covered)
      fail(`bytes [${covered}, ${e.begin}) of the data section belong to no tensor (offsets are not contiguous)`);
    covered = e.end;
    previous = e;
  }
  if (covered !== dataSize)
    fail(
      `the data section has ${dataSize} bytes but the tensors cover only the first ${covered} (offsets are not contiguous to the end)`,
    );
}

/** Parses and validates the header against the size of the data section that follows it. */
function parseHeader(headerBytes: Uint8Array, dataSize: number, source: string): Header {
  const fail = failFor(FORMAT, source);
  const metadata: [string, string][] = [];
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(headerObject(headerBytes, fail))) {
    if (name === METADATA_KEY) metadata.push(...metadataPairs(info, fail));
    else entries.push(tensorEntry(name, info, dataSize, fail));
  }
  // The tensors must tile the data section: sorted by offset, each starts where the previous ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkTiling(entries, dataSize, fail);
  return { entries, metadata: Object.fromEntries(metadata) };
}

/** Decodes a whole file given its size and a reader of byte ranges. */
function decode(source: string, size: number, read: (position: number, length: number) => Uint8Array): Safetensors {
  const fail = failFor(FORMAT, source);
  if (size < 8) fail(`the file is ${size} bytes, too short to hold the 8-byte header length (is it truncated?)`);
  const lengthBytes = read(0, 8);
  const n = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(size - 8))
    fail(
      `the header length ${n} extends beyond the end of the file (${size - 8} bytes follow the length field; is it truncated?)`,
    );
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`the header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const headerLength = Number(n);
  const dataStart = 8 + headerLength;
  const { entries, metadata } = parseHeader(read(8, headerLength), size - dataStart, source);

  const tensors = new Map<string, Tensor>();
  try {
    for (const e of entries) {
      const bytes = read(dataStart + e.begin, e.end - e.begin);
      if (e.dtype === 'bool') {
        const bad = firstInvalidBool(bytes);
        if (bad >= 0) fail(`${tensorLabel(e.name)}: BOOL element ${bad} has byte value ${bytes[bad]}, expected 0 or 1`);
      }
      tensors.set(e.name, tensorFromBytes(bytes, e.shape, e.dtype));
    }
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

/**
 * Decodes safetensors bytes. `source` names the data in error messages.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * const w = tensors.get('w');
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): Safetensors {
  return decode(source, bytes.byteLength, (position, length) => bytes.subarray(position, position + length));
}

/**
 * Loads a safetensors file, validating its header and layout first; a malformed file throws a
 * `FileFormatError` naming the file and the problem. The tensors are new (owned by the current
 * `scope`, if any); the file is read one tensor at a time.
 *
 * @example
 * const { tensors, metadata } = loadSafetensors('run/checkpoint.safetensors');
 * console.log(metadata.step, tensors.get('encoder.weight')?.shape);
 */
export function loadSafetensors(filePath: string): Safetensors {
  const fd = fs.openSync(filePath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    return decode(filePath, size, (position, length) => {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const got = fs.readSync(fd, out, done, length - done, position + done);
        if (got === 0)
          throw new FileFormatError(
            FORMAT,
            filePath,
            `the file ended early while reading bytes [${position}, ${position + length}) (was it modified while being read?)`,
          );
        done += got;
      }
      return out;
    });
  } finally {
    fs.closeSync(fd);
  }
}
