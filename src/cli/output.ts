// What the CLI prints: a live progress line on a terminal, plain log lines otherwise, and JSON
// lines with --json (one event per line, for machines). Progress comes from the executor's events.
import type { ExecutorEvent } from '../experiments/index.js';

export interface OutputOptions {
  json: boolean;
  /** A terminal: progress is redrawn in place. */
  tty: boolean;
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
  readonly #active = new Map<string, Active>();
  #done = 0;
  #total = 0;
  #lineShown = false;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.tty = options.tty && !options.json;
  }

  static fromProcess(json: boolean): Output {
    return new Output({ json, tty: Boolean(process.stderr.isTTY) });
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
    this.#active.set(id, { name, step: fromStep, total, loss: Number.NaN, startedAt: Date.now(), startStep: fromStep, lastLogged: fromStep });
    this.info(fromStep > 0 ? `resume ${id} at step ${fromStep}/${total}` : `start  ${id}`, { event: 'start', id, name, total, fromStep });
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
    const shown = ['r2', 'mcc', 'ape'].filter((k) => metrics[k] !== undefined).map((k) => `${k} ${metrics[k]!.toFixed(3)}`);
    this.info(`done   ${id}  (${this.#done}/${this.#total})  ${shown.join('  ')}`, { event: 'done', id, ...summary });
  }

  #failed(id: string, error: string): void {
    this.#active.delete(id);
    this.#done++;
    this.#clearLine();
    if (this.json) process.stdout.write(`${JSON.stringify({ event: 'failed', id, error })}\n`);
    else process.stderr.write(`failed ${id}: ${error}\n`);
  }

  #draw(): void {
    const parts = [...this.#active.entries()].map(([, a]) => {
      const pct = Math.floor((100 * a.step) / a.total);
      return `${shorten(a.name, 36)} ${bar(a.step / a.total)} ${String(pct).padStart(3)}% eta ${formatEta(eta(a))}`;
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
