// Prints a report's tables and notes (unless --json) and writes its HTML with figures.
import path from 'node:path';
import { formatTerminalTable, writeReport, type ReportInput } from '../report/index.js';
import type { Output } from './output.js';

export async function printAndWriteReport(input: ReportInput, outDir: string, output: Output): Promise<void> {
  if (!output.json) {
    for (const table of input.tables) output.info(`\n${formatTerminalTable(table, { layout: 'long' })}`);
    for (const note of input.notes) output.info(note);
  }
  const written = await writeReport(path.resolve(outDir), input);
  output.info(`\nreport: ${written.reportPath}`, {
    event: 'report',
    path: written.reportPath,
    figures: written.figurePaths,
  });
}
