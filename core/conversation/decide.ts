/**
 * The conversation's decisions: given one patient message and where that patient is, what the bot does next.
 * Pure (no store, no clock but the one given, no WhatsApp): test/unit/conversation/decide.test.ts walks every path.
 *
 * Order, first match wins:
 * 1. a consent keyword Consent Check recorded → confirm it (state untouched);
 * 2. the clinic's own buttons (payload VERB:ref…), whatever the step: CONFIRM / CANCEL / RESCHEDULE from reminders,
 *    CSAT / FOLLOWUP from the follow-up and survey, BOOK / NURSE / LANG / MENU from the menu;
 * 3. words asking for a nurse ("enfermeira", "nurse"…); while with staff every message goes to staff;
 * 4. a tapped list row: the time to book, or the new time of a reschedule; the list's "join the waitlist" row (any
 *    mode) and any row of the list offered after a reminder's Cancel (mode `rebook`) leave by the Book output;
 * 5. a language typed on its own ("English") outside the questions; a restart word ("menu") → the menu;
 * 6. the current step: a question (validated with its named validator: next question, or free times after the
 *    last one), the free-time list, the lab results' date of birth, a question after the lab report;
 * 7. anything else → the menu (a message with nothing in it, e.g. a reaction, is ignored).
 */
import { type Language, matchLanguage } from '../i18n/languages';
import { typedLanguagePick } from '../i18n/choose';
import { normaliseText } from '../i18n/normalise';
import { WAITLIST_JOIN_ROW_ID } from '../scheduling/whatsapp-list';
import { type Question, type Script, askStep, nextQuestion } from './script';
import { type ConversationState, type Decision, type IncomingMessage, IDLE } from './types';
import { VALIDATORS, validDateOfBirth } from './validators';

export const MENU_BUTTONS = [
	{ id: 'BOOK', label: 'menu_book' },
	{ id: 'NURSE', label: 'menu_nurse' },
	{ id: 'LANG', label: 'menu_language' },
];

export const LANGUAGE_BUTTONS = [
	{ id: 'LANG:pt_BR', label: 'language_pt_BR' },
	{ id: 'LANG:es', label: 'language_es' },
	{ id: 'LANG:en', label: 'language_en' },
];

const menu = (picked?: Language): Decision => ({
	action: 'buttons',
	say: { key: 'menu' },
	buttons: MENU_BUTTONS,
	nextStep: IDLE,
	context: {},
	...(picked ? { picked } : {}),
});

/** Placeholders a question text may use: the answers so far, the name and the first name. */
export function answerVariables(context: Record<string, unknown>): Record<string, string> {
	const vars: Record<string, string> = {};
	for (const [k, v] of Object.entries(context)) if (typeof v === 'string') vars[k] = v;
	const name = typeof context.name === 'string' ? context.name : '';
	vars.firstName = name.split(' ')[0] ?? '';
	return vars;
}

const ask = (question: Question, context: Record<string, unknown>): Decision => ({
	action: 'reply',
	say: { key: question.ask, variables: answerVariables(context) },
	nextStep: askStep(question),
	context,
});

/** BOOK: the first question (answers of an earlier booking are forgotten). */
const startQuestions = (script: Script): Decision => ask(script.questions[0], {});

/** The context without what a step needed (`mode`, `appointmentId`): the answers to the questions. */
function answersOnly(context: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(context).filter(([k]) => k !== 'mode' && k !== 'appointmentId'));
}

/** Whether the normalised text contains one of the phrases as whole words. */
function mentions(text: string, phrases: readonly string[]): boolean {
	const padded = ` ${normaliseText(text)} `;
	return phrases.some((p) => padded.includes(` ${p} `));
}

function answerQuestion(
	question: Question,
	text: string,
	state: ConversationState,
	script: Script,
	nowMs: number,
): Decision {
	const value = text ? VALIDATORS[question.validator].check(text, nowMs) : null;
	if (value === null)
		return {
			action: 'reply',
			say: { key: question.retry, variables: answerVariables(state.context) },
			nextStep: state.step,
			context: state.context,
		};
	const context = { ...state.context, [question.field]: value };
	const next = nextQuestion(script, context);
	if (next) return ask(next, context);
	return { action: 'slots', nextStep: 'pick_slot', context };
}

