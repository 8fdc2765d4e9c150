// A suite's recorded results (its `recorded:` files, src/experiments/recorded.ts) in its report:
// at the preset they were recorded at they sit beside the fresh runs in the same tables; recorded
// at another preset (e.g. fresh quick, recorded paper) they are a table of their own, titled with
// that preset. Either way each cell is marked against the paper like fresh runs are.
import type { RecordedTable } from '../experiments/recorded.js';
import type { Suite } from '../experiments/suite.js';
import type { CellResult, TableInput } from './types.js';

/** Where recorded results come from: "results/table1-paper.json, measured 2026-12-01". */
export function recordedSource(r: RecordedTable): string {
  return `${r.file}, measured ${r.data.measured}`;
}

/** The recorded per-seed values of one metric, by cell (runs without the metric left out). */
export function recordedCells(r: RecordedTable, metric: string): CellResult[] {
  return Object.entries(r.data.cells).map(([key, cell]) => {
    const [row = '', column = ''] = key.split('/');
    const runs = cell.runs.filter((run) => typeof run[metric] === 'number');
    return { row, column, values: runs.map((run) => run[metric] as number), runIds: runs.map((run) => run.run) };
  });
}

/** A recorded file as its own table of the suite's metric, next to the paper. */
export function ownRecordedTable(suite: Suite, r: RecordedTable): TableInput {
  return {
    id: `${suite.id}/recorded/${r.preset}`.replace(/[^a-z0-9]+/gi, '-'),
    title: `Recorded at preset '${r.preset}': ${suite.title}`,
    metric: suite.metric,
    rows: suite.rows,
    columns: suite.columns,
    ours: recordedCells(r, suite.metric),
    oursHeading: 'recorded (n)',
    published: suite.published,
    note: `recorded: ${recordedSource(r)}`,
  };
}

/**
 * The report's tables with the suite's recorded results: beside the fresh ones, or after them. With
 * no fresh run at all (a report of committed results only), the recorded values take the place of
 * ours, so the table does not carry a column of empty cells for every column of the suite.
 */
export function withRecorded(suite: Suite, tables: TableInput[], preset: string): TableInput[] {
  const same = suite.recorded.find((r) => r.preset === preset);
  const noFreshRuns = tables.every((t) => t.ours.every((c) => c.values.length === 0));
  const beside =
    same === undefined
      ? tables
      : noFreshRuns
        ? tables.map((t) => ({
            ...t,
            ours: recordedCells(same, t.metric),
            oursHeading: 'recorded (n)',
            note: [t.note, `recorded: ${recordedSource(same)} (no fresh runs in this store)`]
              .filter(Boolean)
              .join('; '),
          }))
        : tables.map((t) => ({
            ...t,
            recorded: { source: recordedSource(same), cells: recordedCells(same, t.metric) },
          }));
  const others = suite.recorded.filter((r) => r !== same).map((r) => ownRecordedTable(suite, r));
  return [...beside, ...others];
}

/** One note per recorded file: where, when, on what, with which code, and its own note. */
export function recordedNotes(suite: Suite): string[] {
  return suite.recorded.map(
    (r) =>
      `Recorded results at preset '${r.preset}': ${recordedSource(r)} on ${r.data.machine}, clab ${r.data.clabCode}` +
      `${r.data.note === '' ? '' : ` (${r.data.note})`}; trained by: ${r.data.command}`,
  );
}
