/**
 * What the Clinic Conversation node puts on each item, n8n-free: the decision with its text already written in the
 * patient's language (`reply`, button titles), the answers, and the patient's language in every spelling the next
 * nodes need (`language` pt_BR/es/en, `locale` for dates and slot lists, `templateLanguage` for templates) with the
 * whole text table in that language (`texts`, for the texts later nodes fill in: `texts.reschedule_done`…).
 */
import { localeOf, templateLanguage } from '../i18n/languages';
import type { TextTable } from '../i18n/table';
import type { LanguageChoice } from '../i18n/choose';
import type { Script } from './script';
import type { Answer, PatientConversation } from './service';
import type { Decision } from './types';

export function languageFields(choice: LanguageChoice): Record<string, string> {
	return {
		language: choice.language,
		languageSource: choice.source,
		locale: localeOf(choice.language),
		templateLanguage: templateLanguage(choice.language),
	};
}

/** The answers to the questions (except the name), one "field: value" per line: for booking notes. */
export function answersText(script: Script, context: Record<string, unknown>): string {
	return script.questions
		.filter((q) => q.field !== 'name' && context[q.field] !== undefined)
		.map((q) => `${q.field}: ${String(context[q.field])}`)
		.join('\n');
}

function rendered(decision: Decision, answer: Answer, table: TextTable) {
	const language = answer.language.language;
	return {
		reply: decision.say ? table.text(decision.say.key, language, decision.say.variables) : null,
		...(decision.buttons
			? { buttons: decision.buttons.map((b) => ({ id: b.id, title: table.text(b.label, language) })) }
			: {}),
	};
}

export function answerJson(answer: Answer, script: Script, table: TextTable): Record<string, unknown> {
	const { decision, message } = answer;
	const context = decision.context;
	const name = typeof context.name === 'string' ? context.name : '';
	const extras = Object.fromEntries(
		(['slotId', 'appointmentId', 'rating', 'topic', 'handoff', 'candidateDob'] as const)
			.filter((k) => decision[k] !== undefined)
			.map((k) => [k, decision[k]]),
	);
	return {
		patient: answer.patient,
		recipient:
			decision.action === 'consent'
				? (message.consent?.replyTo ?? message.from ?? message.userId)
				: (message.from ?? message.userId),
		profileName: message.profileName ?? '',
		messageId: message.messageId,
		action: decision.action,
		step: answer.previousStep,
		nextStep: decision.nextStep,
		...rendered(decision, answer, table),
		...extras,
		context,
		firstName: name.split(' ')[0] ?? '',
		answersText: answersText(script, context),
		...languageFields(answer.language),
		texts: table.all(answer.language.language),
	};
}

export function conversationJson(
	c: PatientConversation,
	table: TextTable | null,
	text?: { key: string; variables?: Record<string, string> },
): Record<string, unknown> {
	return {
		conversation: {
			patient: c.patient,
			step: c.state.step,
			context: c.state.context,
			stored: c.stored,
			expiresAt: c.expiresAtMs === null ? null : new Date(c.expiresAtMs).toISOString(),
		},
		...languageFields(c.language),
		...(table && text ? { text: table.text(text.key, c.language.language, text.variables) } : {}),
	};
}
