// Temporary folders for tests, removed when the test process exits (node --test runs each test
// file in its own process), so repeated `make test` runs leave nothing behind in /tmp.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty folder under the OS temp folder, named `clab-<prefix>-XXXXXX`; removed at exit. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `clab-${prefix}-`));
  created.push(dir);
  return dir;
}
