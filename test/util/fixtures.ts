// Loads the PyTorch parity fixtures (test/fixtures/parity.json, written by make_fixtures.py) and
// compares engine results with them.
import assert from 'node:assert/strict';
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
  config: { inDim: number; hidden: number[]; outDim: number; batchNorm: boolean; activation: string; batch: number; initSeed: number };
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

function fixturePath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled: dist/test/util -> repo/test/fixtures; run from source: test/util -> test/fixtures.
  for (const rel of ['../../../test/fixtures/parity.json', '../fixtures/parity.json']) {
    const candidate = path.resolve(here, rel);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('test/fixtures/parity.json is missing: run `make fixtures` (/usr/bin/python3 test/fixtures/make_fixtures.py)');
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
    x instanceof Tensor ? x.shape : typeof x === 'object' && x !== null && 'shape' in x ? (x as FixtureTensor).shape : undefined;
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
    assert.fail(`${label}: index ${worst}: ${a[worst]} vs expected ${e[worst]} (|diff| ${Math.abs(a[worst]! - e[worst]!)} > atol ${atol} + rtol ${rtol}·|expected|)`);
}
