// Loads the PyTorch parity fixtures (computed on first use by test/fixtures/make_fixtures.py with
// Debian's python3-torch, cached under build/fixtures/) and compares engine results with them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, Tensor } from '../../src/torch/index.js';

/** A tensor as stored in the fixtures: flat row-major data. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: number[];
}

/** A PyTorch state dict (parameters and buffers by key). */
export type FixtureState = Record<string, FixtureTensor>;

export interface MlpFixture {
  config: {
    inDim: number;
    hidden: number[];
    outDim: number;
    batchNorm: boolean;
    activation: string;
    batch: number;
    initSeed: number;
  };
  init: FixtureState;
  input: FixtureTensor;
  lossWeight: FixtureTensor;
  output: FixtureTensor;
  loss: number;
  grads: FixtureState;
  stateAfterForward: FixtureState;
  evalOutput: FixtureTensor;
}

export interface OptimRunFixture {
  kind: 'adam' | 'adamw' | 'sgd';
  /** Constructor options with clab's names (lr, betas, weightDecay, momentum, …). */
  options: Record<string, number | boolean | number[]>;
  losses: number[];
  stateAfter: FixtureState;
}

export interface OptimFixture {
  steps: number;
  loss: string;
  target: FixtureTensor;
  runs: Record<string, OptimRunFixture>;
}

export interface InfoNceFixture {
  tau: number;
  anchors: FixtureTensor;
  positives: FixtureTensor;
  negatives: FixtureTensor;
  loss: number;
  perAnchor: FixtureTensor;
  gradAnchors: FixtureTensor;
  gradPositives: FixtureTensor;
  gradNegatives: FixtureTensor;
}

export interface NtXentFixture {
  tau: number;
  batch: number;
  view1: FixtureTensor;
  view2: FixtureTensor;
  loss: number;
  /** 2B values: view1's anchors, then view2's. */
  perAnchor: FixtureTensor;
  gradView1: FixtureTensor;
  gradView2: FixtureTensor;
}

export interface ParityFixtures {
  meta: { generator: string; torch: string; dtype: string; threads: number };
  mlp: MlpFixture;
  optim: OptimFixture;
  infonce: InfoNceFixture;
  ntxent: NtXentFixture;
}

// The fixtures are computed by PyTorch on this machine, not committed: the Adam runs step biases whose
// gradient is float32 rounding noise (see test/optim/parity.test.ts), and that noise depends on which
// OpenBLAS kernel the CPU selects (an AMD EPYC and an Intel Xeon give Adam biases 0.03 apart in
// PyTorch itself). Generating them here keeps the comparison "clab vs PyTorch on the same machine".
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(REPO, 'test/fixtures/make_fixtures.py');
const PYTHON = '/usr/bin/python3';

/** What the fixtures depend on: the script and the CPU (model and instruction-set flags). */
function fixtureKey(): string {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpu = cpuinfo
    .split('\n')
    .filter((l) => /^(model name|flags)\s*:/.test(l))
    .slice(0, 2)
    .join('\n');
  return createHash('sha256').update(fs.readFileSync(SCRIPT)).update(cpu).digest('hex').slice(0, 16);
}

function fixturePath(): string {
  const file = path.join(REPO, 'build/fixtures', fixtureKey(), 'parity.json');
  if (fs.existsSync(file)) return file;
  // Test files run in parallel processes: each writes into its own folder and renames it into place.
  fs.mkdirSync(path.join(REPO, 'build/fixtures'), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(REPO, 'build/fixtures/.tmp-'));
  try {
    execFileSync(PYTHON, [SCRIPT, tmp], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.renameSync(path.join(tmp, 'parity.json'), file);
  } catch (err) {
    throw new Error(
      `could not compute the PyTorch parity fixtures with ${PYTHON} ${SCRIPT} (python3-torch; make test installs it): ${String(err)}`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return file;
}

let cached: ParityFixtures | undefined;

/** The parsed parity fixtures (read once per process). */
export function parityFixtures(): ParityFixtures {
  cached ??= JSON.parse(fs.readFileSync(fixturePath(), 'utf8')) as ParityFixtures;
  return cached;
}

/** A new engine tensor holding a fixture tensor (float32 values are exact). */
export function toTensor(f: FixtureTensor): Tensor {
  return tensor(f.data, f.shape, f.dtype);
}

/** A state dict (Map) of new tensors, for Module.loadStateDict. */
export function toStateDict(state: FixtureState): Map<string, Tensor> {
  return new Map(Object.entries(state).map(([k, v]) => [k, toTensor(v)]));
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise (defaults: atol 1e-5, rtol 0),
 * and equal shapes when both sides have one. The message names the label, the worst index and values.
 */
export function assertClose(
  actual: Tensor | ArrayLike<number> | number,
  expected: FixtureTensor | Tensor | ArrayLike<number> | number,
  options: { atol?: number; rtol?: number; label?: string } = {},
): void {
  const { atol = 1e-5, rtol = 0, label = 'value' } = options;
  const shapeOf = (x: unknown): number[] | undefined =>
    x instanceof Tensor
      ? x.shape
      : typeof x === 'object' && x !== null && 'shape' in x
        ? (x as FixtureTensor).shape
        : undefined;
  const values = (x: Tensor | FixtureTensor | ArrayLike<number> | number): ArrayLike<number> =>
    typeof x === 'number'
      ? [x]
      : x instanceof Tensor
        ? x.toFloat64Array()
        : 'data' in x
          ? // The decimals in the file stand for float32 values: round them as the engine does.
            x.dtype === 'float32'
            ? Float32Array.from(x.data)
            : x.data
          : x;
  const [sa, se] = [shapeOf(actual), shapeOf(expected)];
  if (sa !== undefined && se !== undefined) assert.deepEqual(sa, se, `${label}: shape`);
  const a = values(actual);
  const e = values(expected);
  assert.equal(a.length, e.length, `${label}: length`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i]! - e[i]!) - (atol + rtol * Math.abs(e[i]!));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0)
    assert.fail(
      `${label}: index ${worst}: ${a[worst]} vs expected ${e[worst]} (|diff| ${Math.abs(a[worst]! - e[worst]!)} > atol ${atol} + rtol ${rtol}·|expected|)`,
    );
}
