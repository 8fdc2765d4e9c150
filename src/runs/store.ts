// The run store: one folder per run under a root, and a SQLite index (root/index.sqlite) of them.
//
//   root/
//     index.sqlite                     cache of every run's meta (rebuilt by reindex())
//     <id>/spec.json                   the resolved RunSpec, rerunnable as is
//     <id>/meta.json                   id, key, name, seed, point, labels, status, timestamps, code version, environment
//     <id>/metrics.jsonl               one JSON object per line
//     <id>/checkpoints/step-<8 digits>.safetensors
//     <id>/summary.json                written when the run finishes
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../io/index.js';
import type { RunSpec } from '../experiments/spec.js';
import { codeVersion, runEnvironment } from './environment.js';
import { META_FILE, SPEC_FILE, metaForFile, readRunFolder } from './folder.js';
import { baseRunId, runKey } from './ids.js';
import { IndexDb, type ListFilter } from './index-db.js';
import { RunHandle } from './run-handle.js';
import type { RunMeta } from './types.js';

export const INDEX_FILE = 'index.sqlite';

/** No run, or more than one, matches an id or prefix given to RunStore.open(). */
export class RunLookupError extends Error {
  constructor(
    message: string,
    /** The ids that matched (empty when none did). */
    readonly candidates: string[],
  ) {
    super(message);
    this.name = 'RunLookupError';
  }
}

let lastCreatedMs = 0;

