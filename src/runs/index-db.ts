// The SQLite index of runs (root/index.sqlite, WAL mode): a cache of the run folders' meta.json
// and summary.json for listing and querying. Folders are the source of truth; the index can be
// deleted and rebuilt at any time.
import Database from 'better-sqlite3';
import type { RunMeta, RunStatus, RunSummary } from './types.js';

/** Bumped when the table changes; an index of another version is dropped and rebuilt. */
const SCHEMA_VERSION = 1;

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
  /** True when the table was (re)created empty and should be filled from the folders. */
  readonly fresh: boolean;

  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('busy_timeout = 10000');
    this.#db.pragma('synchronous = NORMAL');
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    const hasTable = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined;
    this.fresh = version !== SCHEMA_VERSION || !hasTable;
    if (this.fresh) {
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
    }
  }

  /** Inserts or replaces the row of `meta.id`. */
  upsert(meta: RunMeta): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO runs (id, key, name, seed, status, labels, point, created_at, updated_at, dir, summary, meta)
         VALUES (@id, @key, @name, @seed, @status, @labels, @point, @created_at, @updated_at, @dir, @summary, @meta)`,
      )
      .run(toRow(meta));
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
    const rows = this.#db.prepare('SELECT * FROM runs WHERE key = ? ORDER BY created_at DESC, id DESC').all(key) as Row[];
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
      if (!Number.isInteger(filter.limit) || filter.limit < 0) throw new RangeError(`list(): limit must be a non-negative integer, got ${filter.limit}`);
      sql += ' LIMIT ?';
      args.push(filter.limit);
    }
    return (this.#db.prepare(sql).all(...args) as Row[]).map(fromRow);
  }

  /** Replaces the whole table with `metas`, in one transaction. */
  replaceAll(metas: RunMeta[]): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM runs').run();
      for (const m of metas) this.upsert(m);
    })();
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
