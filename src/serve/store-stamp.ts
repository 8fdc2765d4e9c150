// A cheap fingerprint of the run index: every change of a run (created, status, summary) is a
// write to index.sqlite or its write-ahead log, so their sizes and modification times change.
import fs from 'node:fs';
import path from 'node:path';
import { INDEX_FILE } from '../runs/index.js';

export function storeStamp(root: string): string {
  return [INDEX_FILE, `${INDEX_FILE}-wal`]
    .map((f) => {
      try {
        const st = fs.statSync(path.join(root, f));
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('/');
}
