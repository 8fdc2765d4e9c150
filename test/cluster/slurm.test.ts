// The Slurm executor on a real single-node Slurm (slurmctld + slurmd on 127.0.0.1, temporary
// slurm.conf and spool): one job array trains a sweep with the numbers of the local executor, an
// array task cancelled mid-run (scancel) is resubmitted and resumed, never trained twice, and one
// sent SIGTERM (a preemption's warning) checkpoints at that step, requeues itself and resumes there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readRecords } from '../../src/experiments/executors/index.js';
import { tempDir } from '../util/temp.js';
import { readRunFolder } from '../../src/runs/index.js';
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

/** Steps of a run folder's checkpoints. */
const checkpointSteps = (dir: string): number[] =>
  fs.existsSync(path.join(dir, 'checkpoints'))
    ? fs
        .readdirSync(path.join(dir, 'checkpoints'))
        .map((f) => /^step-(\d+)\.safetensors$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .map(Number)
    : [];

test(
  'an array task sent SIGTERM (scancel --signal=TERM) checkpoints at that step, requeues itself and resumes from it; local numbers',
  { timeout: TIMEOUT },
  async (t) => {
    if (typeof slurm === 'string') return t.skip(slurm);
    const dir = tempDir('slurm-term');
    // One run whose only periodic checkpoint is its last step: a checkpoint before it is the signal's.
    const spec = path.join(dir, 'term.yaml');
    fs.writeFileSync(
      spec,
      fs
        .readFileSync(sweepSpec(dir, 3000, [0], [0.3]), 'utf8')
        .replace('hidden: [16, 16]', 'hidden: [64, 64]')
        .replace('checkpointEvery: 10', 'checkpointEvery: 3000'),
    );
    const local = clab(['sweep', spec, '--root', path.join(dir, 'local')]).exit;
    const root = path.join(dir, 'cluster');
    const run = clab(['sweep', spec, '--executor', 'slurm', '--wait', '--root', root], slurm.env);
    // The run in training in its array task (which marks it running with its own pid).
    let id = '';
    await waitFor('the run in training in its task', () => {
      const [record] = readRecords(root);
      id = record?.slurmJobs?.[0]?.ids[0] ?? '';
      if (id === '' || !fs.existsSync(path.join(root, id, 'meta.json'))) return false;
      const { meta } = readRunFolder(path.join(root, id));
      return meta.status === 'running' && meta.pid !== run.child.pid;
    });
    await new Promise((r) => setTimeout(r, 500));
    const job = `${readRecords(root)[0]!.slurmJobs![0]!.jobId}_0`;
    const term = spawnSync('scancel', ['--signal=TERM', '--batch', job], {
      env: { ...process.env, ...slurm.env },
      encoding: 'utf8',
    });
    assert.equal(term.status, 0, term.stderr);
    const folder = path.join(root, id);
    await waitFor('the task to stop with a checkpoint', () => readRunFolder(folder).meta.status === 'interrupted');
    const steps = checkpointSteps(folder);
    assert.equal(steps.length, 1, `one checkpoint, the signal's (got ${steps.join(', ')})`);
    const k = steps[0]!;
    assert.ok(k > 0 && k < 3000, `a checkpoint at the signal's step ${k}`);

    const exit = await run.exit;
    assert.equal(exit.code, 0, exit.stderr);
    const reference = await local;
    assert.equal(reference.code, 0, reference.stderr);
    assert.deepEqual(results(root), results(path.join(dir, 'local')));
    // Requeued in place (the same array, not a second submission), resumed from step k.
    assert.equal(readRecords(root)[0]!.slurmJobs!.length, 1);
    assert.deepEqual(
      checkpointSteps(folder).sort((a, b) => a - b),
      [k, 3000],
    );
    const show = spawnSync('scontrol', ['show', 'job', job], {
      env: { ...process.env, ...slurm.env },
      encoding: 'utf8',
    });
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /Restarts=1\b/, 'the task ran twice: stopped by the signal, then requeued');
    t.diagnostic(`stopped at step ${k}, requeued and resumed`);
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
