/**
 * 01 · Patient inbox and appointment booking bot (the one workflow that receives the number's webhooks).
 * Here: the intake every message goes through (status audit, opt-out words, conversation state, Route); the
 * branches Route starts are in the files next to this one, one concept each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CRED, Flow, PKG, X } from '../flow';
import { audit, code, getConversation, saveConversation, sendText, switchNode } from '../nodes';
import { bookingBranches } from './booking';
import { labReportBranch } from './lab-report';
import { nurseHandoffBranch } from './nurse-handoff';
import { reminderAnswerBranches } from './reminder-answers';
import { ACTIONS, inboxBranch } from './route';
import { surveyAnswerBranch } from './survey-answer';

export function inbox(): Flow {
	const f = new Flow('01 · Patient inbox and appointment booking bot', 'wac-inbox');
	const wa = CRED.whatsApp;
	const store = CRED.store;

	f.sticky(
		[
			'## Patient inbox and appointment booking bot',
			'Every WhatsApp message to the clinic number arrives here (one webhook per number).',
			'',
			'**Setup (once)**',
			'1. Credentials: pick your *WhatsApp Clinic Cloud API* credential on the green WhatsApp nodes and your *Clinic Store API* credential on Consent, Slot Lookup and Audit nodes.',
			'2. Create the data table **wac_conversations** (Overview → Data tables) with text columns `patient`, `step`, `context`. It remembers where each patient is in the conversation.',
			'3. Open *Find free slots* and *Book* and edit the clinic rules: opening hours, doctors, services.',
			"4. Publish, copy the trigger's Production URL into Meta (App Dashboard → WhatsApp → Configuration).",
			'',
			'**What it does**: opt-out words (STOP, PARAR, BAJA…) are recorded first; then the bot asks name, date of birth and insurance, shows free times as a list and books the one the patient taps. It also handles the buttons of the reminder, survey and follow-up messages and hands over to a nurse.',
		].join('\n'),
		[-420, -80],
		520,
		520,
	);

	const trigger = f.add(
		'WhatsApp Clinic Trigger',
		`${PKG}.whatsAppClinicTrigger`,
		1,
		[X(0), 300],
		{
			webhookRegistration: 'manual',
			events: ['message', 'status.delivered', 'status.read', 'status.failed'],
			phoneNumberIds: '',
			options: {},
		},
		{ credentials: wa, webhookId: f.webhookId('WhatsApp Clinic Trigger') },
	);
	const kind = switchNode(f, 'Message or status?', [X(1), 300], `$json.event === 'message' ? 0 : 1`, 2);
	f.connect(trigger, kind);

	const auditStatus = audit(f, 'Audit delivery status', [X(2), 620], 'delivery-status', {
		includeContent: false,
	});
	f.connect(kind, auditStatus, 1);

	const auditIn = audit(f, 'Audit patient message', [X(2), 80], 'patient-message');
	const optOut = f.add(
		'Opt-out words',
		`${PKG}.consentCheck`,
		1,
		[X(3), 300],
		{
			operation: 'detectKeywords',
			optOutPurposes: ['all'],
			optInPurposes: ['appointment_reminders', 'lab_results', 'telemedicine'],
			options: { defaultLanguage: 'en' },
		},
		{ credentials: store },
	);
	// A reminder's "Cancel" button means "cancel my appointment", not "stop messaging me": the captions of the
	// clinic's own buttons (payloads CONFIRM:/CANCEL:/RESCHEDULE:/CSAT:/FOLLOWUP:) are not keyword-checked.
	const ownButtons = f.add(
		'Our buttons are not keywords',
		'n8n-nodes-base.code',
		2,
		[X(2), 300],
		code(
			"const OWN = /^(CONFIRM|CANCEL|RESCHEDULE|CSAT|FOLLOWUP|BOOK|NURSE)(:|$)/;\nreturn $input.all().map((item, i) => {\n\tconst e = item.json;\n\tconst payload = (e.button && e.button.payload) || (e.interactive && e.interactive.buttonReply && e.interactive.buttonReply.id) || '';\n\tif (!OWN.test(payload)) return { json: e, pairedItem: { item: i } };\n\treturn { json: { ...e, text: null, button: e.button ? { ...e.button, text: null } : e.button }, pairedItem: { item: i } };\n});",
		),
	);
	f.connect(kind, [auditIn, ownButtons], 0);
	f.connect(ownButtons, optOut);

	const hasKeyword = switchNode(f, 'Opt-out or opt-in?', [X(3), 480], '$json.consentKeyword ? 0 : 1', 2);
	f.connect(optOut, hasKeyword);
	const consentReply = sendText(
		f,
		'Confirm consent change',
		[X(4), 100],
		'={{ $json.consentKeyword.replyTo }}',
		'={{ $json.consentKeyword.reply }}',
	);
	const auditConsent = audit(f, 'Audit consent reply', [X(5), 100], 'consent');
	f.connect(hasKeyword, consentReply, 0);
	f.connect(consentReply, auditConsent);

	const getConv = f.add(
		'Get conversation',
		'n8n-nodes-base.dataTable',
		1.1,
		[X(4), 400],
		getConversation('$json.from || $json.userId'),
		{ alwaysOutputData: true },
	);
	f.connect(hasKeyword, getConv, 1);
	const js = readFileSync(join(__dirname, 'conversation.js'), 'utf8');
	const conv = f.add('Conversation', 'n8n-nodes-base.code', 2, [X(5), 400], code(js));
	f.connect(getConv, conv);
	const save = f.add(
		'Save conversation',
		'n8n-nodes-base.dataTable',
		1.1,
		[X(6), 200],
		saveConversation('$json.patient', '$json.nextStep', '$json.contextJson'),
	);
	const route = switchNode(
		f,
		'Route',
		[X(6), 600],
		`${JSON.stringify(ACTIONS)}.indexOf($json.action)`,
		ACTIONS.length,
	);
	f.connect(conv, [save, route]);

	// Route's outputs in ACTIONS order (the order the nodes are added keeps workflows/01-*.json stable).
	const branch = inboxBranch(f, route);
	bookingBranches(branch);
	reminderAnswerBranches(branch);
	nurseHandoffBranch(branch);
	labReportBranch(branch);
	surveyAnswerBranch(branch);
	return f;
}
