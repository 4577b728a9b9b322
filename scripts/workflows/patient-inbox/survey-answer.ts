/** Patient inbox · a satisfaction-survey answer (workflow 05): stored in the audit log, patient thanked. */
import { CRED, PKG, X } from '../flow';
import { audit } from '../nodes';
import type { InboxBranch } from './route';

const wa = CRED.whatsApp;

/** 10 csat: store the survey answer in the audit log and thank the patient. */
export function surveyAnswerBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const csat = audit(f, 'Store survey answer', [X(7), y], 'satisfaction-survey', {
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
	b.from('csat', csat);
	f.connect(csat, thanks);
}
