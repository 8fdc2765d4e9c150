// The package as a user gets it: `npm pack`, install the tarball into a fresh project, then a
// strict TypeScript consumer imports 'clab' and 'clab/losses' and trains three steps.
//
// Bounded on purpose. Dependencies are installed with --ignore-scripts (better-sqlite3's install
// would otherwise try a download from GitHub, then compile SQLite for minutes; the consumer script
// does not open a run store), then `npm rebuild clab` runs clab's own install script through npm's
// lifecycle, in the installed package. That script runs node-gyp `configure` against this
// machine's Node headers and libtorch for real (it fails if it would have to download anything)
// and, with CLAB_NATIVE_ADDON, copies the addon `make build` compiled from the same sources instead
// of recompiling for minutes; it then loads it. The path without libtorch is run too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../util/temp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const builtAddon = path.join(root, 'native/build/Release/clab_native.node');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;
const env = {
  ...parentEnv,
  CLAB_THREADS: '1',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function run(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  return r;
}
const ok = (r: SpawnSyncReturns<string>, what: string): string => {
  assert.equal(r.status, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

const CONSUMER = `import { Generator, F, scope, cat, type Tensor } from 'clab';
import { infoNCE } from 'clab/losses';
import { mlp } from 'clab/nn';
import { Adam } from 'clab/optim';
import { sampleUniformSphere, VonMisesFisher } from 'clab/latent';

const [gInit, gData] = new Generator(0).split(2) as [Generator, Generator];
const encoder = mlp({ inDim: 3, hidden: [16], outDim: 3, gen: gInit });
const optimizer = new Adam(encoder.parameters(), { lr: 1e-2 });
const loss = infoNCE({ tau: 0.3 });
const vmf = new VonMisesFisher({ kappa: 1 / 0.3 });
const losses: number[] = [];
for (let step = 0; step < 3; step++) {
  scope(() => {
    const z = sampleUniformSphere(32, 3, gData);
    const batch = cat([z, vmf.sample(z, gData), sampleUniformSphere(32, 3, gData)]);
    const [a, p, n] = F.normalize(encoder.forward(batch), 1).split(32) as [Tensor, Tensor, Tensor];
    const out = loss({ anchors: a, positives: p, negatives: n });
    optimizer.zeroGrad();
    out.loss.backward();
    optimizer.step();
    losses.push(out.loss.item());
  });
}
process.stdout.write(JSON.stringify({ losses }));
`;

// Strict, and the published declarations are checked too (skipLibCheck off). No @types/node of
// the consumer's own: what the declarations need must come with clab.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
  },
  include: ['train.ts'],
};

test(
  'npm pack → npm install the tarball → a strict TypeScript consumer imports clab and trains three steps',
  { timeout: 900_000 },
  () => {
    assert.ok(fs.existsSync(builtAddon), 'make build first');
    const work = tempDir('pack');

    // The tarball: the library, its declarations, the native sources and install step; no tests, benches or fixtures.
    const packed = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', work], root), 'npm pack')) as [
      { filename: string; files: { path: string }[] },
    ];
    const files = packed[0].files.map((f) => f.path);
    for (const f of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'native/binding.gyp',
      'native/install.mjs',
      'package.json',
    ])
      assert.ok(files.includes(f), `the tarball has ${f}`);
    const stray = files.filter((f) => /^(dist\/)?(test|bench|examples)\/|fixtures|\.map$|native\/build\//.test(f));
    assert.deepEqual(stray, [], 'no tests, benches, fixtures or build outputs in the tarball');
    const tarball = path.join(work, packed[0].filename);

    const project = path.join(work, 'consumer');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
    );
    ok(run('npm', ['install', '--ignore-scripts', '--prefer-offline', tarball], project), 'npm install');
    const installed = path.join(project, 'node_modules/clab');
    assert.equal(fs.existsSync(path.join(installed, 'native/build')), false, 'no addon before the install step');

    // Without libtorch the install step finishes, and the first import names the package and the variable.
    const noTorch = run(process.execPath, [path.join(installed, 'native/install.mjs')], installed, {
      LIBTORCH: path.join(work, 'no-libtorch'),
      INIT_CWD: project,
    });
    assert.equal(noTorch.status, 0, noTorch.stderr);
    assert.match(noTorch.stderr, /libtorch-dev/);
    const failedImport = run(process.execPath, ['--input-type=module', '-e', "await import('clab')"], project);
    assert.notEqual(failedImport.status, 0);
    assert.match(failedImport.stderr, /libtorch-dev[\s\S]*LIBTORCH=/);

    // The install step through npm's lifecycle, with libtorch: node-gyp configures here, no download.
    const rebuilt = run('npm', ['rebuild', 'clab', '--foreground-scripts'], project, {
      CLAB_NATIVE_ADDON: builtAddon,
      npm_config_nodedir: '',
    });
    ok(rebuilt, 'npm rebuild clab');
    assert.match(rebuilt.stdout + rebuilt.stderr, /gyp info ok/);
    assert.doesNotMatch(rebuilt.stdout + rebuilt.stderr, /download/i, 'node-gyp used the local Node headers');
    assert.ok(fs.existsSync(path.join(installed, 'native/build/Release/clab_native.node')));

    fs.writeFileSync(path.join(project, 'train.ts'), CONSUMER);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    ok(run(process.execPath, [tsc, '-p', 'tsconfig.json'], project), 'tsc (strict consumer, skipLibCheck off)');
    const { losses } = JSON.parse(ok(run(process.execPath, ['out/train.js'], project), 'the consumer script')) as {
      losses: number[];
    };
    assert.equal(losses.length, 3);
    for (const l of losses) assert.ok(Number.isFinite(l) && l > 0, `loss ${l}`);

    // The bin through npm's symlink prints the version (the entry check resolves the link).
    const bin = path.join(project, 'node_modules/.bin/clab');
    assert.ok(fs.lstatSync(bin).isSymbolicLink());
    assert.equal(
      ok(run(bin, ['--version'], project), 'clab --version').trim(),
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
    );
  },
);
