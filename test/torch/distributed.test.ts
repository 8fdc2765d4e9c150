// The process group (issue 13): collectives between two node processes on loopback, their
// gradients, and failures — a dead peer, a silent peer, mismatched shapes, an unreachable master,
// a rendezvous that never completes — as DistributedErrors within the timeout, never an abort or hang.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { freePort, lastJson, runRanks } from '../util/ranks.js';
import { initProcessGroup, processGroupOptionsFromEnv } from '../../src/torch/index.js';

const WORKER = fileURLToPath(new URL('./distributed-worker.js', import.meta.url));

async function scenario(name: string, timeout: number, extra: { ranks?: number[]; worldSize?: number } = {}) {
  const port = await freePort();
  const outcomes = await runRanks([WORKER, name], {
    worldSize: extra.worldSize ?? 2,
    ...(extra.ranks ? { ranks: extra.ranks } : {}),
    port,
    env: { CLAB_TEST_TIMEOUT: String(timeout) },
    killAfterMs: (timeout * 3 + 30) * 1000,
  });
  // A rank that exits on purpose (the dead peer) prints nothing.
  return outcomes.map((o) => ({ ...o, json: o.stdout.includes('{') ? lastJson(o) : {} }));
}

describe('process group over TCPStore + Gloo (2 processes, loopback)', () => {
  test('all-reduce, all-gather, broadcast, barrier and their gradients', async () => {
    const [r0, r1] = await scenario('collectives', 30);
    for (const r of [r0!, r1!]) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const j = r.json;
      assert.deepEqual(j['sum'], [3, 30]);
      assert.deepEqual(j['mean'], [1.5, 15]);
      assert.deepEqual(j['max'], [1, 0]);
      assert.deepEqual(j['min'], [0, -1]);
      assert.deepEqual(j['inPlace'], [[0.5, 0.5, 0.5, 0.5], [1.5], [1.5, 3, 4.5]]);
      assert.deepEqual(j['gather'], [0, 0.5, 1, 1.5]);
      assert.deepEqual(j['broadcast'], [[8, 9], [1]]);
      // Σ_r w_r = 3·[[1,1],[2,2]]: rank 0 gets row 0, rank 1 row 1.
      assert.deepEqual(j['gatherGrad'], r.rank === 0 ? [3, 3] : [6, 6]);
      assert.deepEqual(j['reduceGrad'], [3, 3]);
      assert.equal(r.stderr, '');
    }
  });

  test('ranks that gather different shapes get the same error on both ranks; the group stays usable', async () => {
    const outcomes = await scenario('mismatch', 30);
    for (const r of outcomes) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(
        String(r.json['message']),
        /allGather: the ranks called different collectives or shapes: rank 0 allGather float32 \[1\]; rank 1 allGather float32 \[2\]/,
      );
      assert.deepEqual(r.json['after'], [2]);
    }
  });

  test('a peer that dies: the survivor throws at once, and the broken group keeps throwing', async () => {
    const [r0, r1] = await scenario('die', 20);
    assert.equal(r1!.code, 3);
    assert.equal(r0!.code, 1);
    assert.equal(r0!.json['isDistributedError'], true);
    assert.match(String(r0!.json['error']), /^distributed \(rank 0 of 2\): a peer process ended/);
    assert.ok(Number(r0!.json['waited']) < 20_000, `waited ${String(r0!.json['waited'])} ms`);
    assert.match(String(r0!.json['again']), /broken by an earlier error/);
  });

  test('a peer that stops answering: a timeout error after the timeout, not later', async () => {
    const [r0] = await scenario('hang', 2);
    assert.equal(r0!.code, 1);
    assert.match(String(r0!.json['error']), /no answer from a peer within the timeout of 2 s/);
    const waited = Number(r0!.json['waited']);
    assert.ok(waited >= 1500 && waited < 2000 + 6000, `waited ${waited} ms`);
  });

  test('an unreachable master and a rendezvous nobody joins fail within the timeout', async () => {
    const [alone1] = await scenario('collectives', 2, { ranks: [1] });
    assert.equal(alone1!.code, 1);
    assert.match(
      String(alone1!.json['error']),
      /^distributed \(rank 1 of 2\): .*cannot reach the master at 127\.0\.0\.1:\d+/,
    );
    assert.ok(alone1!.ms < 15_000, `${alone1!.ms} ms`);
    assert.equal(alone1!.stderr, '', 'c10d logs nothing besides the error');
    const [alone0] = await scenario('collectives', 2, { ranks: [0] });
    assert.equal(alone0!.code, 1);
    assert.match(String(alone0!.json['error']), /rendezvous of 2 ranks at 127\.0\.0\.1:\d+ failed/);
    assert.ok(alone0!.ms < 15_000, `${alone0!.ms} ms`);
  });
});

describe('process group options', () => {
  test("from torchrun's environment, with the variable named when one is wrong", () => {
    assert.equal(processGroupOptionsFromEnv({}), undefined);
    assert.deepEqual(
      processGroupOptionsFromEnv({ WORLD_SIZE: '2', RANK: '1', MASTER_ADDR: '10.0.0.5', MASTER_PORT: '29500' }, 60),
      { masterAddr: '10.0.0.5', masterPort: 29500, rank: 1, worldSize: 2, timeout: 60 },
    );
    assert.throws(
      () => processGroupOptionsFromEnv({ WORLD_SIZE: '2', RANK: '2', MASTER_ADDR: 'a', MASTER_PORT: '1' }),
      /RANK must be an integer in 0\.\.1, got 2/,
    );
    assert.throws(
      () => processGroupOptionsFromEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_PORT: '1' }),
      /MASTER_ADDR is not set/,
    );
    assert.throws(
      () => initProcessGroup({ masterAddr: '127.0.0.1', masterPort: 70000, rank: 0, worldSize: 1 }),
      /masterPort must be an integer in 1\.\.65535, got 70000/,
    );
  });

  test('a group of one is its own world', async () => {
    const g = initProcessGroup({
      masterAddr: '127.0.0.1',
      masterPort: await freePort(),
      rank: 0,
      worldSize: 1,
      timeout: 10,
    });
    const { tensor } = await import('../../src/torch/index.js');
    assert.deepEqual(g.allReduce(tensor([1, 2]), 'mean').toArray(), [1, 2]);
    assert.deepEqual(g.allGather(tensor([[1, 2]])).shape, [1, 2]);
    g.destroy();
    assert.equal(g.destroyed, true);
    assert.throws(() => g.barrier(), /destroyed/);
  });
});
