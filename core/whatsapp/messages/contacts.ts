/**
 * Contacts message (`type: "contacts"`): one or more contact cards in one message, e.g. the reception desk and the
 * on-call nurse. Each card has Meta's fields: `name` (`formatted_name` required; first/last/middle name, prefix,
 * suffix), `phones` (`phone`, `type`, `wa_id`), `emails`, `urls`, `addresses`, `org` (company, department, title) and
 * `birthday` (YYYY-MM-DD).
 *
 * Input is Meta's shape, plus a few lossless conveniences so a list from a previous node can be used as it is:
 * - a JSON text, a single card instead of a list, or `{contacts: [...]}`;
 * - camelCase keys as the WhatsApp Clinic Trigger outputs received cards (`formattedName`, `waId`, `countryCode`…),
 *   so a card a patient sent can be forwarded;
 * - `name` as plain text (the formatted name); `phones`/`emails`/`urls` as text or a list of texts; `addresses` as
 *   one object; blank values ('' / null) mean "not given".
 * Unknown keys are refused (not dropped), so nothing the user meant to send is silently lost.
 */
import type { CountryCode } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import { z } from 'zod';

import { parseRecipient } from '../phone';
import type { MessageContent } from './request';
import { isRecord, issue, MessageValidationError, parseJsonOrThrow, parseOrThrow } from './validation';

/**
 * Most cards in one message. Meta documents no limit; this is the package's cap so a mis-mapped list (e.g. the whole
 * patient table) is caught before sending, and a message stays readable on a phone.
 */
export const MAX_CONTACTS = 20;

/** Longest accepted text in any card field (Meta documents none; guards against mapping a whole record). */
const MAX_TEXT = 1000;

/** camelCase aliases (WhatsApp Clinic Trigger output) → Meta's keys. */
const ALIASES: Record<string, string> = {
	formattedName: 'formatted_name',
	firstName: 'first_name',
	lastName: 'last_name',
	middleName: 'middle_name',
	countryCode: 'country_code',
	waId: 'wa_id',
};

function isBlank(v: unknown): boolean {
	return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** Renames camelCase aliases (unless Meta's key is also present, which then fails as an unknown key). */
function unalias(v: unknown): unknown {
	if (!isRecord(v)) return v;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(v)) {
		const meta = ALIASES[key];
		out[meta !== undefined && !(meta in v) ? meta : key] = value;
	}
	return out;
}

/** An optional text field: blank → not given; numbers become text (zip codes, phone numbers from sheets). */
const optionalText = (max = MAX_TEXT) =>
	z.preprocess(
		(v) => (isBlank(v) ? undefined : typeof v === 'number' && Number.isFinite(v) ? String(v) : v),
		z
			.string()
			.trim()
			.refine((s) => [...s].length <= max, {
				message: issue(`is longer than ${max} characters`, 'Shorten it; map only this one value here.'),
			})
			.optional(),
	);

/** `type` of a phone, email, url or address, e.g. WORK, HOME, CELL. */
const typeField = optionalText(50);

/** A list field: blank → not given, one entry → a list of one, text entries → `{[key]: text}`. */
function listOf<T extends z.ZodTypeAny>(entry: T, textKey?: string) {
	return z.preprocess((v) => {
		if (isBlank(v)) return undefined;
		const list = Array.isArray(v) ? v : [v];
		return list.map((e) =>
			textKey && (typeof e === 'string' || typeof e === 'number') ? { [textKey]: e } : unalias(e),
		);
	}, z.array(entry).optional());
}

const phoneSchema = z
	.object({
		phone: optionalText(100).refine((s) => s === undefined || /\d/.test(s), {
			message: issue(
				'has no digits',
				'Give the number with its country code, e.g. +55 11 3000-0000 (or leave the phone out).',
			),
		}),
		type: typeField,
		wa_id: z.preprocess(
			(v) =>
				isBlank(v) ? undefined : typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v,
			z
				.string()
				.transform((s) => s.replace(/[\s+().-]/g, ''))
				.refine((s) => /^\d{7,15}$/.test(s), {
					message: issue(
						'is not a WhatsApp ID',
						'Give the WhatsApp number as digits with the country code, e.g. 5511912345678, or leave wa_id out (WhatsApp then shows "Invite to WhatsApp" instead of "Message").',
					),
				})
				.optional(),
		),
	})
	.strict()
	.superRefine((p, ctx) => {
		if (p.phone === undefined && p.wa_id === undefined)
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['phone'],
				message: issue('is missing', 'Give the phone number (or a wa_id), or remove this phone entry.'),
			});
	});

