// Atomic file writes: write a temporary file in the target's directory, fsync it, rename it over
// the target, fsync the directory. A reader sees either the old file or the complete new one,
// never a partial write; a crash or an exception mid-way leaves the old file untouched.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Receives the chunks of a file being written by `writeFileAtomic`. */
export interface AtomicSink {
  /** Appends bytes (or a UTF-8 string) to the temporary file. */
  write(chunk: Uint8Array | string): void;
}

export interface AtomicWriteOptions {
  /** Permission bits of a new file (before the umask); default 0o666. */
  mode?: number;
}

/** The temporary name used while writing `target`: hidden, in the same directory, unique. */
function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) {
    done += fs.writeSync(fd, bytes, done, bytes.byteLength - done);
  }
}

/** Makes a completed rename durable; not every platform can fsync a directory, which is harmless. */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync: the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes a file atomically. `data` is the whole content, or a function that streams it through a
 * sink (so large files need not be assembled in memory). If anything throws before the rename,
 * the temporary file is removed, an existing file at `filePath` is left as it was, and the error
 * propagates.
 *
 * @example
 * writeFileAtomic('run/summary.txt', 'done\n');
 * writeFileAtomic('run/blob.bin', (sink) => {
 *   sink.write(headerBytes);
 *   sink.write(bodyBytes);
 * });
 */
export function writeFileAtomic(
  filePath: string,
  data: Uint8Array | string | ((sink: AtomicSink) => void),
  options: AtomicWriteOptions = {},
): void {
  const target = path.resolve(filePath);
  const temp = tempPathFor(target);
  // 'wx': fail rather than reuse an existing file of the same name.
  let fd: number | undefined = fs.openSync(temp, 'wx', options.mode ?? 0o666);
  try {
    const openFd = fd;
    const sink: AtomicSink = {
      write(chunk) {
        writeAll(openFd, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      },
    };
    if (typeof data === 'function') data(sink);
    else sink.write(data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fsyncDirectory(path.dirname(target));
}

/**
 * Writes `value` as JSON (2-space indent by default, trailing newline) atomically.
 *
 * @example
 * writeJsonAtomic('run/config.json', { seed: 0, loss: { kind: 'infonce', tau: 0.1 } });
 */
export function writeJsonAtomic(
  filePath: string,
  value: unknown,
  options: AtomicWriteOptions & { indent?: number } = {},
): void {
  const text = JSON.stringify(value, null, options.indent ?? 2);
  if (text === undefined) throw new TypeError(`writeJsonAtomic(): a ${typeof value} cannot be written as JSON`);
  writeFileAtomic(filePath, text + '\n', options);
}
