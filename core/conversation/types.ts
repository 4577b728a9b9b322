/** The shapes of a conversation: its stored state, the message being answered, and the decision about it. */
import type { Language } from '../i18n/languages';

/** Where the patient is: `idle`, `ask_<field>` (a question), `pick_slot`, `lab_dob`, `lab_sent`, `with_staff`. */
export type Step = string;

export const IDLE: Step = 'idle';

export interface ConversationState {
	step: Step;
	/** The answers given so far (by question field) and what a step needs (`mode`, `appointmentId`, `dobHash`…). */
	context: Record<string, unknown>;
	/** The patient's language, when they picked it or wrote in it (never the phone's country guess). */
	language: Language | null;
	languageSource: 'picked' | 'written' | null;
}

/** A conversation as stored: the patient key (phone digits or WhatsApp user ID) and when it is forgotten. */
export interface StoredConversation extends ConversationState {
	patient: string;
	updatedAtMs: number;
	expiresAtMs: number;
}

export const emptyState = (): ConversationState => ({
	step: IDLE,
	context: {},
	language: null,
	languageSource: null,
});

/** What a message says, read from a WhatsApp Clinic Trigger item (after Consent Check · Detect Keywords). */
export interface IncomingMessage {
	/** Phone (wa_id digits) and/or WhatsApp user ID of the sender. */
	from: string | null;
	userId: string | null;
	profileName: string | null;
	messageId: string | null;
	/** WhatsApp message type (text, button, interactive, image…). */
	type: string | null;
	/** Typed text (null for taps: a button's caption is not something the patient wrote). */
	text: string | null;
	/** A quick-reply payload or the id of a tapped reply button. */
	payload: string | null;
	/** The id of a tapped list row. */
	listId: string | null;
	/** Consent Check · Detect Keywords' result: a recorded opt-out / opt-in to confirm. */
	consent: { action: 'opt_out' | 'opt_in'; language: string | null; replyTo: string | null } | null;
}

/** What the bot does with a message: which output it leaves by, and the state it leaves behind. */
export type Action =
	| 'reply'
	| 'buttons'
	| 'slots'
	| 'book'
	| 'reschedule'
	| 'confirm'
	| 'cancel'
	| 'staff'
	| 'lab_dob'
	| 'csat'
	| 'consent'
	| 'ignore';

export interface Decision {
	action: Action;
	/** The text to send: a key of the text table and its placeholders. */
	say?: { key: string; variables?: Record<string, string> };
	/** For `buttons`: up to three buttons, each an id and the key of its label. */
	buttons?: Array<{ id: string; label: string }>;
	nextStep: Step;
	context: Record<string, unknown>;
	/** A language the patient picked with this message. */
	picked?: Language;
	/** Leave the stored conversation as it is (consent confirmations, ignored messages). */
	keepState?: boolean;
	slotId?: string;
	appointmentId?: string;
	rating?: string;
	topic?: string;
	/** For `staff`: a new handoff (send the video link) or a message forwarded to staff already handling it. */
	handoff?: 'new' | 'message';
	/** For `lab_dob`: the date of birth typed (YYYY-MM-DD), or `invalid`. */
	candidateDob?: string;
}

/**
 * The outputs of Clinic Conversation · Answer Message, in order: each decision leaves by its own output (ignored
 * messages by none). The workflow builder wires branches by these names.
 */
export const ANSWER_OUTPUTS = [
	{ action: 'reply', name: 'Reply' },
	{ action: 'buttons', name: 'Buttons' },
	{ action: 'slots', name: 'Free Times' },
	{ action: 'book', name: 'Book' },
	{ action: 'reschedule', name: 'Reschedule' },
	{ action: 'confirm', name: 'Confirm' },
	{ action: 'cancel', name: 'Cancel' },
	{ action: 'staff', name: 'Staff' },
	{ action: 'lab_dob', name: 'Lab Date of Birth' },
	{ action: 'csat', name: 'Survey Answer' },
	{ action: 'consent', name: 'Consent Reply' },
] as const satisfies ReadonlyArray<{ action: Exclude<Action, 'ignore'>; name: string }>;

export type AnswerOutput = (typeof ANSWER_OUTPUTS)[number]['name'];
