/**
 * Recipient parsing for the Send API. A recipient is either
 * - a phone number, normalised to E.164 with libphonenumber-js (local numbers use a default country, e.g. BR), sent
 *   as `to`; or
 * - a WhatsApp User ID (`userId`: Meta's business-scoped user ID, BSUID, `CC.<alphanumeric>`, e.g.
 *   `US.13491208655302741918`), sent as `recipient` (Meta: "use `to` for phone numbers and `recipient` for a BSUID or
 *   parent BSUID").
 */
import {
	getCountries,
	parsePhoneNumberFromString,
	type CountryCode,
	type PhoneNumber,
} from 'libphonenumber-js';

import { MessageValidationError } from './messages/validation';

/** One person: a phone number or a WhatsApp User ID (what parseRecipient returns). */
export type PersonRecipient =
	| { kind: 'phone'; /** E.164 with leading `+`. */ e164: string }
	| { kind: 'userId'; userId: string };

/** A WhatsApp group (Groups API): sent as `recipient_type: "group"`, `to: <group ID>` (see groups-limits.ts). */
export interface GroupRecipient {
	kind: 'group';
	groupId: string;
}

export type Recipient = PersonRecipient | GroupRecipient;

/** WhatsApp User ID (Meta's BSUID): ISO 3166 alpha-2 country, a dot, up to 128 alphanumerics. */
const USER_ID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

const COUNTRIES = new Set<string>(getCountries());

export function isBusinessScopedUserId(value: string): boolean {
	return USER_ID.test(value.trim());
}

/** Validates a default-country option ("BR", "us"…); returns it upper-cased, or undefined when blank. */
export function parseDefaultCountry(
	value: string | undefined,
	field = 'Default Country',
): CountryCode | undefined {
	const code = (value ?? '').trim().toUpperCase();
	if (!code) return undefined;
	if (!COUNTRIES.has(code))
		throw new MessageValidationError(
			field,
			`"${code}" is not a known country code`,
			'Use a two-letter ISO country code such as BR, US, PT or DE, or leave it empty.',
		);
	return code as CountryCode;
}

/**
 * Prefers a number libphonenumber knows to be valid. A merely "possible" one (right length, unknown range — e.g.
 * Meta's +1 555 test numbers) is accepted only when the input was unambiguous: written with `+`/`00`, or bare
 * digits as in a wa_id. A formatted local number such as "(11) 91234-5678" without a default country is refused.
 */
function pick(candidates: Array<PhoneNumber | undefined>, unambiguous: boolean): PhoneNumber | undefined {
	const parsed = candidates.filter((c): c is PhoneNumber => c !== undefined);
	return parsed.find((p) => p.isValid()) ?? (unambiguous ? parsed.find((p) => p.isPossible()) : undefined);
}

/**
 * Parses a recipient. Accepts `+55 11 91234-5678`, `0055…`, `5511912345678` (a wa_id), local numbers with a default
 * country (`(11) 91234-5678` + BR), and WhatsApp User IDs. Throws a MessageValidationError naming `field` otherwise.
 */
export function parseRecipient(
	raw: unknown,
	options: { defaultCountry?: CountryCode; field?: string } = {},
): PersonRecipient {
	const field = options.field ?? 'Recipient';
	if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
	if (typeof raw !== 'string' || raw.trim() === '')
		throw new MessageValidationError(
			field,
			'is empty',
			'Give the patient’s phone number in international format (e.g. +5511912345678) or their WhatsApp user ID (e.g. BR.1234…).',
		);
	const value = raw.trim();
	if (USER_ID.test(value)) return { kind: 'userId', userId: value };

	if (/[a-z]/i.test(value.replace(/^(tel:|whatsapp:)/i, '')))
		throw new MessageValidationError(
			field,
			`"${mask(value)}" is neither a phone number nor a WhatsApp user ID`,
			'Use a phone number such as +5511912345678, or a business-scoped user ID such as BR.1234567890 (two upper-case letters, a dot, letters/digits).',
		);
	const cleaned = value.replace(/^(tel:|whatsapp:)/i, '').replace(/^00/, '+');
	const digits = cleaned.replace(/\D/g, '');
	const candidates: Array<PhoneNumber | undefined> = [];
	if (cleaned.startsWith('+')) {
		candidates.push(parsePhoneNumberFromString(`+${digits}`));
	} else {
		if (options.defaultCountry) candidates.push(parsePhoneNumberFromString(cleaned, options.defaultCountry));
		candidates.push(parsePhoneNumberFromString(`+${digits}`));
	}
	const phone = pick(candidates, cleaned.startsWith('+') || /^[0-9]+$/.test(cleaned));
	if (!phone)
		throw new MessageValidationError(
			field,
			`"${mask(value)}" is not a valid phone number`,
			options.defaultCountry
				? `Check the digits, or write it in international format with the country code (e.g. +5511912345678).`
				: `Write it in international format with the country code (e.g. +5511912345678), or set the Default Country option for local numbers.`,
		);
	return { kind: 'phone', e164: phone.number };
}

/** The recipient part of a Send API body: `{to}` for phones and groups, `{recipient}` for WhatsApp User IDs. */
export function recipientFields(recipient: Recipient): { to: string } | { recipient: string } {
	if (recipient.kind === 'group') return { to: recipient.groupId };
	return recipient.kind === 'phone' ? { to: recipient.e164 } : { recipient: recipient.userId };
}

/** Human/output form of a recipient: E.164, the WhatsApp User ID or the group ID. */
export function recipientLabel(recipient: Recipient): string {
	if (recipient.kind === 'group') return recipient.groupId;
	return recipient.kind === 'phone' ? recipient.e164 : recipient.userId;
}

/** Keeps only the last 4 digits of a number, so errors never carry a full phone number. */
export function mask(value: string): string {
	if (value.length <= 4) return value;
	return `${'•'.repeat(Math.min(value.length - 4, 8))}${value.slice(-4)}`;
}
