/** 03 · Lab results ready: notice to opted-in patients; the report itself after a date-of-birth check in 01. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { templateDate } from './clinic-settings';
import { CRED, Flow, PKG, X } from './flow';
import { audit, code, consentCheck, patientLanguage, setConversation, webhook } from './nodes';

const REQUEST = `$('Check request').item.json`;

export function labResults(): Flow {
	const wa = CRED.whatsApp;
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
			'Only patients who **opted in** to lab results get the notice (template *lab_results_ready*, in the patient’s language). The report itself is sent **after** the patient types their date of birth and it matches (only a hash of it is kept while waiting, for up to a week, in the Clinic Store). A question sent after the report goes to the nurse (workflow 01 → 04).',
			'',
			'**Setup**: WhatsApp + Clinic Store credentials; set *Notice PDF* below to a public PDF without patient data (the template needs a document header).',
		].join('\n'),
		[-640, -80],
		560,
		520,
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
	const language = patientLanguage(f, 'Patient language', [X(3), 200], '$json.patient', {
		textKey: 'recent_visit',
	});
	const notice = f.add(
		'Send results-ready notice',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(4), 200],
		{
			recipient: '={{ $json.patient }}',
			template: {
				__rl: true,
				mode: 'name',
				value: `={{ 'lab_results_ready|' + ($json.templateLanguage || 'pt_BR') }}`,
			},
			parameterSource: 'json',
			parametersJson: `={{ { header_media: 'https://clinic.example/notices/results-ready.pdf', body_1: $json.firstName, body_2: $json.collectedAt ? ${templateDate('$json.collectedAt', 'date')} : $json.text } }}`,
			options: { documentFilename: 'results-ready.pdf' },
		},
		{ credentials: wa },
	);
	const auditNotice = audit(f, 'Audit notice', [X(5), 200], 'lab_results');
	const remember = setConversation(
		f,
		'Wait for date of birth',
		[X(6), 200],
		`${REQUEST}.patient`,
		'lab_dob',
		{
			context: `={{ { reportUrl: ${REQUEST}.reportUrl, reportName: ${REQUEST}.reportName, dobHash: (${REQUEST}.dateOfBirth + '|' + ${REQUEST}.patient).hash('sha256') } }}`,
			keepHours: 168,
		},
	);
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
	f.connect(consent, language, 0);
	f.connect(consent, blocked, 1);
	f.chain(language, notice, auditNotice, remember);
	return f;
}
