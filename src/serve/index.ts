/**
 * The dashboard: `clab serve` — a local, read-only web app over a run store. A runs table (sort,
 * filter, select), live curves fed by server-sent events as runs train, a page per run, and each
 * suite's tables next to the paper (the same code as the HTML report).
 *
 * @example
 * import { startDashboard } from 'clab/serve';
 * const dash = await startDashboard({ root: 'runs' });   // http://127.0.0.1:8737/
 * // ssh -L 8737:127.0.0.1:8737 user@remote, then open http://127.0.0.1:8737/ locally
 * await dash.close();
 *
 * @packageDocumentation
 */
export {
  startDashboard,
  isLoopbackHost,
  DEFAULT_HOST,
  DEFAULT_PORT,
  PACKAGE_EXPERIMENTS,
  type Dashboard,
  type DashboardOptions,
} from './server.js';
export type * from './api-types.js';
export { flattenSpec, varyingKeys } from './flatten.js';
export { readMetricsFrom, toColumns, type MetricsChunk } from './metrics-reader.js';
