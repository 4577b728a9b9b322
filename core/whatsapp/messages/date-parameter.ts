/**
 * Date/time template variables: Meta's `date_time` parameter from a JS Date, a luxon DateTime, an ISO / SQL string or
 * epoch milliseconds (or Meta's own `{ "date_time": { "fallback_value" } }`), written for the patient in the
 * template's language and the given (or default) time zone ("12 de março de 2026 às 09:30").
 */
import { DateTime } from 'luxon';

import {
	checkFallback,
	checkKeys,
	DATE_SHOWS,
	DATE_STYLES,
	fail,
	isLuxon,
	show,
	type DateShow,
	type DateStyle,
	type TemplateVariableFormat,
	type TypedTemplateParameter,
} from './typed-values';

const DATE_KEYS = ['type', 'date_time', 'dateTime', 'fallback_value', 'timezone', 'style', 'show'];
export const DATE_EXAMPLE = '{"date_time": "2026-03-12T09:30:00-03:00"}';

export const DATE_FIX =
	'Give an ISO date such as 2026-03-12T09:30:00-03:00 or 2026-03-12, epoch milliseconds, or a date from an expression such as {{ $json.start.toDateTime() }}.';

export function checkZone(label: string, zone: unknown, where: string): string | undefined {
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

export function dateParameter(
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
