/**
 * Typed template variables: Meta's `currency` and `date_time` parameters (besides plain `text`).
 *
 * A body/header variable may be given as
 * - money: `{ "currency": "BRL", "amount": 150.5 }` or `{ "code": "BRL", "amount_1000": 150500 }`
 *   (`amount` may be text: "150.50", "150,50", "1.234,56", "R$ 150,50");
 * - a date/time: a JS Date, a luxon DateTime, or `{ "date_time": "2026-03-12T09:30:00-03:00" }` (ISO, SQL
 *   "2026-03-12 09:30" or epoch milliseconds), with optional `timezone` (IANA, e.g. America/Sao_Paulo), `style`
 *   (short | medium | long | full) and `show` (date | time | date_time);
 * - Meta's own shapes (`{ "type": "currency", "currency": {…} }`, `{ "type": "date_time", "date_time": {…} }`).
 *
 * Both take an optional `fallback_value`. When it is missing we write it in the template's language
 * (pt_BR → "R$ 150,50", "12 de março de 2026 às 09:30"; money keeps ICU's no-break space after the sign, the
 * narrow no-break space some ICU versions put before AM/PM becomes a plain space): Meta shows date_time's fallback as it is, so this text is
 * what the patient reads. Dates keep the offset written in an ISO string unless a `timezone` is given; values
 * without a zone (JS Date, epoch, ISO without offset) use the default zone (the workflow's time zone in n8n).
 */
import { DateTime } from 'luxon';

import { isRecord, MessageValidationError } from './validation';

export type DateStyle = 'short' | 'medium' | 'long' | 'full';
export type DateShow = 'date' | 'time' | 'date_time';

export const DATE_STYLES: readonly DateStyle[] = ['short', 'medium', 'long', 'full'];
export const DATE_SHOWS: readonly DateShow[] = ['date', 'time', 'date_time'];

/** How a variable given as plain text / number / date is sent (the node's "Variable Formats" option). */
export type TemplateVariableFormat =
	| { type: 'currency'; code?: string }
	| { type: 'date_time'; show?: DateShow; style?: DateStyle; timezone?: string };

export type TypedTemplateParameter =
	| { type: 'currency'; currency: { fallback_value: string; code: string; amount_1000: number } }
	| { type: 'date_time'; date_time: { fallback_value: string } };

export interface TypedVariableContext {
	/** How errors call the variable: `body {{2}}`. */
	label: string;
	/** Meta language code of the template (pt_BR, en_US, es). */
	language: string;
	/** Zone for dates that carry none (JS Date, epoch, ISO without offset). Default UTC. */
	defaultTimezone?: string;
	/** Format chosen for this variable (fills what the value does not say). */
	format?: TemplateVariableFormat;
}

const CURRENCY_KEYS = ['type', 'currency', 'code', 'amount', 'amount_1000', 'fallback_value'];
const DATE_KEYS = ['type', 'date_time', 'dateTime', 'fallback_value', 'timezone', 'style', 'show'];
const CURRENCY_EXAMPLE = '{"currency": "BRL", "amount": 150.5}';
const DATE_EXAMPLE = '{"date_time": "2026-03-12T09:30:00-03:00"}';

/** Meta language code → BCP 47 locale Intl knows (`pt_BR` → `pt-BR`); `en-US` when unknown. */
export function localeOf(language: string): string {
	const tag = (language ?? '').trim().replace(/_/g, '-');
	try {
		return Intl.NumberFormat.supportedLocalesOf([tag])[0] ?? 'en-US';
	} catch {
		return 'en-US';
	}
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return isRecord(value) && !(value instanceof Date);
}

function isLuxon(value: unknown): value is DateTime {
	return DateTime.isDateTime(value);
}

/** True when the value asks for a typed (currency / date_time) parameter rather than text. */
export function isTypedValue(value: unknown): boolean {
	if (value instanceof Date || isLuxon(value)) return true;
	if (!isPlainObject(value)) return false;
	return [
		'type',
		'currency',
		'code',
		'amount',
		'amount_1000',
		'date_time',
		'dateTime',
		'fallback_value',
	].some((k) => k in value);
}

function fail(label: string, problem: string, fix: string): never {
	throw new MessageValidationError(label, problem, fix);
}

