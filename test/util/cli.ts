// Running the built `clab` command line from a test: a child node process on dist/src/cli/main.js,
// one libtorch thread (tests run side by side), output captured.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (tests are compiled to dist/test/<folder>/: three levels up). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const cliEntry = path.join(repoRoot, 'dist/src/cli/main.js');
/** A spec that trains in seconds (60 steps of Paper A's identity process). */
export const tinySpec = path.join(repoRoot, 'experiments/examples/tiny.yaml');
// NODE_TEST_CONTEXT would make the child node process report to this test runner instead of running.
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;
export const cliEnv: NodeJS.ProcessEnv = { ...parentEnv, CLAB_THREADS: '1' };

export interface CliResult {
  /** The exit code (-1 when the process was killed by a signal). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `clab <args>` to its end (in the repository unless `cwd` says otherwise). */
export function clab(args: string[], cwd = repoRoot): CliResult {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { cwd, env: cliEnv, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
