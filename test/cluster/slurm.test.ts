// The Slurm executor on a real single-node Slurm (slurmctld + slurmd on 127.0.0.1, temporary
// slurm.conf and spool): one job array trains a sweep with the numbers of the local executor, and
// an array task cancelled mid-run (scancel) is resubmitted and resumed, never trained twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readRecords } from '../../src/experiments/executors/index.js';
import { tempDir } from '../util/temp.js';
import { clab, midRun, results, sweepSpec, waitFor } from './clab.js';
import { startSlurm } from './servers.js';

let slurm: Awaited<ReturnType<typeof startSlurm>>;
before(async () => {
  slurm = await startSlurm();
});
after(async () => {
  if (typeof slurm !== 'string') await slurm.stop();
});

const TIMEOUT = 240_000;

test(
  'a 6-run sweep as one Slurm job array ends with the local numbers; clab status counts them done',
  { timeout: TIMEOUT },
  async (t) => {
    if (typeof slurm === 'string') return t.skip(slurm);
    const dir = tempDir('slurm');
    const spec = sweepSpec(dir, 40);
    const local = await clab(['sweep', spec, '--root', path.join(dir, 'local')]).exit;
    assert.equal(local.code, 0, local.stderr);
    const root = path.join(dir, 'cluster');
    const run = await clab(
      ['sweep', spec, '--executor', 'slurm', '--slurm', '--job-name=clab-test', '--wait', '--root', root],
      slurm.env,
    ).exit;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(results(root), results(path.join(dir, 'local')));
    const [record] = readRecords(root);
    assert.equal(record?.slurmJobs?.length, 1, 'one job array');
    const status = await clab(['status', '--root', root], slurm.env).exit;
    assert.match(status.stdout, /slurm array \d+: 6 runs — 0 pending, 0 running, 6 done, 0 failed/);
  },
);

test(
  'an array task cancelled mid-run (scancel) is submitted again and resumed; every run done once, local numbers',
  { timeout: TIMEOUT },
  async (t) => {
    if (typeof slurm === 'string') return t.skip(slurm);
    const dir = tempDir('slurm-cancel');
    const spec = sweepSpec(dir, 200, [0]);
    const local = await clab(['sweep', spec, '--root', path.join(dir, 'local')]).exit;
    assert.equal(local.code, 0, local.stderr);
    const root = path.join(dir, 'cluster');
    const run = clab(['sweep', spec, '--executor', 'slurm', '--wait', '--root', root], slurm.env);
    let victim = '';
    await waitFor('a run in training', () => (victim = midRun(root)[0] ?? '') !== '');
    const record = readRecords(root)[0]!;
    const first = record.slurmJobs![0]!;
    const cancel = spawnSync('scancel', [`${first.jobId}_${first.ids.indexOf(victim)}`], {
      env: { ...process.env, ...slurm.env },
      encoding: 'utf8',
    });
    assert.equal(cancel.status, 0, cancel.stderr);
    const exit = await run.exit;
    assert.equal(exit.code, 0, exit.stderr);
    assert.deepEqual(results(root), results(path.join(dir, 'local')));
    // Only the cancelled run went again, in a second array; the finished ones were not retrained.
    const jobs = readRecords(root)[0]!.slurmJobs!;
    assert.equal(jobs.length, 2);
    assert.deepEqual(jobs[1]!.ids, [victim]);
  },
);

test(
  'without sbatch on the PATH, --executor slurm exits 2 with one line before writing any run',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir('slurm-missing');
    const root = path.join(dir, 'runs');
    const out = await clab(['sweep', sweepSpec(dir, 10), '--executor', 'slurm', '--root', root], {
      PATH: '/nonexistent',
    }).exit;
    assert.equal(out.code, 2);
    assert.equal(
      out.stderr.trim(),
      "--executor slurm: `sbatch` not found on PATH (install Slurm's client tools, or use --executor local)",
    );
  },
);
