// `clab resume <run>`: one stored run, by id, from its last checkpoint to the end.
import type { Command } from 'commander';
import { trainStoredRun } from '../../experiments/index.js';
import type { RunStore } from '../../runs/index.js';
import { withStore } from '../options.js';
import { Output } from '../output.js';

async function resume(store: RunStore, id: string, output: Output): Promise<void> {
  store.recoverStale();
  const handle = store.open(id);
  const meta = handle.meta();
  if (meta.status === 'done') return output.info(`${meta.id} already finished`, { event: 'cached', id: meta.id });
  if (meta.status === 'running')
    throw new Error(`run ${meta.id} is running (pid ${meta.pid ?? '?'}); nothing to resume`);
  const cp = handle.latestCheckpoint();
  const from = cp?.step ?? 0;
  if (cp) for (const t of cp.tensors.values()) t.dispose();
  output.event({ kind: 'plan', total: 1, cached: 0 });
  output.event({ kind: 'started', id: meta.id, name: meta.name, total: handle.run.spec.train.iterations, from });
  // A failure is thrown (exit code 1 with its message), after the run has been marked failed.
  const done = await trainStoredRun(store, meta.id, (step, loss) =>
    output.event({ kind: 'step', id: meta.id, step, loss }),
  );
  if (done.summary !== undefined) output.event({ kind: 'finished', id: done.id, summary: done.summary });
}

export function addResume(cli: Command): void {
  cli
    .command('resume')
    .argument('<run>', 'run id or unique prefix')
    .description(
      'Resume an interrupted run from its last checkpoint; it ends with the same numbers as an uninterrupted run.',
    )
    .option('--root <dir>', 'run store folder')
    .option('--json', 'machine-readable output')
    .action((id: string, opts: { root?: string; json?: boolean }) =>
      withStore(opts.root, (store) => resume(store, id, Output.fromProcess(Boolean(opts.json)))),
    );
}
