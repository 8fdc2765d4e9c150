// The Optimizer contract and the machinery shared by SGD, Adam and AdamW: parameter groups,
// per-parameter state, a leak-free no-grad step, and state dicts for bit-exact resumption.
import { keep, noGrad, scope, type Tensor } from '../torch/index.js';

/** A hyper-parameter value: JSON-serialisable, so a state dict's groups can go in a checkpoint. */
export type HyperValue = number | boolean | null | number[];

/** Hyper-parameters of one parameter group; every optimizer has a learning rate. */
export type HyperParams = { lr: number } & { [name: string]: HyperValue };

/** One parameter with a gradient in a step, and its persistent state (see BaseOptimizer.updateGroup). */
export interface GroupItem {
  param: Tensor;
  grad: Tensor;
  state: Map<string, Tensor>;
}

/** A group of parameters sharing hyper-parameters. */
export type ParamGroup<H extends HyperParams = HyperParams> = H & { params: Tensor[] };

/** Any optimizer's parameter group, as the Optimizer interface exposes it. */
export interface AnyParamGroup {
  params: Tensor[];
  lr: number;
  [name: string]: unknown;
}

/** A group as passed to a constructor: hyper-parameters not given take the optimizer's defaults. */
export type ParamGroupInput<H extends HyperParams = HyperParams> = Partial<H> & { params: Tensor[] };

/**
 * A snapshot of an optimizer, enough to resume a run bit-exactly.
 *
 * - `state`: per-parameter tensors keyed `${index}.${name}`, where index counts the parameters
 *   across all groups in order (PyTorch's numbering) and names are PyTorch's (`step`, `exp_avg`,
 *   `exp_avg_sq`, `max_exp_avg_sq`, `momentum_buffer`). Copies owned by the caller.
 * - `paramGroups`: each group's hyper-parameters and the indices of its parameters.
 */
export interface OptimizerStateDict {
  state: Map<string, Tensor>;
  paramGroups: ({ params: number[] } & { [name: string]: HyperValue })[];
}

/**
 * What every optimizer offers.
 *
 * @example
 * const opt = new Adam(net.parameters(), { lr: 1e-3 });
 * for (let it = 0; it < iterations; it++) {
 *   scope(() => {
 *     opt.zeroGrad();
 *     loss(net.forward(x)).backward();
 *     opt.step();
 *   });
 * }
 */
export interface Optimizer {
  readonly paramGroups: readonly AnyParamGroup[];
  /** The learning rate of the first group; setting it sets every group's. */
  lr: number;
  /** Updates every parameter that has a gradient (under no-grad, in place, freeing its temporaries). */
  step(): void;
  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void;
  stateDict(): OptimizerStateDict;
  /** Restores hyper-parameters and state from a snapshot of an optimizer over the same parameters. */
  loadStateDict(state: OptimizerStateDict): void;
  /** Frees the optimizer's state tensors (not the parameters). */
  dispose(): void;
}

/** Shape of each state entry: like its parameter, or a 0-d scalar (step counts). */
export type StateLayout = Record<string, 'param' | 'scalar'>;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function copyHyper(v: HyperValue): HyperValue {
  return Array.isArray(v) ? [...v] : v;
}

/**
 * The defaults overridden by the options actually given (an explicit `undefined` keeps the
 * default). Unknown option names throw, listing the valid ones.
 */
export function withDefaults<H extends HyperParams>(name: string, defaults: H, options: object): H {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(options)) {
    if (!(k in defaults))
      throw new TypeError(`${name}: unknown option '${k}'; valid: ${Object.keys(defaults).join(', ')}`);
    if (v !== undefined) out[k] = v;
  }
  return out as H;
}

/** Throws unless x is a finite number ≥ 0; the message names the optimizer and the argument. */
export function checkNonNegative(optimizer: string, what: string, x: unknown): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
    throw new RangeError(`${optimizer}: invalid ${what}: ${String(x)} (must be a finite number >= 0)`);
}

/**
 * Base class of the optimizers. A subclass provides its defaults, a check of its hyper-parameters,
 * the layout of its per-parameter state and `updateParam`, the update of one parameter (and may
 * provide `updateGroup`, the same update for a whole group at once). `step()` runs them for every
 * parameter with a gradient inside noGrad and scope, so temporaries are freed and only the state
 * tensors (kept) survive.
 */
