#!/usr/bin/env node
// The package's `prepare` step. A git checkout has no dist/ (it is built, not committed), so when
// npm installs clab from a git URL it runs this in the clone before packing it: compile the
// TypeScript once. Everywhere else dist/ exists already (the Makefile keeps it up to date) and
// this does nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
if (!fs.existsSync(path.join(root, 'dist', 'src', 'index.js'))) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // The Makefile's stamp: dist/ was just built from every source, so `make` need not rebuild it.
  fs.writeFileSync(path.join(root, 'dist', '.built'), '');
}
