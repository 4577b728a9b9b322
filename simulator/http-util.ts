/** Small helpers around node:http: bounded body reading, JSON answers, query parsing. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > maxBytes) throw new BodyTooLargeError(`Request body larger than ${maxBytes} bytes`);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=UTF-8',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

export function sendText(
	res: ServerResponse,
	status: number,
	text: string | Buffer,
	contentType: string,
): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

/** Parses a JSON body; returns undefined for an empty body and throws SyntaxError for bad JSON. */
export function parseJson(body: Buffer): unknown {
	const text = body.toString('utf8').trim();
	if (!text) return undefined;
	return JSON.parse(text);
}

/** Parses application/x-www-form-urlencoded bodies (Graph accepts both JSON and form posts). */
export function parseForm(body: Buffer): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
		const trimmed = v.trim();
		if (
			(trimmed.startsWith('{') && trimmed.endsWith('}')) ||
			(trimmed.startsWith('[') && trimmed.endsWith(']'))
		) {
			try {
				out[k] = JSON.parse(trimmed);
				continue;
			} catch {
				// keep as string
			}
		}
		out[k] = v;
	}
	return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