export abstract class BaseOptimizer<H extends HyperParams> implements Optimizer {
  readonly paramGroups: ParamGroup<H>[];
  readonly #state = new Map<Tensor, Map<string, Tensor>>();
  readonly #name: string;
  readonly #check: (h: H) => void;
  readonly #layout: StateLayout;

  protected constructor(
    name: string,
    params: readonly Tensor[] | readonly ParamGroupInput<H>[],
    defaults: H,
    check: (h: H) => void,
    layout: StateLayout,
  ) {
    this.#name = name;
    this.#check = check;
    this.#layout = layout;
    if (!Array.isArray(params) || params.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    const groups: readonly ParamGroupInput<H>[] = params.every((p) => 'params' in p)
      ? (params as readonly ParamGroupInput<H>[])
      : [{ params: params as Tensor[] } as ParamGroupInput<H>];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      if (!Array.isArray(g.params) || g.params.length === 0)
        throw new RangeError(`${name}: parameter group ${gi} has no parameters`);
      for (const p of g.params) {
        if (seen.has(p)) throw new Error(`${name}: a parameter appears more than once (group ${gi})`);
        seen.add(p);
        if (!p.isLeaf) throw new TypeError(`${name}: can't optimize a non-leaf tensor (group ${gi})`);
        if (p.dtype !== 'float32' && p.dtype !== 'float64')
          throw new TypeError(`${name}: parameters must be float32 or float64, got ${p.dtype}`);
      }
      const unknown = Object.keys(g).filter((k) => k !== 'params' && !(k in defaults));
      if (unknown.length > 0)
        throw new TypeError(
          `${name}: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')} in parameter group ${gi}; valid: ${Object.keys(defaults).join(', ')}`,
        );
      const group: Record<string, HyperValue | Tensor[]> = { params: [...g.params] };
      for (const [k, v] of Object.entries(defaults)) {
        const given = (g as Record<string, HyperValue | undefined>)[k];
        group[k] = copyHyper(given === undefined ? (v as HyperValue) : given);
      }
      check(group as ParamGroup<H>);
      return group as ParamGroup<H>;
    });
  }

  /** Updates one parameter in place from its gradient; `state` starts empty and persists across steps. */
  protected abstract updateParam(param: Tensor, grad: Tensor, state: Map<string, Tensor>, group: H): void;

  /**
   * Optional multi-tensor update of all of a group's parameters that have gradients (one engine
   * call per operation for the whole group, as torch's foreach path) with exactly the arithmetic
   * of updateParam. Returns false when it does not apply; step() then calls updateParam per parameter.
   */
  protected updateGroup(_items: GroupItem[], _group: H): boolean {
    return false;
  }

  /**
   * Whether step() may use updateGroup (default true). The two paths give bit-identical
   * parameters and state; false forces the per-parameter path (the tests compare them).
   */
  multiTensor = true;

  get lr(): number {
    return this.paramGroups[0]!.lr;
  }

  set lr(value: number) {
    checkNonNegative(this.#name, 'learning rate', value);
    for (const g of this.paramGroups) g.lr = value;
  }

  step(): void {
    noGrad(() =>
      scope(() => {
        for (const group of this.paramGroups) {
          const items: GroupItem[] = [];
          for (const param of group.params) {
            const grad = param.grad;
            if (grad === undefined) continue;
            items.push({ param, grad, state: this.#stateOf(param) });
          }
          if (items.length === 0) continue;
          if (!(this.multiTensor && this.updateGroup(items, group)))
            for (const { param, grad, state } of items) this.updateParam(param, grad, state, group);
          // State tensors created in this step outlive the step's scope.
          for (const { state } of items) for (const t of state.values()) keep(t);
        }
      }),
    );
  }

  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  /** The state of `param`, created empty on first use. */
  #stateOf(param: Tensor): Map<string, Tensor> {
    let state = this.#state.get(param);
    if (state === undefined) {
      state = new Map();
      this.#state.set(param, state);
    }
    return state;
  }

  #allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  stateDict(): OptimizerStateDict {
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const entry: { params: number[] } & { [name: string]: HyperValue } = { params: [] };
      for (const [k, v] of Object.entries(g)) if (k !== 'params') entry[k] = copyHyper(v as HyperValue);
      entry.params = g.params.map(() => index++);
      return entry;
    });
    const state = noGrad(() =>
      scope(() => {
        const out = new Map<string, Tensor>();
        this.#allParams().forEach((p, i) => {
          for (const [name, t] of this.#state.get(p) ?? []) out.set(`${i}.${name}`, t.clone());
        });
        return out;
      }),
    );
    return { state, paramGroups };
  }

  loadStateDict(sd: OptimizerStateDict): void {
    // Check everything first: a failed load leaves the optimizer as it was.
    const groups = this.#checkedGroups(sd.paramGroups);
    const parsed = this.#parsedState(sd.state);
    this.#applyState(groups, parsed);
  }

  /** An error of loadStateDict, named after the optimizer. */
  #loadError(message: string): Error {
    return new Error(`${this.#name}.loadStateDict(): ${message}`);
  }

  /** Each group's saved hyper-parameters, copied and checked; throws unless they match the optimizer's groups. */
  #checkedGroups(saved: OptimizerStateDict['paramGroups']): H[] {
    if (saved.length !== this.paramGroups.length)
      throw this.#loadError(
        `the state dict has ${saved.length} parameter group(s), the optimizer has ${this.paramGroups.length}`,
      );
    return this.paramGroups.map((g, gi) => this.#checkedGroup(g, saved[gi]!, gi));
  }

  /** Group gi's saved hyper-parameters, copied and checked; throws unless they fit the group `g`. */
  #checkedGroup(g: ParamGroup<H>, saved: OptimizerStateDict['paramGroups'][number], gi: number): H {
    if (saved.params.length !== g.params.length)
      throw this.#loadError(
        `parameter group ${gi} has ${saved.params.length} parameter(s) in the state dict, ${g.params.length} in the optimizer`,
      );
    const keys = Object.keys(g).filter((k) => k !== 'params');
    const savedKeys = Object.keys(saved).filter((k) => k !== 'params');
    const missing = keys.filter((k) => !(k in saved));
    const unexpected = savedKeys.filter((k) => !keys.includes(k));
    if (missing.length > 0 || unexpected.length > 0)
      throw this.#loadError(
        `parameter group ${gi} hyper-parameters do not match` +
          (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
          (unexpected.length > 0 ? `; unexpected: ${unexpected.join(', ')}` : ''),
      );
    const hyper = Object.fromEntries(keys.map((k) => [k, copyHyper(saved[k] as HyperValue)])) as H;
    this.#check(hyper);
    return hyper;
  }

  /** Every saved state tensor as [parameter, entry name, tensor]; throws on a key, name or shape that doesn't fit. */
  #parsedState(state: Map<string, Tensor>): [Tensor, string, Tensor][] {
    const params = this.#allParams();
    return [...state].map(([key, t]) => this.#parsedEntry(params, key, t));
  }

  /** One saved state tensor `key` as [parameter, entry name, tensor]; throws unless it fits. */
  #parsedEntry(params: Tensor[], key: string, t: Tensor): [Tensor, string, Tensor] {
    const m = /^(\d+)\.(.+)$/.exec(key);
    const p = m === null ? undefined : params[Number(m[1])];
    if (m === null || p === undefined)
      throw this.#loadError(`state key '${key}' does not name a parameter index below ${params.length}`);
    const entry = m[2]!;
    const layout = this.#layout[entry];
    if (layout === undefined)
      throw this.#loadError(`unknown state entry '${key}'; valid names: ${Object.keys(this.#layout).join(', ')}`);
    const want = layout === 'param' ? p.shape : [];
    if (!sameShape(t.shape, want))
      throw this.#loadError(
        `size mismatch for '${key}': the state dict has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`,
      );
    return [p, entry, t];
  }

  /** Replaces the groups' hyper-parameters and all state with checked ones (own copies of the tensors). */
  #applyState(groups: H[], parsed: [Tensor, string, Tensor][]): void {
    this.paramGroups.forEach((g, gi) => Object.assign(g, groups[gi]));
    this.dispose();
    noGrad(() => {
      for (const [p, entry, t] of parsed) {
        // Own copies (never aliases of the caller's tensors): moment buffers in the parameter's
        // dtype, step counts float32 as in PyTorch.
        const dtype = this.#layout[entry] === 'param' ? p.dtype : 'float32';
        this.#stateOf(p).set(entry, keep(scope(() => t.to(dtype).clone())));
      }
    });
  }

  dispose(): void {
    for (const state of this.#state.values()) for (const t of state.values()) t.dispose();
    this.#state.clear();
  }
}
