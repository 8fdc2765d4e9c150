// CIFAR-10 from its standard binary distribution (Krizhevsky 2009, "Learning Multiple Layers of
// Features from Tiny Images"; https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"),
// the dataset of Paper A's image study. The path is given by the user: nothing is downloaded.
//
// Format: `cifar-10-batches-bin/` holds data_batch_1.bin … data_batch_5.bin (train, 50,000 images)
// and test_batch.bin (10,000 images). Each file is 10,000 records of 3,073 bytes: one label byte
// (0..9), then 3,072 pixel bytes — the 1,024 red values of the 32×32 image in row-major order, then
// the green, then the blue — so a record's pixels are already in [C, H, W] order.
// The distribution's `cifar-10-binary.tar.gz` holds that folder; it is read directly (gunzip from
// node:zlib and a small ustar reader below), without unpacking it to disk.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { FileFormatError } from '../io/errors.js';
import { scope, tensor } from '../torch/index.js';
import type { ImageDataset } from './image-types.js';

/** The class names, by label (the order of batches.meta.txt). */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
/** Bytes of one record: a label byte and 3 × 32 × 32 pixel bytes. */
export const CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;
/** Records in each batch file of the distribution. */
export const CIFAR10_RECORDS_PER_FILE = 10_000;
/** The exact size of each batch file: 30,730,000 bytes. */
export const CIFAR10_FILE_BYTES = CIFAR10_RECORD_BYTES * CIFAR10_RECORDS_PER_FILE;
/** The batch files of each split, in order. */
export const CIFAR10_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

export interface Cifar10Options {
  split: 'train' | 'test';
  /** Keep only the first `limit` records of the split (files after the ones needed are not read). */
  limit?: number;
  /**
   * Accept batch files holding any whole number of records instead of exactly 10,000 (for small
   * fixtures in tests). A file whose size is not a multiple of 3,073 bytes is still rejected.
   */
  allowPartial?: boolean;
}

const FORMAT = 'CIFAR-10 binary';

/** Reads a tar archive (ustar/GNU; regular files only) into name → bytes. */
function readTar(buf: Buffer, source: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= buf.length) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const str = (start: number, len: number): string => {
      const raw = header.subarray(start, start + len);
      const end = raw.indexOf(0);
      return raw.subarray(0, end < 0 ? len : end).toString('utf8');
    };
    const sizeText = str(124, 12).trim();
    const size = Number.parseInt(sizeText || '0', 8);
    if (!Number.isFinite(size) || size < 0)
      throw new FileFormatError('tar', source, `bad entry size '${sizeText}' at byte ${off}`);
    const type = String.fromCharCode(header[156] ?? 0);
    const magic = str(257, 6);
    const prefix = magic.startsWith('ustar') ? str(345, 155) : '';
    let name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    const start = off + 512;
    if (start + size > buf.length)
      throw new FileFormatError('tar', source, `entry '${name}' is truncated (needs ${size} bytes)`);
    const body = buf.subarray(start, start + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0+$/, '');
    else if (type === '0' || type === '\0') files.set(name, body);
    off = start + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** A batch file's bytes, or undefined when it is absent; `source` names it in errors. */
interface BatchSource {
  name: string;
  source: string;
  size(): number | undefined;
  read(): Buffer;
}

function folderSources(dir: string): BatchSource[] {
  const inner = path.join(dir, 'cifar-10-batches-bin');
  const base = fs.existsSync(inner) && fs.statSync(inner).isDirectory() ? inner : dir;
  return [...CIFAR10_FILES.train, ...CIFAR10_FILES.test].map((name) => {
    const file = path.join(base, name);
    return {
      name,
      source: file,
      size: () => (fs.existsSync(file) ? fs.statSync(file).size : undefined),
      read: () => fs.readFileSync(file),
    };
  });
}

