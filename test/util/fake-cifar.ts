// A small CIFAR-10 binary folder for tests: the real record format (a label byte and 3,072 pixel
// bytes), `perFile` pseudo-random records in every batch file (read with allowPartial).
import fs from 'node:fs';
import path from 'node:path';
import { CIFAR10_FILES, CIFAR10_RECORD_BYTES } from '../../src/data/cifar10.js';
import { tempDir } from './temp.js';

/** A CIFAR-10 binary folder with `perFile` random records per batch file. */
export function fakeCifar(perFile: number): string {
  const dir = tempDir('cifar');
  let state = 12345;
  const byte = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  for (const name of [...CIFAR10_FILES.train, ...CIFAR10_FILES.test]) {
    const buf = Buffer.alloc(perFile * CIFAR10_RECORD_BYTES);
    for (let r = 0; r < perFile; r++) {
      const off = r * CIFAR10_RECORD_BYTES;
      buf[off] = byte() % 10;
      for (let i = 1; i < CIFAR10_RECORD_BYTES; i++) buf[off + i] = byte();
    }
    fs.writeFileSync(path.join(dir, name), buf);
  }
  return dir;
}
