/**
 * 01 · Patient inbox and appointment booking bot (the one workflow that receives the number's webhooks).
 * Here: the intake every message goes through (status audit, opt-out words, the Conversation node); the branches
 * the Conversation node's outputs start are in the files next to this one, one concept each.
 */
import { DEFAULT_QUESTIONS } from '../../../core/conversation/script';
import { DEFAULT_TEXTS } from '../../../core/i18n/texts';
import { CRED, Flow, PKG, X } from '../flow';
import { audit, code, conversationNode, switchNode } from '../nodes';
import { bookingBranches } from './booking';
import { consentReplyBranch } from './consent-reply';
import { labReportBranch } from './lab-report';
import { nurseHandoffBranch } from './nurse-handoff';
import { reminderAnswerBranches } from './reminder-answers';
import { inboxBranch } from './route';
import { surveyAnswerBranch } from './survey-answer';
import { claimTapRouting } from './waitlist';

/** The intake row; the Conversation node's outputs fan out to branch rows above and below it. */
const INTAKE_Y = 300;
const FIRST_BRANCH_ROW = -560;

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
			'1. Credentials: pick your *WhatsApp Clinic Cloud API* credential on the green WhatsApp nodes and your *Clinic Store API* credential on the Consent, Conversation, Slot Lookup and Audit nodes.',
			'2. Open *Find free slots* and *Book* and edit the clinic rules: opening hours, doctors, services.',
			"3. Publish, copy the trigger's Production URL into Meta (App Dashboard → WhatsApp → Configuration).",
			'',
			'**What it does**: a tap on a waitlist offer (*Quero este horário*) goes to workflow 08 (*Claim in workflow 08*); opt-out words (STOP, PARAR, BAJA…) are recorded first; then the *Conversation* node answers each message in the patient’s language (Portuguese by default, Spanish, English), asks name, date of birth and insurance, shows free times as a list and books the one the patient taps. It also handles the buttons of the reminder, survey and follow-up messages and hands over to a nurse.',
			'',
			'**Change a question or a text**: open *Conversation* → *Questions* (add, remove, reorder; each with a validator) and *Texts* (every text the patient reads, pt_BR / es / en). Where each patient is in the conversation is kept in the Clinic Store: nothing to create.',
		].join('\n'),
		[-640, -80],
		560,
		620,
	);

	const trigger = f.add(
		'WhatsApp Clinic Trigger',
		`${PKG}.whatsAppClinicTrigger`,
		1,
		[X(0), INTAKE_Y],
		{
			webhookRegistration: 'manual',
			events: ['message', 'status.delivered', 'status.read', 'status.failed', 'call'],
			phoneNumberIds: '',
			options: {},
		},
		{ credentials: wa, webhookId: f.webhookId('WhatsApp Clinic Trigger') },
	);
	const kind = switchNode(f, 'Message or status?', [X(1), INTAKE_Y], `$json.event === 'message' ? 0 : 1`, 2);
	f.connect(trigger, kind);

	// Statuses, and calls: who called, when, how long, answered or missed (core/whatsapp/calling-audit.ts).
	const auditStatus = audit(
		f,
		'Audit delivery status',
		[X(2), INTAKE_Y + 200],
		`={{ $json.event === 'call' ? 'call' : 'delivery-status' }}`,
		{ includeContent: false },
	);
	f.connect(kind, auditStatus, 1);

	const auditIn = audit(f, 'Audit patient message', [X(2), INTAKE_Y - 200], 'patient-message');
	const optOut = f.add(
		'Opt-out words',
		`${PKG}.consentCheck`,
		1,
		[X(4), INTAKE_Y],
		{
			operation: 'detectKeywords',
			optOutPurposes: ['all'],
			optInPurposes: ['appointment_reminders', 'lab_results', 'telemedicine'],
			options: { defaultLanguage: 'pt' },
		},
		{ credentials: store },
	);
	// A reminder's "Cancel" button means "cancel my appointment", not "stop messaging me": the captions of the
	// clinic's own buttons (payloads CONFIRM:/CANCEL:/RESCHEDULE:/CSAT:/FOLLOWUP:/BOOK/NURSE/LANG/MENU) are not
	// keyword-checked.
	const ownButtons = f.add(
		'Our buttons are not keywords',
		'n8n-nodes-base.code',
		2,
		[X(3), INTAKE_Y],
		code(
			"const OWN = /^(CONFIRM|CANCEL|RESCHEDULE|CSAT|FOLLOWUP|BOOK|NURSE|LANG|MENU)(:|$)/;\nreturn $input.all().map((item, i) => {\n\tconst e = item.json;\n\tconst payload = (e.button && e.button.payload) || (e.interactive && e.interactive.buttonReply && e.interactive.buttonReply.id) || '';\n\tif (!OWN.test(payload)) return { json: e, pairedItem: { item: i } };\n\treturn { json: { ...e, text: null, button: e.button ? { ...e.button, text: null } : e.button }, pairedItem: { item: i } };\n});",
		),
	);
	// A waitlist offer's "Quero este horário" tap is claimed by workflow 08, not answered by the conversation.
	const claimTap = claimTapRouting(f, [X(2), INTAKE_Y], [X(3), INTAKE_Y + 200]);
	f.connect(kind, [auditIn, claimTap], 0);
	f.connect(claimTap, ownButtons, 1);
	f.connect(ownButtons, optOut);

	// The dialogue: state in the Clinic Store, texts and questions as fields (no code).
	const conversation = conversationNode(
		f,
		'Conversation',
		[X(5), INTAKE_Y],
		{
			operation: 'answer',
			questions: { question: DEFAULT_QUESTIONS.map((q) => ({ ...q })) },
			idleHours: 24,
		},
		JSON.stringify(DEFAULT_TEXTS, null, 2),
	);
	f.connect(optOut, conversation);

	// The Conversation node's outputs in order (the order the nodes are added keeps workflows/01-*.json stable).
	const branch = inboxBranch(f, conversation, FIRST_BRANCH_ROW);
	bookingBranches(branch);
	reminderAnswerBranches(branch);
	nurseHandoffBranch(branch);
	labReportBranch(branch);
	surveyAnswerBranch(branch);
	consentReplyBranch(branch);
	return f;
}
