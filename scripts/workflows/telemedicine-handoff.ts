/** 04 · Telemedicine handoff (staff desk): handoffs and messages from 01, staff replies, closing a handoff. */
import { NODE_TEXTS } from '../../core/i18n/node-texts';
import { CRED, Flow, PKG, X, type Position } from './flow';
import { audit, patientLanguage, sendText, setConversation, switchNode, webhook } from './nodes';

/** A text of the table (core/i18n) in the patient's language (the staff desk body's `language`), Portuguese by default. */
const inLanguage = (texts: { readonly pt_BR: string; readonly es: string; readonly en: string }) =>
	`={{ (${JSON.stringify(texts)})[$('Staff desk').item.json.body.language] || ${JSON.stringify(texts.pt_BR)} }}`;

/** WhatsApp Calling (a send: consent checked for telemedicine, audited); a refusal must not stop the desk. */
const calling = (f: Flow, name: string, position: Position, parameters: Record<string, unknown>) =>
	f.add(
		name,
		`${PKG}.whatsAppCalling`,
		1,
		position,
		{
			recipient: `={{ $('Staff desk').item.json.body.patient }}`,
			...parameters,
			requireConsent: 'telemedicine',
			auditToStore: true,
			auditPurpose: 'telemedicine',
			options: {},
		},
		{ credentials: { ...CRED.whatsApp, ...CRED.store }, onError: 'continueRegularOutput' },
	);

/**
 * "Call me": a new handoff also asks the patient for permission to call them; when they allow it (their answer comes
 * back through 01 as a message with callPermission "accept"), staff are told and the patient gets a call button.
 */
function callMe(f: Flow, desk: string): void {
	const y = -120;
	const which = switchNode(
		f,
		'Call me?',
		[X(1), y],
		`$json.body.kind === 'handoff' ? 0 : $json.body.callPermission === 'accept' ? 1 : 2`,
		3,
	);
	const ask = calling(f, 'Ask permission to call', [X(2), y - 140], {
		operation: 'sendPermissionRequest',
		permissionBody: inLanguage(NODE_TEXTS.call_permission_body),
	});
	const told = f.add('Tell staff: patient can be called', 'n8n-nodes-base.noOp', 1, [X(2), y + 60], {});
	const button = calling(f, 'Send call button', [X(3), y + 60], {
		operation: 'sendCallButton',
		callButtonBody: inLanguage(NODE_TEXTS.call_button_body),
		buttonText: inLanguage(NODE_TEXTS.call_button_text),
		ttlMinutes: 240,
		payload: 'telemedicine-handoff',
	});
	f.connect(desk, which);
	f.connect(which, ask, 0);
	f.connect(which, told, 1);
	f.chain(told, button);
}

export function telemedicine(): Flow {
	const f = new Flow('04 · Telemedicine handoff (staff desk)', 'wac-telemedicine');
	f.sticky(
		[
			'## Telemedicine handoff',
			'Workflow 01 posts here when a patient taps *Talk to a nurse* or writes words like "nurse" / "enfermeira": the patient gets a video-call link and every further message is forwarded here until staff close the conversation.',
			'',
			'- **Staff desk** receives each handoff and message (with the conversation context and the patient’s language). Replace *Notify staff* by your Slack / Teams / e-mail node.',
			'- **Staff reply** (POST `{ "patient": "5511…", "text": "…" }`) sends the nurse\'s answer to the patient ("Enfermagem: …" in the patient’s language).',
			'- **Close handoff** (POST `{ "patient": "5511…" }`) gives the patient back to the bot.',
			'- **Call me**: each new handoff also asks the patient for permission to call them on WhatsApp; when they allow it, *Tell staff: patient can be called* runs (put your notification there; call them from your WebRTC/SIP phone with WhatsApp Calling · Start Call) and the patient gets a call button to call the nurse.',
			'Everything is written to the audit log.',
		].join('\n'),
		[-640, -80],
		560,
		420,
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
	callMe(f, desk);

	const replyHook = webhook(f, 'Staff reply', [X(0), 460], 'clinic-staff-reply');
	const answerText = patientLanguage(f, 'Staff answer text', [X(1), 460], '$json.body.patient', {
		textKey: 'staff_answer',
		textVariables: '={{ { text: $json.body.text } }}',
	});
	const reply = sendText(
		f,
		'Send staff answer',
		[X(2), 460],
		`={{ $('Staff reply').item.json.body.patient }}`,
		'={{ $json.text }}',
	);
	f.chain(replyHook, answerText, reply, audit(f, 'Audit staff answer', [X(3), 460], 'telemedicine'));

	const closeHook = webhook(f, 'Close handoff', [X(0), 720], 'clinic-handoff-close');
	const back = setConversation(f, 'Back to the bot', [X(1), 720], '$json.body.patient', 'idle', {
		context: '={{ {} }}',
		textKey: 'handoff_closed',
	});
	const tell = sendText(
		f,
		'Tell the patient',
		[X(2), 720],
		`={{ $('Close handoff').item.json.body.patient }}`,
		'={{ $json.text }}',
	);
	f.chain(closeHook, back, tell, audit(f, 'Audit handoff closed', [X(3), 720], 'telemedicine'));
	return f;
}
