/**
 * Reading single values out of Meta's webhook JSON without trusting its shape: strings, numbers, Unix times, nested
 * records, Meta error objects, and the fields a mapper did not type (`unknownFields`). Nothing here throws on
 * unexpected input. An empty string counts as absent (null): Meta sends `wa_id: ""` for some username-only users.
 */
import type { MetaError, UnknownFields } from './events';
import type { WireError } from './wire';

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

export function num(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && value.trim() !== '') {
		const n = Number(value);
		return Number.isFinite(n) ? n : null;
	}
	return null;
}

export function bool(value: unknown): boolean | null {
	return typeof value === 'boolean' ? value : null;
}

/** Meta sends Unix seconds as a string (messages, statuses) or a number (entry.time). ISO-8601 UTC, no milliseconds. */
export function unixToIso(value: unknown): string | null {
	const seconds = num(value);
	if (seconds === null || seconds <= 0) return null;
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return null;
	const iso = date.toISOString();
	// Whole seconds (what Meta sends) print without milliseconds: 2025-06-08T20:59:43Z.
	return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function camelKey(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * snake_case → camelCase keys, recursively (contacts cards, system messages). The parser bounds every change's
 * depth before mapping it (parse.ts), so the recursion is bounded too.
 */
export function camelize(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(camelize);
	if (!isRecord(value)) return value;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) out[camelKey(k)] = camelize(v);
	return out;
}

/**
 * The keys of `record` a mapper did not read (`known`), camelCased with their values, or null when there are none:
 * how an event keeps the fields this package does not type (new Meta fields, an unknown message type's body).
 */
export function unknownFields(record: Record<string, unknown>, known: ReadonlySet<string>): UnknownFields {
	let out: Record<string, unknown> | null = null;
	for (const key in record) {
		if (known.has(key) || record[key] === undefined) continue;
		(out ??= {})[camelKey(key)] = camelize(record[key]);
	}
	return out;
}

/** `unknown` with `nested` added under `key` (unchanged when `nested` is null). */
export function withNested(unknown: UnknownFields, key: string, nested: UnknownFields): UnknownFields {
	return nested ? { ...unknown, [key]: nested } : unknown;
}

export function toMetaError(e: WireError): MetaError {
	return {
		code: num(e.code),
		title: str(e.title),
		message: str(e.message),
		details: isRecord(e.error_data) ? str(e.error_data.details) : null,
		href: str(e.href),
	};
}

export function toMetaErrors(errors: unknown): MetaError[] {
	return Array.isArray(errors) ? errors.filter(isRecord).map((e) => toMetaError(e as WireError)) : [];
}
