// One rank of the process-group tests (distributed.test.ts): `node distributed-worker.js <scenario>`
// with MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE (and CLAB_TEST_TIMEOUT, seconds) in the
// environment. Prints one JSON line: { ok: true, ...results } or { error, name, ms }.
import {
  DistributedError,
  initProcessGroup,
  processGroupOptionsFromEnv,
  tensor,
  type ProcessGroup,
} from '../../src/torch/index.js';

const scenario = process.argv[2] ?? 'collectives';
const timeout = Number(process.env['CLAB_TEST_TIMEOUT'] ?? '20');
const started = Date.now();

function collectives(g: ProcessGroup): Record<string, unknown> {
  const r = g.rank;
  const out: Record<string, unknown> = {};
  out['sum'] = g.allReduce(tensor([r + 1, 10 * (r + 1)]), 'sum').toArray();
  out['mean'] = g.allReduce(tensor([r + 1, 10 * (r + 1)]), 'mean').toArray();
  out['max'] = g.allReduce(tensor([r, -r]), 'max').toArray();
  out['min'] = g.allReduce(tensor([r, -r]), 'min').toArray();
  // In place over several tensors of two dtypes (two buckets).
  const a = tensor([
    [r, r],
    [r, r],
  ]);
  const b = tensor([r + 1], undefined, 'float64');
  const c = tensor([1, 2, 3]).mul(r + 1);
  g.allReduce_([a, b, c], 'mean');
  out['inPlace'] = [a.toArray(), b.toArray(), c.toArray()];
  out['gather'] = g.allGather(tensor([[r, r + 0.5]])).toArray();
  const bc = [tensor([r + 7, r + 8]), tensor([r], undefined, 'int64')];
  g.broadcast_(bc, 1);
  out['broadcast'] = bc.map((t) => t.toArray().map(Number));
  g.barrier();
  // Differentiable all-gather: loss_r = Σ_i w_r[i] · gathered[i]; x_s gets Σ_r w_r[rows of s].
  const x = tensor([[1, 2]])
    .mul(r + 1)
    .detach()
    .requiresGrad_();
  const w = tensor([
    [1, 1],
    [2, 2],
  ]).mul(r + 1);
  g.allGather(x).mul(w).sum().backward();
  out['gatherGrad'] = x.grad!.toArray();
  // Differentiable all-reduce: loss_r = c_r · Σ_s x_s; x_s gets Σ_r c_r.
  const y = tensor([1, 1]).detach().requiresGrad_();
  g.allReduce(y, 'sum')
    .mul(r + 1)
    .sum()
    .backward();
  out['reduceGrad'] = y.grad!.toArray();
  return out;
}

function mismatch(g: ProcessGroup): Record<string, unknown> {
  let message = '';
  try {
    g.allGather(tensor(Array.from({ length: g.rank + 1 }, () => 1)));
  } catch (err) {
    message = (err as Error).message;
  }
  // The group stays usable after a mismatch.
  const after = g.allReduce(tensor([1]), 'sum').toArray();
  return { message, after };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function main(): void {
  let g: ProcessGroup | undefined;
  try {
    const options = processGroupOptionsFromEnv(process.env, timeout);
    if (options === undefined) throw new Error('WORLD_SIZE is not set');
    g = initProcessGroup(options);
    let result: Record<string, unknown> = {};
    if (scenario === 'collectives') result = collectives(g);
    else if (scenario === 'mismatch') result = mismatch(g);
    else if (scenario === 'die' || scenario === 'hang') {
      g.barrier();
      if (g.rank === 1) {
        if (scenario === 'die') process.exit(3);
        sleepSync(timeout * 1000 * 3);
        process.exit(3);
      }
      const t0 = Date.now();
      try {
        g.allReduce(tensor([1]), 'sum');
      } catch (err) {
        // A broken group keeps failing, at once.
        let again = '';
        try {
          g.barrier();
        } catch (e) {
          again = (e as Error).message;
        }
        throw Object.assign(err as Error, { waited: Date.now() - t0, again });
      }
    }
    g.destroy();
    process.stdout.write(`${JSON.stringify({ ok: true, rank: g.rank, ...result })}\n`);
  } catch (err) {
    const e = err as Error & { waited?: number; again?: string };
    process.stdout.write(
      `${JSON.stringify({
        error: e.message,
        name: e.name,
        isDistributedError: e instanceof DistributedError,
        ms: Date.now() - started,
        ...(e.waited !== undefined ? { waited: e.waited, again: e.again } : {}),
      })}\n`,
    );
    process.exitCode = 1;
  }
}

main();
