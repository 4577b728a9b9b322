/**
 * The languages the patient-facing texts are written in, and how each is spelt where it is used:
 *
 * | Language | Text table, items | WhatsApp templates (wire) | Intl / luxon (BCP-47) | Consent keywords |
 * |---|---|---|---|---|
 * | Brazilian Portuguese | `pt_BR` | `pt_BR` | `pt-BR` | `pt` |
 * | Spanish | `es` | `es` | `es` | `es` |
 * | English | `en` | `en_US` | `en-US` | `en` |
 *
 * Brazilian Portuguese comes first: it is the shipped clinic default (a setting of every node that speaks).
 */
import { ClinicError } from '../errors';

export const LANGUAGES = ['pt_BR', 'es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The shipped clinic default. */
export const DEFAULT_LANGUAGE: Language = 'pt_BR';

/** What staff see in a language picker (each name in its own language). */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
	pt_BR: 'Português (Brasil)',
	es: 'Español',
	en: 'English',
};

const TEMPLATE_CODES: Readonly<Record<Language, string>> = { pt_BR: 'pt_BR', es: 'es', en: 'en_US' };
const LOCALES: Readonly<Record<Language, string>> = { pt_BR: 'pt-BR', es: 'es', en: 'en-US' };
const SHORT: Readonly<Record<Language, 'pt' | 'es' | 'en'>> = { pt_BR: 'pt', es: 'es', en: 'en' };

/** The language code of a WhatsApp template in this language (Meta's wire code). */
export const templateLanguage = (language: Language): string => TEMPLATE_CODES[language];
/** The BCP-47 tag Intl and luxon need (dates in free-form replies). */
export const localeOf = (language: Language): string => LOCALES[language];
/** The consent keyword lists' two-letter code. */
export const shortLanguage = (language: Language): 'pt' | 'es' | 'en' => SHORT[language];

/**
 * A language from any usual spelling: `pt_BR`, `pt-BR`, `pt`, `por`, `Português`, `es_MX`, `spa`, `Español`, `en`,
 * `en_US`, `English`… (case and accents ignored); null when it is none of the three.
 */
export function matchLanguage(value: unknown): Language | null {
	if (typeof value !== 'string') return null;
	const v = value
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.trim()
		.toLowerCase()
		.replace(/-/g, '_');
	if (v === '') return null;
	if (/^(pt|por)(_[a-z]{2})?$/.test(v) || /^portugu[eê]s/.test(v)) return 'pt_BR';
	if (/^(es|spa)(_[a-z0-9]{2,3})?$/.test(v) || /^(espanol|spanish|castellano)/.test(v)) return 'es';
	if (/^(en|eng)(_[a-z]{2})?$/.test(v) || /^(english|ingles)/.test(v)) return 'en';
	return null;
}

/** Like matchLanguage, but a value that is not one of the three is an error naming `field`. */
export function parseLanguage(value: unknown, field: string): Language {
	const language = matchLanguage(value);
	if (language) return language;
	throw new ClinicError(`${field}: "${String(value)}" is not a supported language`, {
		code: 'invalid_input',
		field,
		hint: `Use pt_BR (Brazilian Portuguese), es (Spanish) or en (English).`,
	});
}
