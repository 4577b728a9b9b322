/** Test doubles for the Cloud API transport: a fake clock, a scripted HTTP sender and a fetch-based sender (for nock). */
import type { Clock } from '../../../core/whatsapp/clock';
import type { HttpRequest, HttpResponse, HttpSender } from '../../../core/whatsapp/graph-types';

interface Timer {
	at: number;
	seq: number;
	resolve: () => void;
}

/** Lets pending promise chains run (microtasks and one macrotask turn). */
export async function flush(turns = 3): Promise<void> {
	for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
	private t: number;
	private seq = 0;
	private timers: Timer[] = [];

	constructor(start = 0) {
		this.t = start;
	}

	now = (): number => this.t;

	sleep = async (ms: number): Promise<void> =>
		await new Promise<void>((resolve) => {
			this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
		});

	get pendingTimers(): number {
		return this.timers.length;
	}

	/** Moves time forward, firing timers in order (and letting the code they wake schedule new ones). */
	async advance(ms: number): Promise<void> {
		const end = this.t + ms;
		for (;;) {
			await flush();
			const due = this.timers
				.filter((timer) => timer.at <= end)
				.sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
			if (!due) break;
			this.timers = this.timers.filter((timer) => timer !== due);
			this.t = Math.max(this.t, due.at);
			due.resolve();
		}
		this.t = end;
		await flush();
	}

	/** Advances until no timer is pending (bounded). */
	async runAll(maxMs = 3_600_000): Promise<void> {
		const limit = this.t + maxMs;
		await flush();
		while (this.timers.length > 0 && this.t < limit) {
			const next = Math.min(...this.timers.map((timer) => timer.at));
			await this.advance(Math.max(0, next - this.t));
		}
	}
}

export function metaError(
	code: number,
	message: string,
	extra: { subcode?: number; details?: string; type?: string; fbtrace_id?: string } = {},
): Record<string, unknown> {
	return {
		error: {
			message,
			type: extra.type ?? 'OAuthException',
			code,
			...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
			...(extra.details !== undefined
				? { error_data: { messaging_product: 'whatsapp', details: extra.details } }
				: {}),
			fbtrace_id: extra.fbtrace_id ?? 'AbCdEfGhIjK',
		},
	};
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
	return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

export type Responder = (request: HttpRequest, index: number) => HttpResponse | Promise<HttpResponse>;

/** A sender that records every request and answers with `responder`. */
export function scriptedSender(responder: Responder): HttpSender & { calls: HttpRequest[] } {
	const calls: HttpRequest[] = [];
	const sender = (async (request: HttpRequest) => {
		calls.push(request);
		return await responder(request, calls.length - 1);
	}) as HttpSender & { calls: HttpRequest[] };
	sender.calls = calls;
	return sender;
}

export function sentMessage(to: string, id = `wamid.${to}`): Record<string, unknown> {
	return {
		messaging_product: 'whatsapp',
		contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }],
		messages: [{ id }],
	};
}

/** A real-HTTP sender over fetch (intercepted by nock), adding the Bearer token like n8n does. */
export function fetchSender(token: string): HttpSender {
	return async (request) => {
		const url = new URL(request.url);
		for (const [key, value] of Object.entries(request.qs ?? {})) url.searchParams.set(key, String(value));
		const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...(request.headers ?? {}) };
		let body: string | undefined;
		if (request.body !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(request.body);
		}
		const response = await fetch(url, { method: request.method, headers, body });
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
	};
}

/** A token-shaped value (Meta access tokens start with EAA) for checking that tokens never leak into errors. */
export function fakeAccessToken(tag: string): string {
	return `EAA${tag}${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 40 - tag.length)}`;
}
