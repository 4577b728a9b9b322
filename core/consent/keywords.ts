/**
 * Opt-out / opt-in keyword detection for patient messages (pt, es, en).
 *
 * THE RULE (documented in docs/nodes/ConsentCheck.md "Keyword rule"):
 *  1. Normalise the message: Unicode NFKD, strip accents, lower-case, every character that is not a letter or a
 *     digit (punctuation, emoji, symbols) becomes a space, whitespace collapsed. "  SAÍR!! 🙏" → "sair".
 *  2. Split into words. A keyword (normalised the same way; it may have several words, e.g. "no mas") matches when
 *     - match mode `exact`:   the message's words ARE the keyword's words ("Cancelar." matches, "cancelar consulta"
 *                             does not);
 *     - match mode `leading`: the message STARTS with the keyword's words and has at most `maxWords` words in
 *                             total (default 4): "stop", "STOP!", "Parar, por favor", "no más mensajes" match;
 *                             "stopwatch" (different word), "não quero parar o tratamento" (does not start with the
 *                             keyword) and long sentences do not;
 *     - match mode `off`:     never.
 *  3. The longest matching keyword wins; if an opt-out and an opt-in keyword both match, the opt-out wins.
 *  4. Button payloads (template quick replies `button.payload`, interactive reply ids) match the configured payload
 *     lists case-insensitively (default OPT_OUT / OPT_IN), optionally with a purpose suffix: `OPT_IN:marketing`.
 *     A button's visible TITLE is never treated as a keyword (an appointment "Cancelar" button is not an opt-out).
 *
 * Ambiguous defaults: CANCELAR/CANCEL are `exact` (a patient who writes "cancelar a consulta" means the appointment;
 * a bare "Cancelar" is honoured as an opt-out and the confirmation tells the patient how to resume). YES/SIM/SÍ
 * are opt-in words only when the patient is currently opted out (`requiresPriorOptOut`), so a "Sim" that confirms
 * an appointment never creates consent.
 */
import { DEFAULT_TEXTS } from '../i18n/texts';
import type { Language } from '../i18n/languages';
import { normaliseText } from '../i18n/normalise';
import { ConsentInputError } from './identity';
import type { Purpose } from './purposes';
import { parsePurpose } from './purposes';

/** The Detect Keywords option each configuration entry comes from (named in error hints). */
const OPTION_NAMES = {
	additionalOptOut: 'Extra Opt-Out Words',
	additionalOptIn: 'Extra Opt-in Words',
	keywordOverrides: 'Keyword Matching',
	maxWords: 'Short Message Max Words',
} as const;
const fixOption = (key: keyof typeof OPTION_NAMES) => `Fix the "${OPTION_NAMES[key]}" option.`;

export const KEYWORD_LANGUAGES = ['pt', 'es', 'en'] as const;
export type KeywordLanguage = (typeof KEYWORD_LANGUAGES)[number];
/** The text table's language for each keyword language. */
const TEXT_LANGUAGE: Readonly<Record<KeywordLanguage, Language>> = { pt: 'pt_BR', es: 'es', en: 'en' };
export type KeywordAction = 'opt_out' | 'opt_in';
export type MatchMode = 'exact' | 'leading' | 'off';

export interface KeywordRule {
	phrase: string;
	action: KeywordAction;
	languages: readonly KeywordLanguage[];
	match: MatchMode;
	/** Counts only if the sender is currently opted out (for words like "yes" that answer other questions). */
	requiresPriorOptOut?: boolean;
	/** Used across languages (STOP, START): the reply language then comes from the phone's country. */
	international?: boolean;
}

const rule = (
	phrase: string,
	action: KeywordAction,
	languages: KeywordLanguage[],
	match: MatchMode,
	extra: Partial<KeywordRule> = {},
): KeywordRule => ({ phrase, action, languages, match, ...extra });

