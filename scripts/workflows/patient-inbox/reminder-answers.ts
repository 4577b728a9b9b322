/**
 * Patient inbox · answers to the buttons of workflow 02's reminder: reschedule, confirm, cancel. Each updates the
 * appointment, tells the patient in their language and is audited under appointment-reminder. A time freed by a
 * cancel or a reschedule goes to workflow 08, which offers it to the waitlist; after a cancel the patient is offered
 * other times, the list ending with the waitlist row.
 */
import { localDateTime } from '../clinic-settings';
import { audit, builtinScheduler, sendText, slotLookup } from '../nodes';
import { timesList } from './booking';
import { BRANCH, CONVERSATION, CONVERSATION_RECIPIENT, type InboxBranch, text } from './route';
import { offerFreedTime } from './waitlist';
import type { AnswerOutput } from '../../../core/conversation/types';

/** Outputs Reschedule, Confirm, Cancel, in that order. */
export function reminderAnswerBranches(b: InboxBranch): void {
	const f = b.f;
	// Reschedule: move the appointment to the tapped time and say when it is now (written in the patient's language);
	// the old time goes to the waitlist (workflow 08).
	const moved = answer(b, {
		output: 'Reschedule',
		update: [
			'Reschedule',
			builtinScheduler('reschedule', {
				appointmentId: '={{ $json.appointmentId }}',
				newSlotId: '={{ $json.slotId }}',
				rescheduleReason: 'Rescheduled by the patient on WhatsApp',
				locale: '={{ $json.locale }}',
			}),
		],
		reply: [
			'Send new time',
			`={{ $json.rescheduled ? ${CONVERSATION}.texts.reschedule_done.replace('{date}', ${localDateTime('$json.appointment.start', `${CONVERSATION}.locale`)}) : ${CONVERSATION}.texts.reschedule_failed }}`,
		],
		audit: ['Audit reschedule'],
	});
	f.connect(moved.update, offerFreedTime(f, 'Offer old time to waitlist', [BRANCH(1), b.row()]));
	// Confirm: mark the appointment confirmed and thank the patient.
	answer(b, {
		output: 'Confirm',
		update: [
			'Mark confirmed',
			builtinScheduler('updateStatus', { appointmentId: '={{ $json.appointmentId }}', status: 'booked' }),
		],
		reply: ['Thank for confirming', text('confirm_thanks')],
		audit: ['Audit confirmation', 'appointment.confirmed'],
	});
	// Cancel: cancel the appointment and tell the patient; offer other times (the list ends with the waitlist row:
	// the Book output takes the tapped row, see core/conversation's `rebook`); the freed time goes to workflow 08.
	const cancelled = answer(b, {
		output: 'Cancel',
		update: [
			'Cancel appointment',
			builtinScheduler('cancel', {
				appointmentId: '={{ $json.appointmentId }}',
				reason: 'Cancelled by the patient on WhatsApp',
			}),
		],
		reply: ['Confirm cancellation', text('cancel_done')],
		audit: ['Audit cancellation', 'appointment.cancelled'],
	});
	const y = b.row();
	const rebook = timesList(f, ['Find times to rebook', 'Send times to rebook'], [BRANCH(2), y], {
		from: CONVERSATION,
		body: text('rebook_body'),
	});
	f.connect(cancelled.reply, rebook);
	f.connect(cancelled.update, offerFreedTime(f, 'Offer freed time to waitlist', [BRANCH(1), y]));
}

interface AppointmentAnswer {
	output: AnswerOutput;
	/** The Appointment Slot Lookup node that updates the appointment, and its parameters. */
	update: [name: string, parameters: Record<string, unknown>];
	/** What the patient is told. */
	reply: [name: string, text: string];
	/** The audit node, and the event it records with the appointment ID (none: the automatic fields only). */
	audit: [name: string, event?: string];
}

/** Conversation output → update the appointment → tell the patient → audit, on one canvas row. */
function answer(b: InboxBranch, a: AppointmentAnswer): { update: string; reply: string } {
	const f = b.f;
	const y = b.row();
	const update = slotLookup(f, a.update[0], [BRANCH(0), y], a.update[1]);
	const reply = sendText(f, a.reply[0], [BRANCH(1), y], CONVERSATION_RECIPIENT, a.reply[1]);
	b.from(a.output, update);
	f.connect(update, reply);
	const [auditName, event] = a.audit;
	const fields = event
		? {
				fields: {
					event,
					details: `={{ JSON.stringify({ appointmentId: ${CONVERSATION}.appointmentId }) }}`,
				},
			}
		: {};
	f.connect(reply, audit(f, auditName, [BRANCH(2), y], 'appointment-reminder', fields));
	return { update, reply };
}
