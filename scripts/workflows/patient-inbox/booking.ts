/**
 * Patient inbox · the booking conversation: the bot's text replies and buttons, free times as a list, and booking
 * the time the patient taps (confirmation template in the patient's language, or other times when it was just
 * taken).
 */
import { WAITLIST_JOIN_ROW_ID } from '../../../core/scheduling/whatsapp-list';
import { templateDate } from '../clinic-settings';
import { CRED, type Flow, PKG, type Position, X } from '../flow';
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
	const y = b.row();
	b.from('Free Times', timesList(b.f, ['Find free slots', 'Send slot list'], [BRANCH(0), y]));
}

/**
 * Find Free Slots as a WhatsApp list (labels in the patient's language) → send it. The list ends with "None of
 * these — join the waitlist" (row ID WAITLIST_JOIN; the Book branch routes it). `from`: the conversation item as
 * the first node sees it; `body`: the list's text (default: the conversation's reply, else slots_body). Returns the
 * first node.
 */
export function timesList(
	f: Flow,
	[findName, sendName]: [string, string],
	[x, y]: Position,
	{ from = '$json', body }: { from?: string; body?: string } = {},
): string {
	const params: Record<string, unknown> = slotListParams(from);
	const listOptions = params.listOptions as Record<string, unknown>;
	const find = slotLookup(f, findName, [x, y], {
		...params,
		listOptions: { ...listOptions, ...(body ? { body } : {}), waitlistRow: true },
	});
	const list = f.add(
		sendName,
		`${PKG}.whatsAppSendMessage`,
		1,
		[x + X(1), y],
		{
			operation: 'list',
			recipient: CONVERSATION_RECIPIENT,
			listSource: 'object',
			listObject: '={{ $json.whatsappList }}',
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(find, list);
	return find;
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
			// After a reminder's Cancel or during a Reschedule no name was asked: the WhatsApp profile name.
			waitlistPatientName: '={{ $json.context.name || $json.profileName }}',
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
			patientName: '={{ $json.context.name || $json.profileName }}',
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
			parametersJson: `={{ { first_name: ${CONVERSATION}.firstName || $json.appointment.patient.name.split(' ')[0], doctor_name: $json.appointment.practitioner.name, appointment_date: ${templateDate('$json.appointment.start', 'date')}, appointment_time: ${templateDate('$json.appointment.start', 'time')} } }}`,
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
