/**
 * 06 · Weekly KPI report: the Audit Log node's KPI Report (figures by week and practitioner, CSV, HTML page with
 * charts) for the last 7 days, saved to disk and e-mailed by n8n's own Send Email node.
 */
import { CRED, Flow, PKG, X } from './flow';
import { code, webhook } from './nodes';

/** Placeholder credential of n8n's Send Email node (a clinic picks its own SMTP credential after import). */
export const SMTP_CREDENTIAL = { smtp: { id: 'REPLACE_ME', name: 'Clinic SMTP (e-mail)' } };
/** Where Save report writes: n8n 2 lets nodes write only under ~/.n8n-files (N8N_RESTRICT_FILE_ACCESS_TO). */
export const REPORT_FOLDER = '/home/node/.n8n-files/';

/** A KPI figure for the e-mail body: `label: value unit`, or a dash without data. */
const line = (label: string, field: string, unit: string) =>
	`'<li>${label}: ' + ($json.totals.${field} ?? '–') + '${unit}</li>'`;

export function kpiReport(): Flow {
	const f = new Flow('06 · Weekly KPI report', 'wac-kpi');
	f.sticky(
		[
			'## Weekly KPI report',
			'Every Monday at 07:00 (or POST to *Build report now*, which answers with the totals) the Audit Log node’s **KPI Report** reads the last 7 days of the audit log and the built-in scheduler’s appointments and computes, by week and practitioner: response time (median, 90th percentile), delivery and read rates, reminder confirmation rate, cancellations and their lead time, no-show rate, waitlist fill rate, CSAT, opt-out rate and WhatsApp calls handled and missed.',
			'',
			'It outputs the figures, a **CSV** (field *data*) and an **HTML page with charts** (field *report*). No patient data is in them: only counts, rates and practitioner IDs.',
			'',
			'**Setup**: your Clinic Store credential on *KPI report*; on *E-mail report* an SMTP credential and the recipients; *Save report* writes to the folder in its File Path, which must exist and be allowed by N8N_RESTRICT_FILE_ACCESS_TO (n8n’s default is ~/.n8n-files, in Docker /home/node/.n8n-files). FHIR or Cal.com clinics: put *List Appointments* before *KPI report* and set Appointments From to Input Items. See docs/kpi-report.md.',
		].join('\n'),
		[-420, -80],
		560,
		480,
	);
	const schedule = f.add('Every Monday 07:00', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 200], {
		rule: { interval: [{ field: 'weeks', weeksInterval: 1, triggerAtDay: [1], triggerAtHour: 7 }] },
	});
	const now = webhook(f, 'Build report now', [X(0), 420], 'clinic-kpi-report', 'lastNode');
	const report = f.add(
		'KPI report',
		`${PKG}.auditLog`,
		1,
		[X(1), 300],
		{
			operation: 'kpiReport',
			from: '={{ $now.minus({ days: 7 }).startOf("day") }}',
			to: '={{ $now }}',
			appointmentSource: 'store',
			calendarId: 'default',
			output: 'report',
			kpiOptions: { title: 'Clinic KPI report' },
		},
		{ credentials: CRED.store },
	);
	const save = f.add('Save report', 'n8n-nodes-base.readWriteFile', 1.1, [X(2), 300], {
		operation: 'write',
		fileName: `={{ '${REPORT_FOLDER}' + $json.files.html }}`,
		dataPropertyName: 'report',
		options: {},
	});
	const period =
		"DateTime.fromISO($json.from).setZone($json.timeZone).toFormat('d LLL') + ' to ' + DateTime.fromISO($json.to).setZone($json.timeZone).minus({ milliseconds: 1 }).toFormat('d LLL yyyy')";
	const mail = f.add(
		'E-mail report',
		'n8n-nodes-base.emailSend',
		2.1,
		[X(3), 300],
		{
			resource: 'email',
			operation: 'send',
			fromEmail: 'KPI report <kpi-report@clinic.example>',
			toEmail: 'clinic-manager@clinic.example',
			subject: `={{ 'Clinic KPI report, ' + ${period} }}`,
			emailFormat: 'html',
			html: [
				`={{ '<p>The clinic’s figures from ' + ${period} + '. Open the attached HTML file for the charts and the table by week and practitioner; the CSV opens in a spreadsheet.</p><ul>'`,
				line('Median reply', 'responseMedianSeconds', ' s'),
				line('90% of patients answered within', 'responseP90Seconds', ' s'),
				line('Delivered', 'deliveryRatePct', '%'),
				line('Read', 'readRatePct', '%'),
				line('Reminders confirmed', 'confirmationRatePct', '%'),
				line('No-show rate', 'noShowRatePct', '%'),
				line('Waitlist fill rate', 'fillRatePct', '%'),
				line('CSAT (satisfied)', 'csatPct', '%'),
				line('Opt-out rate', 'optOutRatePct', '%'),
				line('WhatsApp calls handled', 'callsHandled', ''),
				line('Patient calls answered', 'callAnswerRatePct', '%'),
				"'</ul>' }}",
			].join(' + '),
			options: { fileAttachments: 'report,data', appendAttribution: false },
		},
		{ credentials: SMTP_CREDENTIAL },
	);
	const answer = f.add(
		'Totals',
		'n8n-nodes-base.code',
		2,
		[X(4), 300],
		code(
			[
				'// One item for the webhook answer: the totals, where the report was saved and to whom it was sent.',
				"const report = $('KPI report').first().json;",
				'return [{ json: {',
				'\tfrom: report.from, to: report.to, timeZone: report.timeZone, weeks: report.weeks,',
				'\tpractitioners: report.practitioners, totals: report.totals, files: report.files,',
				"\tsavedTo: $('Save report').first().json.fileName, emailedTo: $input.first().json.accepted ?? [],",
				'} }];',
			].join('\n'),
		),
	);
	f.connect(schedule, report);
	f.connect(now, report);
	f.chain(report, save, mail, answer);
	return f;
}
