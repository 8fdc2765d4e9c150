// The documentation stays whole: every relative link in README.md and docs/ points at a file of the
// repository, and the per-command pages are the CLI's own help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliPages } from '../../src/cli/docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
}

/** Targets of Markdown links `[text](target)` outside code blocks and spans, without #fragments. */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets = [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#')).map((t) => t.split('#')[0]!);
}

test('the link finder sees prose links and skips code, URLs and fragments', () => {
  assert.deepEqual(relativeLinks('[a](docs/x.md) [b](https://e.org) [c](#top) `[d](no.md)` [e](y.md#sec)\n```\n[f](z.md)\n```'), ['docs/x.md', 'y.md']);
});

test('every relative link in README.md and docs/ resolves inside the repository', () => {
  const files = [path.join(root, 'README.md'), ...markdownFiles(path.join(root, 'docs'))];
  assert.ok(files.length >= 5, 'README.md and the docs pages');
  const broken: string[] = [];
  for (const file of files) {
    for (const link of relativeLinks(fs.readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), decodeURIComponent(link));
      if (!target.startsWith(root + path.sep) || !fs.existsSync(target)) broken.push(`${path.relative(root, file)}: ${link}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the README points at the papers inside the repository', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.ok(relativeLinks(readme).includes('docs/papers.md'));
  assert.doesNotMatch(readme, /\]\([^)]*design\/papers\.md/);
});

test('docs/cli/ is the CLI’s own help, a page per command (run `make readme` after changing the CLI)', () => {
  const pages = cliPages();
  assert.ok(pages.has('README.md') && pages.has('export.md') && pages.has('report.md'));
  for (const [name, text] of pages) assert.equal(fs.readFileSync(path.join(root, 'docs', 'cli', name), 'utf8'), text, `docs/cli/${name}`);
});
