/** 03 lab results · 04 telemedicine handoff · 05 post-visit follow-up + CSAT · 06 KPI report. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CRED, Flow, PKG, audit, code, consentCheck, saveConversation, switchByIndex, webhook } from './lib';
import { CLINIC_RULES, templateDate } from './shared';

const X = (col: number) => col * 260;
const wa = CRED.whatsApp;
const store = CRED.store;

export function labResults(): Flow {
	const f = new Flow('03 · Lab results ready', 'wac-lab-results');
	f.sticky(
		[
			'## Lab results ready',
			"Your lab or EHR system calls this workflow's **Results from lab** URL (POST JSON) when a report is signed:",
			'```',
			'{ "patientPhone": "+55 11 91234-5678", "patientName": "Maria Souza",',
			'  "dateOfBirth": "1984-03-25", "reportUrl": "https://lab.example/r/123.pdf",',
			'  "reportName": "hemogram.pdf", "collectedAt": "2026-11-20" }',
			'```',
			'Only patients who **opted in** to lab results get the notice (template *lab_results_ready*). The report itself is sent **after** the patient types their date of birth and it matches (only a hash of it is kept while waiting). A question sent after the report goes to the nurse (workflow 01 → 04).',
			'',
			'**Setup**: WhatsApp + Clinic Store credentials; set *Notice PDF* below to a public PDF without patient data (the template needs a document header).',
		].join('\n'),
		[-420, -80],
		560,
		480,
	);
	const hook = webhook(f, 'Results from lab', [X(0), 300], 'clinic-lab-results');
	const check = f.add(
		'Check request',
		'n8n-nodes-base.code',
		2,
		[X(1), 300],
		code(readFileSync(join(__dirname, 'lab-request.js'), 'utf8')),
	);
	const consent = consentCheck(f, 'Consent: lab results', [X(2), 300], '={{ $json.patient }}', 'lab_results');
	const notice = f.add(
		'Send results-ready notice',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(3), 200],
		{
			recipient: '={{ $json.patient }}',
			template: { __rl: true, mode: 'name', value: 'lab_results_ready|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { header_media: 'https://clinic.example/notices/results-ready.pdf', body_1: $json.firstName, body_2: $json.collectedAt ? ${templateDate('$json.collectedAt', 'date')} : 'your recent visit' } }}`,
			options: { documentFilename: 'results-ready.pdf' },
		},
		{ credentials: wa },
	);
	const remember = f.add(
		'Wait for date of birth',
		'n8n-nodes-base.dataTable',
		1.1,
		[X(4), 200],
		saveConversation(
			`$('Check request').item.json.patient`,
			`'lab_dob'`,
			`JSON.stringify({ reportUrl: $('Check request').item.json.reportUrl, reportName: $('Check request').item.json.reportName, dobHash: ($('Check request').item.json.dateOfBirth + '|' + $('Check request').item.json.patient).hash('sha256') })`,
		),
	);
	const auditNotice = audit(f, 'Audit notice', [X(5), 200], 'lab_results');
	const blocked = audit(f, 'Audit: no opt-in', [X(3), 420], 'lab_results', {
		direction: 'system',
		includeContent: false,
		fields: {
			event: 'consent.blocked',
			outcome: 'minor-failure',
			patientPhone: '={{ $json.patient }}',
			details: '={{ JSON.stringify({ reason: $json.consent.reason }) }}',
		},
	});
	f.chain(hook, check, consent);
	f.connect(consent, notice, 0);
	f.connect(consent, blocked, 1);
	f.chain(notice, auditNotice, remember);
	return f;
}

export function telemedicine(): Flow {
	const f = new Flow('04 · Telemedicine handoff (staff desk)', 'wac-telemedicine');
	f.sticky(
		[
			'## Telemedicine handoff',
			'Workflow 01 posts here when a patient taps *Talk to a nurse* or writes words like "nurse" / "enfermeira": the patient gets a video-call link and every further message is forwarded here until staff close the conversation.',
			'',
			'- **Staff desk** receives each handoff and message (with the conversation context). Replace *Notify staff* by your Slack / Teams / e-mail node.',
			'- **Staff reply** (POST `{ "patient": "5511…", "text": "…" }`) sends the nurse\'s answer to the patient.',
			'- **Close handoff** (POST `{ "patient": "5511…" }`) gives the patient back to the bot.',
			'Everything is written to the audit log.',
		].join('\n'),
		[-420, -80],
		520,
		380,
	);
	const desk = webhook(f, 'Staff desk', [X(0), 200], 'clinic-staff-desk');
	const notify = f.add('Notify staff', 'n8n-nodes-base.noOp', 1, [X(1), 200], {});
	const auditDesk = audit(f, 'Audit handoff request', [X(2), 200], 'telemedicine', {
		direction: 'system',
		includeContent: true,
		fields: {
			event: '={{ $json.body.kind === "handoff" ? "handoff.requested" : "handoff.message" }}',
			patientPhone: '={{ $json.body.patient }}',
			content: '={{ $json.body.topic }}',
			details: '={{ JSON.stringify({ videoLink: $json.body.videoLink }) }}',
		},
	});
	f.chain(desk, notify, auditDesk);

	const replyHook = webhook(f, 'Staff reply', [X(0), 460], 'clinic-staff-reply');
	const reply = f.add(
		'Send staff answer',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(1), 460],
		{
			operation: 'text',
			recipient: '={{ $json.body.patient }}',
			text: '={{ "Nurse: " + $json.body.text }}',
			options: {},
		},
		{ credentials: wa },
	);
	f.chain(replyHook, reply, audit(f, 'Audit staff answer', [X(2), 460], 'telemedicine'));

	const closeHook = webhook(f, 'Close handoff', [X(0), 720], 'clinic-handoff-close');
	const back = f.add(
		'Back to the bot',
		'n8n-nodes-base.dataTable',
		1.1,
		[X(1), 720],
		saveConversation('$json.body.patient', `'idle'`, `'{}'`),
	);
	const tell = f.add(
		'Tell the patient',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(2), 720],
		{
			operation: 'text',
			recipient: `={{ $('Close handoff').item.json.body.patient }}`,
			text: 'Our nurse has closed this conversation. You are back with the clinic assistant: type MENU at any time.',
			options: {},
		},
		{ credentials: wa },
	);
	f.chain(closeHook, back, tell, audit(f, 'Audit handoff closed', [X(3), 720], 'telemedicine'));
	return f;
}

export function followUp(): Flow {
	const f = new Flow('05 · Post-visit follow-up and satisfaction survey', 'wac-follow-up');
	f.sticky(
		[
			'## Post-visit follow-up + satisfaction survey',
			'Every day at 19:00 (or via *Run follow-ups now*) patients whose appointment within a day of now was marked **fulfilled** get the *post_visit_follow_up* template ("Feeling better" / "I need help") and the *satisfaction_survey* template (Good / OK / Bad).',
			'',
			'Answers come back to workflow 01: "I need help" opens a nurse handoff; survey answers are **stored in the audit log** (event `survey.csat`, rating + appointment ID) and counted by workflow 06.',
		].join('\n'),
		[-420, -60],
		520,
		320,
	);
	const schedule = f.add('Every day at 19:00', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 200], {
		rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 19 }] },
	});
	const now = webhook(f, 'Run follow-ups now', [X(0), 420], 'clinic-follow-up-run');
	const list = f.add(
		'Visits of the last 24 h',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(1), 300],
		{
			operation: 'listAppointments',
			backend: 'builtin',
			rulesSource: 'json',
			rulesJson: CLINIC_RULES,
			windowStart: '={{ $now.minus({ hours: 24 }).toISO() }}',
			windowEnd: '={{ $now.plus({ hours: 24 }).toISO() }}',
			statuses: ['fulfilled'],
			listLimit: 500,
			locale: 'en',
		},
		{ credentials: store },
	);
	f.connect(schedule, list);
	f.connect(now, list);
	const consent = consentCheck(
		f,
		'Consent: follow-up',
		[X(2), 300],
		'={{ $json.patient.phone }}',
		'appointment_reminders',
	);
	const follow = f.add(
		'Send follow-up',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(3), 200],
		{
			recipient: '={{ $json.patient.phone }}',
			template: { __rl: true, mode: 'name', value: 'post_visit_follow_up|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { body_1: ($json.patient.name || 'patient').split(' ')[0], body_2: $json.practitioner.name || 'our team', button_0_payload: 'FOLLOWUP:BETTER:' + $json.id, button_1_payload: 'FOLLOWUP:HELP:' + $json.id } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.id }}' },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	const survey = f.add(
		'Send survey',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(4), 200],
		{
			recipient: `={{ $('Consent: follow-up').item.json.patient.phone }}`,
			template: { __rl: true, mode: 'name', value: 'satisfaction_survey|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { body_1: ($('Consent: follow-up').item.json.patient.name || 'patient').split(' ')[0], body_2: ${templateDate(`$('Consent: follow-up').item.json.start`, 'date')}, button_0_payload: 'CSAT:GOOD:' + $('Consent: follow-up').item.json.id, button_1_payload: 'CSAT:OK:' + $('Consent: follow-up').item.json.id, button_2_payload: 'CSAT:BAD:' + $('Consent: follow-up').item.json.id } }}`,
			options: { bizOpaqueCallbackData: `={{ $('Consent: follow-up').item.json.id }}` },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	f.connect(list, consent);
	f.connect(consent, follow, 0);
	f.chain(follow, survey, audit(f, 'Audit follow-up', [X(5), 200], 'follow-up'));
	return f;
}

export function kpiReport(): Flow {
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
	const appts = f.add(
		'Appointments, last 7 days',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(2), 300],
		{
			operation: 'listAppointments',
			backend: 'builtin',
			rulesSource: 'json',
			rulesJson: CLINIC_RULES,
			windowStart: '={{ $now.minus({ days: 7 }).toISO() }}',
			windowEnd: '={{ $now.plus({ days: 30 }).toISO() }}',
			statuses: ['booked', 'arrived', 'cancelled', 'fulfilled', 'noshow', 'pending'],
			listLimit: 5000,
			locale: 'en',
		},
		{ credentials: store, alwaysOutputData: true, executeOnce: true },
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
	void switchByIndex;
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
