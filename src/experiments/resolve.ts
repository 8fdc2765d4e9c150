// From text to concrete runs: parse YAML/JSON, apply a preset and `--set key=value` overrides,
// validate (errors name the key path, the allowed values and what was given), then expand the
// sweep and the seeds into one RunSpec per run.
import YAML, { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { checkBounds, checkSpecText, seedIssues } from './bounds.js';
import { resolveDerived } from './derived.js';
import { ExperimentSpecSchema, type ExperimentSpec, type RunSpec } from './spec.js';

/** Sources that name a command's arguments rather than a spec file. */
const COMMAND_SOURCES = new Set(['reproduce', 'report', 'record', 'measure']);

/** A spec that cannot be used. The CLI prints `issues` and exits with code 2 before any work. */
export class SpecError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly source: string,
    readonly issues: string[],
    what = source.startsWith('--') || COMMAND_SOURCES.has(source) ? 'invalid argument' : 'invalid experiment spec',
  ) {
    super(`${source}: ${what}\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'SpecError';
  }
}

/** Alias expansions allowed in one spec (YAML's "billion laughs" defence). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML (a superset of JSON). Refused with a SpecError naming the file (exit 2): files too
 * large or with too many keys (before parsing), syntax errors, duplicate keys (found in linear
 * time; the yaml library's own check is quadratic), unknown tags such as `!custom` (never
 * silently dropped) and alias bombs.
 */
export function parseSpecText(text: string, source: string): unknown {
  const tooBig = checkSpecText(text);
  if (tooBig.length > 0) throw new SpecError(source, tooBig);
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const firstLine = (e: { message: string }): string => e.message.split('\n')[0] ?? e.message;
  if (doc.errors.length > 0) throw new SpecError(source, doc.errors.map(firstLine));
  // The library resolves an unknown tag to a plain string and only warns: make it an error.
  if (doc.warnings.length > 0)
    throw new SpecError(
      source,
      doc.warnings.map((w) => `${firstLine(w)} (tags other than YAML's own are not allowed)`),
    );
  const duplicates = duplicateKeys(doc.contents, []);
  if (duplicates.length > 0) throw new SpecError(source, duplicates);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError)
      throw new SpecError(source, [`(aliases): ${err.message} (at most ${MAX_ALIAS_COUNT} alias expansions)`]);
    throw err;
  }
}

/** "path: duplicate key 'k'" for every mapping that repeats a key; one pass over the document. */
function duplicateKeys(node: unknown, path: string[], out: string[] = []): string[] {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) out.push(`${[...path, key].join('.')}: Map keys must be unique; '${key}' appears twice`);
      seen.add(key);
      duplicateKeys(pair.value as Node | null, [...path, key], out);
    }
  } else if (isSeq(node)) node.items.forEach((item, i) => duplicateKeys(item, [...path, String(i)], out));
  return out;
}

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function getPath(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!isRecord(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Sets obj[a][b]… = value for the dotted path "a.b…", creating objects on the way (copy-on-write). */
export function setPath(obj: Json, dotted: string, value: unknown): Json {
  const [head, ...rest] = dotted.split('.');
  if (head === undefined || head === '') throw new SpecError('--set', [`empty key path in '${dotted}'`]);
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  return { ...obj, [head]: setPath(isRecord(child) ? child : {}, rest.join('.'), value) };
}

/** Splits "loss.tau=0.1" into ['loss.tau', 0.1]; the value is read as YAML (numbers, lists, …). */
export function parseOverride(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SpecError('--set', [`expected key.path=value, got '${text}'`]);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = YAML.parse(raw);
  } catch {
    value = raw;
  }
  return [key, value];
}

// --- error messages -------------------------------------------------------------------------------

interface ZodDefLike {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDefLike } }>;
  innerType?: { _zod: { def: ZodDefLike } };
  options?: { _zod: { def: ZodDefLike } }[];
  discriminator?: string;
  element?: { _zod: { def: ZodDefLike } };
  valueType?: { _zod: { def: ZodDefLike } };
  in?: { _zod: { def: ZodDefLike } };
}

