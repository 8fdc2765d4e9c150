// The suites of a store: which suites its runs belong to (their `suite` and `preset` labels), and
// each suite's tables next to the paper through the same code as `clab report` (suiteReport, then
// the report's own table renderer), plus the full HTML report on request.
import fs from 'node:fs';
import path from 'node:path';
import { loadSuite } from '../experiments/suite.js';
import { SpecError } from '../experiments/index.js';
import { renderReport, summariseTable, tableToHtml, type ReportInput } from '../report/index.js';
import { suiteReport } from '../report/suite-report.js';
import type { RunStore } from '../runs/index.js';
import type { SuiteEntry, SuiteResponse } from './api-types.js';
import { HttpError } from './http.js';
import { isSuiteName } from './paths.js';

interface Cached {
  stamp: string;
  input: Promise<ReportInput>;
  html?: Promise<string>;
}

export class SuitesView {
  readonly #cache = new Map<string, Cached>();

  /**
   * @param experimentsDir the folder of suite files (`<name>.yaml`), e.g. the package's experiments/
   * @param stamp changes whenever the store's runs change (the cache is dropped then)
   */
  constructor(
    readonly store: RunStore,
    readonly experimentsDir: string,
    readonly stamp: () => string,
  ) {}

  list(): SuiteEntry[] {
    const counts = new Map<string, SuiteEntry>();
    for (const m of this.store.list()) {
      const suite = m.labels['suite'];
      if (suite === undefined || suite === '') continue;
      const preset = m.labels['preset'] ?? '';
      const key = JSON.stringify([suite, preset]);
      const entry = counts.get(key) ?? { suite, preset, runs: 0, known: this.#file(suite) !== undefined };
      entry.runs++;
      counts.set(key, entry);
    }
    return [...counts.values()].sort((a, b) => a.suite.localeCompare(b.suite) || a.preset.localeCompare(b.preset));
  }

  async detail(name: string, preset: string): Promise<SuiteResponse> {
    const input = await this.#input(name, preset);
    return {
      suite: name,
      preset,
      title: input.title,
      notes: input.notes,
      tablesHtml: input.tables.map((t) => tableToHtml(summariseTable(t))),
      reportUrl: `/suite-report?${new URLSearchParams({ name, preset }).toString()}`,
    };
  }

  /** The suite's full HTML report (tables, figures, notes), as `clab report --suite` writes it. */
  reportHtml(name: string, preset: string): Promise<string> {
    const cached = this.#cached(name, preset);
    cached.html ??= cached.input.then(renderReport);
    return cached.html;
  }

  #input(name: string, preset: string): Promise<ReportInput> {
    return this.#cached(name, preset).input;
  }

  #cached(name: string, preset: string): Cached {
    if (!isSuiteName(name) || !/^[A-Za-z0-9._-]{1,64}$/.test(preset)) throw new HttpError(404, 'no such suite');
    const file = this.#file(name);
    if (file === undefined) throw new HttpError(404, `no suite '${name}' in ${this.experimentsDir}`);
    const key = JSON.stringify([name, preset]);
    const stamp = this.stamp();
    let cached = this.#cache.get(key);
    if (cached === undefined || cached.stamp !== stamp) {
      let suite;
      try {
        suite = loadSuite(file, { preset });
      } catch (err) {
        if (err instanceof SpecError) throw new HttpError(422, err.message);
        throw err;
      }
      cached = { stamp, input: suiteReport(this.store, suite, preset) };
      this.#cache.set(key, cached);
      cached.input.catch(() => this.#cache.delete(key));
    }
    return cached;
  }

  /** The suite file `<experiments>/<name>.yaml`, if it exists inside the folder. */
  #file(name: string): string | undefined {
    if (!isSuiteName(name)) return undefined;
    const root = path.resolve(this.experimentsDir);
    const file = path.resolve(root, `${name}.yaml`);
    if (!file.startsWith(root + path.sep)) return undefined;
    return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
  }
}
