/**
 * The text table a node speaks with: the built-in texts (texts.ts) with the clinic's own entries on top, read from
 * one JSON object `{ "<key>": { "pt_BR": "…", "es": "…", "en": "…" } }` (the Texts field). Checked once, before
 * anything is sent: an unknown language, a text that is not a string, a label over WhatsApp's 20 characters or a
 * `{placeholder}` the text cannot be given is an error naming the entry and the fix.
 *
 * A clinic's entry may give only some languages: the others keep the built-in text, and a new key (the text of a
 * question the clinic added) falls back to the clinic's default language, then to any language it has.
 */
import { ClinicError } from '../errors';
import { FLOW_LABEL_KEYS, FLOW_TEXTS, type FlowTextKey } from './flow-texts';
import { LANGUAGES, type Language, matchLanguage } from './languages';
import { NODE_LABEL_KEYS, NODE_TEXT_VARIABLES, NODE_TEXTS, type NodeTextKey } from './node-texts';
import { DEFAULT_TEXTS, LABEL_KEYS, TEXT_VARIABLES, type TextKey } from './texts';

export const TEXTS_FIELD = 'Texts';
const MAX_LABEL = 20;
const MAX_TEXT = 1024;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Variables = Readonly<Record<string, string | number | null | undefined>>;

export interface TextTableOptions {
	/** The clinic's language: what a text missing in the patient's language falls back to. */
	defaultLanguage: Language;
	/** The Texts field's value: a JSON object (or its text); empty = the built-in texts only. */
	overrides?: unknown;
	/** Placeholders the question texts (`ask_*`, `retry_*`) may use besides firstName and name: the answers. */
	answerFields?: readonly string[];
	/** The field name used in error messages. */
	field?: string;
}

export interface TextTable {
	readonly defaultLanguage: Language;
	/** Whether the table has a text for `key` (built-in or the clinic's). */
	has(key: string): boolean;
	/** The text of `key` in `language` with its placeholders filled; unknown keys are an error naming the key. */
	text(key: string, language: Language, variables?: Variables): string;
	/** Every text in one language, placeholders left in (for the items downstream nodes read). */
	all(language: Language): Record<string, string>;
}

const textError = (field: string, message: string, hint: string) =>
	new ClinicError(`${field}: ${message}`, { code: 'invalid_input', field, hint });

function parseOverrides(value: unknown, field: string): Record<string, unknown> {
	if (value === undefined || value === null || value === '') return {};
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw textError(
				field,
				`is not valid JSON (${(error as Error).message})`,
				'Write one object: { "ask_name": { "pt_BR": "…", "es": "…", "en": "…" } }. Check quotes and commas.',
			);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw textError(
			field,
			'must be one JSON object of texts',
			'Write { "<text name>": { "pt_BR": "…", "es": "…", "en": "…" } }, one entry per text you change or add.',
		);
	return parsed as Record<string, unknown>;
}

function allowedVariables(key: string, answerFields: readonly string[]): readonly string[] | null {
	const own = TEXT_VARIABLES[key as TextKey] ?? NODE_TEXT_VARIABLES[key as NodeTextKey];
	if (key.startsWith('ask_') || key.startsWith('retry_'))
		return ['firstName', 'name', ...answerFields, ...(own ?? [])];
	return own ?? [];
}

function checkEntry(
	key: string,
	language: Language,
	text: unknown,
	options: Required<Pick<TextTableOptions, 'field'>> & { answerFields: readonly string[] },
): string {
	const where = `${options.field} → ${key} → ${language}`;
	if (typeof text !== 'string' || text.trim() === '')
		throw textError(where, 'must be a non-empty text', `Write the ${language} text in quotes, or remove it.`);
	const max =
		LABEL_KEYS.includes(key as TextKey) ||
		FLOW_LABEL_KEYS.includes(key as FlowTextKey) ||
		NODE_LABEL_KEYS.includes(key as NodeTextKey)
			? MAX_LABEL
			: MAX_TEXT;
	if (text.length > max)
		throw textError(
			where,
			`is ${text.length} characters; WhatsApp allows ${max}${max === MAX_LABEL ? ' on a button' : ''}`,
			'Shorten the text.',
		);
	const allowed = allowedVariables(key, options.answerFields);
	for (const [, name] of text.matchAll(PLACEHOLDER)) {
		if (allowed && !allowed.includes(name))
			throw textError(
				where,
				`uses {${name}}, which this text is never given`,
				allowed.length
					? `This text can use ${allowed.map((v) => `{${v}}`).join(', ')}.`
					: 'This text takes no placeholders: remove the {…}.',
			);
	}
	return text;
}

export function buildTextTable(options: TextTableOptions): TextTable {
	const field = options.field ?? TEXTS_FIELD;
	const answerFields = options.answerFields ?? [];
	const table = new Map<string, Partial<Record<Language, string>>>(
		Object.entries({ ...DEFAULT_TEXTS, ...FLOW_TEXTS, ...NODE_TEXTS }).map(([k, v]) => [k, { ...v }]),
	);
	for (const [key, entry] of Object.entries(parseOverrides(options.overrides, field))) {
		if (!/^[a-z][a-z0-9_]*$/i.test(key))
			throw textError(
				`${field} → ${key}`,
				'is not a valid text name',
				'Use letters, digits and _ only, e.g. ask_email.',
			);
		if (!entry || typeof entry !== 'object' || Array.isArray(entry))
			throw textError(
				`${field} → ${key}`,
				'must be an object of languages',
				`Write "${key}": { "pt_BR": "…", "es": "…", "en": "…" }.`,
			);
		const texts = { ...(table.get(key) ?? {}) };
		for (const [code, text] of Object.entries(entry as Record<string, unknown>)) {
			const language = matchLanguage(code);
			if (!language)
				throw textError(`${field} → ${key} → ${code}`, 'is not a supported language', 'Use pt_BR, es or en.');
			texts[language] = checkEntry(key, language, text, { field, answerFields });
		}
		table.set(key, texts);
	}

	const pick = (key: string, language: Language): string => {
		const texts = table.get(key);
		if (!texts)
			throw textError(
				`${field} → ${key}`,
				'is not in the text table',
				`Add "${key}": { "pt_BR": "…", "es": "…", "en": "…" } to the ${field} field.`,
			);
		const text =
			texts[language] ?? texts[options.defaultLanguage] ?? LANGUAGES.map((l) => texts[l]).find(Boolean);
		return text as string;
	};

	return {
		defaultLanguage: options.defaultLanguage,
		has: (key) => table.has(key),
		text: (key, language, variables = {}) => fill(pick(key, language), variables),
		all: (language) => Object.fromEntries([...table.keys()].map((k) => [k, pick(k, language)])),
	};
}

/** Fills `{name}` placeholders; a placeholder without a value is left out (never shown as "{name}"). */
export function fill(text: string, variables: Variables): string {
	return text.replace(PLACEHOLDER, (_, name: string) => {
		const value = variables[name];
		return value === undefined || value === null ? '' : String(value);
	});
}
