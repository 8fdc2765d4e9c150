// Generated from the registries: every kind of every domain is declared in a minimal spec (its
// registry `example` placed into a small host spec that provides what it needs) and trained for two
// steps through the one trainer. A new kind is covered the moment it is registered; a kind no host
// here can serve fails this test until its needs are described.
import fs from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataKinds } from '../../src/data/kinds.js';
import { encoderKinds } from '../../src/encoders/kinds.js';
import { conditionalKinds } from '../../src/latent/kinds.js';
import { marginalKinds } from '../../src/latent/marginal-kinds.js';
import { auxiliaryKinds, lossKinds } from '../../src/losses/kinds.js';
import { metricKinds } from '../../src/metrics/kinds.js';
import { optimizerKinds, scheduleKinds } from '../../src/optim/kinds.js';
import { processKinds } from '../../src/processes/kinds.js';
import type { AnyKind, KindRegistry } from '../../src/registry/kind.js';
import { expandRuns, resolveSpec, trainRun } from '../../src/experiments/index.js';

type Json = Record<string, unknown>;

const HOST: Json = {
  name: 'registry',
  latent: { dim: 3 },
  conditional: { kind: 'vmf', kappa: 3 },
  process: { kind: 'identity' },
  encoder: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'infonce', tau: 0.5 },
  train: { iterations: 2, batch: 8, checkpointEvery: 1 },
  eval: { every: 2, samples: 32, metrics: ['r2'] },
};

const kindsProviding = (cap: string): string[] =>
  Object.entries(dataKinds as KindRegistry)
    .filter(([, k]) => (k.provides ?? []).includes(cap))
    .map(([n]) => n);

/** The input shape a data kind's example declares (`inputs`; consistency.test.ts checks it against the built source). */
function inputShapeOf(data: Json): readonly number[] {
  const kind = (dataKinds as KindRegistry)[data['kind'] as string]!;
  return kind.inputs!(kind.schema.parse(data), { latentDim: 3, processOutDim: 3 }).shape;
}

/** An encoder example that takes this data's inputs. */
function encoderFor(shape: readonly number[]): Json {
  if (shape.length === 3) return { kind: 'pixel-mlp', outDim: 4 };
  if (shape.length === 0) return (encoderKinds as KindRegistry)['table']!.example as Json;
  return { kind: 'mlp', hidden: [8], outDim: 3 };
}

/** A host for a data kind: an encoder that takes its inputs, a loss and metrics it can serve. */
function dataHost(example: Json): Json {
  const k = (dataKinds as KindRegistry)[example['kind'] as string]!;
  const provides = new Set(k.provides ?? []);
  const metrics = provides.has('latents')
    ? ['r2']
    : provides.has('labels')
      ? ['knn']
      : provides.has('positives')
        ? ['similarity']
        : [];
  return {
    ...HOST,
    data: example,
    encoder: encoderFor(inputShapeOf(example)),
    loss: { kind: 'nt-xent', tau: 0.5 },
    eval: { every: 2, samples: 32, metrics },
  };
}

const firstProviding = (cap: string): Json => {
  const name = kindsProviding(cap).find((n) => n !== 'latents');
  assert.ok(name !== undefined, `no data kind provides ${cap}`);
  return (dataKinds as KindRegistry)[name]!.example as Json;
};

