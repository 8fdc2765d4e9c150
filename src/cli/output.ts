// What the CLI prints: a live progress line on a terminal, plain log lines otherwise, and JSON
// lines with --json (one event per line, for machines). Progress comes from the executor's events.
//
// Manners: a closed pipe (`clab ls | head -1`) ends the process quietly; Ctrl-C or SIGTERM
// finishes the progress line and prints how to resume the runs in training (the executor marks
// them interrupted and exits); colour only on a terminal and never with NO_COLOR (no-color.org).
import type { ExecutorEvent } from '../experiments/index.js';
import { withoutSample } from './run-table.js';

/** Whether to colour what goes to `stream`: a terminal, and NO_COLOR unset or empty. */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
}

const SGR = { green: 32, red: 31, dim: 2, bold: 1 } as const;

/** `text` in an ANSI colour when `on`, unchanged otherwise. */
export function paint(on: boolean, colour: keyof typeof SGR, text: string): string {
  return on ? `\x1b[${SGR[colour]}m${text}\x1b[0m` : text;
}

/**
 * A reader that went away (`| head`, a closed terminal) makes writes fail with EPIPE, which Node
 * raises as an unhandled 'error' event and a stack trace: end quietly instead (exit code 0, as
 * when the output was read to the end).
 */
export function quietOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}

export interface OutputOptions {
  json: boolean;
  /** A terminal: progress is redrawn in place. */
  tty: boolean;
  /** Colour the output (a terminal without NO_COLOR). */
  colour?: boolean;
}

interface Active {
  name: string;
  step: number;
  total: number;
  loss: number;
  startedAt: number;
  startStep: number;
  lastLogged: number;
}

