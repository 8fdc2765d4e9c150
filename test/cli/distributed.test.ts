// Data-parallel runs from the command line (issue 13): `clab run --nproc 2` trains one run on two
// ranks and `clab show` reports the world size; a spec the ranks cannot train is refused before
// any rank starts (exit 2); a dead peer or an unreachable master ends a rank with one error line and
// exit code 1 within the timeout; an interrupted 2-rank run resumes to the numbers of an
// uninterrupted one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runRanks } from '../util/ranks.js';
import { tempDir } from '../util/temp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = path.join(root, 'dist/src/cli/main.js');
const tiny = path.join(root, 'experiments/examples/tiny.yaml');
const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;

function clab(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function specFile(body: string): string {
  const file = path.join(tempDir('dist-spec'), 'spec.yaml');
  fs.writeFileSync(file, body);
  return file;
}

/** A spec that trains long enough to be killed or interrupted mid-run (few collectives per step). */
const LONG = (iterations: number) => `name: dist-long
conditional: { kind: vmf, kappa: 3.3333 }
encoder: { kind: mlp, hidden: [16, 16] }
loss: { kind: infonce, tau: 0.3 }
train: { iterations: ${iterations}, batch: 64, checkpointEvery: 100 }
eval: { every: 200, samples: 300, metrics: [r2] }
`;

const runDirs = (store: string): string[] =>
  fs.readdirSync(store).filter((d) => fs.existsSync(path.join(store, d, 'meta.json')));
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

describe('clab run --nproc', () => {
  test('two ranks train the tiny example; clab show reports the world size; a rerun reuses the run', () => {
    const store = tempDir('dist-run');
    const r = clab(['run', tiny, '--nproc', '2', '--root', store, '--dist-timeout', '60']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /examples\/tiny: 1 run on 2 ranks/);
    const [id] = runDirs(store);
    assert.ok(id !== undefined);
    const meta = readJson(path.join(store, id, 'meta.json'));
    assert.equal(meta['worldSize'], 2);
    assert.equal(meta['status'], 'done');
    assert.equal(readJson(path.join(store, id, 'spec.json'))['worldSize'], 2);
    assert.equal(lines(fs.readFileSync(path.join(store, id, 'metrics.jsonl'), 'utf8')).length, 3);
    const show = clab(['show', id, '--root', store]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /seed 0 {2}world size 2 {2}/);
    const again = clab(['run', tiny, '--nproc', '2', '--root', store]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /cached/);
    assert.equal(runDirs(store).length, 1);
  });

  test('a spec the ranks cannot train is refused before any rank starts (exit 2)', () => {
    const store = tempDir('dist-refused');
    const adapted = specFile(`name: adapted
conditional: { kind: restricted-vmf, kappa: 3.3333, fixedDims: 1 }
encoder: { kind: mlp, hidden: [16] }
loss: { kind: adapted-infonce, tau: 0.3, negativesPerAnchor: 4, gather: true }
train: { iterations: 5, batch: 32 }
`);
    const a = clab(['run', adapted, '--nproc', '2', '--root', store]);
    assert.equal(a.code, 2, a.stderr);
    assert.match(a.stderr, /loss\.gather: adapted-infonce cannot gather: its negatives are drawn per anchor/);
    const odd = clab(['run', tiny, '--nproc', '2', '--root', store, '--set', 'train.batch=63']);
    assert.equal(odd.code, 2, odd.stderr);
    assert.match(odd.stderr, /train\.batch: 63 does not split over 2 ranks/);
    const remote = clab(['run', tiny, '--nproc', '2', '--nnodes', '2', '--root', store]);
    assert.equal(remote.code, 2, remote.stderr);
    assert.match(remote.stderr, /--master-addr: a job on several machines/);
    assert.equal(runDirs(store).length, 0);
  });
});

describe('failures end a rank with one line and exit code 1, within the timeout', () => {
  for (const killed of [1, 0]) {
    test(`rank ${killed} killed mid-run`, async () => {
      const store = tempDir('dist-kill');
      const spec = specFile(LONG(20_000));
      let killedAt = 0;
      let victim: ChildProcess | undefined;
      const outcomes = await runRanks([entry, 'run', spec, '--root', store, '--json', '--dist-timeout', '20'], {
        worldSize: 2,
        port: await freePort(),
        killAfterMs: 180_000,
        onSpawn: (rank, child) => {
          if (rank === killed) victim = child;
          if (rank !== 0) return;
          // Once rank 0 reports progress both ranks are training: kill one.
          child.stdout?.on('data', (d: Buffer) => {
            if (killedAt === 0 && d.toString().includes('"progress"')) {
              killedAt = Date.now();
              victim?.kill('SIGKILL');
            }
          });
        },
      });
      const survivor = outcomes[1 - killed]!;
      assert.ok(killedAt > 0, 'rank 0 reported progress');
      assert.equal(outcomes[killed]!.signal, 'SIGKILL');
      assert.equal(survivor.code, 1, survivor.stderr);
      assert.ok(survivor.endedAt - killedAt < 20_000, `exited ${survivor.endedAt - killedAt} ms after the kill`);
      const errors = lines(survivor.stderr);
      assert.equal(errors.length, 1, survivor.stderr);
      assert.match(errors[0]!, new RegExp(`^clab: distributed \\(rank ${1 - killed} of 2\\): a peer process ended`));
      if (killed === 1) {
        const [id] = runDirs(store);
        const meta = readJson(path.join(store, id!, 'meta.json'));
        assert.equal(meta['status'], 'failed');
        assert.match(String(meta['error']), /a peer process ended/);
      }
    });
  }

  test('an unreachable master', async () => {
    const [alone] = await runRanks([entry, 'run', tiny, '--root', tempDir('dist-alone'), '--dist-timeout', '3'], {
      worldSize: 2,
      ranks: [1],
      port: await freePort(),
      killAfterMs: 60_000,
    });
    assert.equal(alone!.code, 1, alone!.stderr);
    const errors = lines(alone!.stderr);
    assert.equal(errors.length, 1, alone!.stderr);
    assert.match(errors[0]!, /^clab: distributed \(rank 1 of 2\): .*cannot reach the master at 127\.0\.0\.1:\d+/);
    assert.ok(alone!.ms < 20_000, `${alone!.ms} ms`);
  });
});

test('an interrupted 2-rank run resumes with two ranks to the numbers of an uninterrupted one', async () => {
  const spec = specFile(LONG(400));
  const [whole, parts] = [tempDir('dist-whole'), tempDir('dist-parts')];
  const uninterrupted = clab(['run', spec, '--nproc', '2', '--root', whole]);
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);

  // Interrupted by SIGINT to the launcher (as Ctrl-C): every rank stops at the same step.
  const launcher = spawn(process.execPath, [entry, 'run', spec, '--nproc', '2', '--root', parts, '--json'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  launcher.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  launcher.stdout.on('data', (d: Buffer) => {
    if (d.toString().includes('"progress"')) launcher.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => launcher.on('close', (c) => resolve(c)));
  assert.equal(code, 130, stderr);
  const [id] = runDirs(parts);
  assert.equal(readJson(path.join(parts, id!, 'meta.json'))['status'], 'interrupted');

  const wrong = clab(['resume', id!, '--root', parts, '--nproc', '3']);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /trained by 2 ranks; it resumes only with the same number/);
  const resumed = clab(['resume', id!, '--root', parts]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resume .* at step \d+\/400/);
  const summary = (store: string): unknown => {
    const { seconds: _s, sha256: _c, ...rest } = readJson(path.join(store, runDirs(store)[0]!, 'summary.json'));
    return rest;
  };
  assert.deepEqual(summary(parts), summary(whole));
});
