// Server-sent events: the rows appended to the metrics.jsonl of the runs a page watches, and a
// `runs` event whenever the store's runs change (a run created, finished, failed). Each watched
// file is read from the byte offset the page's own load ended at, so no row is sent twice or lost.
// fs.watch on the run folders wakes the feed at once; a short poll backs it up on filesystems
// where watching is not reliable.
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS_FILE } from '../runs/index.js';
import type { MetricsEvent, ResetEvent } from './api-types.js';
import { baseHeaders } from './http.js';
import { readMetricsFrom } from './metrics-reader.js';

/** A run a page watches, and where its metrics file was read up to. */
export interface Watch {
  id: string;
  offset: number;
}

interface Tail {
  id: string;
  file: string;
  offset: number;
}

interface Client {
  res: ServerResponse;
  tails: Tail[];
  watchers: fs.FSWatcher[];
}

/** Parses `id@offset,id@offset` (the `watch` query parameter). */
export function parseWatch(value: string | null): { id: string; offset: number }[] {
  if (value === null || value === '') return [];
  return value.split(',').flatMap((part) => {
    const at = part.lastIndexOf('@');
    const id = at < 0 ? part : part.slice(0, at);
    const offset = at < 0 ? 0 : Number(part.slice(at + 1));
    return id !== '' && Number.isInteger(offset) && offset >= 0 ? [{ id, offset }] : [];
  });
}

export class LiveFeed {
  readonly #clients = new Set<Client>();
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastStamp: string;
  #pending = false;

  /**
   * @param dirOf the folder of a run (throws for an unknown id)
   * @param stamp changes whenever the store's runs change
   * @param pollMs how often files are checked when no watch event came
   */
  constructor(
    readonly dirOf: (id: string) => string,
    readonly stamp: () => string,
    readonly pollMs = 500,
  ) {
    this.#lastStamp = stamp();
  }

  /** Turns the response into an event stream of the runs in `watches` (unknown ids are skipped). */
  attach(req: IncomingMessage, res: ServerResponse, watches: Watch[]): void {
    const tails: Tail[] = [];
    for (const w of watches.slice(0, 200)) {
      try {
        tails.push({ id: w.id, file: path.join(this.dirOf(w.id), METRICS_FILE), offset: w.offset });
      } catch {
        // not a run of this store: nothing to watch
      }
    }
    res.writeHead(200, { ...baseHeaders('text/event-stream; charset=utf-8'), connection: 'keep-alive' });
    res.write('retry: 2000\n: connected\n\n');
    const client: Client = { res, tails, watchers: [] };
    for (const dir of new Set(tails.map((t) => path.dirname(t.file)))) {
      try {
        const w = fs.watch(dir, { persistent: false }, () => this.#wake());
        w.on('error', () => undefined);
        client.watchers.push(w);
      } catch {
        // no inotify watch left: the poll still covers this folder
      }
    }
    this.#clients.add(client);
    req.on('close', () => this.#drop(client));
    this.#start();
    this.#check(client);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const c of [...this.#clients]) {
      c.res.end();
      this.#drop(c);
    }
  }

  #start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.pollMs);
    this.#heartbeat = setInterval(() => {
      for (const c of this.#clients) c.res.write(': keep-alive\n\n');
    }, 15_000);
  }

  #drop(client: Client): void {
    for (const w of client.watchers) w.close();
    this.#clients.delete(client);
    if (this.#clients.size === 0) {
      clearInterval(this.#timer);
      clearInterval(this.#heartbeat);
      this.#timer = undefined;
      this.#heartbeat = undefined;
    }
  }

  /** A watch event: check soon, once for a burst of events. */
  #wake(): void {
    if (this.#pending) return;
    this.#pending = true;
    setTimeout(() => {
      this.#pending = false;
      this.#tick();
    }, 20).unref();
  }

  #tick(): void {
    const stamp = this.stamp();
    const runsChanged = stamp !== this.#lastStamp;
    this.#lastStamp = stamp;
    for (const c of this.#clients) {
      if (runsChanged) send(c.res, 'runs', {});
      this.#check(c);
    }
  }

  #check(client: Client): void {
    for (const t of client.tails) {
      let chunk;
      try {
        chunk = readMetricsFrom(t.file, t.offset);
      } catch {
        continue; // a folder removed under us: nothing to send
      }
      if (chunk.rewritten) {
        t.offset = 0;
        send<ResetEvent>(client.res, 'reset', { id: t.id });
      } else if (chunk.rows.length > 0) {
        t.offset = chunk.offset;
        send<MetricsEvent>(client.res, 'metrics', { id: t.id, rows: chunk.rows, offset: chunk.offset });
      }
    }
  }
}

function send<T>(res: ServerResponse, event: string, data: T): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
