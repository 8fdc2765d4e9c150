// A float64 gradient checker in the manner of torch.autograd.gradcheck: the analytic
// vector-Jacobian products that autograd computes are compared with central finite differences.
//
// For a function f of several float64 tensors, the numerical Jacobian is built column by column,
// J[:, i] ≈ (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps), one column per input element. The analytic
// side is `grad(outputs, inputs, gradOutputs = v)` = Jᵀv, for v the one-hot rows of the Jacobian
// when the output is small (the full Jacobian is then compared) and otherwise for a few random
// Gaussian v (one wrong entry of J shows through every v that is not tiny at its row).
//
// Tolerance: |analytic − numerical| ≤ atol + rtol·|numerical| with eps = 1e-6, atol = 1e-6 and
// rtol = 1e-5. In float64 the central difference errs by ≈ eps²·|f'''|/6 (truncation, ~1e-12) plus
// ≈ 1e-16·|f|/eps (rounding, ~1e-10·|f|), so smooth ops evaluated away from their kinks pass by
// orders of magnitude, while a gradient that is wrong by one part in 10⁴ fails (see the self-test).
import { AssertionError } from 'node:assert';
import { enableGrad, grad, Generator, noGrad, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';

export type GradFn = (...inputs: Tensor[]) => Tensor | Tensor[];

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, times |numerical| (default 1e-5). */
  rtol?: number;
  /** Indices of the inputs to differentiate (default: every float64 input). */
  wrt?: number[];
  /** Outputs with at most this many elements get their full Jacobian checked (default 32). */
  fullJacobianMaxOutputs?: number;
  /** Number of random upstream gradients for larger outputs (default 3). */
  projections?: number;
  /** Seed of the random upstream gradients (default 0). */
  seed?: number;
}

export interface GradcheckMismatch {
  /** Which input (index into the inputs array). */
  input: number;
  /** Row-major element index within that input. */
  element: number;
  /** The upstream gradient: `row j` of the full Jacobian, or `projection p` (random). */
  upstream: string;
  analytic: number;
  numerical: number;
}

export interface GradcheckReport {
  ok: boolean;
  /** Largest |analytic − numerical| over all compared entries. */
  maxAbsError: number;
  /** Largest error as a fraction of its tolerance (≤ 1 passes). */
  worstRatio: number;
  /** The entry with the largest error ratio. */
  worst: GradcheckMismatch | undefined;
  /** How many scalar entries were compared. */
  compared: number;
  /** Whether the full Jacobian was compared (false: random projections). */
  fullJacobian: boolean;
}

function outputsOf(out: Tensor | Tensor[]): Tensor[] {
  const outs = Array.isArray(out) ? out : [out];
  for (const [j, t] of outs.entries()) {
    if (t.dtype !== 'float64')
      throw new TypeError(`gradcheck: output ${j} has dtype ${t.dtype}; every output must be float64`);
  }
  return outs;
}

/** f(inputs) flattened and concatenated over all outputs, without recording a graph. */
function evaluate(fn: GradFn, inputs: Tensor[]): Float64Array {
  return noGrad(() =>
    scope(() => {
      const parts = outputsOf(fn(...inputs)).map((t) => t.toFloat64Array());
      const n = parts.reduce((s, p) => s + p.length, 0);
      const flat = new Float64Array(n);
      let at = 0;
      for (const p of parts) {
        flat.set(p, at);
        at += p.length;
      }
      return flat;
    }),
  );
}

/**
 * Compares autograd's gradients of `fn` at `inputs` with central finite differences and returns
 * the comparison. The inputs are not modified; differentiated inputs must be float64.
 */
