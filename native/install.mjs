#!/usr/bin/env node
// The package's install step (`npm install clab`): builds the native engine with node-gyp against
// this machine's Node headers (never downloaded) and libtorch — Debian's libtorch-dev by default,
// LIBTORCH=/path/to/libtorch for another build.
//
// When libtorch is missing the install still finishes (a project may install clab before
// libtorch), and the first `import 'clab'` fails with one message naming the Debian package and
// the variable (src/torch/native.ts). A compiler error with libtorch present fails the install.
//
// In the repository's own checkout (`npm ci` there) it does nothing: `make build` builds the addon.
//
// CLAB_NATIVE_ADDON=/path/to/clab_native.node uses an addon already built from the same sources
// against the same libtorch and Node ABI (another checkout, a CI cache) instead of compiling for
// minutes: node-gyp still configures the build here (headers, libtorch, node-addon-api are
// checked), then the file is copied and loaded once to prove it works.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.dirname(nativeDir);
const addon = path.join(nativeDir, 'build', 'Release', 'clab_native.node');
const say = (line) => process.stderr.write(`clab install: ${line}\n`);

/** The repository checkout itself (npm ci at its root), where the Makefile builds the addon. */
function isDevelopmentCheckout() {
  const initCwd = process.env.INIT_CWD;
  return initCwd !== undefined && path.resolve(initCwd) === packageRoot && fs.existsSync(path.join(packageRoot, 'Makefile'));
}

/** Where libtorch's C++ API headers should be: $LIBTORCH/include/… or Debian's /usr/include/…. */
function libtorchHeader() {
  const root = process.env.LIBTORCH;
  const include = root ? path.join(root, 'include') : '/usr/include';
  return path.join(include, 'torch', 'csrc', 'api', 'include', 'torch', 'torch.h');
}

/** A Node installation prefix with this Node's headers (include/node/node.h), so node-gyp never downloads them. */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..'), '/usr'];
  return candidates.find((dir) => dir && dir !== 'undefined' && fs.existsSync(path.join(dir, 'include', 'node', 'node.h')));
}

/** node-gyp from clab's dependencies, else the copy npm bundles (npm tells scripts where it is). */
function nodeGyp() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp;
  }
}

function gyp(script, args, nodedir) {
  const r = spawnSync(process.execPath, [script, ...args, `--nodedir=${nodedir}`], {
    cwd: nativeDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  return r.status === 0;
}

/** Loads the addon in a child process (a broken one must not take this process down). */
function loads(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { encoding: 'utf8' });
  if (r.status !== 0) say(`the addon does not load: ${r.stderr.trim().split('\n').slice(0, 3).join(' ')}`);
  return r.status === 0;
}

function main() {
  if (isDevelopmentCheckout()) return 0;
  if (!fs.existsSync(libtorchHeader())) {
    say(`libtorch not found (${libtorchHeader()} is missing); the native engine is not built.`);
    say('Install the Debian package libtorch-dev (sudo apt-get install libtorch-dev), or set LIBTORCH=/path/to/libtorch,');
    say('then run `npm rebuild clab`. Until then `import "clab"` fails with this message.');
    return 0;
  }
  // Debian's libtorch headers for c10d's ProcessGroupGloo include Gloo's (libgloo-dev); an official
  // libtorch (LIBTORCH) carries them itself.
  if (!process.env.LIBTORCH && !fs.existsSync('/usr/include/gloo/config.h')) {
    say('Gloo headers not found (/usr/include/gloo/config.h is missing); the native engine is not built.');
    say('Install the Debian package libgloo-dev (sudo apt-get install libgloo-dev), then run `npm rebuild clab`.');
    return 0;
  }
  const nodedir = nodeDir();
  if (nodedir === undefined) {
    say(`Node's C headers (include/node/node.h) were not found next to ${process.execPath} or in /usr;`);
    say('install them with your Node (Debian: the nodejs or libnode-dev package), or set npm_config_nodedir, then run `npm rebuild clab`.');
    return 1;
  }
  const script = nodeGyp();
  if (script === undefined) {
    say('node-gyp was not found (it is a dependency of clab; was the install run with --omit=prod?).');
    return 1;
  }
  const prebuilt = process.env.CLAB_NATIVE_ADDON;
  if (prebuilt) {
    if (!gyp(script, ['configure'], nodedir)) return 1;
    fs.mkdirSync(path.dirname(addon), { recursive: true });
    fs.copyFileSync(prebuilt, addon);
    say(`using the prebuilt addon ${prebuilt} (CLAB_NATIVE_ADDON)`);
  } else {
    say(`building the native engine against ${process.env.LIBTORCH || 'Debian libtorch-dev'} and the Node headers in ${nodedir} (a few minutes)…`);
    if (!gyp(script, ['rebuild', '-j', String(Math.max(1, os.availableParallelism()))], nodedir)) {
      say('the native build failed (it needs g++, make and python3: sudo apt-get install g++ make python3).');
      return 1;
    }
  }
  return loads(addon) ? 0 : 1;
}

process.exitCode = main();
