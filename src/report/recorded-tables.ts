// A suite's recorded results (its `recorded:` files, src/experiments/recorded.ts) in its report:
// at the preset they were recorded at they sit beside the fresh runs in the same tables; recorded
// at another preset (e.g. fresh quick, recorded paper) they are a table of their own, titled with
// that preset. Either way each cell is marked against the paper like fresh runs are. A preset may
// name several files that record different cells (e.g. a column run with a setting of its own):
// they make one table, each file named in its source.
import type { RecordedTable } from '../experiments/recorded.js';
import type { Suite } from '../experiments/suite.js';
import type { CellResult, TableInput } from './types.js';

/** A preset's recorded files (their cells are disjoint: loadRecorded checks it), in the suite's order. */
export interface RecordedGroup {
  preset: string;
  files: RecordedTable[];
}

/** The suite's recorded files, one group per preset. */
export function recordedGroups(suite: Suite): RecordedGroup[] {
  const groups = new Map<string, RecordedTable[]>();
  for (const r of suite.recorded) groups.set(r.preset, [...(groups.get(r.preset) ?? []), r]);
  return [...groups].map(([preset, files]) => ({ preset, files }));
}

/** Where one file's results come from: "results/table1-paper.json, measured 2026-12-01". */
const fileSource = (r: RecordedTable): string => `${r.file}, measured ${r.data.measured}`;

/** The columns a file records, e.g. "violated-adapted". */
const columnsOf = (r: RecordedTable): string =>
  [...new Set(Object.keys(r.data.cells).map((k) => k.split('/')[1]))].join(', ');

/** Where a preset's recorded results come from; with more than one file, each names its columns. */
export function recordedSource(g: RecordedGroup): string {
  if (g.files.length === 1) return fileSource(g.files[0]!);
  return g.files.map((r) => `${r.file} (${columnsOf(r)}), measured ${r.data.measured}`).join('; ');
}

/** The recorded per-seed values of one metric, by cell (runs without the metric left out). */
export function recordedCells(g: RecordedGroup, metric: string): CellResult[] {
  return g.files.flatMap((r) =>
    Object.entries(r.data.cells).map(([key, cell]) => {
      const [row = '', column = ''] = key.split('/');
      const runs = cell.runs.filter((run) => typeof run[metric] === 'number');
      return { row, column, values: runs.map((run) => run[metric] as number), runIds: runs.map((run) => run.run) };
    }),
  );
}

/** A preset's recorded files as their own table of the suite's metric, next to the paper. */
export function ownRecordedTable(suite: Suite, r: RecordedGroup): TableInput {
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
  const groups = recordedGroups(suite);
  const same = groups.find((g) => g.preset === preset);
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
  const others = groups.filter((g) => g !== same).map((g) => ownRecordedTable(suite, g));
  return [...beside, ...others];
}

/** One note per recorded file: where, when, on what, with which code, and its own note. */
export function recordedNotes(suite: Suite): string[] {
  return suite.recorded.map(
    (r) =>
      `Recorded results at preset '${r.preset}': ${fileSource(r)} on ${r.data.machine}, clab ${r.data.clabCode}` +
      `${r.data.note === '' ? '' : ` (${r.data.note})`}; trained by: ${r.data.command}`,
  );
}