/** Now as ISO 8601, strictly increasing within this process so that "newest first" is exact. */
function creationTime(): string {
  let ms = Date.now();
  if (ms <= lastCreatedMs) ms = lastCreatedMs + 1;
  lastCreatedMs = ms;
  return new Date(ms).toISOString();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunStore {
  readonly root: string;
  readonly #index: IndexDb;

  /** Opens (creating if needed) the store at `root`; a new or outdated index is filled from the folders. */
  constructor(root: string) {
    this.root = path.resolve(root);
    fs.mkdirSync(this.root, { recursive: true });
    this.#index = new IndexDb(path.join(this.root, INDEX_FILE));
    if (this.#index.fresh) this.reindex();
  }

  /** sha256 of the canonical JSON of { spec, seed }: the same run always has the same key. */
  runKey(run: RunSpec): string {
    return runKey(run);
  }

  /**
   * Creates the folder of a new run (status 'running'), writing spec.json and meta.json, and
   * indexes it. The id is `<name-slug>-s<seed>-<key[0:8]>`, with `-2`, `-3`, … if taken.
   */
  create(run: RunSpec, labels: Record<string, string> = {}): RunHandle {
    if (typeof run !== 'object' || run === null || typeof run.spec !== 'object' || run.spec === null)
      throw new TypeError('RunStore.create(): expected a RunSpec { spec, seed, point }');
    if (!Number.isInteger(run.seed) || run.seed < 0) throw new TypeError(`RunStore.create(): seed must be a non-negative integer, got ${String(run.seed)}`);
    for (const [k, v] of Object.entries(labels))
      if (typeof v !== 'string') throw new TypeError(`RunStore.create(): label '${k}' must be a string, got ${typeof v}`);
    const name = typeof run.spec.name === 'string' ? run.spec.name : 'run';
    const key = runKey(run);
    const base = baseRunId(name, run.seed, key);
    let id = base;
    let dir = path.join(this.root, id);
    // mkdir (not recursive) fails if the folder exists, so two processes never claim one id.
    for (let n = 2; ; n++) {
      try {
        fs.mkdirSync(dir);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        id = `${base}-${n}`;
        dir = path.join(this.root, id);
      }
    }
    const createdAt = creationTime();
    const meta: RunMeta = {
      id,
      key,
      name,
      seed: run.seed,
      point: run.point ?? {},
      labels: { ...labels },
      status: 'running',
      createdAt,
      updatedAt: createdAt,
      codeVersion: codeVersion(),
      environment: runEnvironment(),
      dir,
      pid: process.pid,
      host: os.hostname(),
    };
    writeJsonAtomic(path.join(dir, SPEC_FILE), run);
    // meta.json last: a folder without it (a crash right here) is not a run and reindex skips it.
    writeJsonAtomic(path.join(dir, META_FILE), metaForFile(meta));
    this.#index.upsert(meta);
    return new RunHandle(dir, run, meta, this.#index);
  }

  /**
   * The run with this key: the newest finished one if any, else the newest. Lets `reproduce`
   * skip finished cells and resume interrupted ones.
   */
  findByKey(key: string): RunMeta | undefined {
    const runs = this.#index.byKey(key);
    return runs.find((m) => m.status === 'done') ?? runs[0];
  }

  /** Every run with this key, newest first. */
  findAllByKey(key: string): RunMeta[] {
    return this.#index.byKey(key);
  }

  /**
   * Opens a run by id or by a prefix of its id that only one run has. Throws RunLookupError
   * listing the candidates when the prefix is ambiguous, or saying so when nothing matches.
   */
  open(idOrUniquePrefix: string): RunHandle {
    const query = idOrUniquePrefix.trim();
    if (query === '') throw new RunLookupError('RunStore.open(): empty run id', []);
    const exact = this.#folderIfRun(query);
    if (exact !== undefined) return this.#handle(exact);
    let ids = this.#index.byPrefix(query).map((m) => m.id);
    if (ids.length === 0) ids = this.#folderIds().filter((id) => id.startsWith(query)); // index may lag the folders
    if (ids.length === 1 && ids[0] !== undefined) {
      const dir = this.#folderIfRun(ids[0]);
      if (dir !== undefined) return this.#handle(dir);
    }
    if (ids.length === 0) throw new RunLookupError(`no run '${query}' in ${this.root} (list runs with \`clab ls\`)`, []);
    const shown = ids.slice(0, 10);
    const more = ids.length > shown.length ? `\n  … (${ids.length - shown.length} more)` : '';
    throw new RunLookupError(
      `run '${query}' is ambiguous: ${ids.length} runs match; give more of the id:\n  ${shown.join('\n  ')}${more}`,
      ids,
    );
  }

  /** Runs from the index, newest first, optionally by name, label, status and count. */
  list(filter: ListFilter = {}): RunMeta[] {
    return this.#index.list(filter);
  }

  /** Rebuilds the index from the run folders (the source of truth); returns how many runs it holds. */
  reindex(): number {
    const metas: RunMeta[] = [];
    for (const id of this.#folderIds()) {
      try {
        metas.push(readRunFolder(path.join(this.root, id)).meta);
      } catch {
        // not a run folder, or one whose creation was cut short: skip it
      }
    }
    this.#index.replaceAll(metas);
    return metas.length;
  }

  /**
   * Marks 'running' runs of this host whose process is gone (killed, crashed) as 'interrupted';
   * returns their ids. Call before deciding what to resume.
   */
  recoverStale(): string[] {
    const host = os.hostname();
    const recovered: string[] = [];
    for (const meta of this.#index.list({ status: 'running' })) {
      if (meta.host !== host || meta.pid === undefined || meta.pid === process.pid || isAlive(meta.pid)) continue;
      const dir = this.#folderIfRun(meta.id);
      if (dir === undefined) continue;
      this.#handle(dir).setStatus('interrupted');
      recovered.push(meta.id);
    }
    return recovered;
  }

  close(): void {
    this.#index.close();
  }

  #handle(dir: string): RunHandle {
    const { run, meta } = readRunFolder(dir);
    return new RunHandle(dir, run, meta, this.#index);
  }

  /** The folder of run `id` if it exists and has a meta.json. */
  #folderIfRun(id: string): string | undefined {
    if (id.includes('/') || id.includes('\\') || id.startsWith('.')) return undefined;
    const dir = path.join(this.root, id);
    return fs.existsSync(path.join(dir, META_FILE)) ? dir : undefined;
  }

  /** Names of the (non-hidden) folders under the root. */
  #folderIds(): string[] {
    return fs
      .readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  }
}