/** The object keys the schema accepts at `path` (following the raw input through tagged unions). */
function allowedKeys(def: ZodDefLike, path: readonly PropertyKey[], raw: unknown): string[] | undefined {
  switch (def.type) {
    case 'default':
    case 'optional':
    case 'nullable':
      return def.innerType ? allowedKeys(def.innerType._zod.def, path, raw) : undefined;
    case 'pipe':
      return def.in ? allowedKeys(def.in._zod.def, path, raw) : undefined;
    case 'union': {
      const kind = isRecord(raw) && def.discriminator !== undefined ? raw[def.discriminator] : undefined;
      const match = def.options?.find((o) => {
        const shape = o._zod.def.shape;
        const lit = shape?.[def.discriminator ?? '']?._zod.def as unknown as { values?: unknown[] } | undefined;
        return lit?.values?.includes(kind);
      });
      return match ? allowedKeys(match._zod.def, path, raw) : undefined;
    }
    case 'object': {
      if (path.length === 0) return Object.keys(def.shape ?? {});
      const [head, ...rest] = path;
      const child = def.shape?.[String(head)];
      return child ? allowedKeys(child._zod.def, rest, isRecord(raw) ? raw[String(head)] : undefined) : undefined;
    }
    default:
      return undefined;
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  const got = getPath(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(ExperimentSpecSchema._zod.def as unknown as ZodDefLike, issue.path, raw);
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`;
    }
    case 'invalid_union': {
      const options = (issue as unknown as { options?: unknown[] }).options;
      if (options) return `${where}: got ${show(got)}; allowed values: ${options.join(', ')}`;
      return `${where}: ${issue.message}`;
    }
    case 'invalid_value':
      return `${where}: got ${show(got)}; allowed values: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_type':
      return got === undefined
        ? `${where}: required (${issue.expected})`
        : `${where}: ${issue.message} (got ${show(got)})`;
    default:
      return got === undefined || issue.code === 'custom'
        ? `${where}: ${issue.message}`
        : `${where}: ${issue.message} (got ${show(got)})`;
  }
}

/** Validates a raw spec; throws SpecError naming every problem. */
export function validateSpec(input: unknown, source = 'spec'): ExperimentSpec {
  let raw = input;
  if (isRecord(input)) {
    const derived = resolveDerived(input);
    if (derived.problems.length > 0) throw new SpecError(source, derived.problems);
    raw = derived.spec;
  }
  // Seeds first: a duplicate or a million seeds is refused before zod walks them.
  if (isRecord(raw)) {
    const seeds = seedIssues(raw['seeds']);
    if (seeds.length > 0) throw new SpecError(source, seeds);
  }
  const result = ExperimentSpecSchema.safeParse(raw);
  if (!result.success)
    throw new SpecError(
      source,
      result.error.issues.map((i) => describeIssue(i, raw)),
    );
  // Sweep keys must name settings the spec has (after defaults), and every value must validate.
  const problems: string[] = [];
  for (const [key, values] of Object.entries(result.data.sweep)) {
    for (const v of values) {
      const probe = setPath(stripMeta(raw), key, v);
      const r = ExperimentSpecSchema.safeParse(probe);
      if (!r.success)
        problems.push(...r.error.issues.map((i) => `sweep.${key} = ${show(v)}: ${describeIssue(i, probe)}`));
      else if (getPath(r.data, key.split('.')) === undefined)
        problems.push(`sweep: '${key}' is not a setting of this spec`);
    }
  }
  if (problems.length > 0) throw new SpecError(source, [...new Set(problems)]);
  const outOfBounds = checkBounds(result.data as unknown as Json);
  // Each sweep point is bounded too (a swept lr of 1e39, a swept batch beyond memory).
  if (outOfBounds.length === 0) {
    for (const [key, values] of Object.entries(result.data.sweep))
      for (const v of values)
        outOfBounds.push(
          ...checkBounds(setPath(result.data as unknown as Json, key, v)).map((i) => `sweep.${key} = ${show(v)}: ${i}`),
        );
  }
  if (outOfBounds.length > 0) throw new SpecError(source, [...new Set(outOfBounds)]);
  return result.data;
}

function stripMeta(raw: unknown): Json {
  if (!isRecord(raw)) return {};
  const { sweep: _s, presets: _p, ...rest } = raw;
  return rest;
}

/**
 * Applies a named preset (its key paths are `--set`-style overrides) and then explicit overrides,
 * then validates.
 */
export function resolveSpec(
  raw: unknown,
  options: { source?: string; preset?: string; set?: string[] } = {},
): ExperimentSpec {
  const source = options.source ?? 'spec';
  if (!isRecord(raw)) throw new SpecError(source, ['(top level): expected a mapping of settings']);
  let spec: Json = raw;
  if (options.preset !== undefined) {
    const presets = isRecord(raw['presets']) ? raw['presets'] : {};
    const preset = presets[options.preset];
    if (!isRecord(preset))
      throw new SpecError(source, [
        `--preset: got '${options.preset}'; allowed values: ${Object.keys(presets).join(', ') || '(this spec defines no presets)'}`,
      ]);
    for (const [key, value] of Object.entries(preset)) spec = setPath(spec, key, value);
  }
  for (const item of options.set ?? []) {
    const [key, value] = parseOverride(item);
    spec = setPath(spec, key, value);
  }
  return validateSpec(spec, source);
}

/** The runs of a spec: the cartesian product of its sweep, times its seeds, in a stable order. */
export function expandRuns(spec: ExperimentSpec): RunSpec[] {
  const { sweep, presets: _presets, seeds, ...base } = spec;
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(sweep))
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  const runs: RunSpec[] = [];
  for (const point of points) {
    let concrete: Json = base as unknown as Json;
    for (const [key, value] of Object.entries(point)) concrete = setPath(concrete, key, value);
    // A swept key wins over an expression that would otherwise compute it.
    const derived = Object.fromEntries(Object.entries(base.derived).filter(([path]) => !(path in point)));
    concrete = resolveDerived({ ...concrete, derived }).spec;
    // Re-validate so that defaults inside a swept variant (e.g. a new loss kind) are filled in.
    const resolved = ExperimentSpecSchema.parse(concrete);
    const { sweep: _s, presets: _p, seeds: _seeds, ...runSpec } = resolved;
    for (const seed of seeds) runs.push({ spec: runSpec, seed, point });
  }
  return runs;
}
