/** Small helpers shared by the Graph client modules. */
import type { HttpResponse } from './graph-types';

export function record(value: unknown): Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

/** JSON from a string/Buffer body; empty → {}; non-JSON text is returned as is. */
export function parseJsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	if (body.trim() === '') return {};
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/** Trims an ID; throws naming the field when it is empty. */
export function requireId(value: string | undefined, field: string): string {
	const id = (value ?? '').trim();
	if (id === '') {
		throw new Error(`${field} is empty: set it in the WhatsApp Clinic Cloud API credential or the node`);
	}
	return id;
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
	const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
	const value = key ? headers[key] : undefined;
	return Array.isArray(value) ? value[0] : value;
}
