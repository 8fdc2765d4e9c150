// Real servers for the cluster tests, on loopback only, with temporary configs: a redis-server on
// a free port and a single-node Slurm (slurmctld + slurmd on 127.0.0.1, auth/none, no cgroups).
// Each start returns a reason instead when the component cannot run here (not installed, not root).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkReachable, parseQueueUrl } from '../../src/experiments/executors/index.js';
import { tempDir } from '../util/temp.js';

export interface Server {
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (await ok()) return;
  throw new Error(`${what} did not come up within ${ms / 1000} s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** redis-server on a free loopback port, no persistence; or the reason it cannot start. */
export async function startRedis(): Promise<(Server & { url: string }) | string> {
  if (!has('redis-server')) return 'redis-server is not installed (make test installs the Debian package redis-server)';
  const port = await freePort();
  const dir = tempDir('redis');
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await until(
    'redis-server',
    () =>
      checkReachable(parseQueueUrl(url), 500).then(
        () => true,
        () => false,
      ),
    15_000,
  );
  return { url, stop: () => stopChild(child) };
}

/** A single-node Slurm cluster on 127.0.0.1; `env` points the Slurm clients at it (SLURM_CONF). */
export async function startSlurm(): Promise<(Server & { env: Record<string, string> }) | string> {
  for (const c of ['slurmctld', 'slurmd', 'sbatch', 'squeue'])
    if (!has(c)) return `${c} is not installed (make test installs the Debian package slurm-wlm)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs';
  const dir = tempDir('slurm');
  const host = os.hostname().split('.')[0] ?? 'localhost';
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  for (const d of ['state', 'spool']) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(
    conf,
    [
      'ClusterName=clabtest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      // No munge daemon needed: this Slurm build has auth/none, and nothing leaves loopback.
      'AuthType=auth/none',
      'CredType=cred/none',
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SlurmdParameters=config_overrides',
      'SchedulerParameters=sched_interval=1',
      'KillWait=5',
      // A requeued job waits cred_expire seconds before it may start again (default 120).
      'AuthInfo=cred_expire=5',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const daemonEnv = { ...process.env, ...env };
  const ctld = spawn('slurmctld', ['-D', '-i', '-f', conf], { stdio: 'ignore', env: daemonEnv });
  const slurmd = spawn('slurmd', ['-D', '-f', conf], { stdio: 'ignore', env: daemonEnv });
  const stop = async (): Promise<void> => {
    await stopChild(slurmd);
    await stopChild(ctld);
  };
  try {
    await until('the single-node Slurm', () =>
      /idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env: daemonEnv, encoding: 'utf8' }).stdout ?? ''),
    );
  } catch (err) {
    await stop();
    const log = fs.existsSync(path.join(dir, 'slurmctld.log'))
      ? fs.readFileSync(path.join(dir, 'slurmctld.log'), 'utf8').split('\n').slice(-5).join('\n')
      : '';
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { env, stop };
}
