/**
 * Reports: our results next to the published ones, as terminal tables, Markdown, and one
 * self-contained HTML file with Vega-Lite figures rendered server-side to SVG.
 *
 * @example
 * import { formatTerminalTable, writeReport } from 'clab/report';
 * console.log(formatTerminalTable(table));
 * await writeReport('out/report', input);   // out/report/report.html, out/report/figures/*.svg
 *
 * @packageDocumentation
 */
export type {
  CellResult,
  CurveInput,
  CurvePoint,
  ImageGalleryInput,
  LatentViewInput,
  LossCurveInput,
  PublishedCell,
  ReportInput,
  StripInput,
  TableInput,
  TheoryCurveInput,
} from './types.js';
export {
  DIGITS,
  MIN_TOLERANCE,
  agreementTolerance,
  formatDelta,
  formatNumber,
  formatOurs,
  formatPaper,
  formatPublished,
  formatTerminalTable,
  summarise,
  summariseCell,
  summariseTable,
  tableToMarkdown,
  type Agreement,
  type CellSummary,
  type Summary,
  type TableSummary,
  type TerminalTableOptions,
} from './table.js';
export {
  MAX_LATENT_POINTS,
  curveSpec,
  latentColor,
  latentPoints,
  latentSpec,
  lossSpec,
  renderFigures,
  renderSpec,
  slug,
  stripSpec,
  theorySpec,
  type Figure,
  type LatentPoint,
} from './figures.js';
export { encodePng, crc32 } from './png.js';
export { escapeHtml, renderReport, reportHtml, tableToHtml, writeReport, type WrittenReport } from './html.js';
export { defaultPublishedPath, loadPublished, publishedCurves, publishedTable1, type Published } from './published.js';