function buttonAnswer(
	verb: string,
	ref: string,
	extra: string,
	state: ConversationState,
	script: Script,
): Decision | null {
	switch (verb) {
		case 'CONFIRM':
			return { action: 'confirm', appointmentId: ref, nextStep: IDLE, context: {} };
		case 'CANCEL':
			// The workflow offers other times (and the waitlist) after cancelling: a row tapped then books anew.
			return { action: 'cancel', appointmentId: ref, nextStep: IDLE, context: { mode: 'rebook' } };
		case 'RESCHEDULE':
			return { action: 'slots', nextStep: 'pick_slot', context: { mode: 'reschedule', appointmentId: ref } };
		case 'CSAT':
			return {
				action: 'csat',
				rating: ref,
				appointmentId: extra,
				say: { key: 'csat_thanks' },
				nextStep: IDLE,
				context: {},
			};
		case 'FOLLOWUP':
			if (ref === 'HELP')
				return {
					action: 'staff',
					handoff: 'new',
					topic: 'post-visit follow-up',
					nextStep: 'with_staff',
					context: {},
				};
			return { action: 'reply', say: { key: 'followup_better' }, nextStep: IDLE, context: {} };
		case 'BOOK':
			return startQuestions(script);
		case 'MENU':
			return menu();
		case 'LANG': {
			const picked = matchLanguage(ref);
			if (!picked)
				return {
					action: 'buttons',
					say: { key: 'language_choose' },
					buttons: LANGUAGE_BUTTONS,
					nextStep: state.step,
					context: state.context,
				};
			const question = script.questions.find((q) => askStep(q) === state.step);
			return question ? { ...ask(question, state.context), picked } : menu(picked);
		}
		default:
			return null;
	}
}

export function decide(
	message: IncomingMessage,
	state: ConversationState,
	script: Script,
	nowMs: number,
): Decision {
	const { step, context } = state;
	if (message.consent)
		return {
			action: 'consent',
			say: { key: message.consent.action === 'opt_out' ? 'consent_opt_out' : 'consent_opt_in' },
			nextStep: step,
			context,
			keepState: true,
		};
	const text = (message.text ?? '').trim();
	const [verb = '', ref = '', extra = ''] = (message.payload ?? '').split(':');
	const byButton = buttonAnswer(verb.toUpperCase(), ref, extra, state, script);
	if (byButton) return byButton;

	if (verb.toUpperCase() === 'NURSE' || (step !== 'with_staff' && mentions(text, script.nurseWords)))
		return {
			action: 'staff',
			handoff: 'new',
			topic: text || 'asked for a nurse',
			nextStep: 'with_staff',
			context: {},
		};
	if (step === 'with_staff')
		return {
			action: 'staff',
			handoff: 'message',
			topic: text || `(${message.type ?? 'message'})`,
			nextStep: step,
			context,
		};

	if (message.listId) {
		// Join the waitlist (a reschedule keeps its appointment), or rebook after a cancel: no questions asked.
		if (message.listId === WAITLIST_JOIN_ROW_ID || context.mode === 'rebook')
			return { action: 'book', slotId: message.listId, nextStep: IDLE, context: answersOnly(context) };
		if (context.mode === 'reschedule' && typeof context.appointmentId === 'string')
			return {
				action: 'reschedule',
				slotId: message.listId,
				appointmentId: context.appointmentId,
				nextStep: IDLE,
				context: {},
			};
		const missing = nextQuestion(script, context);
		if (!missing) return { action: 'book', slotId: message.listId, nextStep: IDLE, context };
		return ask(missing, context);
	}

	const question = step.startsWith('ask_') ? script.questions.find((q) => askStep(q) === step) : undefined;
	const typedPick = step.startsWith('ask_') ? null : typedLanguagePick(text);
	if (typedPick) return menu(typedPick);
	if (text && script.restartWords.includes(normaliseText(text))) return menu();

	if (question) return answerQuestion(question, text, state, script, nowMs);
	if (step.startsWith('ask_')) {
		// A question staff removed since the patient was asked it: go on with the first unanswered one.
		const missing = nextQuestion(script, context);
		return missing ? ask(missing, context) : { action: 'slots', nextStep: 'pick_slot', context };
	}
	if (step === 'pick_slot') return { action: 'slots', say: { key: 'pick_slot' }, nextStep: step, context };
	if (step === 'lab_dob')
		return {
			action: 'lab_dob',
			candidateDob: validDateOfBirth(text, nowMs) ?? 'invalid',
			nextStep: step,
			context,
		};
	if (step === 'lab_sent' && text)
		return {
			action: 'staff',
			handoff: 'new',
			topic: `question about lab results: ${text}`,
			nextStep: 'with_staff',
			context: {},
		};
	if (!text && !message.payload) return { action: 'ignore', nextStep: step, context, keepState: true };
	return menu();
}
