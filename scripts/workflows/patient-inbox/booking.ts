/**
 * Patient inbox · the booking conversation: the bot's text replies and menu, free times as a list, and booking
 * the time the patient taps (confirmation template, or other times when it was just taken).
 */
import { templateDate } from '../clinic-settings';
import { CRED, PKG, X } from '../flow';
import { audit, builtinScheduler, sendText, slotListParams, slotLookup, switchNode } from '../nodes';
import { type InboxBranch, CONVERSATION_RECIPIENT, ITEM_RECIPIENT } from './route';

const wa = CRED.whatsApp;

/** Route outputs reply, menu, slots, book, in that order. */
export function bookingBranches(b: InboxBranch): void {
	replyBranch(b);
	menuBranch(b);
	slotsBranch(b);
	bookBranch(b);
}

/** 0 reply: the conversation's text answer (questions, validation messages). */
function replyBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const reply = sendText(f, 'Send reply', [X(7), y], ITEM_RECIPIENT, '={{ $json.reply }}');
	b.from('reply', reply);
	f.connect(reply, audit(f, 'Audit reply', [X(8), y], 'appointment-booking'));
}

/** 1 menu: the two main-menu buttons. */
function menuBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const menu = f.add(
		'Send menu',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(7), y],
		{
			operation: 'buttons',
			recipient: ITEM_RECIPIENT,
			body: '={{ $json.reply }}',
			buttons: {
				button: [
					{ title: 'Book appointment', id: 'BOOK' },
					{ title: 'Talk to a nurse', id: 'NURSE' },
				],
			},
			headerType: 'none',
			footer: '',
			options: {},
		},
		{ credentials: wa },
	);
	b.from('menu', menu);
}

/** 2 slots: free times as a WhatsApp list. */
function slotsBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const find = slotLookup(f, 'Find free slots', [X(7), y], slotListParams());
	const list = f.add(
		'Send slot list',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y],
		{
			operation: 'list',
			recipient: CONVERSATION_RECIPIENT,
			listSource: 'object',
			listObject: '={{ $json.whatsappList }}',
			options: {},
		},
		{ credentials: wa },
	);
	b.from('slots', find);
	f.connect(find, list);
}

/** 3 book: book the tapped time and send the confirmation template, or other times when it was just taken. */
function bookBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const book = slotLookup(
		f,
		'Book',
		[X(7), y],
		builtinScheduler('book', {
			slotId: '={{ $json.slotId }}',
			patientName: '={{ $json.context.name }}',
			patientPhone: '={{ $json.recipient }}',
			bookFields: { notes: '={{ "Insurance: " + $json.context.insurance }}' },
			locale: 'en',
		}),
	);
	const booked = switchNode(f, 'Booked?', [X(8), y], '$json.booked ? 0 : 1', 2);
	const confirmation = f.add(
		'Send confirmation',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(9), y - 60],
		{
			recipient: CONVERSATION_RECIPIENT,
			template: { __rl: true, mode: 'name', value: 'appointment_confirmation|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { first_name: $('Conversation').item.json.context.name.split(' ')[0], doctor_name: $json.appointment.practitioner.name, appointment_date: ${templateDate('$json.appointment.start', 'date')}, appointment_time: ${templateDate('$json.appointment.start', 'time')} } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.appointment.id }}' },
		},
		{ credentials: wa },
	);
	b.from('book', book);
	f.connect(book, booked);
	f.connect(booked, confirmation, 0);
	f.connect(confirmation, audit(f, 'Audit booking', [X(10), y - 60], 'appointment-booking'));
	const taken = sendText(
		f,
		'Slot just taken',
		[X(9), y + 80],
		CONVERSATION_RECIPIENT,
		'Sorry, that time was just taken. Here are the next free times.',
	);
	const alternatives = f.add(
		'Send other times',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(10), y + 80],
		{
			operation: 'list',
			recipient: CONVERSATION_RECIPIENT,
			listSource: 'object',
			listObject: `={{ $('Book').item.json.alternativesWhatsappList }}`,
			options: {},
		},
		{ credentials: wa },
	);
	f.connect(booked, taken, 1);
	f.connect(taken, alternatives);
}
