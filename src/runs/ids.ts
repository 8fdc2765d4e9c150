// Run keys and run ids. A run's key is a hash of what determines its numbers (the resolved spec
// and the seed); its id is a readable, unique folder name derived from the name, seed and key.
import { createHash } from 'node:crypto';
import type { RunSpec } from '../experiments/spec.js';

/**
 * JSON with object keys sorted (recursively), no whitespace: equal values give equal text
 * whatever order their keys were written in. Undefined object members are left out, as
 * JSON.stringify does; non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === 'object') {
    const maybe = value as { toJSON?: () => unknown };
    if (typeof maybe.toJSON === 'function') return sortKeys(maybe.toJSON());
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined && typeof v !== 'function') out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * The run's key: sha256 (hex) of the canonical JSON of { spec, seed } — and worldSize, for a run
 * trained by more than one data-parallel rank. The sweep point is not part of it: the resolved
 * spec already contains the swept values.
 */
export function runKey(run: Pick<RunSpec, 'spec' | 'seed' | 'worldSize'>): string {
  const parallel = run.worldSize !== undefined && run.worldSize > 1 ? { worldSize: run.worldSize } : {};
  return createHash('sha256')
    .update(canonicalJson({ spec: run.spec, seed: run.seed, ...parallel }))
    .digest('hex');
}

/** A folder-safe form of an experiment name: lowercase letters, digits, '.', '_' and '-'. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug === '' ? 'run' : slug;
}

/** The preferred id of a run: `<name-slug>-s<seed>-<first 8 hex digits of the key>`. */
export function baseRunId(name: string, seed: number, key: string): string {
  return `${slugify(name)}-s${seed}-${key.slice(0, 8)}`;
}

/** Ids are folder names: no separators, no leading dot (hidden folders are temporaries). */
export function isValidRunId(id: string): boolean {
  return /^[a-z0-9][a-z0-9._-]*$/.test(id);
}
