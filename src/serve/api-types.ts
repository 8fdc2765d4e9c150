// The dashboard's HTTP API: the JSON the server sends and the browser client reads. Plain types
// only (no Node imports), shared by src/serve and the client in web/.

/** A spec setting's value as a table cell: scalars as they are, arrays and objects as JSON text. */
export type ParamValue = string | number | boolean | null;

/** One run as a row of the runs table. */
export interface RunRow {
  id: string;
  name: string;
  /** running, done, failed, interrupted, … (the store's RunStatus). */
  status: string;
  seed: number;
  /** Labels the executor sets for suite runs ('' when absent). */
  suite: string;
  preset: string;
  cell: string;
  createdAt: string;
  updatedAt: string;
  error?: string;
  /** The resolved spec flattened to key paths (`loss.tau`, `train.batch`, …). */
  params: Record<string, ParamValue>;
  /** Final metrics of a finished run (`loss` is the final training loss); null for NaN. */
  metrics: Record<string, number | null>;
}

/** GET /api/runs */
export interface RunsResponse {
  runs: RunRow[];
  /** Key paths whose value differs between runs: the hyperparameter columns worth showing. */
  paramKeys: string[];
  /** Every final-metric name of any run. */
  metricKeys: string[];
}

/** A checkpoint file of a run. */
export interface CheckpointInfo {
  step: number;
  file: string;
  bytes: number;
}

/** GET /api/runs/:id */
export interface RunDetail {
  row: RunRow;
  /** spec.json as stored: { spec, seed, point }. */
  run: unknown;
  /** meta.json as stored (environment, code version, labels, …). */
  meta: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  checkpoints: CheckpointInfo[];
  /** Whether the run's summary holds a 3-d latent sample (GET /api/runs/:id/latent.svg draws it). */
  hasLatentView: boolean;
  /** Files of the run that can be downloaded from /runs/:id/files/:name. */
  files: string[];
}

/**
 * GET /api/runs/:id/metrics — metrics.jsonl as columns (null where a row lacks the value or it is
 * NaN). `offset` is the byte length of the complete lines read: pass it to /api/events to receive
 * only the rows appended after it.
 */
export interface MetricsResponse {
  id: string;
  columns: string[];
  data: (number | null)[][];
  offset: number;
}

/** Server-sent event `metrics`: rows appended to a watched run's metrics.jsonl. */
export interface MetricsEvent {
  id: string;
  rows: Record<string, number | null>[];
  offset: number;
}

/**
 * Server-sent event `reset`: the run's metrics file was rewritten (a resumed run drops the rows after
 * its checkpoint); drop the run's rows: the `metrics` events after it carry the whole file again.
 */
export interface ResetEvent {
  id: string;
}

/** GET /api/suites: the suites the store has runs of (from the runs' `suite` and `preset` labels). */
export interface SuiteEntry {
  suite: string;
  preset: string;
  runs: number;
  /** False when experiments/ has no such suite file (the runs are listed, no table can be drawn). */
  known: boolean;
}

/** GET /api/suite?name=&preset= — the suite's tables next to the paper, as the HTML report draws them. */
export interface SuiteResponse {
  suite: string;
  preset: string;
  title: string;
  notes: string[];
  /** Each table as HTML (escaped by the report's own renderer, tableToHtml). */
  tablesHtml: string[];
  /** The full HTML report of the suite, rendered on request. */
  reportUrl: string;
}
