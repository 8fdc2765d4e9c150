// Trains every cell of a suite through the one trainer into a run store (as `clab reproduce` does,
// one run at a time in this process) and gathers the finished runs the way a report builder gets
// them. For tests of suites and their report builders.
import { expandRuns, trainRun } from '../../src/experiments/index.js';
import type { Suite } from '../../src/experiments/suite.js';
import type { SuiteRunData } from '../../src/report/suites/index.js';
import type { ReportInput } from '../../src/report/types.js';
import { RunStore } from '../../src/runs/index.js';

export async function trainSuite(suite: Suite, preset: string, root: string): Promise<SuiteRunData[]> {
  const store = new RunStore(root);
  try {
    for (const cell of suite.cells)
      for (const run of expandRuns(cell.spec)) {
        const handle = store.create(run, { suite: suite.id, cell: `${cell.row}/${cell.column}`, preset });
        const result = await trainRun(handle.run, { sink: handle });
        if (result === undefined) throw new Error(`${handle.id}: training stopped early`);
        handle.writeSummary({ ...result });
      }
    return store.list({ label: ['suite', suite.id], status: 'done' }).map((meta) => {
      const [row, column] = (meta.labels['cell'] ?? '/').split('/') as [string, string];
      return { row, column, meta, metrics: store.open(meta.id).readMetrics() };
    });
  } finally {
    store.close();
  }
}

/** An empty generic report (the builders under test replace it). */
export function emptyReport(title: string): ReportInput {
  return {
    title,
    generatedAt: new Date().toISOString(),
    environment: {},
    tables: [],
    curves: [],
    lossCurves: [],
    latentViews: [],
    theory: [],
    notes: [],
  };
}