export const DEFAULT_KEYWORD_RULES: readonly KeywordRule[] = [
	// Opt-out, English (Twilio / FCC 47 CFR 64.1200(a)(12) per-se revocation words)
	rule('STOP', 'opt_out', ['en'], 'leading', { international: true }),
	rule('STOPALL', 'opt_out', ['en'], 'leading', { international: true }),
	rule('STOP ALL', 'opt_out', ['en'], 'leading', { international: true }),
	rule('UNSUBSCRIBE', 'opt_out', ['en'], 'leading'),
	rule('END', 'opt_out', ['en'], 'exact'),
	rule('QUIT', 'opt_out', ['en'], 'exact'),
	rule('REVOKE', 'opt_out', ['en'], 'leading'),
	rule('OPTOUT', 'opt_out', ['en'], 'leading', { international: true }),
	rule('OPT OUT', 'opt_out', ['en'], 'leading', { international: true }),
	rule('CANCEL', 'opt_out', ['en'], 'exact'),
	// Opt-out, Portuguese
	rule('PARAR', 'opt_out', ['pt', 'es'], 'leading'),
	rule('PARE', 'opt_out', ['pt', 'es'], 'leading'),
	rule('SAIR', 'opt_out', ['pt'], 'leading'),
	rule('DESCADASTRAR', 'opt_out', ['pt'], 'leading'),
	rule('CANCELAR', 'opt_out', ['pt', 'es'], 'exact'),
	// Opt-out, Spanish
	rule('BAJA', 'opt_out', ['es'], 'leading'),
	rule('DAR DE BAJA', 'opt_out', ['es'], 'leading'),
	rule('ALTO', 'opt_out', ['es'], 'exact'),
	rule('NO MAS', 'opt_out', ['es'], 'leading'),
	rule('DESUSCRIBIR', 'opt_out', ['es'], 'leading'),
	// Opt-in
	rule('START', 'opt_in', ['en'], 'exact', { international: true }),
	rule('UNSTOP', 'opt_in', ['en'], 'exact', { international: true }),
	rule('SUBSCRIBE', 'opt_in', ['en'], 'exact'),
	rule('YES', 'opt_in', ['en'], 'exact', { requiresPriorOptOut: true }),
	rule('VOLTAR', 'opt_in', ['pt'], 'exact'),
	rule('SIM', 'opt_in', ['pt'], 'exact', { requiresPriorOptOut: true }),
	rule('VOLVER', 'opt_in', ['es'], 'exact'),
	rule('SÍ', 'opt_in', ['es'], 'exact', { requiresPriorOptOut: true }),
];

export const DEFAULT_OPT_OUT_PAYLOADS = ['OPT_OUT', 'STOP'];
export const DEFAULT_OPT_IN_PAYLOADS = ['OPT_IN'];
export const DEFAULT_MAX_WORDS = 4;

/** Lower-case, accent-free, punctuation/emoji-free, single-spaced (the one normalisation, core/i18n). */
export { normaliseText };

export interface KeywordConfig {
	rules: readonly KeywordRule[];
	maxWords: number;
	optOutPayloads: readonly string[];
	optInPayloads: readonly string[];
}

export interface KeywordConfigInput {
	/** Extra opt-out words/phrases (matched `leading`). */
	additionalOptOut?: readonly string[];
	/** Extra opt-in words/phrases (matched `exact`). */
	additionalOptIn?: readonly string[];
	/** Per-keyword match mode, e.g. { phrase: 'CANCELAR', match: 'off' }. Applies to defaults and additions. */
	overrides?: ReadonlyArray<{ phrase: string; match: MatchMode }>;
	maxWords?: number;
	optOutPayloads?: readonly string[];
	optInPayloads?: readonly string[];
	/** Languages whose default keywords are active (default: all three). Additions are always active. */
	languages?: readonly KeywordLanguage[];
}

export function buildKeywordConfig(input: KeywordConfigInput = {}): KeywordConfig {
	const languages = input.languages ?? KEYWORD_LANGUAGES;
	const rules: KeywordRule[] = DEFAULT_KEYWORD_RULES.filter((r) =>
		r.languages.some((l) => languages.includes(l)),
	).map((r) => ({ ...r }));
	const add = (
		list: readonly string[] | undefined,
		action: KeywordAction,
		match: MatchMode,
		field: 'additionalOptOut' | 'additionalOptIn',
	) => {
		(list ?? []).forEach((phrase, i) => {
			if (typeof phrase !== 'string' || normaliseText(phrase) === '') {
				throw new ConsentInputError(
					`${field}[${i}]`,
					`a keyword needs at least one letter or digit (got "${String(phrase)}").`,
					fixOption(field),
				);
			}
			const key = normaliseText(phrase);
			const existing = rules.findIndex((r) => normaliseText(r.phrase) === key);
			const added = rule(phrase, action, [...languages], match);
			if (existing >= 0) rules[existing] = added;
			else rules.push(added);
		});
	};
	add(input.additionalOptOut, 'opt_out', 'leading', 'additionalOptOut');
	add(input.additionalOptIn, 'opt_in', 'exact', 'additionalOptIn');
	(input.overrides ?? []).forEach((o, i) => {
		const key = normaliseText(o.phrase ?? '');
		if (!key)
			throw new ConsentInputError(
				`keywordOverrides[${i}].phrase`,
				'enter the keyword whose match mode you want to change.',
				fixOption('keywordOverrides'),
			);
		if (!['exact', 'leading', 'off'].includes(o.match)) {
			throw new ConsentInputError(
				`keywordOverrides[${i}].match`,
				`use exact, leading or off (got "${String(o.match)}").`,
				fixOption('keywordOverrides'),
			);
		}
		const matching = rules.filter((r) => normaliseText(r.phrase) === key);
		if (matching.length === 0) {
			throw new ConsentInputError(
				`keywordOverrides[${i}].phrase`,
				`"${o.phrase}" is not a known keyword. Add it as an extra keyword first.`,
				fixOption('keywordOverrides'),
			);
		}
		for (const r of matching) r.match = o.match;
	});
	const maxWords = input.maxWords ?? DEFAULT_MAX_WORDS;
	if (!Number.isInteger(maxWords) || maxWords < 1 || maxWords > 50) {
		throw new ConsentInputError(
			'maxWords',
			`use a whole number between 1 and 50 (got ${String(maxWords)}).`,
			fixOption('maxWords'),
		);
	}
	const payloads = (list: readonly string[] | undefined, fallback: string[]) =>
		(list ?? fallback).map((p) => p.trim().toUpperCase()).filter((p) => p !== '');
	return {
		rules,
		maxWords,
		optOutPayloads: payloads(input.optOutPayloads, DEFAULT_OPT_OUT_PAYLOADS),
		optInPayloads: payloads(input.optInPayloads, DEFAULT_OPT_IN_PAYLOADS),
	};
}

