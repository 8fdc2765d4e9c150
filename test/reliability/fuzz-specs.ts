// The spec fuzzer (issue 18): generated specs across every kind of every registry (src/*/kinds.ts),
// each a kind's registry example placed in a small host spec and then mutated by fast-check —
// values replaced with hostile ones (1e39, -1, NaN, huge counts, strings, nested objects, …), keys
// deleted or invented, seeds duplicated. Each spec goes through the CLI's own path (YAML text →
// parseSpecText → resolveSpec → expandRuns); the property: it is accepted, or it is refused with a
// SpecError (exit 2) whose every issue names a key path — never another exception, never a hang.
import fc from 'fast-check';
import YAML from 'yaml';
import { dataKinds } from '../../src/data/kinds.js';
import { encoderKinds } from '../../src/encoders/kinds.js';
import { conditionalKinds } from '../../src/latent/kinds.js';
import { auxiliaryKinds, lossKinds } from '../../src/losses/kinds.js';
import { metricKinds } from '../../src/metrics/kinds.js';
import { optimizerKinds, scheduleKinds } from '../../src/optim/kinds.js';
import { processKinds } from '../../src/processes/kinds.js';
import type { KindRegistry } from '../../src/registry/kind.js';
import { expandRuns, parseSpecText, resolveSpec, SpecError } from '../../src/experiments/index.js';

type Json = Record<string, unknown>;

export const HOST: Json = {
  name: 'fuzz',
  latent: { dim: 3 },
  conditional: { kind: 'vmf', kappa: 3 },
  process: { kind: 'identity' },
  encoder: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'infonce', tau: 0.5 },
  train: { iterations: 2, batch: 8, checkpointEvery: 1 },
  eval: { every: 2, samples: 32, metrics: ['r2'] },
  seeds: [0],
};

/** Where each domain's kinds go in a spec. */
const DOMAINS: { domain: string; registry: KindRegistry; place: (spec: Json, example: Json) => Json }[] = [
  { domain: 'conditional', registry: conditionalKinds as KindRegistry, place: (s, e) => ({ ...s, conditional: e }) },
  { domain: 'process', registry: processKinds as KindRegistry, place: (s, e) => ({ ...s, process: e }) },
  { domain: 'data', registry: dataKinds as KindRegistry, place: (s, e) => ({ ...s, data: e }) },
  { domain: 'encoder', registry: encoderKinds as KindRegistry, place: (s, e) => ({ ...s, encoder: e }) },
  { domain: 'loss', registry: lossKinds as KindRegistry, place: (s, e) => ({ ...s, loss: e }) },
  { domain: 'auxiliary', registry: auxiliaryKinds as KindRegistry, place: (s, e) => ({ ...s, auxiliary: [e] }) },
  {
    domain: 'optimizer',
    registry: optimizerKinds as KindRegistry,
    place: (s, e) => ({ ...s, train: { ...(s['train'] as Json), optimizer: e } }),
  },
  {
    domain: 'schedule',
    registry: scheduleKinds as KindRegistry,
    place: (s, e) => ({ ...s, train: { ...(s['train'] as Json), schedule: e } }),
  },
  {
    domain: 'metric',
    registry: metricKinds as KindRegistry,
    place: (s, e) => ({ ...s, eval: { ...(s['eval'] as Json), metrics: [e] } }),
  },
];

/** Every registered kind, as [domain, kind name, host spec holding its example]. */
export function everyKind(): { domain: string; kind: string; spec: Json }[] {
  return DOMAINS.flatMap(({ domain, registry, place }) =>
    Object.entries(registry).map(([kind, k]) => ({
      domain,
      kind,
      spec: place(structuredClone(HOST), structuredClone(k.example) as Json),
    })),
  );
}

