/**
 * Types and shared checks of typed template variables (Meta's `currency` and `date_time` parameters), used by
 * currency-parameter.ts, date-parameter.ts and their entry point template-variables.ts.
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return isRecord(value) && !(value instanceof Date);
}

export function isLuxon(value: unknown): value is DateTime {
	return DateTime.isDateTime(value);
}

export function fail(label: string, problem: string, fix: string): never {
	throw new MessageValidationError(label, problem, fix);
}

export function show(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (value instanceof Date) return 'an invalid Date';
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

export function checkFallback(label: string, value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' || !value.trim())
		fail(
			label,
			`has a fallback_value that is ${typeof value === 'string' ? 'empty' : `not text (${show(value)})`}`,
			'Give the text the patient should see, e.g. "R$ 150,50", or leave fallback_value out to have it written for you.',
		);
	return value.trim();
}

export function checkKeys(
	label: string,
	obj: Record<string, unknown>,
	allowed: string[],
	example: string,
): void {
	const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
	if (unknown.length)
		fail(
			label,
			`has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`,
			`Use only ${allowed.filter((k) => k !== 'type').join(', ')} (e.g. ${example}).`,
		);
}
