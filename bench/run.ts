// `make bench`: clab against PyTorch on this machine, same run, same shapes, same thread count.
//
//   node dist/bench/run.js [--threads N] [--only NAME[,NAME]] [--quick] [--omp-wait-policy P]
//                          [--pytorch-omp-wait-policy P] [--compare FILE] [--no-save]
//
// Every case runs twice in fresh child processes — clab as `node dist/bench/one.js ID`, PyTorch as
// `/usr/bin/python3 bench/reference.py ID` — so each peak RSS (the process's high-water mark) belongs
// to one case of one implementation. Each child does untimed warm-up iterations, then timed
// repetitions; we print the median and the spread (min–max), the ratio of the medians (clab /
// PyTorch; < 1 means clab is faster) and both peaks. Results go to bench/results/<ISO date>.json;
// `--compare` prints the change against an earlier file. Nothing here is an assertion.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, type Reps } from './cases.js';
// Loading the engine (through the cases) sets clab's OpenMP wait default (GOMP_SPINCOUNT or
// OMP_WAIT_POLICY) in this process when the user set neither; the children must see the user's
// settings, not that default.
import { OMP_ENV_FROM_USER } from '../src/torch/native.js';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = path.resolve(HERE, '..', '..');
const ONE_JS = path.join(HERE, 'one.js');
const REFERENCE_PY = path.join(ROOT, 'bench', 'reference.py');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const PYTHON = '/usr/bin/python3'; // Debian's python3-torch; never the pyenv shim on the PATH

interface Measured {
  median: number;
  min: number;
  max: number;
  times: number[];
  warmup: number;
  reps: number;
  threads: number;
  maxRssKb: number;
  baselineRssKb: number;
  /** clab only: engineInfo() of the child (GEMM backend, OpenMP wait policy, threads). */
  engine?: Record<string, unknown>;
}
type Side = Measured | { error: string } | { skipped: string };

interface CaseResult {
  id: string;
  group: string;
  what: string;
  /** Size override used (--quick runs of vmf-sample); absent at the benchmark's full size. */
  n?: number;
  skipped?: string;
  clab?: Side;
  pytorch?: Side;
  /** median(clab) / median(PyTorch). */
  ratio?: number;
}

interface RunFile {
  date: string;
  cpu: string;
  cores: number;
  threads: number;
  threadsSource: string;
  quick: boolean;
  env: Record<string, string | null>;
  node: string;
  pytorch: string | null;
  /** 1-minute load average before and after the run: other work on the machine skews every number. */
  loadavg: { before: number; after?: number };
  results: CaseResult[];
}

interface Options {
  threads: number;
  threadsSource: string;
  only: string[] | undefined;
  quick: boolean;
  compare: string | undefined;
  save: boolean;
  /** OMP_WAIT_POLICY for both children; undefined = as the user set it (or unset: each its own default). */
  ompWaitPolicy: string | undefined;
  /** OMP_WAIT_POLICY for the PyTorch child only (overrides ompWaitPolicy there). */
  pytorchOmpWaitPolicy: string | undefined;
}