export class Output {
  readonly json: boolean;
  readonly tty: boolean;
  readonly colour: boolean;
  readonly #active = new Map<string, Active>();
  #done = 0;
  #total = 0;
  #lineShown = false;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.tty = options.tty && !options.json;
    this.colour = Boolean(options.colour) && !options.json;
  }

  /** The CLI's output, which also says how to resume when the user stops it (SIGINT, SIGTERM). */
  static fromProcess(json: boolean): Output {
    const output = new Output({ json, tty: Boolean(process.stderr.isTTY), colour: useColour(process.stdout) });
    output.stopOnSignals();
    return output;
  }

  /** The runs still in training (started, neither finished nor failed). */
  activeRuns(): string[] {
    return [...this.#active.keys()];
  }

  /**
   * On SIGINT/SIGTERM: end the progress line and print `clab resume <id>` for each run in
   * training. Registered before the executor's own handler, which then marks those runs
   * interrupted and exits with 130; when no run is in training nothing else listens, so exit here.
   */
  stopOnSignals(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.interrupted(signal);
      if (process.listenerCount(signal) === 0) process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  /** Finishes the progress line and says how to continue the runs in training. */
  interrupted(signal: string): void {
    if (this.#lineShown) {
      process.stderr.write('\n');
      this.#lineShown = false;
    }
    const ids = this.activeRuns();
    if (this.json) {
      for (const id of ids)
        process.stdout.write(`${JSON.stringify({ event: 'interrupted', id, signal, resume: `clab resume ${id}` })}\n`);
      return;
    }
    if (ids.length === 0) return void process.stderr.write(`stopped (${signal})\n`);
    process.stderr.write(
      `stopped (${signal}); ${ids.length === 1 ? 'the run keeps its last checkpoint. Continue it with' : 'the runs keep their last checkpoints. Continue them with'}:\n`,
    );
    for (const id of ids) process.stderr.write(`  clab resume ${id}\n`);
  }

  /** A message for people (stdout), or a JSON event. */
  info(text: string, event?: Record<string, unknown>): void {
    this.#clearLine();
    if (this.json) {
      if (event !== undefined) process.stdout.write(`${JSON.stringify(event)}\n`);
    } else process.stdout.write(`${text}\n`);
  }

  /** Prints an executor event (progress is throttled: a redrawn line, or every 10% / 5% of a run). */
  event(e: ExecutorEvent): void {
    switch (e.kind) {
      case 'plan':
        // The "(k/n)" counter counts the runs to train; reused ones are listed, not counted.
        this.#total = e.total - e.cached;
        this.#done = 0;
        return;
      case 'cached':
        return this.info(`cached ${e.id}  (finished earlier)`, { event: 'cached', id: e.id });
      case 'started':
        return this.#started(e.id, e.name, e.total, e.from);
      case 'step':
        return this.#step(e.id, e.step, e.loss);
      case 'finished':
        return this.#finished(e.id, e.summary);
      case 'failed':
        return this.#failed(e.id, e.error);
    }
  }

  #started(id: string, name: string, total: number, fromStep: number): void {
    this.#active.set(id, {
      name,
      step: fromStep,
      total,
      loss: Number.NaN,
      startedAt: Date.now(),
      startStep: fromStep,
      lastLogged: fromStep,
    });
    this.info(fromStep > 0 ? `resume ${id} at step ${fromStep}/${total}` : `start  ${id}`, {
      event: 'start',
      id,
      name,
      total,
      fromStep,
    });
  }

  #step(id: string, step: number, loss: number): void {
    const a = this.#active.get(id);
    if (a === undefined) return;
    a.step = step;
    a.loss = loss;
    if (this.json) {
      if (step - a.lastLogged >= Math.max(1, Math.floor(a.total / 20))) {
        a.lastLogged = step;
        process.stdout.write(`${JSON.stringify({ event: 'progress', id, step, total: a.total, loss })}\n`);
      }
    } else if (this.tty) this.#draw();
    else if (step - a.lastLogged >= Math.max(1, Math.floor(a.total / 10))) {
      a.lastLogged = step;
      process.stdout.write(`  ${id}  step ${step}/${a.total}  loss ${loss.toFixed(4)}  eta ${formatEta(eta(a))}\n`);
    }
  }

  #finished(id: string, summary: Record<string, unknown>): void {
    this.#active.delete(id);
    this.#done++;
    const metrics = (summary['metrics'] ?? {}) as Record<string, number>;
    const shown = ['r2', 'mcc', 'ape']
      .filter((k) => metrics[k] !== undefined)
      .map((k) => `${k} ${metrics[k]!.toFixed(3)}`);
    this.info(`${paint(this.colour, 'green', 'done')}   ${id}  (${this.#done}/${this.#total})  ${shown.join('  ')}`, {
      event: 'done',
      id,
      ...withoutSample(summary),
    });
    // Representation collapse, damaged checkpoints skipped: the run is done, but its numbers need a look.
    if (!this.json)
      for (const w of (summary['warnings'] ?? []) as string[])
        process.stderr.write(`${paint(this.colour, 'bold', 'warning')} ${id}: ${w}\n`);
  }

  #failed(id: string, error: string): void {
    this.#active.delete(id);
    this.#done++;
    this.#clearLine();
    if (this.json) process.stdout.write(`${JSON.stringify({ event: 'failed', id, error })}\n`);
    else process.stderr.write(`${paint(useColour(process.stderr), 'red', 'failed')} ${id}: ${error}\n`);
  }

  #draw(): void {
    const parts = [...this.#active.entries()].map(([, a]) => {
      const pct = Math.floor((100 * a.step) / a.total);
      const loss = Number.isFinite(a.loss) ? a.loss.toFixed(4) : '--';
      return `${shorten(a.name, 28)} ${bar(a.step / a.total)} ${String(pct).padStart(3)}% step ${a.step}/${a.total} loss ${loss} ${formatRate(rate(a))} eta ${formatEta(eta(a))}`;
    });
    const line = `[${this.#done}/${this.#total}] ${parts.join(' | ')}`;
    const width = process.stderr.columns ?? 120;
    process.stderr.write(`\r${line.slice(0, width - 1).padEnd(Math.min(width - 1, line.length))}\x1b[K`);
    this.#lineShown = true;
  }

  #clearLine(): void {
    if (this.#lineShown) {
      process.stderr.write('\r\x1b[K');
      this.#lineShown = false;
    }
  }
}

function eta(a: Active): number {
  const done = a.step - a.startStep;
  if (done <= 0) return Number.NaN;
  return ((Date.now() - a.startedAt) / done) * (a.total - a.step);
}

/** Steps per second since this process started (or resumed) the run. */
function rate(a: Active): number {
  const seconds = (Date.now() - a.startedAt) / 1000;
  return seconds > 0 ? (a.step - a.startStep) / seconds : Number.NaN;
}

function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '-- steps/s';
  return `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1)} steps/s`;
}

function formatEta(ms: number): string {
  if (!Number.isFinite(ms)) return '--';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function bar(fraction: number, width = 16): string {
  const n = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(s.length - n + 1)}`;
}
