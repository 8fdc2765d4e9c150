// A resolved spec as table columns: nested settings become key paths (`loss.tau`), the way
// `--set` and `sweep:` name them; lists and the metric list stay whole, as JSON text.
import type { ParamValue } from './api-types.js';

/** Settings that describe rather than configure a run, left out of the columns. */
const SKIPPED = new Set(['name', 'description', 'derived']);

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Flattens a spec body to `{ 'key.path': value }`.
 *
 * @example
 * flattenSpec({ loss: { kind: 'infonce', tau: 0.3 }, train: { batch: 64 } })
 * // → { 'loss.kind': 'infonce', 'loss.tau': 0.3, 'train.batch': 64 }
 */
export function flattenSpec(spec: unknown): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const walk = (value: unknown, prefix: string): void => {
    if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (prefix === '' && SKIPPED.has(k)) continue;
        walk(v, prefix === '' ? k : `${prefix}.${k}`);
      }
      return;
    }
    if (prefix === '') return;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[prefix] = value;
    else if (value !== undefined) out[prefix] = JSON.stringify(value);
  };
  walk(spec, '');
  return out;
}

/** The key paths whose value is not the same in every row (a key missing from a row counts as a value). */
export function varyingKeys(rows: readonly Record<string, ParamValue>[]): string[] {
  const first = new Map<string, ParamValue | undefined>();
  const varying = new Set<string>();
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  for (const k of keys) {
    for (const r of rows) {
      const v = k in r ? r[k] : undefined;
      if (!first.has(k)) first.set(k, v);
      else if (first.get(k) !== v) {
        varying.add(k);
        break;
      }
    }
  }
  return [...keys].filter((k) => varying.has(k)).sort();
}
