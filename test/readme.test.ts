// The README's TypeScript example is part of the product: this test extracts it, compiles it
// with the TypeScript compiler and runs it as a user would (importing the package by name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the README example runs exactly as written and prints alignment and uniformity', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const match =
    /<!-- This example is run by test\/readme\.test\.ts exactly as written\. -->\n```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'README has the marked TypeScript example');
  const source = match[1]!;
  // Type-check the example against the package's published types, as a user's editor would.
  const file = path.join(root, 'dist', 'readme-example.ts');
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, [], 'the README example type-checks');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const out = path.join(root, 'dist', 'readme-example.mjs');
  fs.writeFileSync(out, js);
  const printed = execFileSync(process.execPath, [out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CLAB_THREADS: '1' },
  });
  const m = /alignment: ([\d.e-]+),\s*uniformity: (-?[\d.e-]+)/.exec(printed);
  assert.ok(m, `example prints alignment and uniformity, got: ${printed}`);
  // A trained encoder maps positives close together and spreads embeddings over the sphere:
  // alignment well below that of independent points (2 on the sphere) and uniformity negative.
  assert.ok(Number(m[1]) < 1.0, `alignment ${m[1]}`);
  assert.ok(Number(m[2]) < -1.0, `uniformity ${m[2]}`);
});
