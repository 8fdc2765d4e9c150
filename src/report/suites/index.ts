// Report builders of suites whose report is more than the generic table of one metric next to the
// paper (src/cli/suite-report.ts): a suite YAML names its builder with `report: <name>`. A builder
// reads the suite's finished runs (their specs, summaries and metric rows) and returns the report's
// input; analytic pieces (theory checks, perfect representations) are pure functions it calls.
import type { Suite } from '../../experiments/suite.js';
import type { MetricsRow, RunMeta } from '../../runs/index.js';
import type { ReportInput } from '../types.js';
import { clIcaReport } from './cl-ica.js';
import { clustersReport } from './clusters.js';
import { contentStyleReport } from './content-style.js';
import { functionClassReport } from './function-class.js';
import { imageIdentifiabilityReport } from './image-identifiability.js';
import { imageRegimesReport } from './image-regimes.js';
import { similaritiesReport } from './similarities.js';
import { table1AblationReport } from './table1-ablation.js';

/** One finished run of a suite cell. */
export interface SuiteRunData {
  row: string;
  column: string;
  meta: RunMeta;
  /** Every evaluation row of the run (metrics.jsonl). */
  metrics: MetricsRow[];
}

export interface SuiteReportContext {
  suite: Suite;
  preset: string;
  runs: SuiteRunData[];
  /** The generic report (tables of suite.metric and alsoReport, loss curves), to extend or replace. */
  generic: ReportInput;
}

export type SuiteReportBuilder = (ctx: SuiteReportContext) => ReportInput | Promise<ReportInput>;

/** Builders by name (a suite's `report:` key). */
export const suiteReports: Record<string, SuiteReportBuilder> = {
  'function-class': functionClassReport,
  'cl-ica': clIcaReport,
  clusters: clustersReport,
  'content-style': contentStyleReport,
  'image-identifiability': imageIdentifiabilityReport,
  'image-regimes': imageRegimesReport,
  similarities: similaritiesReport,
  'table1-ablation': table1AblationReport,
};
