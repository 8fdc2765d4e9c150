// Where the CLI finds things: the repository's experiments folder and the default run store.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The package root (dist/src/cli → three levels up). */
export const packageRoot = path.resolve(here, '../../..');

/** The CLI's own entry file (main.ts tells from it whether it was run or imported). */
export const cliEntry = path.join(here, 'main.js');

/** Run store root: --root, else $CLAB_RUNS, else ./runs. */
export function runsRoot(option: string | undefined): string {
  return path.resolve(option ?? process.env['CLAB_RUNS'] ?? 'runs');
}

/** A suite name (loss-is-not-enough/table1) → its YAML file under experiments/. */
export function suiteFile(name: string): string {
  const candidates = [
    path.resolve(name),
    path.join(packageRoot, 'experiments', `${name}.yaml`),
    path.join(packageRoot, 'experiments', name),
  ];
  const found = candidates.find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  if (found === undefined) throw new Error(`no suite or study '${name}': suites: ${listSuites().join(', ')}`);
  return found;
}

/** Suite names available under experiments/ (files that declare `suite:`). */
export function listSuites(): string[] {
  const root = path.join(packageRoot, 'experiments');
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml') && /^suite:/m.test(fs.readFileSync(p, 'utf8')))
        out.push(path.relative(root, p).replace(/\.yaml$/, ''));
    }
  };
  walk(root);
  return out.sort();
}
