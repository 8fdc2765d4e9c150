// Runs fuzzed specs through the real CLI in a child process (fuzz-child.ts) and sums up: exit
// codes, stack traces, aborts (the child killed by a signal mid-spec) and hangs (the time limit).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fuzz-child.js', import.meta.url));
/** A line that starts a JavaScript stack frame: what a user must never see. */
export const STACK_FRAME = /^\s+at .+[(:]\d+/m;

export interface CliOutcome {
  index: number;
  code: number | undefined;
  stderr: string;
  /** The child died (signal or crash) while running this spec. */
  aborted?: string;
}

/** Runs the jobs in one child (restarted after an abort); `timeoutMs` per spec counts as a hang. */
export async function runThroughCli(
  dir: string,
  jobs: { yaml: string; small: boolean }[],
  timeoutMs = 60_000,
): Promise<CliOutcome[]> {
  const outcomes: CliOutcome[] = [];
  let next = 0;
  while (next < jobs.length) {
    const file = path.join(dir, `jobs-${next}.json`);
    fs.writeFileSync(file, JSON.stringify(jobs.slice(next)));
    const offset = next;
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, CLAB_FUZZ_JOBS: file, CLAB_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current: number | undefined;
    let buffer = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    };
    arm();
    child.stderr.resume();
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, nl)) as {
          begin?: number;
          end?: number;
          code?: number;
          stderr?: string;
        };
        buffer = buffer.slice(nl + 1);
        if (line.begin !== undefined) {
          current = offset + line.begin;
          arm();
        } else if (line.end !== undefined) {
          outcomes.push({ index: offset + line.end, code: line.code, stderr: line.stderr ?? '' });
          next = offset + line.end + 1;
          current = undefined;
        }
      }
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    clearTimeout(timer);
    if (current !== undefined) {
      outcomes.push({ index: current, code: undefined, stderr: '', aborted: signal ?? `exit ${code}` });
      next = current + 1;
    } else if (code !== 0) break;
  }
  return outcomes;
}
