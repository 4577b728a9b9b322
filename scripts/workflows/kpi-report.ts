/** 06 · Weekly KPI report from the audit log and the appointments (plus a CSV). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CRED, Flow, PKG, X } from './flow';
import { builtinScheduler, code, slotLookup, webhook } from './nodes';

export function kpiReport(): Flow {
	const store = CRED.store;
	const f = new Flow('06 · Weekly KPI report', 'wac-kpi');
	f.sticky(
		[
			'## KPI report from the audit log',
			'Every Monday at 07:00 (or POST to *Build report now*, which answers with the summary) this reads the last 7 days of the audit log and the appointments and computes:',
			'- median **response time** to patient messages',
			'- **delivery** and **read** rates of sent messages',
			'- **confirmation** rate of reminded appointments and **no-show** rate',
			'- **CSAT** (share of "Good" answers)',
			'It outputs one summary item and a **CSV** file (one row per KPI). Add an e-mail or Drive node after *CSV file* to send it.',
		].join('\n'),
		[-420, -60],
		520,
		360,
	);
	const schedule = f.add('Every Monday 07:00', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 200], {
		rule: { interval: [{ field: 'weeks', weeksInterval: 1, triggerAtDay: [1], triggerAtHour: 7 }] },
	});
	const now = webhook(f, 'Build report now', [X(0), 420], 'clinic-kpi-report', 'lastNode');
	const query = f.add(
		'Audit entries, last 7 days',
		`${PKG}.auditLog`,
		1,
		[X(1), 300],
		{
			operation: 'query',
			returnAll: true,
			filters: {
				from: '={{ $now.minus({ days: 7 }).toISO() }}',
				to: '={{ $now.plus({ minutes: 1 }).toISO() }}',
			},
			options: { output: 'entries' },
		},
		{ credentials: store, alwaysOutputData: true },
	);
	const appts = slotLookup(
		f,
		'Appointments, last 7 days',
		[X(2), 300],
		builtinScheduler('listAppointments', {
			windowStart: '={{ $now.minus({ days: 7 }).toISO() }}',
			windowEnd: '={{ $now.plus({ days: 30 }).toISO() }}',
			statuses: ['booked', 'arrived', 'cancelled', 'fulfilled', 'noshow', 'pending'],
			listLimit: 5000,
			locale: 'en',
		}),
		{ alwaysOutputData: true, executeOnce: true },
	);
	const kpis = f.add(
		'Compute KPIs',
		'n8n-nodes-base.code',
		2,
		[X(3), 300],
		code(readFileSync(join(__dirname, 'kpi.js'), 'utf8')),
	);
	const csv = f.add('CSV file', 'n8n-nodes-base.convertToFile', 1.1, [X(4), 300], {
		operation: 'csv',
		binaryPropertyName: 'data',
		options: { fileName: `={{ 'clinic-kpis-' + $now.toFormat('yyyy-LL-dd') + '.csv' }}` },
	});
	f.connect(schedule, query);
	f.connect(now, query);
	const report = f.add(
		'Report',
		'n8n-nodes-base.code',
		2,
		[X(5), 300],
		code(
			"// One item: the summary as JSON and the CSV as binary (the webhook answers with the JSON).\nconst summary = $('Compute KPIs').first().json.summary;\nreturn [{ json: summary, binary: $input.first().binary }];",
		),
	);
	f.chain(query, appts, kpis, csv, report);
	return f;
}
