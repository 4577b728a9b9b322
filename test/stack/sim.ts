/**
 * The WhatsApp Cloud API simulator, started in-process through its programmatic API, with typed helpers for
 * its control API (`/_sim/*`) and for the Graph API calls the harness itself needs.
 */
import { join } from 'node:path';

import { REPO_ROOT } from './paths';
import { waitUntil } from './proc';

export const SIM = {
	accessToken: 'sim-token',
	appSecret: 'sim-secret',
	verifyToken: 'sim-verify-token',
	phoneNumberId: '100000000000001',
	wabaId: '200000000000001',
	graphApiVersion: 'v23.0',
} as const;

export interface SimOutbound {
	id: string;
	to: string;
	type: string;
	status: string;
	request: Record<string, any>;
	rendered?: Record<string, any>;
	templateName?: string;
	bizOpaqueCallbackData?: string;
	acceptedAt?: number | string;
	[key: string]: unknown;
}

export interface SimDelivery {
	id: string;
	kind: string;
	url: string;
	state: string;
	attempts: Array<{ statusCode?: number; error?: string }>;
	eventIds?: string[];
	[key: string]: unknown;
}

export interface SimHandle {
	url: string;
	graphUrl: string;
	control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	graph<T = any>(
		method: string,
		path: string,
		body?: unknown,
		token?: string,
	): Promise<{ status: number; body: T }>;
	/** A patient sends a message (body as accepted by POST /_sim/inbound). Returns the simulator's answer. */
	inbound<T = any>(body: Record<string, unknown>): Promise<T>;
	messages(filter?: { to?: string }): Promise<SimOutbound[]>;
	deliveries(): Promise<SimDelivery[]>;
	advanceClock(ms: number): Promise<void>;
	reset(): Promise<void>;
	/** Points the number's webhook at `url` (Meta's per-number override), as a clinic would in Meta's dashboard. */
	setCallback(url: string, verifyToken?: string): Promise<void>;
	/** Sends `payload` to the callback as a webhook, signed with the app secret (or a wrong one). */
	deliverRaw(
		payload: unknown,
		options?: { url?: string; wrongSecret?: boolean; eventIds?: string[] },
	): Promise<SimDelivery>;
	/** Delivers an earlier webhook again, byte for byte (what Meta does when it retries). */
	replay(deliveryId: string): Promise<SimDelivery>;
	/** Sends refused since the last reset: 130429 (the number's throughput) and 131056 (pair limit). */
	refusals(): { throughput: number; pair: number };
	/** Waits until the simulator accepted at least `count` messages to `to` and returns them (oldest first). */
	waitForMessages(to: string, count: number, timeoutMs?: number): Promise<SimOutbound[]>;
	stop(): Promise<void>;
}

export interface StartSimOptions {
	port?: number;
	webhookUrl?: string;
	[key: string]: unknown;
}

type SimulatorModule = {
	startSimulator(options: Record<string, unknown>): Promise<{
		url?: string;
		baseUrl?: string;
		port?: number;
		stop?: () => Promise<void>;
		close?: () => Promise<void>;
		refusals?: () => { throughput: number; pair: number };
	}>;
};

function listOf<T>(body: any, key: string): T[] {
	if (Array.isArray(body)) return body as T[];
	if (body && Array.isArray(body[key])) return body[key] as T[];
	if (body && Array.isArray(body.data)) return body.data as T[];
	return [];
}

export async function startSim(options: StartSimOptions = {}): Promise<SimHandle> {
	const mod = require(join(REPO_ROOT, 'simulator')) as SimulatorModule;
	const server = await mod.startSimulator({
		port: 0,
		appSecret: SIM.appSecret,
		accessToken: SIM.accessToken,
		verifyToken: SIM.verifyToken,
		...options,
	});
	const url = String(server.url ?? server.baseUrl ?? `http://127.0.0.1:${server.port}`).replace(/\/$/, '');
	const graphUrl = url;

	const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
		const response = await fetch(`${url}${path}`, {
			method,
			headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let json: any = text;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			// keep text
		}
		return { status: response.status, body: json };
	};

	const handle: SimHandle = {
		url,
		graphUrl,
		async control(method, path, body) {
			const r = await call(method, `/_sim${path}`, body);
			if (r.status >= 300)
				throw new Error(
					`simulator ${method} /_sim${path} → ${r.status}: ${JSON.stringify(r.body).slice(0, 600)}`,
				);
			return r.body;
		},
		async graph(method, path, body, token = SIM.accessToken) {
			return call(method, `/${SIM.graphApiVersion}${path}`, body, { authorization: `Bearer ${token}` });
		},
		inbound: (body) => handle.control('POST', '/inbound', body),
		async messages(filter = {}) {
			const qs = filter.to ? `?to=${encodeURIComponent(filter.to)}` : '';
			const list = listOf<SimOutbound>(await handle.control('GET', `/messages${qs}`), 'messages');
			return filter.to
				? list.filter(
						(m) => m.to === filter.to || String(m.to).replace(/\D/g, '') === filter.to!.replace(/\D/g, ''),
					)
				: list;
		},
		async deliveries() {
			return listOf<SimDelivery>(await handle.control('GET', '/deliveries'), 'deliveries');
		},
		async advanceClock(ms) {
			await handle.control('POST', '/clock', { advanceMs: ms });
		},
		async reset() {
			await handle.control('POST', '/reset', {});
		},
		async setCallback(callbackUrl, verifyToken = SIM.verifyToken) {
			// Like saving the callback in Meta's dashboard: the simulator runs the GET verification handshake first.
			await handle.control('POST', '/config', { webhookUrl: callbackUrl, verifyToken, verify: true });
		},
		async deliverRaw(payload, options = {}) {
			return handle.control('POST', '/deliver-raw', { payload, ...options });
		},
		async replay(deliveryId) {
			const list = listOf<SimDelivery & { body: unknown }>(
				await handle.control('GET', '/deliveries?includeBody=1'),
				'data',
			);
			const original = list.find((d) => d.id === deliveryId);
			if (!original) throw new Error(`no delivery ${deliveryId}`);
			return handle.deliverRaw(original.body, { url: original.url, eventIds: original.eventIds ?? [] });
		},
		refusals: () => server.refusals?.() ?? { throughput: 0, pair: 0 },
		async waitForMessages(to, count, timeoutMs = 20_000) {
			return waitUntil(
				`${count} message(s) to ${to}`,
				async () => {
					const list = await handle.messages({ to });
					return list.length >= count ? list : undefined;
				},
				timeoutMs,
				200,
			);
		},
		async stop() {
			await (server.stop ?? server.close)?.call(server);
		},
	};
	return handle;
}
