// `clab serve`: the dashboard over a run store, until Ctrl-C. Read-only; 127.0.0.1 unless --host
// says otherwise, and then a warning, since anyone who reaches that address can read every run.
import path from 'node:path';
import type { Command } from 'commander';
import { SpecError } from '../../experiments/index.js';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopbackHost, startDashboard } from '../../serve/index.js';
import { runsRoot } from '../paths.js';

interface ServeOptions {
  root?: string;
  port: string;
  host: string;
  experiments?: string;
}

function portOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new SpecError('--port', [`--port: expected an integer from 0 to 65535 (0: any free port), got '${value}'`]);
  return n;
}

async function serve(opts: ServeOptions): Promise<void> {
  const port = portOf(opts.port);
  if (!isLoopbackHost(opts.host))
    process.stderr.write(
      `clab serve: warning: listening on ${opts.host}, not on 127.0.0.1: anyone who can reach this address can read every run in the store ` +
        '(there is no login). To look from another machine, keep the default and use an SSH tunnel: ssh -L 8737:127.0.0.1:8737 <this host>\n',
    );
  const dash = await startDashboard({
    root: runsRoot(opts.root),
    host: opts.host,
    port,
    ...(opts.experiments !== undefined ? { experimentsDir: path.resolve(opts.experiments) } : {}),
  });
  process.stdout.write(`clab dashboard: ${dash.url} (runs: ${runsRoot(opts.root)}; Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void dash.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function addServe(cli: Command): void {
  cli
    .command('serve')
    .description(
      'A live dashboard of the run store in the browser: runs table, curves while runs train, run pages, suites.',
    )
    .option('--root <dir>', 'run store folder (default: $CLAB_RUNS or ./runs)')
    .option('--port <n>', '0 picks a free port', String(DEFAULT_PORT))
    .option(
      '--host <address>',
      'address to listen on; another than 127.0.0.1 exposes every run (prefer an SSH tunnel)',
      DEFAULT_HOST,
    )
    .option('--experiments <dir>', 'folder of suite files for the suites view (default: the package’s experiments/)')
    .action((opts: ServeOptions) => serve(opts));
}
