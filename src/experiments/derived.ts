// Derived settings: a value written as "=<expression>" is computed from other settings of the same
// spec, so nobody types 3.3333333333333335 for κ = 1/τ:
//   conditional: { kind: vmf, kappa: "=1/loss.tau" }
// An expression is one term, or two terms joined by * or /; a term is a number or the dotted key
// path of a numeric setting. Derived values are computed after presets and --set overrides (so
// `--set loss.tau=0.1` moves κ with it) and before validation. Nothing else is evaluated.

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

const EXPRESSION = /^=\s*([A-Za-z0-9_.+-]+)\s*(?:([*/])\s*([A-Za-z0-9_.+-]+))?\s*$/;

function lookup(spec: Json, path: string): unknown {
  let cur: unknown = spec;
  for (const key of path.split('.')) cur = isRecord(cur) ? cur[key] : undefined;
  return cur;
}

function term(spec: Json, text: string, where: string, seen: Set<string>): number {
  const n = Number(text);
  if (text !== '' && Number.isFinite(n)) return n;
  if (seen.has(text))
    throw new Error(`${where}: derived values refer to each other in a circle (${[...seen, text].join(' → ')})`);
  const v = lookup(spec, text);
  const resolved = typeof v === 'string' && v.startsWith('=') ? evaluate(spec, v, text, new Set([...seen, text])) : v;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved))
    throw new Error(
      `${where}: '${text}' is not a numeric setting of this spec (got ${JSON.stringify(resolved) ?? 'nothing'})`,
    );
  return resolved;
}

function evaluate(spec: Json, expr: string, where: string, seen: Set<string>): number {
  const m = EXPRESSION.exec(expr);
  if (m === null)
    throw new Error(
      `${where}: cannot read the derived value '${expr}' (expected e.g. "=1/loss.tau": a number or key path, optionally * or / another)`,
    );
  const a = term(spec, m[1]!, where, seen);
  if (m[2] === undefined) return a;
  const b = term(spec, m[3]!, where, seen);
  if (m[2] === '/' && b === 0) throw new Error(`${where}: '${expr}' divides by zero`);
  return m[2] === '*' ? a * b : a / b;
}

/**
 * Replaces every "=…" string value of the spec by its number. Returns the expressions by key path
 * (kept in the validated spec's `derived`, so a sweep point recomputes them) and the problems.
 */
export function resolveDerived(spec: Json): { spec: Json; expressions: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const expressions: Record<string, string> = {};
  const walk = (node: unknown, path: string[]): unknown => {
    if (typeof node === 'string' && node.startsWith('=') && path[0] !== 'sweep' && path[0] !== 'presets') {
      try {
        expressions[path.join('.')] = node;
        return evaluate(spec, node, path.join('.'), new Set([path.join('.')]));
      } catch (e) {
        problems.push((e as Error).message);
        return node;
      }
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, String(i)]));
    if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    return node;
  };
  const { derived: previous, ...rest } = spec;
  const out = walk(rest, []) as Json;
  // Expressions recorded by an earlier resolution (a validated spec with a sweep point applied).
  if (isRecord(previous))
    for (const [path, expr] of Object.entries(previous)) {
      if (typeof expr !== 'string' || path in expressions) continue;
      expressions[path] = expr;
      try {
        setAt(out, path, evaluate(out, expr, path, new Set([path])));
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  return { spec: Object.keys(expressions).length > 0 ? { ...out, derived: expressions } : out, expressions, problems };
}

function setAt(obj: Json, path: string, value: number): void {
  const keys = path.split('.');
  let cur: unknown = obj;
  for (const k of keys.slice(0, -1)) cur = isRecord(cur) ? cur[k] : undefined;
  if (isRecord(cur)) cur[keys[keys.length - 1]!] = value;
}
