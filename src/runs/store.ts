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
import { DamagedFileError, readCheckedJson, writeCheckedJson } from './checksum.js';
import { META_FILE, SPEC_FILE, SUMMARY_FILE, damagedMeta, metaForFile, readRunFolder, readSpecFile } from './folder.js';
import { baseRunId, runKey } from './ids.js';
import { IndexDb, isCorruptionError, type ListFilter } from './index-db.js';
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

/** A damaged meta.json's readable members, or {} (used only for its creation time). */
function readCheckedOrEmpty(file: string): Record<string, unknown> {
  try {
    return readCheckedJson(file);
  } catch {
    return {};
  }
}

/**
 * Opens the index; a damaged one (it is only a cache of the folders) is set aside as
 * `index.sqlite.damaged` (with its -wal/-shm files), reported on stderr, and rebuilt from the folders.
 */
function openIndex(file: string): IndexDb {
  try {
    return new IndexDb(file);
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
    for (const suffix of ['', '-wal', '-shm'])
      if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, `${file}.damaged${suffix}`);
    process.emitWarning(
      `${file} was damaged (${(err as Error).message}); kept as ${path.basename(file)}.damaged and rebuilt from the run folders`,
      { code: 'CLAB_DAMAGED_INDEX' },
    );
    return new IndexDb(file);
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
    this.#index = openIndex(path.join(this.root, INDEX_FILE));
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
    if (!Number.isInteger(run.seed) || run.seed < 0)
      throw new TypeError(`RunStore.create(): seed must be a non-negative integer, got ${String(run.seed)}`);
    for (const [k, v] of Object.entries(labels))
      if (typeof v !== 'string')
        throw new TypeError(`RunStore.create(): label '${k}' must be a string, got ${typeof v}`);
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
      ...(run.worldSize !== undefined && run.worldSize > 1 ? { worldSize: run.worldSize } : {}),
      dir,
      pid: process.pid,
      host: os.hostname(),
    };
    writeJsonAtomic(path.join(dir, SPEC_FILE), run);
    // meta.json last: a folder without it (a crash right here) is not a run and reindex skips it.
    writeCheckedJson(path.join(dir, META_FILE), metaForFile(meta));
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
    if (ids.length === 0)
      throw new RunLookupError(`no run '${query}' in ${this.root} (list runs with \`clab ls\`)`, []);
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

  /**
   * Rebuilds the index from the run folders (the source of truth); returns how many runs it holds.
   * A folder with a meta.json that cannot be read is listed with status 'damaged' and the reason.
   */
  reindex(): number {
    const metas: RunMeta[] = [];
    for (const id of this.#folderIds()) {
      const dir = path.join(this.root, id);
      // A folder without meta.json is not a run (a creation cut short): skip it.
      if (!fs.existsSync(path.join(dir, META_FILE))) continue;
      try {
        metas.push(readRunFolder(dir).meta);
      } catch (err) {
        metas.push(damagedMeta(dir, err));
      }
    }
    this.#index.replaceAll(metas);
    return metas.length;
  }

  /**
   * Makes a damaged run resumable when its spec.json is intact: a damaged meta.json is rebuilt
   * from spec.json (with `labels`), a damaged summary.json is removed (the run resumes from its
   * last checkpoint and writes it again, with the same numbers). The run ends 'interrupted', with
   * a warning saying what was repaired. Throws DamagedFileError when spec.json itself is damaged.
   */
  repair(id: string, labels: Record<string, string> = {}): RunHandle {
    const dir = this.#folderIfRun(id);
    if (dir === undefined) throw new RunLookupError(`no run '${id}' in ${this.root}`, []);
    const run = readSpecFile(dir);
    const notes: string[] = [];
    let meta: RunMeta;
    try {
      meta = readRunFolder(dir).meta;
    } catch (err) {
      if (!(err instanceof DamagedFileError) || path.basename(err.file) === SPEC_FILE) throw err;
      notes.push(`repaired: ${err.message}`);
      if (path.basename(err.file) === SUMMARY_FILE) {
        fs.rmSync(err.file, { force: true });
        meta = readRunFolder(dir).meta;
      } else meta = this.#metaFromSpec(dir, run, labels, readCheckedOrEmpty(path.join(dir, META_FILE)));
    }
    if (meta.status === 'done' && !fs.existsSync(path.join(dir, SUMMARY_FILE))) meta.status = 'interrupted';
    if (meta.status === 'running' || meta.status === 'damaged') meta.status = 'interrupted';
    meta.warnings = [...(meta.warnings ?? []), ...notes];
    writeCheckedJson(path.join(dir, META_FILE), metaForFile(meta));
    this.#index.upsert(meta);
    return new RunHandle(dir, run, meta, this.#index);
  }

  #metaFromSpec(dir: string, run: RunSpec, labels: Record<string, string>, old: Record<string, unknown>): RunMeta {
    const now = creationTime();
    return {
      id: path.basename(dir),
      key: runKey(run),
      name: typeof run.spec.name === 'string' ? run.spec.name : 'run',
      seed: run.seed,
      point: run.point ?? {},
      labels: { ...labels },
      status: 'interrupted',
      createdAt: typeof old['createdAt'] === 'string' ? old['createdAt'] : now,
      updatedAt: now,
      codeVersion: codeVersion(),
      environment: runEnvironment(),
      ...(run.worldSize !== undefined && run.worldSize > 1 ? { worldSize: run.worldSize } : {}),
      dir,
    };
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
      try {
        this.#handle(dir).setStatus('interrupted');
      } catch (err) {
        this.#index.upsert(damagedMeta(dir, err)); // its folder was damaged meanwhile: list it so
      }
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
