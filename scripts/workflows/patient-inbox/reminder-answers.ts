/**
 * Patient inbox · answers to the buttons of workflow 02's reminder: reschedule, confirm, cancel. Each updates the
 * appointment, tells the patient and is audited under appointment-reminder.
 */
import { CLINIC_RULES, englishDateTime } from '../clinic-settings';
import { CRED, PKG, X } from '../flow';
import { audit } from '../nodes';
import type { InboxBranch } from './route';

const wa = CRED.whatsApp;
const store = CRED.store;

/** Route outputs reschedule, confirm, cancel, in that order. */
export function reminderAnswerBranches(b: InboxBranch): void {
	rescheduleBranch(b);
	confirmBranch(b);
	cancelBranch(b);
}

/** 4 reschedule: move the appointment to the tapped time and say when it is now. */
function rescheduleBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const resched = f.add(
		'Reschedule',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), y],
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
	b.from('reschedule', resched);
	f.connect(resched, reschedOk);
	f.connect(reschedOk, audit(f, 'Audit reschedule', [X(9), y], 'appointment-reminder'));
}

/** 5 confirm: mark the appointment confirmed and thank the patient. */
function confirmBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const confirm = f.add(
		'Mark confirmed',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), y],
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
	b.from('confirm', confirm);
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
}

/** 6 cancel: cancel the appointment and tell the patient. */
function cancelBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const cancel = f.add(
		'Cancel appointment',
		`${PKG}.appointmentSlotLookup`,
		1,
		[X(7), y],
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
	b.from('cancel', cancel);
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
}
