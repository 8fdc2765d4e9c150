// Rank 0 talks to the other ranks through the process group itself: a broadcast of bytes (its
// length first), and of JSON on top of it. Every rank must call the same function at the same point.
import { noGrad, scope, tensor, zeros, type ProcessGroup } from '../../torch/index.js';

/** Rank 0's `bytes` on every rank (the argument is ignored on the others). */
export function broadcastBytes(group: ProcessGroup, bytes?: Uint8Array): Uint8Array {
  return noGrad(() =>
    scope(() => {
      const root = group.rank === 0;
      if (root && bytes === undefined) throw new TypeError('broadcastBytes(): rank 0 must pass the bytes');
      const length = tensor([root ? bytes!.byteLength : 0], undefined, 'int64');
      group.broadcast_([length], 0);
      const n = length.item();
      if (n === 0) return new Uint8Array(0);
      const payload = root ? tensor(bytes!) : zeros([n], 'uint8');
      group.broadcast_([payload], 0);
      return root ? bytes! : new Uint8Array(payload.data() as Uint8Array);
    }),
  );
}

/** Rank 0's JSON-serialisable `value` on every rank. */
export function broadcastJson<T>(group: ProcessGroup, value?: T): T {
  const bytes = group.rank === 0 ? new TextEncoder().encode(JSON.stringify(value)) : undefined;
  return JSON.parse(new TextDecoder().decode(broadcastBytes(group, bytes))) as T;
}
