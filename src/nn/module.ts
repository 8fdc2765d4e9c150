// The Module base class: a tree of modules owning parameters (trainable leaf tensors) and
// buffers (state such as BatchNorm's running statistics). Registration is explicit, so the order
// of parameters and the names in a state dict are deterministic and identical to PyTorch's
// (`0.weight`, `1.running_mean`, `encoder.layers.3.bias`, …).
import { keep, noGrad, scope, type Tensor } from '../torch/index.js';

/** What `loadStateDict` reports when it does not throw (non-strict loading). */
export interface LoadStateDictResult {
  /** Entries of the module that the state dict did not provide (left unchanged). */
  missingKeys: string[];
  /** Entries of the state dict that the module does not have (ignored). */
  unexpectedKeys: string[];
}

const FLOAT_DTYPES = new Set(['float32', 'float64']);

function checkName(kind: string, name: string): void {
  if (name === '' || name.includes('.'))
    throw new TypeError(`${kind} name must be a non-empty string without '.', got '${name}'`);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Base class of every layer and model. A subclass registers its parts in its constructor and
 * implements `forward`:
 *
 * - `registerParameter(name, t)`: a trainable tensor. It becomes a leaf with `requiresGrad`, and is
 *   taken out of any enclosing `scope()` so it lives as long as the module (until `dispose()`).
 * - `registerBuffer(name, t)`: non-trainable state saved in the state dict (running statistics).
 * - `registerModule(name, m)`: a child module; its entries appear under `name.` in dotted names.
 *
 * Names, order and contents of `namedParameters()` and `stateDict()` follow PyTorch's
 * `named_parameters()` and `state_dict()`: a module's own parameters, then its own buffers, then
 * its children in registration order, depth first.
 *
 * @example
 * class Affine extends Module {
 *   readonly scale: Tensor;
 *   constructor(dim: number) {
 *     super();
 *     this.scale = this.registerParameter('scale', ones([dim]));
 *   }
 *   forward(x: Tensor): Tensor {                 // x: [N, dim] -> [N, dim]
 *     return x.mul(this.scale);
 *   }
 * }
 * const m = new Affine(3);
 * m.namedParameters();                           // [['scale', Tensor([3])]]
 */
export abstract class Module {
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  readonly #modules = new Map<string, Module>();
  #training = true;

  /** The module's computation. Shapes are documented by each subclass. */
  abstract forward(x: Tensor): Tensor;

  // --- registration ---------------------------------------------------------------------------

  #checkFree(kind: string, name: string): void {
    checkName(kind, name);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#modules.has(name))
      throw new Error(
        `${this.constructor.name}: cannot register ${kind.toLowerCase()} '${name}': the name is already taken`,
      );
  }

  /**
   * Registers a trainable parameter and returns it. The tensor must be a floating-point leaf; it is
   * switched to `requiresGrad` and kept out of any enclosing scope (the module owns it).
   */
  registerParameter(name: string, t: Tensor): Tensor {
    this.#checkFree('Parameter', name);
    if (!FLOAT_DTYPES.has(t.dtype))
      throw new TypeError(`${this.constructor.name}: parameter '${name}' must be float32 or float64, got ${t.dtype}`);
    if (!t.isLeaf)
      throw new TypeError(
        `${this.constructor.name}: parameter '${name}' must be a leaf tensor (pass t.detach() to cut it from the graph)`,
      );
    keep(t);
    if (!t.requiresGrad) t.requiresGrad_(true);
    this.#parameters.set(name, t);
    return t;
  }

  /**
   * Registers a buffer (state that is not trained) and returns it. Persistent buffers (the default)
   * are part of the state dict, like PyTorch's `register_buffer(name, t, persistent=True)`.
   */
  registerBuffer(name: string, t: Tensor, options: { persistent?: boolean } = {}): Tensor {
    this.#checkFree('Buffer', name);
    keep(t);
    this.#buffers.set(name, { tensor: t, persistent: options.persistent ?? true });
    return t;
  }

  /** Registers a child module and returns it. */
  registerModule<M extends Module>(name: string, m: M): M {
    this.#checkFree('Module', name);
    if (m === (this as Module)) throw new Error(`${this.constructor.name}: a module cannot be its own child`);
    this.#modules.set(name, m);
    return m;
  }

  // --- traversal ------------------------------------------------------------------------------

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    return [...this.#modules.entries()];
  }

  children(): Module[] {
    return [...this.#modules.values()];
  }

  /** This module and all its descendants, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.#modules) visit(sub, name === '' ? child : `${name}.${child}`);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Own parameters first, then the children's, with dotted names; a shared tensor is listed once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.#parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix === '' ? name : `${prefix}.${name}`, p]);
      }
    }
    return out;
  }

  /** The trainable tensors (the live ones, not copies), in `namedParameters()` order. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** All buffers (persistent or not), with dotted names. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.#buffers) {
        if (seen.has(b.tensor)) continue;
        seen.add(b.tensor);
        out.push([prefix === '' ? name : `${prefix}.${name}`, b.tensor]);
      }
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Total number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  // --- modes ----------------------------------------------------------------------------------

  /** True in training mode (the default), false after `eval()`. */
  get training(): boolean {
    return this.#training;
  }

  /** Sets training mode on this module and every descendant (BatchNorm, Dropout depend on it). */
  train(mode = true): this {
    for (const m of this.modules()) m.#training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  // --- state ----------------------------------------------------------------------------------

  /** Live (name, tensor) pairs of the state dict, in PyTorch's order; shared tensors repeat. */
  #stateEntries(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const visit = (m: Module, prefix: string): void => {
      for (const [name, p] of m.#parameters) out.push([prefix + name, p]);
      for (const [name, b] of m.#buffers) if (b.persistent) out.push([prefix + name, b.tensor]);
      for (const [name, sub] of m.#modules) visit(sub, `${prefix}${name}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Parameters and persistent buffers by PyTorch state-dict key (e.g. `1.running_mean`,
   * `1.num_batches_tracked` as an int64 0-d tensor).
   *
   * Unlike PyTorch, whose state dict aliases the live tensors, the values are detached copies owned
   * by the caller (dispose them, or call inside `scope()`): a snapshot cannot be changed by later
   * training steps, and disposing it cannot break the module.
   */
  stateDict(): Map<string, Tensor> {
    return noGrad(() =>
      scope(() => {
        const out = new Map<string, Tensor>();
        for (const [name, t] of this.#stateEntries()) out.set(name, t.detach().clone());
        return out;
      }),
    );
  }

  /**
   * Copies values into the module's parameters and buffers in place (dtype is converted as
   * `copy_` does). Everything is checked before anything is copied, so a failed load leaves the
   * module unchanged. A shape mismatch always throws; with `strict` (the default), so do missing and
   * unexpected keys. The error message names every offending key.
   */
  loadStateDict(
    state: Map<string, Tensor> | Record<string, Tensor>,
    options: { strict?: boolean } = {},
  ): LoadStateDictResult {
    const strict = options.strict ?? true;
    const source = state instanceof Map ? state : new Map(Object.entries(state));
    const entries = this.#stateEntries();
    const own = new Set(entries.map(([name]) => name));
    const missingKeys = entries.map(([name]) => name).filter((name) => !source.has(name));
    const unexpectedKeys = [...source.keys()].filter((name) => !own.has(name));
    const problems: string[] = [];
    for (const [name, t] of entries) {
      const src = source.get(name);
      if (src === undefined) continue;
      const [a, b] = [src.shape, t.shape];
      if (a.length !== b.length || a.some((d, i) => d !== b[i]))
        problems.push(
          `size mismatch for ${name}: the state dict has shape ${shapeText(a)}, the module has ${shapeText(b)}`,
        );
    }
    if (strict && missingKeys.length > 0) problems.unshift(`missing key(s): ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length > 0) problems.unshift(`unexpected key(s): ${unexpectedKeys.join(', ')}`);
    if (problems.length > 0)
      throw new Error(`loadStateDict() for ${this.typeName} failed:\n  ${problems.join('\n  ')}`);
    noGrad(() => {
      for (const [name, t] of entries) {
        const src = source.get(name);
        if (src !== undefined) t.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Frees the parameters, buffers and children. The module cannot be used afterwards. */
  dispose(): void {
    for (const m of this.modules()) {
      for (const p of m.#parameters.values()) p.dispose();
      for (const b of m.#buffers.values()) b.tensor.dispose();
    }
  }

  // --- printing -------------------------------------------------------------------------------

  /** The name printed by toString() and in state-dict errors (PyTorch's class name); the class name by default. */
  get typeName(): string {
    return this.constructor.name;
  }

  /** The text inside the parentheses of this module's summary line (like PyTorch's extra_repr). */
  extraRepr(): string {
    return '';
  }

  /** A PyTorch-style summary of the module tree. */
  toString(): string {
    const head = `${this.typeName}(${this.extraRepr()}`;
    if (this.#modules.size === 0) return `${head})`;
    const lines = [...this.#modules].map(([name, m]) => `  (${name}): ${m.toString().replaceAll('\n', '\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