/** The spec that exercises `example` of `domain`. */
function hostSpec(domain: string, example: Json): Json {
  const kind = example['kind'] as string;
  switch (domain) {
    case 'conditional':
      // Content/style positives live on R^k with the content/style marginal (as in von Kügelgen et al.).
      if (kind === 'content-style')
        return {
          ...HOST,
          latent: { dim: 3, space: 'real', marginal: { kind: 'content-style', content: example['content'] } },
          conditional: example,
        };
      return { ...HOST, conditional: example };
    case 'marginal': {
      // On a space where the marginal is defined: the box for uniform, R^k for the others.
      const space = kind === 'uniform' ? 'box' : 'real';
      const conditional =
        kind === 'content-style'
          ? { kind: 'content-style', content: example['content'] }
          : { kind: 'normal', scale: 0.1 };
      return { ...HOST, latent: { dim: 3, space, marginal: example }, conditional };
    }
    case 'process':
      return { ...HOST, process: example };
    case 'data':
      return dataHost(example);
    case 'encoder': {
      const inverse: Record<string, string> = {
        'inverse-linear': 'linear',
        'inverse-spiral': 'spiral',
        'inverse-patches': 'patches',
      };
      if (inverse[kind] !== undefined) return { ...HOST, process: { kind: inverse[kind] }, encoder: example };
      if (['resnet18', 'vit', 'pixel-mlp'].includes(kind)) {
        // The first labelled data kind whose inputs are images (vector data kinds may come first).
        const images = kindsProviding('labels').find(
          (n) => n !== 'latents' && inputShapeOf((dataKinds as KindRegistry)[n]!.example as Json).length === 3,
        );
        if (images === undefined) assert.fail(`no image data kind to host encoder '${kind}'`);
        const host = dataHost((dataKinds as KindRegistry)[images]!.example as Json);
        return { ...host, encoder: { ...example, outDim: 4 } };
      }
      if (kind === 'table') return dataHost((dataKinds as KindRegistry)['free-embeddings']!.example as Json);
      return { ...HOST, encoder: example };
    }
    case 'loss':
      return {
        ...HOST,
        loss: example,
        ...(kind === 'adapted-infonce' ? { conditional: { kind: 'restricted-vmf', kappa: 3, fixedDims: 1 } } : {}),
      };
    case 'auxiliary':
      return { ...HOST, loss: { kind: 'nt-xent', tau: 0.5 }, auxiliary: [example] };
    case 'optimizer':
      return { ...HOST, train: { ...(HOST['train'] as Json), optimizer: example } };
    case 'schedule':
      return { ...HOST, train: { ...(HOST['train'] as Json), schedule: example } };
    case 'metric': {
      const needs = (metricKinds as KindRegistry)[kind]!.requires ?? [];
      const host = needs.includes('labels') ? dataHost(firstProviding('labels')) : HOST;
      return { ...host, eval: { every: 2, samples: 32, metrics: [example] } };
    }
    default:
      return assert.fail(`no host for domain ${domain}`);
  }
}

const DOMAINS: [string, KindRegistry][] = [
  ['conditional', conditionalKinds],
  ['marginal', marginalKinds],
  ['process', processKinds],
  ['data', dataKinds],
  ['encoder', encoderKinds],
  ['loss', lossKinds],
  ['auxiliary', auxiliaryKinds],
  ['optimizer', optimizerKinds],
  ['schedule', scheduleKinds],
  ['metric', metricKinds],
];

for (const [domain, registry] of DOMAINS) {
  for (const [name, kind] of Object.entries(registry) as [string, AnyKind][]) {
    test(`${domain} '${name}' is declared in YAML terms and trains two steps`, async (t) => {
      const p = (kind.example as { path?: unknown }).path;
      if (domain === 'data' && typeof p === 'string' && !fs.existsSync(p))
        return t.skip(`${p} is absent (data '${name}' reads a dataset the user supplies)`);
      assert.equal(typeof kind.summary, 'string');
      const spec = resolveSpec(hostSpec(domain, kind.example as Json), { source: `${domain}.${name}` });
      const run = expandRuns(spec)[0]!;
      const result = await trainRun(run);
      assert.equal(result?.steps, 2);
      assert.ok(Number.isFinite(result.finalLoss), `finite loss, got ${result.finalLoss}`);
      for (const [metric, value] of Object.entries(result.metrics))
        assert.ok(Number.isFinite(value), `${metric} = ${value}`);
      if (domain === 'metric') {
        assert.ok(Object.keys(result.metrics).length > 0, 'the metric reports a value');
        // The names it declares (checked for clashes before any work) are the names it reports.
        const declared = kind.outputs?.(spec.eval.metrics[0], spec.latent.dim);
        assert.deepEqual(Object.keys(result.metrics).sort(), [...(declared ?? [])].sort(), `metric '${name}' outputs`);
      }
    });
  }
}
