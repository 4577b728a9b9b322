/** 04 · Telemedicine handoff (staff desk): handoffs and messages from 01, staff replies, closing a handoff. */
import { Flow, X } from './flow';
import { audit, patientLanguage, sendText, setConversation, webhook } from './nodes';

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
