/**
 * The conversation's script, as staff set it in the Clinic Conversation node: the booking questions in order (each
 * an answer field, a named validator and the texts that ask it and say it was not valid), the words that ask for a
 * nurse and the words that go back to the menu. Checked once per execution against the text table, so a question
 * whose text is missing is an error naming the question before any patient is answered.
 */
import { ClinicError } from '../errors';
import type { TextTable } from '../i18n/table';
import { normaliseText } from '../i18n/normalise';
import { VALIDATORS, type ValidatorName, isValidatorName } from './validators';

export interface Question {
	/** Where the answer is kept (`context.<field>`); also the question's step, `ask_<field>`. */
	field: string;
	validator: ValidatorName;
	/** Text-table keys of the question and of the retry when the answer is not valid. */
	ask: string;
	retry: string;
}

export interface Script {
	questions: readonly Question[];
	/** Normalised phrases; a message containing one asks for a nurse. */
	nurseWords: readonly string[];
	/** Normalised phrases; a message that is exactly one goes back to the menu. */
	restartWords: readonly string[];
}

export const DEFAULT_QUESTIONS: readonly Question[] = [
	{ field: 'name', validator: 'name', ask: 'ask_name', retry: 'retry_name' },
	{ field: 'dob', validator: 'date_of_birth', ask: 'ask_dob', retry: 'retry_date_of_birth' },
	{ field: 'insurance', validator: 'insurance', ask: 'ask_insurance', retry: 'retry_insurance' },
];

export const DEFAULT_NURSE_WORDS = [
	'nurse',
	'enfermeira',
	'enfermeiro',
	'enfermera',
	'enfermero',
	'human',
	'humano',
	'atendente',
	'falar com alguem',
	'talk to someone',
	'hablar con alguien',
];

export const DEFAULT_RESTART_WORDS = [
	'menu',
	'restart',
	'start over',
	'inicio',
	'reiniciar',
	'comecar de novo',
	'empezar de nuevo',
];

/** Context keys the bot itself uses (never question fields). */
const RESERVED = new Set(['mode', 'appointmentId', 'dobHash', 'reportUrl', 'reportName', 'firstName']);

export interface ScriptInput {
	questions?: ReadonlyArray<Partial<Record<keyof Question, unknown>>>;
	nurseWords?: readonly string[];
	restartWords?: readonly string[];
}

const scriptError = (field: string, message: string, hint: string) =>
	new ClinicError(`${field}: ${message}`, { code: 'invalid_input', field, hint });

export function buildScript(input: ScriptInput, table: TextTable): Script {
	const given = input.questions ?? DEFAULT_QUESTIONS;
	if (given.length === 0)
		throw scriptError(
			'Questions',
			'the booking needs at least one question',
			'Add a question, e.g. Answer Name "name" with the validator Name (First and Last).',
		);
	const seen = new Set<string>();
	const questions = given.map((q, i): Question => {
		const where = `Questions → question ${i + 1}`;
		const field = String(q.field ?? '').trim();
		if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(field))
			throw scriptError(
				`${where} → Answer Name`,
				`"${field}" is not a valid answer name`,
				'Use a letter then letters, digits or _ (up to 40), e.g. email.',
			);
		if (RESERVED.has(field) || seen.has(field))
			throw scriptError(
				`${where} → Answer Name`,
				`"${field}" is ${seen.has(field) ? 'used by another question' : 'used by the bot itself'}`,
				'Give each question its own answer name.',
			);
		seen.add(field);
		if (!isValidatorName(q.validator))
			throw scriptError(
				`${where} → Check Answer With`,
				`"${String(q.validator)}" is not a validator`,
				`Pick one of: ${Object.values(VALIDATORS)
					.map((v) => v.label)
					.join(', ')}.`,
			);
		const ask = String(q.ask ?? '').trim() || `ask_${field}`;
		const retry = String(q.retry ?? '').trim() || VALIDATORS[q.validator].retryText;
		for (const [key, label] of [
			[ask, 'Question Text'],
			[retry, 'Retry Text'],
		] as const)
			if (!table.has(key))
				throw scriptError(
					`${where} → ${label}`,
					`there is no text "${key}" in the Texts field`,
					`Add "${key}": { "pt_BR": "…", "es": "…", "en": "…" } to Texts, or name a text that exists.`,
				);
		return { field, validator: q.validator, ask, retry };
	});
	const words = (list: readonly string[] | undefined, fallback: readonly string[]) =>
		(list ?? fallback).map(normaliseText).filter((w) => w !== '');
	return {
		questions,
		nurseWords: words(input.nurseWords, DEFAULT_NURSE_WORDS),
		restartWords: words(input.restartWords, DEFAULT_RESTART_WORDS),
	};
}

/** The step that asks `question`. */
export const askStep = (question: Question) => `ask_${question.field}`;

/** The first question the context has no answer for, or null when all are answered. */
export function nextQuestion(script: Script, context: Record<string, unknown>): Question | null {
	return script.questions.find((q) => context[q.field] === undefined || context[q.field] === '') ?? null;
}
