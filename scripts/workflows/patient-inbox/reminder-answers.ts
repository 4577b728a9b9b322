/**
 * Patient inbox · answers to the buttons of workflow 02's reminder: reschedule, confirm, cancel. Each updates the
 * appointment, tells the patient and is audited under appointment-reminder.
 */
import { englishDateTime } from '../clinic-settings';
import { X } from '../flow';
import { audit, builtinScheduler, sendText, slotLookup } from '../nodes';
import { type Action, type InboxBranch, CONVERSATION_RECIPIENT } from './route';

/** Route outputs reschedule, confirm, cancel, in that order. */
export function reminderAnswerBranches(b: InboxBranch): void {
	// 4 reschedule: move the appointment to the tapped time and say when it is now.
	answer(b, {
		action: 'reschedule',
		update: [
			'Reschedule',
			builtinScheduler('reschedule', {
				appointmentId: '={{ $json.appointmentId }}',
				newSlotId: '={{ $json.slotId }}',
				rescheduleReason: 'Rescheduled by the patient on WhatsApp',
				locale: 'en',
			}),
		],
		reply: [
			'Send new time',
			`={{ $json.rescheduled ? 'Done! Your appointment is now on ' + ${englishDateTime('$json.appointment.start')} + '.' : 'Sorry, that time is no longer free. Please reply RESCHEDULE again from the reminder or type MENU.' }}`,
		],
		audit: ['Audit reschedule'],
	});
	// 5 confirm: mark the appointment confirmed and thank the patient.
	answer(b, {
		action: 'confirm',
		update: [
			'Mark confirmed',
			builtinScheduler('updateStatus', { appointmentId: '={{ $json.appointmentId }}', status: 'booked' }),
		],
		reply: ['Thank for confirming', 'Thank you, your appointment is confirmed. See you soon!'],
		audit: ['Audit confirmation', 'appointment.confirmed'],
	});
	// 6 cancel: cancel the appointment and tell the patient.
	answer(b, {
		action: 'cancel',
		update: [
			'Cancel appointment',
			builtinScheduler('cancel', {
				appointmentId: '={{ $json.appointmentId }}',
				reason: 'Cancelled by the patient on WhatsApp',
			}),
		],
		reply: ['Confirm cancellation', 'Your appointment was cancelled. Type MENU to book another time.'],
		audit: ['Audit cancellation', 'appointment.cancelled'],
	});
}

interface AppointmentAnswer {
	action: Action;
	/** The Appointment Slot Lookup node that updates the appointment, and its parameters. */
	update: [name: string, parameters: Record<string, unknown>];
	/** What the patient is told. */
	reply: [name: string, text: string];
	/** The audit node, and the event it records with the appointment ID (none: the automatic fields only). */
	audit: [name: string, event?: string];
}

/** Route → update the appointment → tell the patient → audit, on one canvas row. */
function answer(b: InboxBranch, a: AppointmentAnswer): void {
	const f = b.f;
	const y = b.row();
	const update = slotLookup(f, a.update[0], [X(7), y], a.update[1]);
	const reply = sendText(f, a.reply[0], [X(8), y], CONVERSATION_RECIPIENT, a.reply[1]);
	b.from(a.action, update);
	f.connect(update, reply);
	const [auditName, event] = a.audit;
	const fields = event
		? {
				fields: {
					event,
					details: `={{ JSON.stringify({ appointmentId: $('Conversation').item.json.appointmentId }) }}`,
				},
			}
		: {};
	f.connect(reply, audit(f, auditName, [X(9), y], 'appointment-reminder', fields));
}
