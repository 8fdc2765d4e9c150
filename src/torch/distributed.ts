// Data-parallel collectives (issue 13): libtorch's c10d ProcessGroupGloo, reached over a TCPStore
// rendezvous with torchrun's conventions (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE): rank 0 serves
// the store, every rank connects to it, then Gloo connects every pair of ranks.
//
// Every call is synchronous: it returns when the collective is done on every rank. The training
// step is synchronous anyway (a rank cannot take its next step before its peers' gradients
// arrive), and the collectives inside a backward pass (the gathered negatives', synchronised
// BatchNorm's) run within autograd's synchronous backward — a promise per collective would buy
// nothing. Instead every call is bounded: the rendezvous and each collective give up after the
// group's timeout, and every failure — a peer that died (its connections close at once), a peer
// that stopped answering (the timeout), ranks that disagree about a collective's shape — is a
// DistributedError, never an abort or an endless wait.
import { native, type NativeProcessGroup } from './native.js';
import { noGrad } from './autograd.js';
import { Tensor } from './tensor.js';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min'];

/** Seconds the rendezvous and each collective wait for the other ranks by default. */
export const DEFAULT_TIMEOUT_SECONDS = 300;

export interface ProcessGroupOptions {
  /** Address of rank 0, which serves the rendezvous store (torchrun's MASTER_ADDR). */
  masterAddr: string;
  /** Its port (MASTER_PORT). */
  masterPort: number;
  /** This process's rank, 0 ≤ rank < worldSize (RANK). */
  rank: number;
  /** Number of processes (WORLD_SIZE). */
  worldSize: number;
  /** Seconds the rendezvous and every collective may wait for the other ranks (default 300). */
  timeout?: number;
  /**
   * The network interface Gloo listens on (GLOO_SOCKET_IFNAME), e.g. 'eth0'. Default: loopback
   * when the master is on this machine (127.x, localhost), else the address this machine's hostname
   * resolves to.
   */
  iface?: string;
  /** Listen on the address this name resolves to instead (overrides the default, not `iface`). */
  hostname?: string;
}

/** A collective or the rendezvous failed; the message names the rank and says what happened. */
export class DistributedError extends Error {
  constructor(
    message: string,
    /** The rank that saw the failure. */
    readonly rank: number,
  ) {
    super(message);
    this.name = 'DistributedError';
  }
}

/** What a c10d/Gloo message most likely means, for the one error line a rank prints. */
function hint(message: string, timeout: number): string {
  if (/connection closed by peer|connection reset by peer|broken pipe|read error|write error/i.test(message))
    return 'a peer process ended (crashed, killed or failed)';
  if (/timed out|timeout/i.test(message)) return `no answer from a peer within the timeout of ${timeout} s`;
  return '';
}

function describeFailure(err: unknown, rank: number, worldSize: number, timeout: number): DistributedError {
  const message = err instanceof Error ? err.message : String(err);
  const why = hint(message, timeout);
  return new DistributedError(
    `distributed (rank ${rank} of ${worldSize}): ${why === '' ? '' : `${why}: `}${message}`,
    rank,
  );
}

