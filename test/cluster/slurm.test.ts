// The Slurm executor on a real single-node Slurm (slurmctld + slurmd on 127.0.0.1, temporary
// slurm.conf and spool): one job array trains a sweep with the numbers of the local executor, an
// array task cancelled mid-run (scancel) is resubmitted and resumed, never trained twice, and one
// sent SIGTERM (a preemption) or SIGUSR1 (the time-limit warning) checkpoints at that step, is
// requeued in the same array and resumes there.
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

/** What a stuck signal test can see: each run's status and checkpoints, squeue, the tasks' output. */
function slurmState(root: string, ids: string[], jobId: string, env: NodeJS.ProcessEnv): string {
  const runs = ids.map((id) => {
    const folder = path.join(root, id);
    const status = fs.existsSync(path.join(folder, 'meta.json')) ? readRunFolder(folder).meta.status : 'no meta';
    return `${id}: ${status}, checkpoints [${checkpointSteps(folder).join(', ')}]`;
  });
  const queue = spawnSync('squeue', ['-h', '-r', '-j', jobId, '-o', '%K %T %r'], { env, encoding: 'utf8' });
  const jobs = path.join(root, '.clab-jobs');
  const outputs = fs
    .readdirSync(jobs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.out'))
    .map((f) => `${f}:\n${fs.readFileSync(path.join(jobs, f), 'utf8').trim()}`);
  return [...runs, `squeue: ${(queue.stdout || queue.stderr).trim()}`, ...outputs].join('\n');
}

test(
  'array tasks sent SIGTERM (a preemption) or SIGUSR1 (the time-limit warning) checkpoint at that step, are requeued and resume from it; local numbers',
  { timeout: TIMEOUT },
  async (t) => {
    if (typeof slurm === 'string') return t.skip(slurm);
    const dir = tempDir('slurm-term');
    // Two runs whose only periodic checkpoint is their last step: a checkpoint before it is the signal's.
    const spec = path.join(dir, 'term.yaml');
    fs.writeFileSync(
      spec,
      fs
        .readFileSync(sweepSpec(dir, 3000, [0, 1], [0.3]), 'utf8')
        .replace('hidden: [16, 16]', 'hidden: [64, 64]')
        .replace('checkpointEvery: 10', 'checkpointEvery: 3000'),
    );
    const env = { ...process.env, ...slurm.env };
    const local = clab(['sweep', spec, '--root', path.join(dir, 'local')]).exit;
    const root = path.join(dir, 'cluster');
    const run = clab(['sweep', spec, '--executor', 'slurm', '--wait', '--root', root], slurm.env);
    // Both runs in training in their array tasks (each marks its run running with its own pid).
    const inTask = (id: string): boolean => {
      if (!fs.existsSync(path.join(root, id, 'meta.json'))) return false;
      const { meta } = readRunFolder(path.join(root, id));
      return meta.status === 'running' && meta.pid !== run.child.pid;
    };
    let ids: string[] = [];
    await waitFor('both runs in training in their tasks', () => {
      ids = readRecords(root)[0]?.slurmJobs?.[0]?.ids ?? [];
      return ids.length === 2 && ids.every(inTask);
    });
    await new Promise((r) => setTimeout(r, 500));
    const jobId = readRecords(root)[0]!.slurmJobs![0]!.jobId;
    // Task 0: SIGTERM as a preemption sends it (the task requeues itself); task 1: SIGUSR1, which
    // Slurm sends ahead of the time limit (--signal=B:USR1@…): it requeues, Slurm's SIGTERM follows.
    for (const [index, signal] of [
      [0, 'TERM'],
      [1, 'USR1'],
    ] as const) {
      const out = spawnSync('scancel', [`--signal=${signal}`, '--batch', `${jobId}_${index}`], {
        env,
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
    }
    // The signal's checkpoint is the lasting evidence: 'interrupted' lasts only until the requeued
    // task starts again (≈ 5 s here), so both runs are watched at once, never one after the other.
    const early = (id: string): number[] => checkpointSteps(path.join(root, id)).filter((s) => s < 3000);
    await waitFor(
      "both runs to checkpoint at the signal's step",
      () => ids.every((id) => early(id).length > 0),
      120_000,
      () => slurmState(root, ids, jobId, env),
    );
    const stops = ids.map((id) => {
      const steps = early(id);
      assert.equal(steps.length, 1, `one checkpoint before the last step, the signal's (got ${steps.join(', ')})`);
      assert.ok(steps[0]! > 0, `a checkpoint at the signal's step ${steps[0]}`);
      return steps[0]!;
    });

    const exit = await run.exit;
    assert.equal(exit.code, 0, exit.stderr);
    const reference = await local;
    assert.equal(reference.code, 0, reference.stderr);
    assert.deepEqual(results(root), results(path.join(dir, 'local')));
    // Requeued in place (the same array, not a second submission), resumed from the signal's step.
    assert.equal(readRecords(root)[0]!.slurmJobs!.length, 1);
    ids.forEach((id, i) =>
      assert.deepEqual(
        checkpointSteps(path.join(root, id)).sort((a, b) => a - b),
        [stops[i], 3000],
      ),
    );
    for (const index of [0, 1]) {
      const show = spawnSync('scontrol', ['show', 'job', `${jobId}_${index}`], { env, encoding: 'utf8' });
      assert.equal(show.status, 0, show.stderr);
      assert.match(show.stdout, /Restarts=1\b/, 'the task ran twice: stopped by the signal, then requeued');
    }
    t.diagnostic(`stopped at steps ${stops.join(' (TERM) and ')} (USR1), requeued and resumed`);
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
