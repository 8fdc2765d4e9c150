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