function show(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (value instanceof Date) return 'an invalid Date';
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

/** Thousands separator of a locale ("." in pt-BR, "," in en-US). */
function groupSeparator(locale: string): string {
	const part = new Intl.NumberFormat(locale, { useGrouping: true })
		.formatToParts(1234567.5)
		.find((p) => p.type === 'group');
	return part?.value ?? ',';
}

/**
 * A money amount written by a person: "150.50", "150,50", "1.234,56", "1,234.56", "R$ 150,50", "-20". A single
 * separator followed by exactly three digits ("1.234") is read the way the template's language writes thousands.
 * Returns undefined when it is not a number.
 */
export function parseAmount(text: string, locale = 'en-US'): number | undefined {
	let s = text.replace(/[\s\u00a0\u202f]/g, '');
	// Currency signs or codes around the number ("R$150,50", "150.50 EUR").
	s = s.replace(/^[^\d\-+.,]+/, '').replace(/[^\d.,]+$/, '');
	const sign = /^[-+]/.test(s) ? s[0] : '';
	s = s.replace(/^[-+]/, '').replace(/^[^\d.,]+/, '');
	if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
	const dots = (s.match(/\./g) ?? []).length;
	const commas = (s.match(/,/g) ?? []).length;
	let decimal: string | undefined;
	if (dots && commas) decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
	else if (dots + commas === 1) {
		const sep = dots ? '.' : ',';
		const after = s.length - s.indexOf(sep) - 1;
		decimal = after === 3 && groupSeparator(locale) === sep ? undefined : sep;
	} else decimal = undefined; // "1.234.567" / "1,234,567": only thousands separators
	const group = decimal === '.' ? ',' : decimal === ',' ? '.' : dots ? '.' : ',';
	const [int, frac, extra] = s
		.split(group)
		.join('')
		.split(decimal ?? '\u0000');
	if (
		extra !== undefined ||
		(int === '' && frac === undefined) ||
		(frac !== undefined && !/^\d+$/.test(frac))
	)
		return undefined;
	// Grouped digits come in threes ("1.234,5" fine, "12.34,5" is a typo).
	if (s.includes(group) && !new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`).test(s.split(decimal ?? '\u0000')[0]))
		return undefined;
	const n = Number(`${sign}${int}${frac !== undefined ? `.${frac}` : ''}`);
	return Number.isFinite(n) ? n : undefined;
}

function checkFallback(label: string, value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' || !value.trim())
		fail(
			label,
			`has a fallback_value that is ${typeof value === 'string' ? 'empty' : `not text (${show(value)})`}`,
			'Give the text the patient should see, e.g. "R$ 150,50", or leave fallback_value out to have it written for you.',
		);
	return value.trim();
}

function checkKeys(label: string, obj: Record<string, unknown>, allowed: string[], example: string): void {
	const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
	if (unknown.length)
		fail(
			label,
			`has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`,
			`Use only ${allowed.filter((k) => k !== 'type').join(', ')} (e.g. ${example}).`,
		);
}

let currencies: Set<string> | undefined;
/** ISO 4217 codes this runtime's Intl knows (computed once). */
function knownCurrencies(): Set<string> {
	currencies ??= new Set(Intl.supportedValuesOf('currency'));
	return currencies;
}

function currencyParameter(
	label: string,
	raw: Record<string, unknown>,
	locale: string,
	format?: TemplateVariableFormat,
): TypedTemplateParameter {
	checkKeys(label, raw, CURRENCY_KEYS, CURRENCY_EXAMPLE);
	const given = [raw.currency, raw.code].filter((c) => c !== undefined && c !== null && c !== '');
	for (const c of given)
		if (typeof c !== 'string')
			fail(label, `has a currency code that is not text (${show(c)})`, 'Give a 3-letter code such as "BRL".');
	const codes = [...new Set((given as string[]).map((c) => c.trim().toUpperCase()))];
	if (codes.length > 1)
		fail(
			label,
			`has two different currency codes (${codes.join(' and ')})`,
			'Give the code once, as "currency" or "code".',
		);
	const code = codes[0] ?? (format?.type === 'currency' ? format.code?.trim().toUpperCase() : undefined);
	if (!code)
		fail(
			label,
			'has an amount but no currency code',
			`Add the 3-letter ISO 4217 code, e.g. ${CURRENCY_EXAMPLE}.`,
		);
	if (!/^[A-Z]{3}$/.test(code) || !knownCurrencies().has(code))
		fail(
			label,
			`has currency code "${code}", which is not an ISO 4217 currency`,
			'Use a 3-letter code such as BRL (Brazilian real), USD, EUR or MXN.',
		);

	const hasAmount = raw.amount !== undefined && raw.amount !== null && raw.amount !== '';
	const hasAmount1000 = raw.amount_1000 !== undefined && raw.amount_1000 !== null && raw.amount_1000 !== '';
	if (hasAmount && hasAmount1000)
		fail(
			label,
			'has both amount and amount_1000',
			'Give only one: amount (e.g. 150.5) or amount_1000 (the amount × 1000, e.g. 150500).',
		);
	if (!hasAmount && !hasAmount1000)
		fail(label, 'has a currency but no amount', `Add the amount, e.g. ${CURRENCY_EXAMPLE}.`);
	let amount1000: number;
	if (hasAmount) {
		const a = raw.amount;
		const n = typeof a === 'number' ? a : typeof a === 'string' ? parseAmount(a, locale) : undefined;
		if (n === undefined || !Number.isFinite(n))
			fail(
				label,
				`has amount ${show(a)}, which is not a number`,
				'Give a number such as 150.50 or 150,50 (no other text).',
			);
		amount1000 = Math.round(n * 1000);
	} else {
		const a = raw.amount_1000;
		const n = typeof a === 'number' ? a : typeof a === 'string' && /^\s*-?\d+\s*$/.test(a) ? Number(a) : NaN;
		if (!Number.isInteger(n))
			fail(
				label,
				`has amount_1000 ${show(a)}, which is not a whole number`,
				'amount_1000 is the amount × 1000 as a whole number (R$ 150,50 → 150500); or give "amount": 150.5 instead.',
			);
		amount1000 = n;
	}
	if (!Number.isSafeInteger(amount1000))
		fail(label, 'has an amount that is too large', 'Check the value; it must be below 9 trillion.');
	const fallback =
		checkFallback(label, raw.fallback_value) ??
		new Intl.NumberFormat(locale, { style: 'currency', currency: code })
			.format(amount1000 / 1000)
			.replace(/\u202f/g, ' ');
	return { type: 'currency', currency: { fallback_value: fallback, code, amount_1000: amount1000 } };
}

const DATE_FIX =
	'Give an ISO date such as 2026-03-12T09:30:00-03:00 or 2026-03-12, epoch milliseconds, or a date from an expression such as {{ $json.start.toDateTime() }}.';

function checkZone(label: string, zone: unknown, where: string): string | undefined {
	if (zone === undefined || zone === null || zone === '') return undefined;
	if (typeof zone !== 'string' || !DateTime.now().setZone(zone.trim()).isValid)
		fail(
			label,
			`has ${where} ${show(zone)}, which is not a known time zone`,
			'Use an IANA time zone name such as America/Sao_Paulo, America/New_York or UTC.',
		);
	return zone.trim();
}

/** Parses a date value; `dateOnly` when it is a calendar date without a time of day. */
function parseDate(
	label: string,
	value: unknown,
	zone: string,
): { dt: DateTime; dateOnly: boolean } | undefined {
	const epoch = (ms: number) => {
		if (Math.abs(ms) >= 1e9 && Math.abs(ms) < 1e10)
			fail(
				label,
				`is ${ms}, which looks like epoch seconds (read as milliseconds it is a day in 1970)`,
				'Give epoch milliseconds: multiply by 1000, e.g. {{ $json.timestamp * 1000 }}.',
			);
		return DateTime.fromMillis(ms, { zone });
	};
	if (isLuxon(value)) {
		if (!value.isValid) return undefined;
		// A DateTime from n8n's own luxon copy: rebuild it here, same instant and zone.
		const foreign = value as { toMillis(): number; zoneName: string | null };
		return {
			dt:
				value instanceof DateTime
					? value
					: DateTime.fromMillis(foreign.toMillis(), { zone: foreign.zoneName ?? zone }),
			dateOnly: false,
		};
	}
	if (value instanceof Date)
		return isNaN(value.getTime()) ? undefined : { dt: DateTime.fromJSDate(value, { zone }), dateOnly: false };
	if (typeof value === 'number')
		return Number.isFinite(value) ? { dt: epoch(value), dateOnly: false } : undefined;
	if (typeof value !== 'string') return undefined;
	const s = value.trim();
	if (/^-?\d+$/.test(s)) return { dt: epoch(Number(s)), dateOnly: false };
	const opts = { zone, setZone: true };
	let dt = DateTime.fromISO(s, opts);
	if (!dt.isValid) dt = DateTime.fromSQL(s, opts);
	if (!dt.isValid) return undefined;
	return { dt, dateOnly: /^\d{4}-\d{2}-\d{2}$/.test(s) };
}

function dateParameter(
	label: string,
	raw: Record<string, unknown>,
	locale: string,
	defaultZone: string,
	format?: TemplateVariableFormat,
): TypedTemplateParameter {
	checkKeys(label, raw, DATE_KEYS, DATE_EXAMPLE);
	const fmt = format?.type === 'date_time' ? format : undefined;
	const zone = checkZone(label, raw.timezone, 'timezone') ?? checkZone(label, fmt?.timezone, 'time zone');
	const style = raw.style ?? fmt?.style ?? 'long';
	if (!DATE_STYLES.includes(style as DateStyle))
		fail(label, `has style ${show(style)}`, `Use one of: ${DATE_STYLES.join(', ')}.`);
	const showParts = raw.show ?? fmt?.show;
	if (showParts !== undefined && !DATE_SHOWS.includes(showParts as DateShow))
		fail(label, `has show ${show(showParts)}`, `Use one of: ${DATE_SHOWS.join(', ')}.`);
	const fallback = checkFallback(label, raw.fallback_value);
	const value = raw.date_time ?? raw.dateTime;
	if (value === undefined || value === null || value === '') {
		// Meta's own shape: only the text to show.
		if (fallback) return { type: 'date_time', date_time: { fallback_value: fallback } };
		fail(label, 'has no date', `Give the date, e.g. ${DATE_EXAMPLE}.`);
	}
	const parsed = parseDate(label, value, zone ?? defaultZone);
	if (!parsed) fail(label, `is not a valid date (${show(value)})`, DATE_FIX);
	let { dt } = parsed;
	// A calendar date has no zone to convert; anything else is shown in the zone asked for.
	if (zone && !parsed.dateOnly) dt = dt.setZone(zone);
	let parts = (showParts as DateShow | undefined) ?? (parsed.dateOnly ? 'date' : 'date_time');
	if (parsed.dateOnly && parts === 'time')
		fail(
			label,
			`is a date without a time of day (${show(value)})`,
			'Give a date and time, e.g. 2026-03-12T09:30.',
		);
	if (parsed.dateOnly) parts = 'date';
	const dateStyle = style as DateStyle;
	const intl: Intl.DateTimeFormatOptions =
		parts === 'date'
			? { dateStyle }
			: parts === 'time'
				? { timeStyle: 'short' }
				: { dateStyle, timeStyle: 'short' };
	const text =
		fallback ??
		dt
			.setLocale(locale)
			.toLocaleString(intl)
			.replace(/\u202f/g, ' ');
	return { type: 'date_time', date_time: { fallback_value: text } };
}

/**
 * Meta's `currency` / `date_time` parameter for a variable (without `parameter_name`). `value` is a typed value
 * (see the module comment), or plain text / a number / a date when `context.format` says how to read it.
 */
export function typedParameter(value: unknown, context: TypedVariableContext): TypedTemplateParameter {
	const { label, format } = context;
	const locale = localeOf(context.language);
	const zone = checkZone(label, context.defaultTimezone, 'default time zone') ?? 'UTC';
	if (value instanceof Date || isLuxon(value)) {
		if (format?.type === 'currency')
			fail(label, 'is a date but is formatted as Currency', 'Map the amount, or change the variable format.');
		return dateParameter(label, { date_time: value }, locale, zone, format);
	}
	if (isPlainObject(value)) {
		let obj = value;
		const type = typeof obj.type === 'string' ? obj.type.toLowerCase() : undefined;
		if (obj.type !== undefined && type !== 'currency' && type !== 'date_time')
			fail(
				label,
				`has type ${show(obj.type)}`,
				`Use "currency" or "date_time" (or give plain text). Example: ${CURRENCY_EXAMPLE}.`,
			);
		// Meta's shapes: {type: 'currency', currency: {…}} / {date_time: {fallback_value}}.
		if (isPlainObject(obj.currency)) obj = { ...obj.currency };
		else if (isPlainObject(obj.date_time)) obj = { ...obj.date_time, date_time: undefined };
		const isDate = type === 'date_time' || 'date_time' in obj || 'dateTime' in obj;
		const isCurrency =
			type === 'currency' || ['currency', 'code', 'amount', 'amount_1000'].some((k) => k in obj);
		if (isDate && isCurrency)
			fail(
				label,
				'mixes a date and an amount',
				`Give either a currency (${CURRENCY_EXAMPLE}) or a date (${DATE_EXAMPLE}).`,
			);
		if (isCurrency) return currencyParameter(label, obj, locale, format);
		if (isDate || 'fallback_value' in obj) return dateParameter(label, obj, locale, zone, format);
		fail(
			label,
			'is an object that is neither text, a currency nor a date',
			`Map a text value (e.g. {{ $json.name }}), a currency ${CURRENCY_EXAMPLE} or a date ${DATE_EXAMPLE}.`,
		);
	}
	if (format?.type === 'currency') {
		if (typeof value !== 'string' && typeof value !== 'number')
			fail(label, `must be an amount but is ${show(value)}`, 'Map a number such as 150.50.');
		return currencyParameter(label, { amount: value }, locale, format);
	}
	if (format?.type === 'date_time') {
		if (typeof value !== 'string' && typeof value !== 'number')
			fail(label, `must be a date but is ${show(value)}`, DATE_FIX);
		return dateParameter(label, { date_time: value }, locale, zone, format);
	}
	return fail(label, `is ${show(value)}, not a currency or a date`, 'Give plain text instead.');
}
