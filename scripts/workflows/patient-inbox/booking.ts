/**
 * Patient inbox · the booking conversation: the bot's text replies and buttons, free times as a list, and booking
 * the time the patient taps (confirmation template in the patient's language, or other times when it was just
 * taken).
 */
import { WAITLIST_JOIN_ROW_ID } from '../../../core/scheduling/whatsapp-list';
import { templateDate } from '../clinic-settings';
import { CRED, PKG } from '../flow';
import { audit, builtinScheduler, sendText, slotListParams, slotLookup, switchNode } from '../nodes';
import {
	BRANCH,
	CONVERSATION,
	CONVERSATION_RECIPIENT,
	type InboxBranch,
	ITEM_RECIPIENT,
	text,
} from './route';

const wa = CRED.whatsApp;
const TAKEN_LIST = `$('Book').item.json.alternativesWhatsappList`;

/** Outputs Reply, Buttons, Free Times, Book, in that order. */
export function bookingBranches(b: InboxBranch): void {
	replyBranch(b);
	buttonsBranch(b);
	slotsBranch(b);
	bookBranch(b);
}

/** Reply: the conversation's text answer (questions, validation messages), already in the patient's language. */
function replyBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const reply = sendText(f, 'Send reply', [BRANCH(0), y], ITEM_RECIPIENT, '={{ $json.reply }}');
	b.from('Reply', reply);
	f.connect(reply, audit(f, 'Audit reply', [BRANCH(1), y], 'appointment-booking'));
}

/** Buttons: the menu (Book / Nurse / Language) or the language picker, three buttons given by the item. */
function buttonsBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const buttons = f.add(
		'Send buttons',
		`${PKG}.whatsAppSendMessage`,
		1,
		[BRANCH(0), y],
		{
			operation: 'buttons',
			recipient: ITEM_RECIPIENT,
			body: '={{ $json.reply }}',
			buttons: {
				button: [0, 1, 2].map((i) => ({
					title: `={{ $json.buttons[${i}].title }}`,
					id: `={{ $json.buttons[${i}].id }}`,
				})),
			},
			headerType: 'none',
			footer: '',
			options: {},
		},
		{ credentials: wa },
	);
	b.from('Buttons', buttons);
	f.connect(buttons, audit(f, 'Audit buttons', [BRANCH(1), y], 'appointment-booking'));
}

/** Free Times: free times as a WhatsApp list, labelled in the patient's language. */
function slotsBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	// The list ends with "None of these — join the waitlist" (row ID WAITLIST_JOIN; the Book branch routes it).
	const params: Record<string, unknown> = slotListParams();
	const find = slotLookup(f, 'Find free slots', [BRANCH(0), y], {
		...params,
		listOptions: { ...(params.listOptions as Record<string, unknown>), waitlistRow: true },
	});
	const list = f.add(
		'Send slot list',
		`${PKG}.whatsAppSendMessage`,
		1,
		[BRANCH(1), y],
		{
			operation: 'list',
			recipient: CONVERSATION_RECIPIENT,
			listSource: 'object',
			listObject: '={{ $json.whatsappList }}',
			options: {},
		},
		{ credentials: wa },
	);
	b.from('Free Times', find);
	f.connect(find, list);
}

/**
 * Book: book the tapped time and send the confirmation template, or other times when it was just taken. The list's
 * "join the waitlist" row instead puts the patient on the waitlist (Appointment Slot Lookup · Waitlist → Join) and
 * says so in their language.
 */
function bookBranch(b: InboxBranch): void {
	const f = b.f;
	const yJoin = b.row();
	const y = b.row();
	const yTaken = b.row();
	const isJoin = switchNode(
		f,
		'Join waitlist?',
		[BRANCH(0), y],
		`$json.slotId === '${WAITLIST_JOIN_ROW_ID}' ? 0 : 1`,
		2,
	);
	const join = slotLookup(
		f,
		'Join waitlist',
		[BRANCH(1), yJoin],
		builtinScheduler('joinWaitlist', {
			resource: 'waitlist',
			waitlistPatientName: `={{ $json.context.name || $json.firstName || '' }}`,
			waitlistPatientPhone: '={{ $json.recipient }}',
			waitlistServiceId: 'consultation',
			waitlistTimesOfDay: [],
			locale: '={{ $json.locale }}',
		}),
	);
	const joined = sendText(
		f,
		'Say joined',
		[BRANCH(2), yJoin],
		CONVERSATION_RECIPIENT,
		'={{ $json.replyText }}',
	);
	f.connect(isJoin, join, 0);
	f.connect(join, joined);
	f.connect(joined, audit(f, 'Audit waitlist join', [BRANCH(3), yJoin], 'appointment-booking'));
	const book = slotLookup(
		f,
		'Book',
		[BRANCH(1), y],
		builtinScheduler('book', {
			slotId: '={{ $json.slotId }}',
			patientName: '={{ $json.context.name }}',
			patientPhone: '={{ $json.recipient }}',
			bookFields: { notes: '={{ $json.answersText }}' },
			locale: '={{ $json.locale }}',
		}),
	);
	const booked = switchNode(f, 'Booked?', [BRANCH(2), y], '$json.booked ? 0 : 1', 2);
	const confirmation = f.add(
		'Send confirmation',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[BRANCH(3), y],
		{
			recipient: CONVERSATION_RECIPIENT,
			template: {
				__rl: true,
				mode: 'name',
				value: `={{ 'appointment_confirmation|' + (${CONVERSATION}.templateLanguage || 'pt_BR') }}`,
			},
			parameterSource: 'json',
			parametersJson: `={{ { first_name: ${CONVERSATION}.firstName, doctor_name: $json.appointment.practitioner.name, appointment_date: ${templateDate('$json.appointment.start', 'date')}, appointment_time: ${templateDate('$json.appointment.start', 'time')} } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.appointment.id }}' },
		},
		{ credentials: wa },
	);
	b.from('Book', isJoin);
	f.connect(isJoin, book, 1);
	f.connect(book, booked);
	f.connect(booked, confirmation, 0);
	f.connect(confirmation, audit(f, 'Audit booking', [BRANCH(4), y], 'appointment-booking'));
	const taken = sendText(
		f,
		'Slot just taken',
		[BRANCH(3), yTaken],
		CONVERSATION_RECIPIENT,
		text('slot_taken'),
	);
	const alternatives = f.add(
		'Send other times',
		`${PKG}.whatsAppSendMessage`,
		1,
		[BRANCH(4), yTaken],
		{
			operation: 'list',
			recipient: CONVERSATION_RECIPIENT,
			listSource: 'object',
			// The other times, with the list's body and button from the text table.
			listObject: `={{ Object.assign({}, ${TAKEN_LIST}, { body: { text: ${CONVERSATION}.texts.slots_body }, action: Object.assign({}, ${TAKEN_LIST}.action, { button: ${CONVERSATION}.texts.slots_button }) }) }}`,
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(booked, taken, 1);
	f.connect(taken, alternatives);
}
