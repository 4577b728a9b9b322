/** Patient inbox · a satisfaction-survey answer (workflow 05): stored in the audit log, patient thanked. */
import { X } from '../flow';
import { audit, sendText } from '../nodes';
import { type InboxBranch, CONVERSATION_RECIPIENT } from './route';

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
	const thanks = sendText(
		f,
		'Thank for feedback',
		[X(8), y],
		CONVERSATION_RECIPIENT,
		'Thank you for your feedback!',
	);
	b.from('csat', csat);
	f.connect(csat, thanks);
}
