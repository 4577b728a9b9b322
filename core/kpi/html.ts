/**
 * The report as one self-contained HTML page (no scripts, no external files): headline figures, the charts as
 * inline SVG drawn by render.ts, and the table of weeks × practitioners. Every text from data is escaped.
 */
import { DateTime } from 'luxon';

import { reportCharts } from './charts';
import { renderSvg } from './render';
import { ALL, type KpiReport, TOTAL } from './report';
import type { KpiRow } from './tally';

export interface HtmlOptions {
	title: string;
	/** Draw the charts (false: figures and table only). */
	charts: boolean;
}

const escapeHtml = (s: string) =>
	s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Seconds as a wait a person reads: 42 s, 3.5 min, 2.1 h. */
export function formatWait(seconds: number | null): string {
	if (seconds === null) return '–';
	if (seconds < 60) return `${Math.round(seconds)} s`;
	if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
	return `${(seconds / 3600).toFixed(1)} h`;
}

const pct = (v: number | null) => (v === null ? '–' : `${v}%`);
const num = (v: number | null) => (v === null ? '–' : String(v));

const COLUMNS: Array<[header: string, cell: (r: KpiRow) => string]> = [
	['Week of', (r) => (r.week === TOTAL ? 'Whole period' : r.week)],
	['Practitioner', (r) => (r.practitioner === ALL ? 'All' : r.practitioner)],
	['Messages in', (r) => num(r.messagesReceived)],
	['Messages out', (r) => num(r.messagesSent)],
	['Median reply', (r) => formatWait(r.responseMedianSeconds)],
	['90% replied within', (r) => formatWait(r.responseP90Seconds)],
	['Delivered', (r) => pct(r.deliveryRatePct)],
	['Read', (r) => pct(r.readRatePct)],
	['Reminders', (r) => num(r.remindersSent)],
	['Confirmed', (r) => pct(r.confirmationRatePct)],
	['Appointments', (r) => num(r.appointments)],
	['No-show', (r) => pct(r.noShowRatePct)],
	['Cancelled', (r) => num(r.cancellations)],
	['Cancel lead (median h)', (r) => num(r.cancelLeadMedianHours)],
	['Slots freed', (r) => num(r.slotsFreed)],
	['Refilled', (r) => num(r.slotsRefilled)],
	['Fill rate', (r) => pct(r.fillRatePct)],
	['CSAT', (r) => pct(r.csatPct)],
	['Opt-out', (r) => pct(r.optOutRatePct)],
	['Calls handled', (r) => num(r.callsHandled)],
	['Patient calls missed', (r) => num(r.callsMissed)],
	['Call answer rate', (r) => pct(r.callAnswerRatePct)],
	['Median call', (r) => formatWait(r.callMedianSeconds)],
	['90% of calls within', (r) => formatWait(r.callP90Seconds)],
];

function headline(t: KpiRow): string {
	const cards: Array<[string, string]> = [
		['Median reply', formatWait(t.responseMedianSeconds)],
		['90% replied within', formatWait(t.responseP90Seconds)],
		['Delivered', pct(t.deliveryRatePct)],
		['Read', pct(t.readRatePct)],
		['Reminders confirmed', pct(t.confirmationRatePct)],
		['No-show rate', pct(t.noShowRatePct)],
		['Waitlist fill rate', pct(t.fillRatePct)],
		['CSAT (satisfied)', pct(t.csatPct)],
		['Opt-out rate', pct(t.optOutRatePct)],
		['Patient calls answered', pct(t.callAnswerRatePct)],
		['Median call', formatWait(t.callMedianSeconds)],
	];
	return cards
		.map(
			([label, value]) =>
				`<div class="card"><div class="v">${escapeHtml(value)}</div><div class="l">${escapeHtml(label)}</div></div>`,
		)
		.join('');
}

function table(rows: readonly KpiRow[]): string {
	const head = COLUMNS.map(([h]) => `<th>${escapeHtml(h)}</th>`).join('');
	const body = rows
		.map((r) => {
			const cls = r.practitioner === ALL ? ' class="all"' : '';
			return `<tr${cls}>${COLUMNS.map(([, cell]) => `<td>${escapeHtml(cell(r))}</td>`).join('')}</tr>`;
		})
		.join('\n');
	return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;color:#111827;margin:24px;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.meta{color:#4b5563;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}.card{border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:120px}
.card .v{font-size:20px;font-weight:bold}.card .l{font-size:12px;color:#4b5563}
figure{margin:0 0 22px}figcaption{font-size:12px;color:#4b5563;max-width:620px}.empty{color:#6b7280;font-style:italic}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #e5e7eb;padding:4px 6px;text-align:right}
th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}tr.all td{font-weight:bold;background:#f9fafb}`;

export async function kpiHtml(report: KpiReport, options: HtmlOptions): Promise<string> {
	const local = (iso: string) =>
		DateTime.fromISO(iso, { zone: report.timeZone }).toFormat('yyyy-LL-dd HH:mm');
	const figures: string[] = [];
	if (options.charts) {
		for (const chart of reportCharts(report)) {
			const picture = chart.hasData
				? await renderSvg(chart.spec)
				: '<p class="empty">No data in this period.</p>';
			figures.push(
				`<figure data-chart="${chart.id}"><h2>${escapeHtml(chart.title)}</h2>${picture}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
			);
		}
	}
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p class="meta">${escapeHtml(`${local(report.from)} to ${local(report.to)} (${report.timeZone}) · ${report.auditEntriesRead} audit entries, ${report.appointmentsRead} appointments read · generated ${report.generatedAt}`)}</p>
<div class="cards">${headline(report.totals)}</div>
${figures.join('\n')}
<h2>By week and practitioner</h2>
${table(report.rows)}
<p class="meta">Practitioner “unassigned”: entries that name no appointment or practitioner. No-show rate counts only appointments whose outcome was recorded (${report.totals.unmarked} past appointments are still unmarked).</p>
</body></html>
`;
}