export function gradcheckReport(fn: GradFn, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  const wrt = options.wrt ?? inputs.flatMap((t, i) => (t.dtype === 'float64' ? [i] : []));
  if (wrt.length === 0) throw new TypeError('gradcheck: no float64 input to differentiate');
  for (const k of wrt) {
    const t = inputs[k];
    if (t === undefined) throw new RangeError(`gradcheck: wrt index ${k} out of range`);
    if (t.dtype !== 'float64')
      throw new TypeError(`gradcheck: input ${k} has dtype ${t.dtype}; differentiated inputs must be float64`);
  }

  return scope(() => {
    const base = inputs.map((t) => t.detach().contiguous());
    const f0 = evaluate(fn, base);
    const nOut = f0.length;

    // Numerical Jacobian, one column per element of each differentiated input.
    const numCols = new Map<number, Float64Array[]>();
    for (const k of wrt) {
      const x = base[k]!;
      const shape = x.shape;
      const values = x.toFloat64Array();
      const cols: Float64Array[] = [];
      for (let i = 0; i < values.length; i++) {
        const v0 = values[i]!;
        const at = (value: number): Float64Array => {
          values[i] = value;
          const xs = base.slice();
          xs[k] = tensor(values, shape);
          const f = evaluate(fn, xs);
          xs[k].dispose();
          if (f.length !== nOut)
            throw new Error('gradcheck: fn returned a different number of elements on a perturbed input');
          return f;
        };
        const hi = v0 + eps;
        const lo = v0 - eps;
        const plus = at(hi);
        const minus = at(lo);
        values[i] = v0;
        const step = hi - lo; // the step actually taken (2·eps up to rounding of v0 ± eps)
        const col = new Float64Array(nOut);
        for (let j = 0; j < nOut; j++) col[j] = (plus[j]! - minus[j]!) / step;
        cols.push(col);
      }
      numCols.set(k, cols);
    }

    // Analytic side: one graph, many vector-Jacobian products.
    const leaves = base.map((t, i) => (wrt.includes(i) ? t.clone().requiresGrad_() : t));
    const outs = outputsOf(fn(...leaves));
    const sizes = outs.map((t) => t.numel);
    const fg = new Float64Array(nOut);
    {
      let at = 0;
      for (const t of outs) {
        fg.set(t.toFloat64Array(), at);
        at += t.numel;
      }
    }
    for (let j = 0; j < nOut; j++) {
      const a = fg[j]!;
      const b = f0[j]!;
      if (!(Object.is(a, b) || Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b))))
        throw new AssertionError({
          message: `gradcheck: fn gives different values with and without autograd at output element ${j}: ${a} vs ${b}`,
        });
    }
    const live = outs.map((t) => t.requiresGrad);
    const wrtLeaves = wrt.map((k) => leaves[k]!);

    const fullJacobian = nOut <= (options.fullJacobianMaxOutputs ?? 32);
    const upstreams: { label: string; v: Float64Array }[] = [];
    if (fullJacobian) {
      for (let j = 0; j < nOut; j++) {
        const v = new Float64Array(nOut);
        v[j] = 1;
        upstreams.push({ label: `row ${j} of the Jacobian`, v });
      }
    } else {
      const gen = new Generator(options.seed ?? 0);
      for (let p = 0; p < (options.projections ?? 3); p++) {
        upstreams.push({ label: `random projection ${p}`, v: randn([nOut], gen, 'float64').toFloat64Array() });
      }
    }

    let maxAbsError = 0;
    let worstRatio = 0;
    let worst: GradcheckMismatch | undefined;
    let compared = 0;
    for (const { label, v } of upstreams) {
      const analytic = scope(() => {
        let grads: (Tensor | undefined)[] = wrt.map(() => undefined);
        if (live.some((x) => x)) {
          const gradOutputs: Tensor[] = [];
          const liveOuts: Tensor[] = [];
          let at = 0;
          outs.forEach((t, o) => {
            const n = sizes[o]!;
            if (live[o]) {
              liveOuts.push(t);
              gradOutputs.push(tensor(v.slice(at, at + n), t.shape));
            }
            at += n;
          });
          grads = grad(liveOuts, wrtLeaves, { gradOutputs, retainGraph: true, allowUnused: true });
        }
        return grads.map((g, w) => {
          const x = wrtLeaves[w]!;
          if (g === undefined) return new Float64Array(x.numel);
          if (g.dtype !== 'float64')
            throw new AssertionError({ message: `gradcheck: gradient of input ${wrt[w]} has dtype ${g.dtype}` });
          if (g.shape.join(',') !== x.shape.join(','))
            throw new AssertionError({
              message: `gradcheck: gradient of input ${wrt[w]} has shape [${g.shape}] but the input has [${x.shape}]`,
            });
          return g.toFloat64Array();
        });
      });
      wrt.forEach((k, w) => {
        const cols = numCols.get(k)!;
        const a = analytic[w]!;
        for (let i = 0; i < cols.length; i++) {
          const col = cols[i]!;
          let numerical = 0;
          for (let j = 0; j < nOut; j++) numerical += v[j]! * col[j]!;
          const an = a[i]!;
          const err = Math.abs(an - numerical);
          const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(numerical));
          compared++;
          if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? NaN : err;
          if (ratio > worstRatio || worst === undefined) {
            worstRatio = ratio;
            worst = { input: k, element: i, upstream: label, analytic: an, numerical };
          }
        }
      });
    }
    return { ok: worstRatio <= 1, maxAbsError, worstRatio, worst, compared, fullJacobian };
  });
}

/** Throws an AssertionError naming the worst entry unless autograd agrees with finite differences. */
export function gradcheck(fn: GradFn, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const r = gradcheckReport(fn, inputs, options);
  if (!r.ok) {
    const w = r.worst!;
    throw new AssertionError({
      message:
        `gradcheck failed: input ${w.input}, element ${w.element}, ${w.upstream}: ` +
        `analytic ${w.analytic} vs numerical ${w.numerical} (|diff| ${Math.abs(w.analytic - w.numerical)}, ` +
        `${r.worstRatio.toPrecision(3)}× the tolerance)`,
    });
  }
  return r;
}

/**
 * Second-order check: the vector-Jacobian product x ↦ Jᵀv (built with createGraph) is itself
 * gradient-checked, for a fixed random v. Catches wrong double-backward formulas.
 */
export function gradgradcheck(fn: GradFn, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const wrt = options.wrt ?? inputs.flatMap((t, i) => (t.dtype === 'float64' ? [i] : []));
  const shapes = noGrad(() => scope(() => outputsOf(fn(...inputs.map((t) => t.detach()))).map((t) => t.shape)));
  const gen = new Generator((options.seed ?? 0) + 1);
  const vs = shapes.map((s) => randn(s, gen, 'float64'));
  try {
    // On the numerical side the inputs arrive without requiresGrad and under noGrad: make them
    // leaves and record anyway, so that Jᵀv can be formed at every perturbed point.
    const vjp: GradFn = (...xs) =>
      enableGrad(() => {
        const ins = xs.map((x, i) => (wrt.includes(i) && !x.requiresGrad ? x.detach().requiresGrad_() : x));
        const outs = outputsOf(fn(...ins));
        const gs = grad(
          outs,
          wrt.map((k) => ins[k]!),
          { gradOutputs: vs, createGraph: true, allowUnused: true },
        );
        return gs.map((g, w) => g ?? ins[wrt[w]!]!.mul(0));
      });
    return gradcheck(vjp, inputs, { ...options, wrt });
  } finally {
    for (const v of vs) v.dispose();
  }
}