function usage(): string {
  return [
    'usage: node dist/bench/run.js [options]',
    '  --threads N          intra-op threads for clab and PyTorch (default: the cores, here ' +
      os.availableParallelism() +
      ')',
    '  --only NAME[,NAME]   run only these benchmarks (a family such as infonce-fwd-bwd, or a case id such as infonce-fwd-bwd/B=512)',
    '  --quick              fewer warm-up iterations and repetitions (vmf-sample also draws 10⁵ instead of 10⁶ samples)',
    "  --omp-wait-policy P  set OMP_WAIT_POLICY=P (passive|active) for both children (default: as found; unset, clab picks its own default and PyTorch keeps libgomp's)",
    '  --pytorch-omp-wait-policy P  set OMP_WAIT_POLICY=P for the PyTorch child only (e.g. passive, its fastest setting on 2 cores)',
    '  --compare FILE       print the change against an earlier bench/results/*.json',
    '  --no-save            do not write bench/results/<date>.json',
    'benchmarks: ' + [...new Set(CASES.map((c) => c.group))].join(', '),
  ].join('\n');
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    threads: os.availableParallelism(),
    threadsSource: 'default: the cores',
    only: undefined,
    quick: false,
    compare: undefined,
    save: true,
    ompWaitPolicy: OMP_ENV_FROM_USER.OMP_WAIT_POLICY,
    pytorchOmpWaitPolicy: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${a} needs a value\n${usage()}`);
      return v;
    };
    if (a === '--threads') {
      o.threads = Number(value());
      o.threadsSource = '--threads';
      if (!Number.isInteger(o.threads) || o.threads < 1) throw new RangeError('--threads must be a positive integer');
    } else if (a === '--only')
      o.only = value()
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    else if (a === '--quick') o.quick = true;
    else if (a === '--compare') o.compare = value();
    else if (a === '--no-save') o.save = false;
    else if (a === '--omp-wait-policy' || a === '--pytorch-omp-wait-policy') {
      const v = value();
      if (!['passive', 'active'].includes(v.toLowerCase())) throw new RangeError(`${a} must be passive or active`);
      if (a === '--omp-wait-policy') o.ompWaitPolicy = v;
      else o.pytorchOmpWaitPolicy = v;
    } else if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else throw new RangeError(`unknown option ${String(a)}\n${usage()}`);
  }
  if (o.only !== undefined) {
    const known = new Set(CASES.flatMap((c) => [c.id, c.group]));
    const bad = o.only.filter((n) => !known.has(n));
    if (bad.length > 0) throw new RangeError(`--only: unknown benchmark ${bad.join(', ')}\n${usage()}`);
  }
  return o;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function cpuModel(): string {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // not Linux: fall through
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Child environment: the thread count set explicitly for every pool; OPENBLAS_CORETYPE/L2_SIZE untouched. */
function childEnv(threads: number, ompWaitPolicy: string | undefined): NodeJS.ProcessEnv {
  const n = String(threads);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: n,
    OPENBLAS_NUM_THREADS: n,
    MKL_NUM_THREADS: n,
    CLAB_THREADS: n,
  };
  // The user's OpenMP wait settings, not the ones this process's engine chose for itself.
  for (const [k, v] of Object.entries(OMP_ENV_FROM_USER)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (ompWaitPolicy !== undefined) env['OMP_WAIT_POLICY'] = ompWaitPolicy;
  return env;
}

function runChild(cmd: string, args: string[], threads: number, ompWaitPolicy: string | undefined): Side {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env: childEnv(threads, ompWaitPolicy),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const last = r.stdout
    ?.trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (r.status !== 0 || last === undefined) {
    const why = r.error?.message ?? (r.signal !== null ? `killed by ${r.signal}` : `exit ${String(r.status)}`);
    const tail = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { error: `${why}${tail ? `: ${tail}` : ''}` };
  }
  // The child's JSON line: every field of Measured but the statistics computed here.
  const j = JSON.parse(last) as Omit<Measured, 'median' | 'min' | 'max'>;
  return { ...j, median: median(j.times), min: Math.min(...j.times), max: Math.max(...j.times) };
}

function pytorchVersion(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const isMeasured = (s: Side | undefined): s is Measured => s !== undefined && !('error' in s) && !('skipped' in s);

function fmtTime(s: number): string {
  if (s >= 10) return `${s.toFixed(1)} s`;
  if (s >= 1) return `${s.toFixed(2)} s`;
  const ms = s * 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function fmtSide(s: Side | undefined): string {
  if (s === undefined) return '-';
  if ('skipped' in s) return 'not run';
  if (!isMeasured(s)) return 'FAILED';
  const spread = s.reps > 1 ? ` [${fmtTime(s.min)}–${fmtTime(s.max)}]` : ' [1 rep]';
  return `${fmtTime(s.median)}${spread}`;
}

const mb = (kb: number): string => `${Math.round(kb / 1024)} MB`;
const fmtMem = (s: Side | undefined): string =>
  isMeasured(s) ? `${mb(s.maxRssKb)} (base ${mb(s.baselineRssKb)})` : '-';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]): string =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join('\n');
}

function printResults(run: RunFile): void {
  const rows = [
    [
      'benchmark',
      'clab median [min–max]',
      'PyTorch median [min–max]',
      'clab/PyTorch',
      'clab peak RSS',
      'PyTorch peak RSS',
      'reps (warm-up)',
    ],
  ];
  for (const r of run.results) {
    if (r.skipped !== undefined) {
      rows.push([r.id, 'skipped', 'skipped', '-', '-', '-', '-']);
      continue;
    }
    const m = isMeasured(r.clab) ? r.clab : isMeasured(r.pytorch) ? r.pytorch : undefined;
    rows.push([
      label(r.id, r.n),
      fmtSide(r.clab),
      fmtSide(r.pytorch),
      r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '-',
      fmtMem(r.clab),
      fmtMem(r.pytorch),
      m !== undefined ? `${m.reps} (${m.warmup})` : '-',
    ]);
  }
  console.log(table(rows));
  for (const r of run.results) {
    if (r.skipped !== undefined) console.log(`  ${r.id}: skipped: ${r.skipped}`);
    for (const [name, s] of [
      ['clab', r.clab],
      ['PyTorch', r.pytorch],
    ] as const) {
      if (s !== undefined && 'skipped' in s) console.log(`  ${r.id} ${name}: ${s.skipped}`);
      else if (s !== undefined && 'error' in s) console.log(`  ${r.id} ${name} failed: ${s.error}`);
    }
  }
}

/** Case id, with the size override when one was used (e.g. `vmf-sample/k=3 (n=100000, --quick)`). */
const label = (id: string, n: number | undefined): string => (n === undefined ? id : `${id} (n=${n}, --quick)`);

function pct(now: number, before: number): string {
  const d = (now / before - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

function printCompare(run: RunFile, file: string): void {
  const before = JSON.parse(fs.readFileSync(file, 'utf8')) as RunFile;
  console.log(`\nChange against ${file} (${before.date}, ${before.threads} threads, ${before.cpu}):`);
  const rows = [
    ['benchmark', 'clab before → now', 'Δ clab', 'PyTorch before → now', 'Δ PyTorch', 'ratio before → now'],
  ];
  for (const r of run.results) {
    const b = before.results.find((x) => x.id === r.id);
    if (b === undefined || r.skipped !== undefined) continue;
    if (b.n !== r.n) {
      rows.push([
        label(r.id, r.n),
        `size differs from the earlier run (${label(b.id, b.n)}): not compared`,
        '',
        '',
        '',
        '',
      ]);
      continue;
    }
    const side = (x: Side | undefined, y: Side | undefined): [string, string] =>
      isMeasured(x) && isMeasured(y)
        ? [`${fmtTime(x.median)} → ${fmtTime(y.median)}`, pct(y.median, x.median)]
        : ['-', '-'];
    const [c, dc] = side(b.clab, r.clab);
    const [p, dp] = side(b.pytorch, r.pytorch);
    const ratio =
      b.ratio !== undefined && r.ratio !== undefined ? `${b.ratio.toFixed(2)}× → ${r.ratio.toFixed(2)}×` : '-';
    rows.push([r.id, c, dc, p, dp, ratio]);
  }
  console.log(rows.length > 1 ? table(rows) : '(no benchmark in common)');
  if (before.threads !== run.threads || before.cpu !== run.cpu)
    console.log('note: thread count or CPU differs between the two runs');
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(ONE_JS))
    throw new Error(`${ONE_JS} is missing: build first (make bench, or node_modules/.bin/tsc -p tsconfig.json)`);
  const selected = CASES.filter((c) => o.only === undefined || o.only.includes(c.id) || o.only.includes(c.group));
  const env = {
    OPENBLAS_CORETYPE: process.env['OPENBLAS_CORETYPE'] ?? null,
    OPENBLAS_L2_SIZE: process.env['OPENBLAS_L2_SIZE'] ?? null,
    OMP_WAIT_POLICY: o.ompWaitPolicy ?? null,
    OMP_WAIT_POLICY_PYTORCH: o.pytorchOmpWaitPolicy ?? o.ompWaitPolicy ?? null,
    GOMP_SPINCOUNT: OMP_ENV_FROM_USER.GOMP_SPINCOUNT ?? null,
  };
  const run: RunFile = {
    date: new Date().toISOString(),
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    threads: o.threads,
    threadsSource: o.threadsSource,
    quick: o.quick,
    env,
    node: process.version,
    pytorch: pytorchVersion(),
    loadavg: { before: os.loadavg()[0] ?? 0 },
    results: [],
  };
  console.log(`clab bench — ${run.date}`);
  console.log(
    `CPU: ${run.cpu}, ${run.cores} cores; Node ${run.node}; PyTorch ${run.pytorch ?? 'NOT FOUND at ' + PYTHON}`,
  );
  console.log(
    `threads: ${o.threads} (${o.threadsSource}), set in both: clab setNumThreads(${o.threads}), torch.set_num_threads(${o.threads}); ` +
      `children also get OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=${o.threads}`,
  );
  console.log(
    `environment (left as found): OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE ?? '(unset)'} OPENBLAS_L2_SIZE=${env.OPENBLAS_L2_SIZE ?? '(unset)'}`,
  );
  console.log(
    `OpenMP wait: clab ${env.OMP_WAIT_POLICY ?? 'its default (a bounded spin with oneDNN GEMMs, see src/torch/native.ts)'}; ` +
      `PyTorch ${env.OMP_WAIT_POLICY_PYTORCH ?? "libgomp's default (spinning)"}` +
      (env.GOMP_SPINCOUNT !== null ? `; GOMP_SPINCOUNT=${env.GOMP_SPINCOUNT} for both` : ''),
  );
  const busy = `load average ${run.loadavg.before.toFixed(2)} at start`;
  console.log(
    run.loadavg.before > 0.5
      ? `WARNING: ${busy} — the machine is not quiet; timings will be noisy and the ratios unreliable`
      : busy,
  );
  console.log(
    `repetitions: ${o.quick ? '--quick' : 'full'}; ratio = clab median / PyTorch median (< 1: clab faster); peak = process RSS high-water mark of a fresh process per case (base: after loading the engine, before the case)`,
  );
  console.log('');
  for (const c of selected) {
    if (c.skipped !== undefined) {
      console.log(`${c.id}: skipped: ${c.skipped}`);
      run.results.push({ id: c.id, group: c.group, what: c.what, skipped: c.skipped });
      continue;
    }
    const reps: Reps = o.quick ? c.quick : c.reps;
    const n = o.quick ? c.quickN : undefined;
    const repArgs = ['--threads', String(o.threads), '--warmup', String(reps.warmup), '--reps', String(reps.reps)];
    if (n !== undefined) repArgs.push('--n', String(n));
    process.stdout.write(`${label(c.id, n)}: clab … `);
    const clab = runChild(process.execPath, [ONE_JS, c.id, ...repArgs], o.threads, o.ompWaitPolicy);
    process.stdout.write(`${fmtSide(clab)}; PyTorch … `);
    const pytorch: Side =
      c.pytorchSkipped !== undefined
        ? { skipped: c.pytorchSkipped }
        : runChild(PYTHON, [REFERENCE_PY, c.id, ...repArgs], o.threads, o.pytorchOmpWaitPolicy ?? o.ompWaitPolicy);
    const ratio = isMeasured(clab) && isMeasured(pytorch) ? clab.median / pytorch.median : undefined;
    console.log(`${fmtSide(pytorch)}${ratio !== undefined ? `; ratio ${ratio.toFixed(2)}×` : ''}`);
    const result: CaseResult = { id: c.id, group: c.group, what: c.what, clab, pytorch };
    if (n !== undefined) result.n = n;
    if (ratio !== undefined) result.ratio = ratio;
    run.results.push(result);
  }
  run.loadavg.after = os.loadavg()[0] ?? 0;
  console.log('');
  printResults(run);
  console.log('');
  for (const c of selected) console.log(`  ${c.id}: ${c.what}`);
  console.log(
    `\nload average: ${run.loadavg.before.toFixed(2)} at start, ${run.loadavg.after.toFixed(2)} at end (this run's own children add up to ${o.threads})`,
  );
  if (o.save) {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${run.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
    fs.writeFileSync(file, JSON.stringify(run, null, 2) + '\n');
    console.log(`\nresults written to ${path.relative(process.cwd(), file) || file}`);
  }
  if (o.compare !== undefined) printCompare(run, o.compare);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
