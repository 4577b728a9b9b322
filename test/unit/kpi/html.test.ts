/**
 * The HTML report: headline figures, five charts drawn by vega as inline SVG with their marks (no hand-drawn SVG,
 * no scripts, no external files), the table, and every data text escaped.
 */
import { type KpiReport, kpiHtml, reportCharts, formatWait } from '../../../core/kpi';
import { ALL } from '../../../core/kpi/report';
import { fortnight } from './fortnight';

let report: KpiReport;
let html: string;
beforeAll(async () => {
	report = await fortnight();
	html = await kpiHtml(report, { title: 'Clínica Sol <KPIs>', charts: true });
}, 60_000);

/** The inline SVG of one chart (by its data-chart id). */
function chart(id: string): string {
	const m = new RegExp(`<figure data-chart="${id}">([\\s\\S]*?)</figure>`).exec(html);
	if (!m) throw new Error(`no figure ${id}`);
	return m[1];
}

describe('KPI HTML report', () => {
	it('has the five charts, each an SVG drawn by vega with its marks', () => {
		expect(reportCharts(report).map((c) => [c.id, c.hasData])).toEqual([
			['trend', true],
			['response-distribution', true],
			['response-by-day', true],
			['confirmation-funnel', true],
			['calls', true],
		]);
		for (const id of ['trend', 'response-distribution', 'response-by-day', 'confirmation-funnel', 'calls']) {
			const svg = chart(id);
			expect(svg).toMatch(/^<h2>[^<]+<\/h2><svg [^>]*class="marks"/);
			expect(svg).toMatch(/class="mark-(line|symbol|rect|text)/);
		}
		// Bars: one per response-time bin (7), one per funnel step (4).
		expect(chart('response-distribution').match(/<path aria-label="[^"]*Messages answered/g)).toHaveLength(7);
		expect(chart('confirmation-funnel').match(/role-mark[^"]*"[^>]*>/g)?.length).toBeGreaterThan(0);
		expect(chart('trend')).toContain('No-show rate');
		expect(chart('trend')).toContain('Waitlist fill rate');
		// Calls: week 2 has one handled call (Ana) and one missed (Caio): two stacked bars; week 1 none.
		expect(chart('calls').match(/<path aria-label="[^"]*"/g)).toEqual([
			'<path aria-label="Week of: 2026-03-09; Calls: 1; outcome: Handled; order: 0; week: 2026-03-09; calls: 1"',
			'<path aria-label="Week of: 2026-03-09; Calls: 1; outcome: Missed (patient called); order: 1; week: 2026-03-09; calls: 1"',
		]);
	});

	it('is self-contained and escapes what it shows', () => {
		expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
		expect(html).not.toMatch(/<script|src="http|href="http/i);
		expect(html).toContain('<title>Clínica Sol &lt;KPIs&gt;</title>');
		expect(html).toContain('<div class="v">2.0 min</div><div class="l">Median reply</div>');
		expect(html).toContain('<td>Whole period</td><td>All</td>');
		// Calls: headline (1 of Ana's and Caio's 2 calls answered, 5 minutes) and table columns.
		expect(html).toContain('<div class="v">50%</div><div class="l">Patient calls answered</div>');
		expect(html).toContain('<div class="v">5.0 min</div><div class="l">Median call</div>');
		expect(html).toContain('<th>Calls handled</th><th>Patient calls missed</th><th>Call answer rate</th>');
	});

	it('escapes practitioner IDs in the table', async () => {
		const evil: KpiReport = {
			...report,
			rows: report.rows.map((r) =>
				r.practitioner === 'dr-ana' ? { ...r, practitioner: '<img src=x onerror=alert(1)>' } : r,
			),
		};
		const page = await kpiHtml(evil, { title: 'KPIs', charts: false });
		expect(page).not.toContain('<img');
		expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(page).not.toContain('<svg');
	});

	it('says "No data in this period" instead of drawing an empty chart', async () => {
		const empty: KpiReport = {
			...report,
			rows: report.rows.filter((r) => r.practitioner !== ALL),
			responseHistogram: report.responseHistogram.map((b) => ({ ...b, responses: 0 })),
			responseTimeByDay: [],
			funnel: report.funnel.map((s) => ({ ...s, count: 0 })),
		};
		const page = await kpiHtml(empty, { title: 'KPIs', charts: true });
		expect(page.match(/No data in this period/g)).toHaveLength(5);
		expect(page).not.toContain('<svg');
	});

	it('writes waits as a person reads them', () => {
		expect([formatWait(null), formatWait(42.4), formatWait(90), formatWait(5400)]).toEqual([
			'–',
			'42 s',
			'1.5 min',
			'1.5 h',
		]);
	});
});
