/** 01 · Patient inbox and appointment booking bot (the one workflow that receives the number's webhooks). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CRED, Flow, PKG, audit, code, getConversation, saveConversation, switchByIndex } from './lib';
import { CLINIC_RULES, SETTINGS, englishDateTime, slotListParams, templateDate } from './shared';

export const ACTIONS = [
	'reply',
	'menu',
	'slots',
	'book',
	'reschedule',
	'confirm',
	'cancel',
	'nurse',
	'to_staff',
	'lab_dob',
	'csat',
	'ignore',
];

export function inbox(): Flow {
	const f = new Flow('01 · Patient inbox and appointment booking bot', 'wac-inbox');
	const wa = CRED.whatsApp;
	const store = CRED.store;
	const X = (col: number) => col * 260;

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
	const kind = f.add(
		'Message or status?',
		'n8n-nodes-base.switch',
		3.2,
		[X(1), 300],
		switchByIndex(`$json.event === 'message' ? 0 : 1`, 2),
	);
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

	const hasKeyword = f.add(
		'Opt-out or opt-in?',
		'n8n-nodes-base.switch',
		3.2,
		[X(3), 480],
		switchByIndex('$json.consentKeyword ? 0 : 1', 2),
	);
	f.connect(optOut, hasKeyword);
	const consentReply = f.add(
		'Confirm consent change',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(4), 100],
		{
			operation: 'text',
			recipient: '={{ $json.consentKeyword.replyTo }}',
			text: '={{ $json.consentKeyword.reply }}',
			options: {},
		},
		{ credentials: wa },
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
	const route = f.add(
		'Route',
		'n8n-nodes-base.switch',
		3.2,
		[X(6), 600],
		switchByIndex(`${JSON.stringify(ACTIONS)}.indexOf($json.action)`, ACTIONS.length),
	);
	f.connect(conv, [save, route]);

	const send = (name: string, pos: [number, number], text: string) =>
		f.add(
			name,
			`${PKG}.whatsAppSendMessage`,
			1,
			pos,
			{ operation: 'text', recipient: '={{ $json.recipient }}', text, options: {} },
			{ credentials: wa },
		);
	let y = 300;
	const row = () => (y += 180);

	// 0 reply
	const reply = send('Send reply', [X(7), row()], '={{ $json.reply }}');
	f.connect(route, reply, 0);
	f.connect(reply, audit(f, 'Audit reply', [X(8), y], 'appointment-booking'));
	// 1 menu
	const menu = f.add(
		'Send menu',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(7), row()],
		{
			operation: 'buttons',
			recipient: '={{ $json.recipient }}',
			body: '={{ $json.reply }}',
			buttons: {
				button: [
					{ title: 'Book appointment', id: 'BOOK' },
					{ title: 'Talk to a nurse', id: 'NURSE' },
				],
			},
			headerType: 'none',
			footer: '',
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(route, menu, 1);
	// 2 slots
	const find = f.add('Find free slots', `${PKG}.appointmentSlotLookup`, 1, [X(7), row()], slotListParams(), {
		credentials: store,
	});
	const list = f.add(
		'Send slot list',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y],
		{
			operation: 'list',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			listSource: 'object',
			listObject: '={{ $json.whatsappList }}',
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(route, find, 2);
	f.connect(find, list);
	// 3 book
	const book = f.add(
		'Book',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), row()],
		{
			operation: 'book',
			backend: 'builtin',
			rulesSource: 'json',
			rulesJson: CLINIC_RULES,
			slotId: '={{ $json.slotId }}',
			patientName: '={{ $json.context.name }}',
			patientPhone: '={{ $json.recipient }}',
			bookFields: { notes: '={{ "Insurance: " + $json.context.insurance }}' },
			locale: 'en',
		},
		{ credentials: store },
	);
	const booked = f.add(
		'Booked?',
		'n8n-nodes-base.switch',
		3.2,
		[X(8), y],
		switchByIndex('$json.booked ? 0 : 1', 2),
	);
	const confirmation = f.add(
		'Send confirmation',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(9), y - 60],
		{
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			template: { __rl: true, mode: 'name', value: 'appointment_confirmation|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { first_name: $('Conversation').item.json.context.name.split(' ')[0], doctor_name: $json.appointment.practitioner.name, appointment_date: ${templateDate('$json.appointment.start', 'date')}, appointment_time: ${templateDate('$json.appointment.start', 'time')} } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.appointment.id }}' },
		},
		{ credentials: wa },
	);
	f.connect(route, book, 3);
	f.connect(book, booked);
	f.connect(booked, confirmation, 0);
	f.connect(confirmation, audit(f, 'Audit booking', [X(10), y - 60], 'appointment-booking'));
	const taken = f.add(
		'Slot just taken',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(9), y + 80],
		{
			operation: 'text',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			text: 'Sorry, that time was just taken. Here are the next free times.',
			options: {},
		},
		{ credentials: wa },
	);
	const alternatives = f.add(
		'Send other times',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(10), y + 80],
		{
			operation: 'list',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			listSource: 'object',
			listObject: `={{ $('Book').item.json.alternativesWhatsappList }}`,
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(booked, taken, 1);
	f.connect(taken, alternatives);
	// 4 reschedule
	const resched = f.add(
		'Reschedule',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), row()],
		{
			operation: 'reschedule',
			backend: 'builtin',
			rulesSource: 'json',
			rulesJson: CLINIC_RULES,
			appointmentId: '={{ $json.appointmentId }}',
			newSlotId: '={{ $json.slotId }}',
			rescheduleReason: 'Rescheduled by the patient on WhatsApp',
			locale: 'en',
		},
		{ credentials: store },
	);
	const reschedOk = f.add(
		'Send new time',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y],
		{
			operation: 'text',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			text: `={{ $json.rescheduled ? 'Done! Your appointment is now on ' + ${englishDateTime('$json.appointment.start')} + '.' : 'Sorry, that time is no longer free. Please reply RESCHEDULE again from the reminder or type MENU.' }}`,
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(route, resched, 4);
	f.connect(resched, reschedOk);
	f.connect(reschedOk, audit(f, 'Audit reschedule', [X(9), y], 'appointment-reminder'));
	// 5 confirm
	const confirm = f.add(
		'Mark confirmed',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), row()],
		{
			operation: 'updateStatus',
			backend: 'builtin',
			rulesSource: 'json',
			rulesJson: CLINIC_RULES,
			appointmentId: '={{ $json.appointmentId }}',
			status: 'booked',
		},
		{ credentials: store },
	);
	const confirmed = f.add(
		'Thank for confirming',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y],
		{
			operation: 'text',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			text: 'Thank you, your appointment is confirmed. See you soon!',
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(route, confirm, 5);
	f.connect(confirm, confirmed);
	f.connect(
		confirmed,
		audit(f, 'Audit confirmation', [X(9), y], 'appointment-reminder', {
			fields: {
				event: 'appointment.confirmed',
				details: `={{ JSON.stringify({ appointmentId: $('Conversation').item.json.appointmentId }) }}`,
			},
		}),
	);
	// 6 cancel
	const cancel = f.add(
		'Cancel appointment',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), row()],
		{
			operation: 'cancel',
			backend: 'builtin',
			rulesSource: 'json',
			rulesJson: CLINIC_RULES,
			appointmentId: '={{ $json.appointmentId }}',
			reason: 'Cancelled by the patient on WhatsApp',
		},
		{ credentials: store },
	);
	const cancelled = f.add(
		'Confirm cancellation',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y],
		{
			operation: 'text',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			text: 'Your appointment was cancelled. Type MENU to book another time.',
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(route, cancel, 6);
	f.connect(cancel, cancelled);
	f.connect(
		cancelled,
		audit(f, 'Audit cancellation', [X(9), y], 'appointment-reminder', {
			fields: {
				event: 'appointment.cancelled',
				details: `={{ JSON.stringify({ appointmentId: $('Conversation').item.json.appointmentId }) }}`,
			},
		}),
	);
	// 7 nurse, 8 to_staff
	const settings = f.add('Clinic settings', 'n8n-nodes-base.set', 3.4, [X(7), row()], {
		mode: 'manual',
		includeOtherFields: true,
		assignments: {
			assignments: [
				{ id: 'staff-url', name: 'staffDeskUrl', type: 'string', value: SETTINGS.staffDeskExpression },
				{
					id: 'video',
					name: 'videoLink',
					type: 'string',
					value: `={{ '${SETTINGS.videoBase}' + $execution.id }}`,
				},
			],
		},
		options: {},
	});
	const notify = f.add('Notify nurse', 'n8n-nodes-base.httpRequest', 4.2, [X(8), y], {
		method: 'POST',
		url: '={{ $json.staffDeskUrl }}',
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={{ JSON.stringify({ kind: $json.action === 'nurse' ? 'handoff' : 'message', patient: $json.patient, name: $json.profileName, topic: $json.topic, videoLink: $json.videoLink }) }}`,
		options: {},
	});
	const handoffKind = f.add(
		'New handoff?',
		'n8n-nodes-base.switch',
		3.2,
		[X(9), y],
		switchByIndex(`$('Clinic settings').item.json.action === 'nurse' ? 0 : 1`, 2),
	);
	const link = f.add(
		'Send video link',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(10), y],
		{
			operation: 'text',
			recipient: `={{ $('Clinic settings').item.json.recipient }}`,
			text: `={{ 'A nurse will talk to you now. Join the video call here: ' + $('Clinic settings').item.json.videoLink + ' (or just keep writing here).' }}`,
			options: { previewUrl: false },
		},
		{ credentials: wa },
	);
	f.connect(route, settings, 7);
	f.connect(route, settings, 8);
	f.chain(settings, notify, handoffKind);
	f.connect(handoffKind, link, 0);
	f.connect(link, audit(f, 'Audit handoff', [X(11), y], 'telemedicine'));
	// 9 lab_dob
	const dobOk = f.add(
		'Date of birth matches?',
		'n8n-nodes-base.switch',
		3.2,
		[X(7), row()],
		switchByIndex(
			`($json.candidateDob + '|' + $json.patient).hash('sha256') === $json.context.dobHash ? 0 : 1`,
			2,
		),
	);
	const pdf = f.add(
		'Send results PDF',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y - 60],
		{
			operation: 'media',
			recipient: '={{ $json.recipient }}',
			mediaType: 'document',
			mediaSource: 'link',
			mediaLink: '={{ $json.context.reportUrl }}',
			caption: 'Your lab results. Reply here if you have a question for our nurse.',
			filename: '={{ $json.context.reportName || "lab-results.pdf" }}',
			options: {},
		},
		{ credentials: wa },
	);
	const labSent = f.add(
		'Remember results sent',
		'n8n-nodes-base.dataTable',
		1.1,
		[X(10), y - 60],
		saveConversation(`$('Conversation').item.json.patient`, `'lab_sent'`, `'{}'`),
	);
	const dobBad = send(
		'Ask date of birth again',
		[X(8), y + 80],
		'That date of birth does not match our records. Please type it again as DD/MM/YYYY.',
	);
	f.connect(route, dobOk, 9);
	f.connect(dobOk, pdf, 0);
	const auditPdf = audit(f, 'Audit results delivery', [X(9), y - 60], 'lab_results');
	f.connect(pdf, auditPdf);
	f.connect(auditPdf, labSent);
	f.connect(dobOk, dobBad, 1);
	// 10 csat
	const csat = audit(f, 'Store survey answer', [X(7), row()], 'satisfaction-survey', {
		direction: 'inbound',
		includeContent: false,
		fields: {
			event: 'survey.csat',
			details: `={{ JSON.stringify({ rating: $json.rating, appointmentId: $json.appointmentId }) }}`,
			patientPhone: '={{ $json.recipient }}',
			messageId: '={{ $json.messageId }}',
		},
	});
	const thanks = f.add(
		'Thank for feedback',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y],
		{
			operation: 'text',
			recipient: `={{ $('Conversation').item.json.recipient }}`,
			text: 'Thank you for your feedback!',
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(route, csat, 10);
	f.connect(csat, thanks);
	return f;
}
