/**
 * Patient identity for consent: a phone number (E.164) and/or a WhatsApp business-scoped user ID (`userId`,
 * `CC.<alphanumeric>`). Phones are normalised with the SAME parser the send nodes use (core/whatsapp/phone), so the
 * number a consent was recorded for and the number a message is sent to always compare equal.
 *
 * Linking: when one event carries both identifiers (a webhook message from a user who shares the number, or a
 * Record operation given both), the store links them to one patient; from then on a consent change via either
 * identifier governs both.
 */
import { ClinicError } from '../errors';
import type { CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

import { isBusinessScopedUserId, mask, parseDefaultCountry, parseRecipient } from '../whatsapp/phone';
import type { KeywordLanguage } from './keywords';

export interface PatientIdentity {
	/** E.164 with a leading `+`, or null. */
	phone: string | null;
	/** Business-scoped user ID, or null. */
	userId: string | null;
}

/** Bad input, always naming the field and the fix (`hint`: where to fix it, when the message alone does not say). */
export class ConsentInputError extends ClinicError {
	override readonly name = 'ConsentInputError';
	declare readonly field: string;
	constructor(field: string, message: string, hint?: string) {
		super(`${field}: ${message}`, { code: 'invalid_input', field, kind: 'input', hint });
	}
}

export interface IdentityOptions {
	defaultCountry?: CountryCode;
	/** Field names used in error messages. */
	phoneField?: string;
	userIdField?: string;
}

export { parseDefaultCountry, mask };

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * Builds an identity from a recipient value (phone number OR user ID, as the send nodes accept) and an optional
 * separate user ID. At least one identifier is required; a malformed one is an error naming its field (never
 * silently dropped).
 */
export function parseIdentity(
	input: { phone?: unknown; userId?: unknown },
	options: IdentityOptions = {},
): PatientIdentity {
	// Memo of successful parses (a pure function of the strings and the default country; no consent state).
	// Reminder batches re-check the same numbers every run; libphonenumber parsing dominates a 10k-item Check.
	const key =
		(typeof input.phone === 'string' || input.phone == null) &&
		(typeof input.userId === 'string' || input.userId == null)
			? `${options.defaultCountry ?? ''}\u0000${input.phone ?? ''}\u0000${input.userId ?? ''}`
			: null;
	if (key !== null) {
		const hit = identityMemo.get(key);
		if (hit) return { ...hit };
	}
	const parsed = parseIdentityUncached(input, options);
	if (key !== null) {
		if (identityMemo.size >= IDENTITY_MEMO_MAX) identityMemo.clear();
		identityMemo.set(key, { ...parsed });
	}
	return parsed;
}

const IDENTITY_MEMO_MAX = 100_000;
const identityMemo = new Map<string, PatientIdentity>();

function parseIdentityUncached(
	input: { phone?: unknown; userId?: unknown },
	options: IdentityOptions,
): PatientIdentity {
	const phoneField = options.phoneField ?? 'phone';
	const userIdField = options.userIdField ?? 'userId';
	let phone: string | null = null;
	let userId: string | null = null;
	if (!isBlank(input.phone)) {
		let recipient: ReturnType<typeof parseRecipient> | undefined;
		let problem = '';
		try {
			recipient = parseRecipient(input.phone, { defaultCountry: options.defaultCountry, field: phoneField });
		} catch (error) {
			const e = error as { problem?: string; fix?: string; message: string };
			problem = e.problem ? `${e.problem}. ${e.fix ?? ''}`.trim() : e.message;
		}
		if (!recipient) throw new ConsentInputError(phoneField, problem);
		if (recipient.kind === 'phone') phone = recipient.e164;
		else userId = recipient.userId;
	}
	if (!isBlank(input.userId)) {
		const value = typeof input.userId === 'string' ? input.userId.trim() : String(input.userId);
		if (!isBusinessScopedUserId(value)) {
			throw new ConsentInputError(
				userIdField,
				`"${mask(value)}" is not a WhatsApp business-scoped user ID. It looks like BR.1234567890: two upper-case ` +
					'country letters, a dot, then letters/digits (the `user_id` / `from_user_id` of the webhook).',
			);
		}
		if (userId !== null && userId !== value) {
			throw new ConsentInputError(
				userIdField,
				`two different user IDs were given (one in ${phoneField}, one in ${userIdField}); give one patient per item.`,
			);
		}
		userId = value;
	}
	if (phone === null && userId === null) {
		throw new ConsentInputError(
			phoneField,
			`is empty. Give the patient's phone number (e.g. +5511912345678) or WhatsApp user ID (e.g. BR.1234567890).`,
		);
	}
	return { phone, userId };
}

const PT_COUNTRIES = new Set(['BR', 'PT', 'AO', 'MZ', 'CV', 'GW', 'ST', 'TL']);
const ES_COUNTRIES = new Set([
	'ES',
	'MX',
	'AR',
	'CO',
	'CL',
	'PE',
	'VE',
	'EC',
	'GT',
	'CU',
	'BO',
	'DO',
	'HN',
	'PY',
	'SV',
	'NI',
	'CR',
	'PA',
	'UY',
	'GQ',
]);

/** Reply-language hint from an identity: the phone's country, else the user ID's country prefix. */
export function languageForIdentity(identity: PatientIdentity): KeywordLanguage | null {
	const byPhone = languageForPhone(identity.phone);
	if (byPhone) return byPhone;
	const country = identity.userId?.slice(0, 2) ?? '';
	return languageForCountry(country);
}

function languageForCountry(country: string): KeywordLanguage | null {
	if (PT_COUNTRIES.has(country)) return 'pt';
	if (ES_COUNTRIES.has(country)) return 'es';
	if (['US', 'GB', 'CA', 'AU', 'IE', 'NZ'].includes(country)) return 'en';
	return null;
}

/** Reply-language hint from a phone's country: pt for Lusophone countries, es for Hispanophone ones, else null. */
export function languageForPhone(phone: string | null): KeywordLanguage | null {
	if (!phone) return null;
	const country = parsePhoneNumberFromString(phone)?.country;
	return country ? languageForCountry(country) : null;
}
