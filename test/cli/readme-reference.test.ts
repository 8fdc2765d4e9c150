import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeWithReference } from '../../src/cli/docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test("the README's CLI reference is the CLI's own help (run `make readme` after changing the CLI)", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.equal(readme, readmeWithReference(readme));
});

test("the README's example experiment spec is valid as written", async () => {
  const { parseSpecText, resolveSpec, expandRuns } = await import('../../src/experiments/index.js');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = /An experiment is a YAML[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'README shows an example spec');
  const spec = resolveSpec(parseSpecText(match[1]!, 'README.md'));
  assert.equal(expandRuns(spec).length, 15, '3 sweep points × 5 seeds');
});
