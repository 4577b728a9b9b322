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
 * narrow no-break space some ICU versions put before AM/PM becomes a plain space): Meta shows date_time's fallback
 * as it is, so this text is what the patient reads. Dates keep the offset written in an ISO string unless a `timezone` is given; values
 * without a zone (JS Date, epoch, ISO without offset) use the default zone (the workflow's time zone in n8n).
 *
 * This module is the entry point (typedParameter); money is currency-parameter.ts, dates date-parameter.ts, the
 * shared types and checks typed-values.ts.
 */
import { CURRENCY_EXAMPLE, currencyParameter } from './currency-parameter';
import { checkZone, DATE_EXAMPLE, DATE_FIX, dateParameter } from './date-parameter';
import {
	fail,
	isLuxon,
	isPlainObject,
	show,
	type TypedTemplateParameter,
	type TypedVariableContext,
} from './typed-values';

export { parseAmount } from './currency-parameter';
export { DATE_SHOWS, DATE_STYLES } from './typed-values';
export type {
	DateShow,
	DateStyle,
	TemplateVariableFormat,
	TypedTemplateParameter,
	TypedVariableContext,
} from './typed-values';

/** Meta language code → BCP 47 locale Intl knows (`pt_BR` → `pt-BR`); `en-US` when unknown. */
export function localeOf(language: string): string {
	const tag = (language ?? '').trim().replace(/_/g, '-');
	try {
		return Intl.NumberFormat.supportedLocalesOf([tag])[0] ?? 'en-US';
	} catch {
		return 'en-US';
	}
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
