/** Patient inbox · a satisfaction-survey answer (workflow 05): stored in the audit log, patient thanked. */
import { audit, sendText } from '../nodes';
import { BRANCH, CONVERSATION, CONVERSATION_RECIPIENT, type InboxBranch } from './route';

/** Survey Answer: store the survey answer in the audit log and thank the patient (in their language). */
export function surveyAnswerBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const csat = audit(f, 'Store survey answer', [BRANCH(0), y], 'satisfaction-survey', {
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
		[BRANCH(1), y],
		CONVERSATION_RECIPIENT,
		`={{ ${CONVERSATION}.reply }}`,
	);
	b.from('Survey Answer', csat);
	f.connect(csat, thanks);
}