function checkInt(what: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${what} must be an integer in ${min}..${max}, got ${String(v)}`);
  return v;
}

/**
 * The process group of torchrun's environment: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE (and
 * GLOO_SOCKET_IFNAME), or undefined when WORLD_SIZE is not set. Throws RangeError naming the
 * variable when one is missing or malformed.
 */
export function processGroupOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  timeout?: number,
): ProcessGroupOptions | undefined {
  if (env['WORLD_SIZE'] === undefined) return undefined;
  const num = (name: string, min: number, max?: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') throw new RangeError(`${name} is not set (WORLD_SIZE is)`);
    return checkInt(name, Number(raw), min, max);
  };
  const worldSize = num('WORLD_SIZE', 1);
  const rank = num('RANK', 0, worldSize - 1);
  const masterAddr = env['MASTER_ADDR'];
  if (masterAddr === undefined || masterAddr.trim() === '')
    throw new RangeError('MASTER_ADDR is not set (WORLD_SIZE is)');
  return {
    masterAddr: masterAddr.trim(),
    masterPort: num('MASTER_PORT', 1, 65535),
    rank,
    worldSize,
    ...(timeout !== undefined ? { timeout } : {}),
    ...(env['GLOO_SOCKET_IFNAME'] ? { iface: env['GLOO_SOCKET_IFNAME'] } : {}),
  };
}

/**
 * Joins the process group: blocks until every rank has joined, or throws a DistributedError when
 * the master cannot be reached or not every rank arrives within the timeout.
 *
 * @example
 * const group = initProcessGroup({ masterAddr: '127.0.0.1', masterPort: 29500, rank, worldSize: 2 });
 * const total = group.allReduce(scalarTensor(rank + 1), 'sum');   // 3 on both ranks
 * group.destroy();
 */
export function initProcessGroup(options: ProcessGroupOptions): ProcessGroup {
  const worldSize = checkInt('worldSize', options.worldSize, 1);
  const rank = checkInt('rank', options.rank, 0, worldSize - 1);
  const masterPort = checkInt('masterPort', options.masterPort, 1, 65535);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))
    throw new RangeError(`timeout must be a positive number of seconds, got ${String(timeout)}`);
  if (typeof options.masterAddr !== 'string' || options.masterAddr === '')
    throw new RangeError('masterAddr must be a host name or address');
  try {
    const handle = native.initProcessGroup(
      options.masterAddr,
      masterPort,
      rank,
      worldSize,
      Math.round(timeout * 1000),
      options.iface ?? '',
      options.hostname ?? '',
    );
    return new ProcessGroup(handle, rank, worldSize, timeout);
  } catch (err) {
    throw describeFailure(err, rank, worldSize, timeout);
  }
}

function checkTensors(what: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors)) throw new TypeError(`${what}: expected an array of Tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${what}: element ${i} is not a Tensor`);
  });
}

/**
 * A group of processes that run collectives together. Every rank must call the same collectives
 * in the same order with tensors of the same shapes and dtypes (checked: a mismatch throws on
 * every rank and leaves the group usable). After any other failure the group is broken and
 * every later call throws with the first error.
 */
export class ProcessGroup {
  readonly #handle: NativeProcessGroup;

  /** @internal Made by initProcessGroup. */
  constructor(
    handle: NativeProcessGroup,
    readonly rank: number,
    readonly worldSize: number,
    /** Seconds a collective waits for the other ranks. */
    readonly timeout: number,
  ) {
    this.#handle = handle;
  }

  #call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError) throw err;
      throw describeFailure(err, this.rank, this.worldSize, this.timeout);
    }
  }

  /**
   * The element-wise reduction of `t` over every rank, as a new tensor. 'sum' and 'mean' are
   * differentiable: the gradient of each rank's input is the reduction of every rank's output
   * gradient (so every rank must run the backward). 'max' and 'min' are not (the result is detached).
   */
  allReduce(t: Tensor, op: ReduceOp = 'sum'): Tensor {
    checkTensors('allReduce()', [t]);
    if (!REDUCE_OPS.includes(op))
      throw new RangeError(`allReduce(): op must be one of ${REDUCE_OPS.join(', ')}, got ${String(op)}`);
    if (op === 'sum' || op === 'mean') {
      const sum = Tensor.fromNative(this.#call(() => this.#handle.allReduceSumWithGrad(t.native)));
      if (op === 'sum') return sum;
      const mean = sum.div(this.worldSize);
      sum.dispose();
      return mean;
    }
    const out = noGrad(() => t.detach().clone());
    this.#call(() => this.#handle.allReduce([out.native], op));
    return out;
  }

  /**
   * Reduces the tensors in place (no autograd), e.g. gradients after backward: one collective per
   * bucket of up to 25 MB of one dtype. 'mean' divides the sum by the world size.
   */
  allReduce_(tensors: readonly Tensor[], op: ReduceOp = 'sum'): void {
    checkTensors('allReduce_()', tensors);
    if (!REDUCE_OPS.includes(op))
      throw new RangeError(`allReduce_(): op must be one of ${REDUCE_OPS.join(', ')}, got ${String(op)}`);
    if (tensors.length === 0) return;
    this.#call(() =>
      this.#handle.allReduce(
        tensors.map((t) => t.native),
        op === 'mean' ? 'sum' : op,
      ),
    );
    if (op === 'mean') noGrad(() => tensors.forEach((t) => t.div_(this.worldSize)));
  }

  /**
   * Every rank's `t` (the same shape on every rank, at least 1-D) concatenated along dim 0 in rank
   * order: [worldSize · n, …]. Differentiable: each rank's input gets the sum over ranks of the
   * gradient of its rows (the gradient of the sum of every rank's loss), so a loss on the gathered
   * batch sees every rank's embeddings as negatives and its gradient reaches the rank that made them.
   */
  allGather(t: Tensor): Tensor {
    checkTensors('allGather()', [t]);
    if (t.ndim < 1) throw new RangeError('allGather(): the tensor must have at least one dimension');
    return Tensor.fromNative(this.#call(() => this.#handle.allGatherWithGrad(t.native)));
  }

  /** Overwrites the tensors on every rank with `root`'s (in place, no autograd). */
  broadcast_(tensors: readonly Tensor[], root = 0): void {
    checkTensors('broadcast_()', tensors);
    checkInt('broadcast_(): root', root, 0, this.worldSize - 1);
    if (tensors.length === 0) return;
    this.#call(() =>
      this.#handle.broadcast(
        tensors.map((t) => t.native),
        root,
      ),
    );
  }

  /** Returns once every rank has called it (or throws after the timeout). */
  barrier(): void {
    this.#call(() => this.#handle.barrier());
  }

  /** Closes the group's connections; rank 0 stops serving the store. Later calls throw. */
  destroy(): void {
    this.#handle.destroy();
  }

  get destroyed(): boolean {
    return this.#handle.isDestroyed();
  }
}
