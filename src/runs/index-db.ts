// The SQLite index of runs (root/index.sqlite, WAL mode): a cache of the run folders' meta.json
// and summary.json for listing and querying. Folders are the source of truth; the index can be
// deleted and rebuilt at any time.
import Database from 'better-sqlite3';
import type { RunMeta, RunStatus, RunSummary } from './types.js';

/** Bumped when the table changes; an index of another version is dropped and rebuilt. */
const SCHEMA_VERSION = 1;
const BUSY_TIMEOUT_MS = 10_000;
const BUSY_RETRIES = 50;

/**
 * Runs `fn`, retrying for a while when SQLite reports the database busy without waiting (it does
 * so for the journal-mode switch and for lock upgrades); a lock held for longer becomes an error
 * that says which file and what to do, instead of a bare "database is locked".
 */
function withBusyRetry<T>(file: string, fn: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw err;
      if (attempt >= BUSY_RETRIES)
        throw new Error(`run index ${file} is locked by another process (${code}); try again when it has finished`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.floor(Math.random() * 80));
    }
  }
}

/** The index file is not a sound SQLite database; it is only a cache, so the store rebuilds it. */
export class DamagedIndexError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: damaged run index (${reason})`);
    this.name = 'DamagedIndexError';
  }
}

/** SQLite's way of saying the file is damaged: not a database, or a malformed one. */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB') || err instanceof DamagedIndexError;
}

export interface ListFilter {
  /** Experiment name (exact). */
  name?: string;
  /** A label that must be set to this value. */
  label?: [string, string];
  status?: RunStatus;
  /** At most this many runs. */
  limit?: number;
}

interface Row {
  id: string;
  key: string;
  name: string;
  seed: number;
  status: string;
  labels: string;
  point: string;
  created_at: string;
  updated_at: string;
  dir: string;
  summary: string | null;
  meta: string;
}

export class IndexDb {
  readonly #db: Database.Database;
  readonly #file: string;
  /** True when the table was (re)created empty and should be filled from the folders. */
  readonly fresh: boolean;

  constructor(file: string) {
    // The busy timeout first: every later statement (even the journal-mode switch) may meet another
    // process opening the same index at the same moment, and must wait for it rather than fail.
    this.#file = file;
    this.#db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // A damaged index (truncated, bit-flipped) is found now, not by a later query half-way through a run.
    const check = withBusyRetry(file, () => this.#db.pragma('quick_check', { simple: true }));
    if (check !== 'ok') {
      this.#db.close();
      throw new DamagedIndexError(file, String(check));
    }
    withBusyRetry(file, () => this.#db.pragma('journal_mode = WAL'));
    this.#db.pragma('synchronous = NORMAL');
    // Check and create in one write transaction, so two processes never both drop and recreate it.
    this.fresh = withBusyRetry(file, () => this.#db.transaction(() => this.#ensureSchema()).immediate());
  }

  /** Creates the table if it is missing or of another version; true when it was (re)created empty. */
  #ensureSchema(): boolean {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    const hasTable =
      this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined;
    if (version === SCHEMA_VERSION && hasTable) return false;
    this.#db.exec(`
      DROP TABLE IF EXISTS runs;
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL,
        labels TEXT NOT NULL,
        point TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        dir TEXT NOT NULL,
        summary TEXT,
        meta TEXT NOT NULL
      );
      CREATE INDEX runs_key ON runs(key);
      CREATE INDEX runs_name ON runs(name);
      CREATE INDEX runs_created ON runs(created_at);
    `);
    this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return true;
  }

  /** Inserts or replaces the row of `meta.id`. */
  upsert(meta: RunMeta): void {
    const statement = this.#db.prepare(
      `INSERT OR REPLACE INTO runs (id, key, name, seed, status, labels, point, created_at, updated_at, dir, summary, meta)
         VALUES (@id, @key, @name, @seed, @status, @labels, @point, @created_at, @updated_at, @dir, @summary, @meta)`,
    );
    withBusyRetry(this.#file, () => statement.run(toRow(meta)));
  }

  get(id: string): RunMeta | undefined {
    const row = this.#db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Runs whose id starts with `prefix`, up to `limit`. */
  byPrefix(prefix: string, limit = 50): RunMeta[] {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.#db
      .prepare("SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at DESC, id DESC LIMIT ?")
      .all(`${escaped}%`, limit) as Row[];
    // LIKE is case-insensitive for ASCII; ids are lowercase, but keep the match exact.
    return rows.map(fromRow).filter((m) => m.id.startsWith(prefix));
  }

  byKey(key: string): RunMeta[] {
    const rows = this.#db
      .prepare('SELECT * FROM runs WHERE key = ? ORDER BY created_at DESC, id DESC')
      .all(key) as Row[];
    return rows.map(fromRow);
  }

  list(filter: ListFilter = {}): RunMeta[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.name !== undefined) {
      where.push('name = ?');
      args.push(filter.name);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.label !== undefined) {
      where.push("json_extract(labels, '$.' || json_quote(?)) = ?");
      args.push(filter.label[0], filter.label[1]);
    }
    let sql = 'SELECT * FROM runs';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY created_at DESC, id DESC';
    if (filter.limit !== undefined) {
      if (!Number.isInteger(filter.limit) || filter.limit < 0)
        throw new RangeError(`list(): limit must be a non-negative integer, got ${filter.limit}`);
      sql += ' LIMIT ?';
      args.push(filter.limit);
    }
    return (this.#db.prepare(sql).all(...args) as Row[]).map(fromRow);
  }

  /** Replaces the whole table with `metas`, in one transaction. */
  replaceAll(metas: RunMeta[]): void {
    withBusyRetry(this.#file, () =>
      this.#db
        .transaction(() => {
          this.#db.prepare('DELETE FROM runs').run();
          for (const m of metas) this.upsert(m);
        })
        .immediate(),
    );
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function toRow(meta: RunMeta): Row {
  return {
    id: meta.id,
    key: meta.key,
    name: meta.name,
    seed: meta.seed,
    status: meta.status,
    labels: JSON.stringify(meta.labels),
    point: JSON.stringify(meta.point),
    created_at: meta.createdAt,
    updated_at: meta.updatedAt,
    dir: meta.dir,
    summary: meta.summary === undefined ? null : JSON.stringify(meta.summary),
    meta: JSON.stringify(meta),
  };
}

function fromRow(row: Row): RunMeta {
  const meta = JSON.parse(row.meta) as RunMeta;
  meta.status = row.status as RunStatus;
  meta.dir = row.dir;
  if (row.summary !== null) meta.summary = JSON.parse(row.summary) as RunSummary;
  return meta;
}