function archiveSources(file: string): BatchSource[] {
  let entries: Map<string, Buffer>;
  try {
    entries = readTar(zlib.gunzipSync(fs.readFileSync(file)), file);
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError('tar.gz', file, `cannot be decompressed (${(err as Error).message})`);
  }
  const byBase = new Map<string, Buffer>();
  for (const [name, body] of entries) byBase.set(path.posix.basename(name), body);
  return [...CIFAR10_FILES.train, ...CIFAR10_FILES.test].map((name) => ({
    name,
    source: `${file}:${name}`,
    size: () => byBase.get(name)?.length,
    read: () => byBase.get(name) as Buffer,
  }));
}

/**
 * Loads a split of CIFAR-10 from the binary distribution: `dataPath` is the `cifar-10-batches-bin`
 * folder, a folder containing it, or the `cifar-10-binary.tar.gz` archive.
 *
 * Every batch file of the split must exist and be exactly 30,730,000 bytes (10,000 records); every
 * label read must be in 0..9. A missing, wrong-sized or corrupt file throws a FileFormatError (or
 * an Error for a missing path) naming the file.
 *
 * @returns images [N, 3, 32, 32] float32 in [0, 1] (pixel / 255), labels [N] int64, class names.
 *
 * @example
 * const { images, labels, classes } = loadCifar10('/data/cifar-10-batches-bin', { split: 'test', limit: 1000 });
 */
export function loadCifar10(dataPath: string, options: Cifar10Options): ImageDataset {
  const { split, limit, allowPartial = false } = options;
  if (split !== 'train' && split !== 'test')
    throw new RangeError(`loadCifar10: split must be 'train' or 'test', got '${String(split)}'`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
    throw new RangeError(`loadCifar10: limit must be a non-negative integer, got ${limit}`);
  if (!fs.existsSync(dataPath))
    throw new Error(
      `loadCifar10: ${dataPath} does not exist (give the cifar-10-batches-bin folder or cifar-10-binary.tar.gz)`,
    );
  const isDir = fs.statSync(dataPath).isDirectory();
  const all = isDir ? folderSources(dataPath) : archiveSources(dataPath);
  const wanted = new Set<string>(CIFAR10_FILES[split]);
  const sources = all.filter((s) => wanted.has(s.name));

  // Validate every file of the split by its size before reading any.
  const counts = sources.map((s) => {
    const size = s.size();
    if (size === undefined)
      throw new FileFormatError(
        FORMAT,
        s.source,
        `missing (the ${split} split needs ${CIFAR10_FILES[split].join(', ')})`,
      );
    if (allowPartial ? size % CIFAR10_RECORD_BYTES !== 0 || size === 0 : size !== CIFAR10_FILE_BYTES) {
      const expected = allowPartial
        ? `a positive multiple of ${CIFAR10_RECORD_BYTES} bytes`
        : `${CIFAR10_FILE_BYTES} bytes (${CIFAR10_RECORDS_PER_FILE} records of ${CIFAR10_RECORD_BYTES})`;
      const hint = !allowPartial && size < CIFAR10_FILE_BYTES ? ' — truncated?' : '';
      throw new FileFormatError(FORMAT, s.source, `expected ${expected}, got ${size} bytes${hint}`);
    }
    return size / CIFAR10_RECORD_BYTES;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const n = Math.min(total, limit ?? total);

  const pixels = new Uint8Array(n * (CIFAR10_RECORD_BYTES - 1));
  const labels = new BigInt64Array(n);
  let filled = 0;
  for (let f = 0; f < sources.length && filled < n; f++) {
    const s = sources[f] as BatchSource;
    const buf = s.read();
    const take = Math.min(counts[f] ?? 0, n - filled);
    for (let r = 0; r < take; r++) {
      const off = r * CIFAR10_RECORD_BYTES;
      const label = buf[off] as number;
      if (label > 9) throw new FileFormatError(FORMAT, s.source, `record ${r} has label ${label} (labels are 0..9)`);
      labels[filled] = BigInt(label);
      pixels.set(buf.subarray(off + 1, off + CIFAR10_RECORD_BYTES), filled * (CIFAR10_RECORD_BYTES - 1));
      filled++;
    }
  }
  return scope(() => ({
    images: tensor(pixels, [n, 3, 32, 32], 'uint8').float().div(255),
    labels: tensor(labels, [n], 'int64'),
    classes: [...CIFAR10_CLASSES],
  }));
}