/** Values a careless or hostile spec might hold. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    1e39,
    -1e39,
    1e308,
    -1,
    0,
    0.5,
    1e-45,
    2 ** 31,
    2 ** 53,
    1e9,
    1e15,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0.0,
  ),
  fc.integer({ min: -5, max: 5000 }),
  fc.double({ noNaN: false }),
  fc.constantFrom('', 'x', 'vmff', '../../etc', '1e3', 'null', '!!js/function', '<script>'),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(null, true, false, [], {}, [1, 2], { kind: 'nope' }, [[1]], { a: { b: { c: 1 } } }),
  fc.array(fc.integer({ min: -3, max: 3000 }), { maxLength: 5 }),
);

/** Every key path of `value` (objects and lists), e.g. ['loss', 'tau'] or ['seeds', 0]. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), pathsOf(v, [...prefix, i], out)));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      pathsOf(v, [...prefix, k], out);
    }
  return out;
}

type Mutation =
  | { op: 'set'; pick: number; value: unknown }
  | { op: 'delete'; pick: number }
  | { op: 'add'; pick: number; key: string; value: unknown }
  | { op: 'seeds'; seeds: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: hostile }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      pick: fc.nat(),
      key: fc.constantFrom('extra', 'kindd', 'lr', 'tau', '__proto__', 'constructor'),
      value: hostile,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('seeds' as const),
      seeds: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 4 }),
    }),
  },
);

function apply(spec: Json, m: Mutation): Json {
  const out = structuredClone(spec);
  if (m.op === 'seeds') {
    out['seeds'] = m.seeds;
    return out;
  }
  const paths = pathsOf(out);
  const path = paths[m.pick % paths.length]!;
  let parent: Record<string | number, unknown> = out;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (m.op === 'set') parent[last] = m.value;
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A generated spec: one registered kind in its host, one to three mutations (or none: a valid baseline). */
export function specArbitrary(): fc.Arbitrary<{ origin: string; spec: Json }> {
  const kinds = everyKind();
  return fc
    .record({ base: fc.constantFrom(...kinds), mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }) })
    .map(({ base, mutations }) => ({
      origin: `${base.domain}:${base.kind}`,
      spec: mutations.reduce(apply, base.spec),
    }));
}

export type Verdict =
  { kind: 'valid'; runs: number } | { kind: 'invalid'; issues: string[] } | { kind: 'crash'; error: string };

/** A key path at the start of an issue: `a.b.0.c: …`, `(top level): …`, `(file): …`, `--seeds: …`. */
const NAMES_KEY = /^(\(top level\)|\(file\)|\(aliases\)|--[a-z-]+|[A-Za-z_$][\w$-]*(\.[\w$=/.-]+)*( = .*)?)(: | )/;

/** What the CLI's path makes of a spec's YAML text. */
export function judge(text: string): Verdict {
  try {
    const spec = resolveSpec(parseSpecText(text, 'fuzz.yaml'), { source: 'fuzz.yaml' });
    return { kind: 'valid', runs: expandRuns(spec).length };
  } catch (err) {
    if (err instanceof SpecError) return { kind: 'invalid', issues: err.issues };
    return {
      kind: 'crash',
      error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err),
    };
  }
}

/** The issues of a SpecError that do not name a key path (should be none). */
export function unnamed(issues: string[]): string[] {
  return issues.filter((i) => !NAMES_KEY.test(i));
}

/** YAML text of a spec (NaN and ±Infinity as .nan / .inf, as a user would write them). */
export function toYaml(spec: Json): string {
  return YAML.stringify(spec);
}

export interface FuzzSummary {
  specs: number;
  valid: number;
  invalid: number;
  crashes: { origin: string; error: string; yaml: string }[];
  unnamedIssues: { origin: string; issues: string[]; yaml: string }[];
  kindsCovered: number;
  kindsTotal: number;
  slowestMs: number;
  validSamples: { origin: string; yaml: string }[];
  invalidSamples: { origin: string; yaml: string }[];
}

/** Generates `numRuns` specs (seeded), judges each, and sums up. */
export function fuzz(numRuns: number, seed: number): FuzzSummary {
  const kindsTotal = everyKind().length;
  const covered = new Set<string>();
  const summary: FuzzSummary = {
    specs: 0,
    valid: 0,
    invalid: 0,
    crashes: [],
    unnamedIssues: [],
    kindsCovered: 0,
    kindsTotal,
    slowestMs: 0,
    validSamples: [],
    invalidSamples: [],
  };
  const samples = fc.sample(specArbitrary(), { numRuns, seed });
  // Every kind at least once unmutated, then the generated ones.
  const all = [...everyKind().map((k) => ({ origin: `${k.domain}:${k.kind}`, spec: k.spec })), ...samples].slice(
    0,
    Math.max(numRuns, kindsTotal),
  );
  for (const { origin, spec } of all) {
    covered.add(origin);
    const yaml = toYaml(spec);
    const started = performance.now();
    const verdict = judge(yaml);
    summary.slowestMs = Math.max(summary.slowestMs, performance.now() - started);
    summary.specs++;
    if (verdict.kind === 'valid') {
      summary.valid++;
      summary.validSamples.push({ origin, yaml });
    } else if (verdict.kind === 'invalid') {
      summary.invalid++;
      summary.invalidSamples.push({ origin, yaml });
      const bad = unnamed(verdict.issues);
      if (bad.length > 0) summary.unnamedIssues.push({ origin, issues: bad, yaml });
    } else summary.crashes.push({ origin, error: verdict.error, yaml });
  }
  summary.kindsCovered = covered.size;
  return summary;
}
