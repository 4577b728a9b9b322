/**
 * The report's pictures as Vega-Lite specifications (data inline): no-show and waitlist fill rate by week, the
 * response-time distribution, response times by day, the reminder confirmation funnel and calls by week. render.ts
 * draws them.
 */
import type { TopLevelSpec } from 'vega-lite';

import { ALL, type KpiReport } from './report';

export interface ChartSpec {
	id: string;
	title: string;
	/** One sentence under the chart: what it shows and how it is counted. */
	caption: string;
	/** False when the period has nothing to draw (the report says so instead of an empty frame). */
	hasData: boolean;
	spec: TopLevelSpec;
}

const WIDTH = 560;
const HEIGHT = 220;
const BLUE = '#2563eb';
const ORANGE = '#ea580c';
const GREEN = '#16a34a';
const RED = '#dc2626';
const GREY = '#9ca3af';
const base = {
	$schema: 'https://vega.github.io/schema/vega-lite/v5.json',
	width: WIDTH,
	height: HEIGHT,
	background: 'white',
	config: { font: 'Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 } },
} as const;

function trend(report: KpiReport): ChartSpec {
	const values = report.rows
		.filter((r) => r.practitioner === ALL && r.week !== 'total')
		.flatMap((r) => [
			{ week: r.week, measure: 'No-show rate', pct: r.noShowRatePct },
			{ week: r.week, measure: 'Waitlist fill rate', pct: r.fillRatePct },
		])
		.filter((v) => v.pct !== null);
	return {
		id: 'trend',
		title: 'No-show and waitlist fill rate by week',
		caption:
			'No-show rate: no-shows ÷ appointments whose outcome was recorded. Fill rate: freed slots taken from the waitlist ÷ slots freed. Weeks start on Monday.',
		hasData: values.length > 0,
		spec: {
			...base,
			data: { values },
			mark: { type: 'line', point: { size: 60, filled: true }, strokeWidth: 2.5 },
			encoding: {
				x: { field: 'week', type: 'ordinal', title: 'Week of', axis: { labelAngle: 0 } },
				y: { field: 'pct', type: 'quantitative', title: '%', scale: { domain: [0, 100] } },
				color: {
					field: 'measure',
					type: 'nominal',
					title: null,
					scale: { range: [ORANGE, BLUE] },
					legend: { orient: 'top' },
				},
				tooltip: [{ field: 'week' }, { field: 'measure' }, { field: 'pct', title: '%' }],
			},
		},
	};
}

function distribution(report: KpiReport): ChartSpec {
	const values = report.responseHistogram;
	return {
		id: 'response-distribution',
		title: 'Response time distribution',
		caption:
			'Time from a patient’s first unanswered message to the next message the clinic sent them (bot or staff), whole period.',
		hasData: values.some((v) => v.responses > 0),
		spec: {
			...base,
			data: { values },
			mark: { type: 'bar', color: BLUE },
			encoding: {
				x: {
					field: 'bin',
					type: 'ordinal',
					sort: values.map((v) => v.bin),
					title: 'Answered within',
					axis: { labelAngle: 0 },
				},
				y: { field: 'responses', type: 'quantitative', title: 'Messages answered' },
				tooltip: [{ field: 'bin' }, { field: 'responses' }],
			},
		},
	};
}

function daily(report: KpiReport): ChartSpec {
	const values = report.responseTimeByDay
		.filter((d) => d.practitioner === ALL && d.responses > 0)
		.flatMap((d) => [
			{ day: d.day, measure: 'Median', minutes: (d.medianSeconds ?? 0) / 60 },
			{ day: d.day, measure: '90th percentile', minutes: (d.p90Seconds ?? 0) / 60 },
		]);
	return {
		id: 'response-by-day',
		title: 'Response time by day (median and 90th percentile)',
		caption: 'Minutes to answer, by the day the patient wrote (clinic time).',
		hasData: values.length > 0,
		spec: {
			...base,
			data: { values },
			mark: { type: 'line', point: true },
			encoding: {
				x: {
					field: 'day',
					type: 'temporal',
					title: 'Day',
					timeUnit: 'utcyearmonthdate',
					axis: { format: '%d %b' },
				},
				// Medians of seconds and 90th percentiles of hours side by side: a log-like scale that also takes 0.
				y: {
					field: 'minutes',
					type: 'quantitative',
					title: 'Minutes (log scale)',
					scale: { type: 'symlog' },
				},
				color: {
					field: 'measure',
					type: 'nominal',
					title: null,
					scale: { range: [BLUE, ORANGE] },
					legend: { orient: 'top' },
				},
			},
		},
	};
}

function funnel(report: KpiReport): ChartSpec {
	const first = report.funnel[0]?.count ?? 0;
	const values = report.funnel.map((s) => ({
		...s,
		label: first > 0 ? `${s.count} (${Math.round((s.count / first) * 100)}%)` : String(s.count),
	}));
	return {
		id: 'confirmation-funnel',
		title: 'Reminder confirmation funnel',
		caption:
			'Appointment reminders sent, delivered and read (WhatsApp statuses), and appointments confirmed from them.',
		hasData: first > 0,
		spec: {
			...base,
			height: 160,
			data: { values },
			encoding: {
				y: { field: 'step', type: 'ordinal', sort: values.map((v) => v.step), title: null },
				x: { field: 'count', type: 'quantitative', title: 'Reminders' },
			},
			layer: [
				{ mark: { type: 'bar', color: BLUE } },
				{ mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'label' } } },
			],
		},
	};
}

/** Calls by week: handled, patients' calls missed, clinic calls not taken (stacked). */
const CALL_OUTCOMES = ['Handled', 'Missed (patient called)', 'Not taken (clinic called)'] as const;

function calls(report: KpiReport): ChartSpec {
	const values = report.rows
		.filter((r) => r.practitioner === ALL && r.week !== 'total')
		.flatMap((r) =>
			[r.callsHandled, r.callsMissed, r.callsUnanswered].map((calls, i) => ({
				week: r.week,
				outcome: CALL_OUTCOMES[i],
				order: i,
				calls,
			})),
		)
		.filter((v) => v.calls > 0);
	return {
		id: 'calls',
		title: 'WhatsApp calls by week',
		caption:
			'Handled: calls connected and ended after a conversation, either direction. Missed: patients’ calls nobody answered. Not taken: the clinic’s calls the patient did not answer.',
		hasData: values.length > 0,
		spec: {
			...base,
			data: { values },
			mark: { type: 'bar' },
			encoding: {
				x: { field: 'week', type: 'ordinal', title: 'Week of', axis: { labelAngle: 0 } },
				y: { field: 'calls', type: 'quantitative', title: 'Calls', stack: 'zero' },
				color: {
					field: 'outcome',
					type: 'nominal',
					title: null,
					scale: { domain: [...CALL_OUTCOMES], range: [GREEN, RED, GREY] },
					legend: { orient: 'top' },
				},
				order: { field: 'order', type: 'quantitative' },
				tooltip: [{ field: 'week' }, { field: 'outcome' }, { field: 'calls' }],
			},
		},
	};
}

/** Every chart of the report, in the order the HTML shows them. */
export function reportCharts(report: KpiReport): ChartSpec[] {
	return [trend(report), distribution(report), daily(report), funnel(report), calls(report)];
}
