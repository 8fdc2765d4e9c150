// What a run records about the code and machine it ran on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineInfo } from '../torch/index.js';

/** The folder of clab's package.json (found upward from this file, in src/ or dist/src/). */
function packageRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: unknown };
      if (pkg.name === 'clab') return dir;
    } catch {
      // no package.json here, or not readable: keep looking upward
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let cachedCodeVersion: string | undefined;

/**
 * `git describe --always --dirty` of the clab checkout; `clab@<version>` from package.json when
 * git or the repository is unavailable (an installed package). Computed once per process.
 */
export function codeVersion(): string {
  if (cachedCodeVersion !== undefined) return cachedCodeVersion;
  const root = packageRoot();
  let version: string | undefined;
  if (root !== undefined) {
    try {
      const out = execFileSync('git', ['describe', '--always', '--dirty'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      }).trim();
      if (out !== '') version = out;
    } catch {
      // not a git checkout, or git missing
    }
    if (version === undefined) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
        if (typeof pkg.version === 'string') version = `clab@${pkg.version}`;
      } catch {
        // fall through to 'unknown'
      }
    }
  }
  cachedCodeVersion = version ?? 'unknown';
  return cachedCodeVersion;
}

/** libtorch version and threads, CPU model and count, platform, node version and CLAB_THREADS. */
export function runEnvironment(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    ...engineInfo(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    CLAB_THREADS: process.env.CLAB_THREADS ?? null,
  };
}
