// Argument checks shared by the layer constructors; messages name the layer and the argument.

/** Throws unless x is a positive integer. */
export function positiveInt(layer: string, what: string, x: number): number {
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`${layer}: ${what} must be a positive integer, got ${x}`);
  return x;
}

/** Throws unless x is a non-negative integer. */
export function nonNegativeInt(layer: string, what: string, x: number): number {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`${layer}: ${what} must be a non-negative integer, got ${x}`);
  return x;
}

export type Pair = number | [number, number];

/** Normalises an int or an [h, w] pair to a pair, checking each entry. */
export function pair(layer: string, what: string, x: Pair, min = 1): [number, number] {
  const p: [number, number] = typeof x === 'number' ? [x, x] : x;
  if (p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min))
    throw new RangeError(`${layer}: ${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(x)}`);
  return p;
}

/** PyTorch prints booleans capitalised in module summaries. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}