export interface KeywordMatch {
	action: KeywordAction;
	/** The keyword as configured (e.g. "NO MAS") or the payload (e.g. "OPT_IN:marketing"). */
	keyword: string;
	source: 'text' | 'payload';
	languages: readonly KeywordLanguage[];
	international: boolean;
	requiresPriorOptOut: boolean;
	/** Purposes named by a payload suffix (`OPT_IN:marketing`); undefined = the node's configured purposes. */
	purposes?: Purpose[];
}

export interface KeywordInput {
	text?: string | null;
	/** `button.payload` of a template quick reply, or the id of an interactive button/list reply. */
	payload?: string | null;
}

function matchPayload(payload: string, config: KeywordConfig): KeywordMatch | null {
	const trimmed = payload.trim();
	const sep = trimmed.indexOf(':');
	const base = (sep >= 0 ? trimmed.slice(0, sep) : trimmed).trim().toUpperCase();
	const action: KeywordAction | null = config.optOutPayloads.includes(base)
		? 'opt_out'
		: config.optInPayloads.includes(base)
			? 'opt_in'
			: null;
	if (!action) return null;
	let purposes: Purpose[] | undefined;
	if (sep >= 0) {
		try {
			purposes = trimmed
				.slice(sep + 1)
				.split(',')
				.map((p) => parsePurpose(p, 'button payload purpose'));
		} catch {
			return null; // "OPT_IN:<garbage>" is not one of our payloads
		}
	}
	return {
		action,
		keyword: trimmed,
		source: 'payload',
		languages: [],
		international: true,
		requiresPriorOptOut: false,
		...(purposes ? { purposes } : {}),
	};
}

export function detectKeyword(input: KeywordInput, config: KeywordConfig): KeywordMatch | null {
	if (typeof input.payload === 'string' && input.payload.trim() !== '') {
		const byPayload = matchPayload(input.payload, config);
		if (byPayload) return byPayload;
	}
	if (typeof input.text !== 'string') return null;
	const normalised = normaliseText(input.text);
	if (!normalised) return null;
	const words = normalised.split(' ');
	let best: { rule: KeywordRule; length: number } | null = null;
	for (const r of config.rules) {
		if (r.match === 'off') continue;
		const kw = normaliseText(r.phrase).split(' ');
		if (kw.length > words.length) continue;
		if (r.match === 'exact' && kw.length !== words.length) continue;
		if (r.match === 'leading' && words.length > Math.max(config.maxWords, kw.length)) continue;
		if (!kw.every((w, i) => words[i] === w)) continue;
		const better =
			!best ||
			kw.length > best.length ||
			(kw.length === best.length && r.action === 'opt_out' && best.rule.action === 'opt_in');
		if (better) best = { rule: r, length: kw.length };
	}
	if (!best) return null;
	return {
		action: best.rule.action,
		keyword: best.rule.phrase,
		source: 'text',
		languages: best.rule.languages,
		international: best.rule.international ?? false,
		requiresPriorOptOut: best.rule.requiresPriorOptOut ?? false,
	};
}

/**
 * Confirmation replies (one short message per language and action; override per node): the consent_opt_out /
 * consent_opt_in entries of the one text table (core/i18n/texts.ts), by keyword language.
 */
export const DEFAULT_REPLIES: Readonly<Record<KeywordLanguage, Record<KeywordAction, string>>> =
	Object.fromEntries(
		KEYWORD_LANGUAGES.map((language) => [
			language,
			{
				opt_out: DEFAULT_TEXTS.consent_opt_out[TEXT_LANGUAGE[language]],
				opt_in: DEFAULT_TEXTS.consent_opt_in[TEXT_LANGUAGE[language]],
			},
		]),
	) as Record<KeywordLanguage, Record<KeywordAction, string>>;

/**
 * Reply language: the keyword's language when it belongs to exactly one and is not an international word;
 * otherwise the language hinted by the phone's country (see identity.languageForPhone); otherwise the fallback.
 */
export function replyLanguage(
	match: Pick<KeywordMatch, 'languages' | 'international'>,
	phoneHint: KeywordLanguage | null,
	fallback: KeywordLanguage,
): KeywordLanguage {
	if (!match.international && match.languages.length === 1) return match.languages[0];
	if (
		phoneHint &&
		(match.languages.length === 0 || match.international || match.languages.includes(phoneHint))
	) {
		return phoneHint;
	}
	if (match.international || match.languages.length === 0 || match.languages.includes(fallback))
		return fallback;
	return match.languages[0];
}
