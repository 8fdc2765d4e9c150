// The architecture's two import rules (../shared/design/architecture.md, "Layers"), checked on the
// source: no module imports a value from a higher layer, and value imports form no cycle (a cycle
// makes module initialisation order-dependent). Type-only imports vanish at compile time and are
// checked for the layer rule only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** Layer of each top-level folder of src/: imports may point to the same or a lower number. */
const LAYER: Record<string, number> = {
  torch: 0,
  nn: 1,
  optim: 1,
  registry: 1,
  io: 1,
  latent: 2,
  processes: 2,
  encoders: 2,
  losses: 2,
  metrics: 2,
  theory: 2,
  data: 2,
  augment: 2,
  experiments: 3,
  runs: 3,
  cli: 4,
  report: 4,
  serve: 4,
};

interface Edge {
  to: string;
  typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function graph(): Map<string, Edge[]> {
  const g = new Map<string, Edge[]>();
  for (const file of sources('src')) {
    const edges: Edge[] = [];
    for (const m of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = path.normalize(path.join(path.dirname(file), m[3]!)).replace(/\.js$/, '.ts');
      edges.push({ to, typeOnly: m[2] !== undefined });
    }
    g.set(path.normalize(file), edges);
  }
  return g;
}

const folderOf = (file: string): string => file.split(path.sep)[1]!.replace(/\.ts$/, '');

test('every src/ folder has a layer, and no module imports from a higher layer', () => {
  const g = graph();
  assert.ok(g.size > 100, `found ${g.size} source files; run the tests from the repository root`);
  const unplaced = [...new Set([...g.keys()].map(folderOf))].filter((f) => f !== 'index' && LAYER[f] === undefined);
  assert.deepEqual(unplaced, [], 'folders without a layer: add them to LAYER');
  const upward: string[] = [];
  for (const [from, edges] of g)
    for (const e of edges) {
      const a = LAYER[folderOf(from)];
      const b = LAYER[folderOf(e.to)];
      if (a !== undefined && b !== undefined && b > a) upward.push(`${from} -> ${e.to}`);
    }
  assert.deepEqual(upward, []);
});

test('value imports form no cycle (Tarjan SCC over src/)', () => {
  const g = graph();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const { to, typeOnly } of g.get(v) ?? []) {
      if (typeOnly || !g.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  assert.deepEqual(cycles, []);
});
