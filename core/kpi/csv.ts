/** The report's rows as CSV (one line per week × practitioner; the same cell rules as the audit export). */
import { csvCell } from '../audit/export';
import { type KpiRow, ROW_COLUMNS } from './tally';

export function kpiCsv(rows: readonly KpiRow[]): string {
	const lines = [ROW_COLUMNS.join(',')];
	for (const row of rows) lines.push(ROW_COLUMNS.map((c) => csvCell(row[c])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}