const emailSchema = z
	.object({
		email: optionalText(320).refine((s) => s === undefined || z.string().email().safeParse(s).success, {
			message: issue('is not a valid email address', 'Use an address such as reception@clinic.com.'),
		}),
		type: typeField,
	})
	.strict()
	.superRefine((e, ctx) => {
		if (e.email === undefined)
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['email'],
				message: issue('is missing', 'Give the email address, or remove this email entry.'),
			});
	});

function isWebUrl(s: string): boolean {
	try {
		const u = new URL(s);
		return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.');
	} catch {
		return false;
	}
}

const urlSchema = z
	.object({
		url: optionalText(2000).refine((s) => s === undefined || isWebUrl(s), {
			message: issue(
				'is not a web address',
				'Give a full address starting with https://, e.g. https://clinic.example.com.',
			),
		}),
		type: typeField,
	})
	.strict()
	.superRefine((u, ctx) => {
		if (u.url === undefined)
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['url'],
				message: issue('is missing', 'Give the web address, or remove this website entry.'),
			});
	});

const addressSchema = z
	.object({
		street: optionalText(),
		city: optionalText(),
		state: optionalText(),
		zip: optionalText(),
		country: optionalText(),
		country_code: optionalText().refine((s) => s === undefined || /^[A-Za-z]{2}$/.test(s), {
			message: issue('is not a two-letter country code', 'Use the ISO code, e.g. BR, PT, US or DE.'),
		}),
		type: typeField,
	})
	.strict()
	.superRefine((a, ctx) => {
		if (Object.entries(a).every(([key, v]) => key === 'type' || v === undefined))
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: issue(
					'is empty',
					'Give at least a street, city, zip code or country, or remove this address.',
				),
			});
	});

const nameSchema = z.preprocess(
	(v) => (typeof v === 'string' ? { formatted_name: v } : isBlank(v) ? {} : unalias(v)),
	z
		.object({
			formatted_name: optionalText(),
			first_name: optionalText(),
			last_name: optionalText(),
			middle_name: optionalText(),
			prefix: optionalText(),
			suffix: optionalText(),
		})
		.strict()
		.superRefine((n, ctx) => {
			if (n.formatted_name === undefined)
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					path: ['formatted_name'],
					message: issue(
						'is missing',
						'Give the name shown on the card (Contact Name), e.g. "Clínica Sol – Reception"; WhatsApp requires it.',
					),
				});
		}),
);

const orgSchema = z.preprocess(
	(v) => (isBlank(v) ? undefined : v),
	z
		.object({ company: optionalText(), department: optionalText(), title: optionalText() })
		.strict()
		.optional(),
);

const birthdaySchema = z.preprocess(
	(v) => (isBlank(v) ? undefined : typeof v === 'string' ? v.trim() : v),
	z
		.string()
		.refine((s) => DateTime.fromFormat(s, 'yyyy-MM-dd', { zone: 'utc' }).isValid, {
			message: issue(
				'is not a date in YYYY-MM-DD form',
				"Write it as year-month-day, e.g. 1985-04-23 (from a date field: {{ $json.birthDate.toFormat('yyyy-MM-dd') }}).",
			),
		})
		.optional(),
);

const contactSchema = z.preprocess(
	unalias,
	z
		.object({
			name: nameSchema,
			phones: listOf(phoneSchema, 'phone'),
			emails: listOf(emailSchema, 'email'),
			urls: listOf(urlSchema, 'url'),
			addresses: listOf(addressSchema),
			org: orgSchema,
			birthday: birthdaySchema,
		})
		.strict(),
);

type Contact = z.output<typeof contactSchema>;

