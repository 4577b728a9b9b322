/**
 * A tiny webhook receiver for tests, benchmarks and the demo: answers Meta's GET handshake, records every
 * POST with its raw bytes, and checks `X-Hub-Signature-256` against the app secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
	raw: Buffer;
	body: any;
	signature: string | undefined;
	/** True when the signature matches HMAC-SHA256(appSecret, raw). */
	signatureValid: boolean;
	headers: http.IncomingHttpHeaders;
	receivedAt: number;
	/** Status code this receiver answered with. */
	answeredWith: number;
}

export interface WebhookReceiver {
	url: string;
	received: ReceivedWebhook[];
	/** Handshake requests seen (query strings). */
	handshakes: URLSearchParams[];
	/** Status codes to answer the next POSTs with (consumed in order; then 200). */
	failNext(...statusCodes: number[]): void;
	/** Resolves when `count` webhooks matching `filter` arrived (rejects after timeoutMs). */
	waitFor(
		count: number,
		filter?: (w: ReceivedWebhook) => boolean,
		timeoutMs?: number,
	): Promise<ReceivedWebhook[]>;
	clear(): void;
	close(): Promise<void>;
}

export function verifySignature(appSecret: string, raw: Buffer, header: string | undefined): boolean {
	if (!header?.startsWith('sha256=')) return false;
	const expected = Buffer.from(createHmac('sha256', appSecret).update(raw).digest('hex'));
	const got = Buffer.from(header.slice(7));
	return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startWebhookReceiver(
	opts: { appSecret?: string; verifyToken?: string; port?: number; path?: string } = {},
): Promise<WebhookReceiver> {
	const appSecret = opts.appSecret ?? 'sim-secret';
	const verifyToken = opts.verifyToken ?? 'sim-verify-token';
	const path = opts.path ?? '/webhook';
	const received: ReceivedWebhook[] = [];
	const handshakes: URLSearchParams[] = [];
	const failures: number[] = [];
	let waiters: Array<() => void> = [];

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname !== path) {
			res.writeHead(404).end();
			return;
		}
		if (req.method === 'GET') {
			handshakes.push(url.searchParams);
			const ok =
				url.searchParams.get('hub.mode') === 'subscribe' &&
				url.searchParams.get('hub.verify_token') === verifyToken;
			if (ok)
				res.writeHead(200, { 'Content-Type': 'text/plain' }).end(url.searchParams.get('hub.challenge') ?? '');
			else res.writeHead(403).end('verify token mismatch');
			return;
		}
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const signature = req.headers['x-hub-signature-256'] as string | undefined;
			const answeredWith = failures.shift() ?? 200;
			let body: unknown;
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				body = undefined;
			}
			received.push({
				raw,
				body,
				signature,
				signatureValid: verifySignature(appSecret, raw, signature),
				headers: req.headers,
				receivedAt: Date.now(),
				answeredWith,
			});
			res
				.writeHead(answeredWith, { 'Content-Type': 'text/plain' })
				.end(answeredWith === 200 ? 'EVENT_RECEIVED' : 'error');
			const w = waiters;
			waiters = [];
			for (const fn of w) fn();
		});
	});
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;

	return {
		url: `http://127.0.0.1:${port}${path}`,
		received,
		handshakes,
		failNext: (...codes) => failures.push(...codes),
		waitFor: (count, filter = () => true, timeoutMs = 5000) =>
			new Promise((resolve, reject) => {
				const check = () => {
					const matching = received.filter(filter);
					if (matching.length >= count) {
						clearTimeout(timer);
						resolve(matching);
						return true;
					}
					return false;
				};
				const timer = setTimeout(() => {
					waiters = waiters.filter((w) => w !== onEvent);
					reject(
						new Error(
							`expected ${count} webhooks, got ${received.filter(filter).length} after ${timeoutMs} ms`,
						),
					);
				}, timeoutMs);
				const onEvent = () => {
					if (!check()) waiters.push(onEvent);
				};
				if (!check()) waiters.push(onEvent);
			}),
		clear: () => {
			received.length = 0;
			handshakes.length = 0;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** Helpers to pick events out of received webhooks. */
export function statusesOf(w: ReceivedWebhook): Array<Record<string, any>> {
	return (w.body?.entry ?? []).flatMap((e: any) =>
		(e.changes ?? []).flatMap((c: any) => c.value?.statuses ?? []),
	);
}

export function messagesOf(w: ReceivedWebhook): Array<Record<string, any>> {
	return (w.body?.entry ?? []).flatMap((e: any) =>
		(e.changes ?? []).flatMap((c: any) => c.value?.messages ?? []),
	);
}
