// Deterministic memory management for tensors: scope(fn) frees every tensor fn created except
// what it returns. Frames live in AsyncLocalStorage so that concurrent async scopes never see
// each other's tensors. A GC finalizer in the addon is only the backstop.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Anything a scope can own: tensors (and later other native handles). */
export interface Owned {
  dispose(): void;
  /** The frame that will dispose this object, if any (managed by this module). */
  ownerFrame: Frame | undefined;
}

export interface Frame {
  readonly items: Set<Owned>;
  readonly parent: Frame | undefined;
}

const frames = new AsyncLocalStorage<Frame>();

/** Registers a newly created object with the innermost active scope. */
export function track(obj: Owned): void {
  const frame = frames.getStore();
  if (frame !== undefined) {
    frame.items.add(obj);
    obj.ownerFrame = frame;
  }
}

/** Forgets an object (it was disposed by hand). */
export function untrack(obj: Owned): void {
  if (obj.ownerFrame !== undefined) {
    obj.ownerFrame.items.delete(obj);
    obj.ownerFrame = undefined;
  }
}

function isOwned(x: unknown): x is Owned {
  return typeof x === 'object' && x !== null && 'ownerFrame' in x && typeof (x as Owned).dispose === 'function';
}

/** Walks a returned value (tensor, array, plain object, Map) and calls visit on each owned object. */
function visitOwned(value: unknown, visit: (o: Owned) => void, seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (isOwned(value)) {
    visit(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) visitOwned(v, visit, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) visitOwned(v, visit, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) visitOwned(v, visit, seen);
  }
}

function close(frame: Frame, result: unknown): void {
  // What fn returns survives: it moves to the enclosing scope (or becomes unmanaged at top level).
  visitOwned(result, (o) => {
    if (o.ownerFrame === frame) {
      frame.items.delete(o);
      o.ownerFrame = undefined;
      if (frame.parent !== undefined) {
        frame.parent.items.add(o);
        o.ownerFrame = frame.parent;
      }
    }
  });
  for (const o of frame.items) {
    o.ownerFrame = undefined;
    o.dispose();
  }
  frame.items.clear();
}

/**
 * Runs fn and disposes every tensor it created, except those reachable from its return value
 * (through arrays, plain objects and Maps). Works with async functions: the tensors are freed
 * when the returned promise settles. If fn throws, everything it created is freed.
 *
 * @example
 * const loss = scope(() => a.matmul(b).relu().sum());   // the intermediates are freed
 */
export function scope<T>(fn: () => T): T {
  const frame: Frame = { items: new Set(), parent: frames.getStore() };
  let result: T;
  try {
    result = frames.run(frame, fn);
  } catch (err) {
    close(frame, undefined);
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        close(frame, value);
        return value;
      },
      (err: unknown) => {
        close(frame, undefined);
        throw err;
      },
    ) as T;
  }
  close(frame, result);
  return result;
}

/** Removes objects from their scope so that they outlive it (e.g. parameters made inside one). */
export function keep<T>(value: T): T {
  visitOwned(value, (o) => untrack(o));
  return value;
}