/** One contact card in Meta's shape (the conveniences described above are accepted too). */
export interface ContactInput {
	name:
		| string
		| {
				formatted_name: string;
				first_name?: string;
				last_name?: string;
				middle_name?: string;
				prefix?: string;
				suffix?: string;
		  };
	phones?: Array<{ phone?: string; type?: string; wa_id?: string } | string>;
	emails?: Array<{ email: string; type?: string } | string>;
	urls?: Array<{ url: string; type?: string } | string>;
	addresses?: Array<{
		street?: string;
		city?: string;
		state?: string;
		zip?: string;
		country?: string;
		country_code?: string;
		type?: string;
	}>;
	org?: { company?: string; department?: string; title?: string };
	birthday?: string;
}

/** Drops keys whose value is undefined (blank optional fields). */
function compact<T extends object>(o: T): T {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function toWire(c: Contact): Record<string, unknown> {
	const org = c.org ? compact(c.org) : undefined;
	return compact({
		name: compact(c.name),
		phones: c.phones?.length ? c.phones.map(compact) : undefined,
		emails: c.emails?.length ? c.emails.map(compact) : undefined,
		urls: c.urls?.length ? c.urls.map(compact) : undefined,
		addresses: c.addresses?.length ? c.addresses.map(compact) : undefined,
		org: org && Object.keys(org).length ? org : undefined,
		birthday: c.birthday,
	});
}

/** Accepts a list of cards, one card, `{contacts: [...]}` or JSON text of those; returns the list. */
function toList(input: unknown, field: string): unknown[] {
	let value = input;
	if (typeof value === 'string' && value.trim() !== '')
		value = parseJsonOrThrow(
			value,
			field,
			'Give a list of contact objects such as [{"name": {"formatted_name": "Reception"}, "phones": [{"phone": "+551130000000"}]}].',
		);
	if (isRecord(value) && Array.isArray(value.contacts) && !('name' in value)) value = value.contacts;
	if (isRecord(value)) value = [value];
	if (isBlank(value) || (Array.isArray(value) && value.length === 0))
		throw new MessageValidationError(
			field,
			'has no contact',
			'Give at least one contact with a name, e.g. {"name": "Reception", "phones": ["+551130000000"]}. If the previous node found nobody, skip sending (e.g. with an IF node).',
		);
	if (!Array.isArray(value))
		throw new MessageValidationError(
			field,
			`must be a list of contact objects but is a ${typeof value}`,
			'Map a list of contacts (or one contact object) from the previous node.',
		);
	if (value.length > MAX_CONTACTS)
		throw new MessageValidationError(
			field,
			`has ${value.length} contacts; one message carries at most ${MAX_CONTACTS}`,
			`Split the list into groups of ${MAX_CONTACTS} (e.g. with the Loop Over Items node) and send one message per group.`,
		);
	return value;
}

/**
 * Builds a contacts message from one or more cards (see the module comment for accepted forms). Throws a
 * MessageValidationError naming Meta's path, e.g. `contacts[1].phones[0].phone`, and the fix.
 */
export function buildContacts(
	input: ContactInput[] | ContactInput | unknown,
	field = 'contacts',
): MessageContent {
	const list = toList(input, field);
	const parsed = list.map((card, i) => {
		if (!isRecord(card))
			throw new MessageValidationError(
				`${field}[${i}]`,
				`must be a contact object but is ${card === null ? 'empty' : `a ${typeof card}`}`,
				'Give each contact as an object with at least a name, e.g. {"name": "Reception"}.',
			);
		return parseOrThrow(contactSchema, card, `${field}[${i}]`);
	});
	return { type: 'contacts', contacts: parsed.map(toWire) };
}

/**
 * The WhatsApp ID (`wa_id`: E.164 digits without `+`) of a card's phone number, for cards whose number is on WhatsApp
 * (the card then shows Message/Call buttons instead of "Invite to WhatsApp"). Local numbers need `defaultCountry`.
 */
export function whatsAppIdOf(phone: string, defaultCountry: CountryCode | undefined, field: string): string {
	const parsed = parseRecipient(phone, { defaultCountry, field });
	if (parsed.kind !== 'phone')
		throw new MessageValidationError(
			field,
			'needs a phone number, not a WhatsApp user ID',
			'Give the phone number in international format, e.g. +5511912345678.',
		);
	return parsed.e164.slice(1);
}
