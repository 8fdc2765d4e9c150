// `clab export <run>`: take a run away — the trained encoder's embeddings of the run's held-out set
// (and the true latents and labels where the data has them) as .npy for NumPy, and the weights as
// safetensors with PyTorch's key names (`net.0.weight`, `net.2.running_mean`, …: what `stateDict()` names,
// which follows `torch.nn.Module.state_dict()`), from the run's latest (for a finished run: final)
// checkpoint.
//
// The held-out set is rebuilt, not stored: the same spec and seed give the same data source and
// the same `eval` stream (src/experiments/streams.ts), so these are the very inputs the run's
// evaluations saw.
import path from 'node:path';
import type { Command } from 'commander';
import type { EvalSet } from '../../data/source.js';
import { buildData, buildEncoder } from '../../experiments/build.js';
import { modelStateOf, represent, SpecError } from '../../experiments/index.js';
import { runStreams } from '../../experiments/streams.js';
import { saveNpy, saveSafetensors } from '../../io/index.js';
import type { RunHandle } from '../../runs/index.js';
import { noGrad, scope, type Tensor } from '../../torch/index.js';
import { withStore } from '../options.js';
import { Output } from '../output.js';

interface ExportOptions {
  embeddings?: string;
  latents?: string;
  weights?: string;
  split: string;
  root?: string;
  json?: boolean;
}

const SPLITS = ['eval', 'train'] as const;

/** `out.npy` → `out.latents.npy`: where the true latents go unless --latents says otherwise. */
export function siblingFile(file: string, what: string): string {
  const ext = path.extname(file);
  return `${ext === '.npy' ? file.slice(0, -ext.length) : file}.${what}.npy`;
}

/** The split's inputs, latents and labels (the labelled training split has no latents). */
function splitOf(set: EvalSet, split: string, id: string): { inputs: Tensor; latents?: Tensor; labels?: Tensor } {
  if (split === 'eval')
    return {
      inputs: set.inputs,
      ...(set.latents ? { latents: set.latents } : {}),
      ...(set.labels ? { labels: set.labels } : {}),
    };
  if (set.train === undefined)
    throw new SpecError('--split', [`--split: run ${id}'s data has no labelled training split; use --split eval`]);
  return { inputs: set.train.inputs, labels: set.train.labels };
}

/** The model tensors of the latest checkpoint, under PyTorch's names (the `model.` prefix dropped). */
function modelWeights(handle: RunHandle): { step: number; weights: Map<string, Tensor> } {
  const cp = handle.latestCheckpoint();
  if (cp === undefined) throw new Error(`run ${handle.id} has no checkpoint to export (it stopped before its first)`);
  return { step: cp.step, weights: modelStateOf(cp) };
}

/** Writes the files asked for; returns what was written, for the user and for --json. */
export function exportRun(handle: RunHandle, opts: ExportOptions): Record<string, unknown> {
  const { spec, seed } = handle.run;
  const { step, weights } = modelWeights(handle);
  const written: Record<string, unknown> = { id: handle.id, step, final: step === spec.train.iterations };
  try {
    if (opts.weights !== undefined) {
      saveSafetensors(opts.weights, weights, {
        'clab.run': handle.id,
        'clab.step': String(step),
        'clab.encoder': JSON.stringify(spec.encoder),
      });
      written['weights'] = { file: path.resolve(opts.weights), tensors: weights.size };
    }
    if (opts.embeddings === undefined) return written;
    const gens = runStreams(seed);
    const data = buildData(spec, gens);
    const encoder = buildEncoder(spec, data, gens.init);
    try {
      encoder.loadStateDict(weights);
      encoder.eval();
      // Outside the scope: the source owns its held-out set (it may create it on this first call).
      const set = data.evalSet();
      noGrad(() =>
        scope(() => {
          const split = splitOf(set, opts.split, handle.id);
          const embeddings = represent(encoder, split.inputs);
          saveNpy(opts.embeddings!, embeddings);
          written['embeddings'] = { file: path.resolve(opts.embeddings!), shape: embeddings.shape };
          for (const [what, t, file] of [
            ['latents', split.latents, opts.latents],
            ['labels', split.labels, undefined],
          ] as const) {
            if (t === undefined) continue;
            const out = file ?? siblingFile(opts.embeddings!, what);
            saveNpy(out, t);
            written[what] = { file: path.resolve(out), shape: t.shape };
          }
        }),
      );
    } finally {
      encoder.dispose();
      data.dispose();
    }
    return written;
  } finally {
    for (const t of weights.values()) t.dispose();
  }
}

function describe(w: Record<string, unknown>): string[] {
  const lines = [
    `${String(w['id'])}: checkpoint of step ${String(w['step'])}${w['final'] ? ' (final)' : ' (NOT the final step: the run did not finish)'}`,
  ];
  for (const what of ['embeddings', 'latents', 'labels', 'weights']) {
    const f = w[what] as { file: string; shape?: number[]; tensors?: number } | undefined;
    if (f !== undefined)
      lines.push(`  ${what.padEnd(10)} ${f.file}  ${f.shape ? `[${f.shape.join(', ')}]` : `${f.tensors} tensors`}`);
  }
  return lines;
}

export function addExport(cli: Command): void {
  cli
    .command('export')
    .argument('<run>', 'run id or unique prefix')
    .description(
      'Write a run’s embeddings of its held-out set (.npy, with the true latents where the data has them) and its encoder weights (safetensors, PyTorch key names).',
    )
    .option(
      '--embeddings <file>',
      'embeddings as .npy [n, d] (latents go to <file>.latents.npy, labels to <file>.labels.npy)',
    )
    .option('--latents <file>', 'where to write the true latents instead')
    .option('--weights <file>', 'encoder weights as safetensors')
    .option('--split <split>', 'eval (the held-out set) or train (the labelled training split of image data)', 'eval')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'as JSON')
    .action((id: string, opts: ExportOptions) => {
      if (!(SPLITS as readonly string[]).includes(opts.split))
        throw new SpecError('--split', [`--split: got '${opts.split}'; allowed values: ${SPLITS.join(', ')}`]);
      if (opts.embeddings === undefined && opts.weights === undefined)
        throw new SpecError('export', ['give --embeddings <file.npy> and/or --weights <file.safetensors>']);
      return withStore(opts.root, (store) => {
        const output = Output.fromProcess(Boolean(opts.json));
        const written = exportRun(store.open(id), opts);
        output.info(describe(written).join('\n'), { event: 'export', ...written });
      });
    });
}
