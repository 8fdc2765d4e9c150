// One rank of the data-parallel equivalence tests (data-parallel.test.ts):
// `node data-parallel-worker.js <run.json>` with torchrun's environment trains the run with the
// other ranks and, on rank 0, prints one JSON line: every step's loss and the final state dict.
import fs from 'node:fs';
import { DataParallel } from '../../src/experiments/distributed/data-parallel.js';
import { RankSink } from '../../src/experiments/distributed/rank-sink.js';
import { trainRun, type RunSpec } from '../../src/experiments/index.js';
import { initProcessGroup, processGroupOptionsFromEnv } from '../../src/torch/index.js';
import { CaptureSink } from '../util/capture-sink.js';

const run = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as RunSpec;
const group = initProcessGroup(processGroupOptionsFromEnv(process.env, 60)!);
const capture = new CaptureSink();
const losses: number[] = [];
const parallel = new DataParallel(group, run.spec);
await trainRun(run, {
  sink: group.rank === 0 ? new RankSink(group, capture) : new RankSink(group),
  parallel,
  onStep: (_step, loss) => losses.push(loss),
});
if (group.rank === 0)
  process.stdout.write(`${JSON.stringify({ losses, state: capture.state, gather: parallel.gather ?? null })}\n`);
group.barrier();
group.destroy();
