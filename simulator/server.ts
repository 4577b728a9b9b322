/**
 * The simulator's HTTP(S) server and `startSimulator()`: routes requests to the Graph API (auth, version,
 * latency, faults), the control API, media downloads and the patient chat page.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { SimContext } from './context';
import { applyConfig, handleControl, outboundView } from './control-routes';
import type { RuntimeConfig } from './control-routes';
import { Errors, GraphError } from './errors';
import { handleGraph } from './graph-routes';
import { BodyTooLargeError, readBody, sendJson, sendText } from './http-util';
import type { InboundInput, InboundResult } from './inbound';
import { receiveInbound } from './inbound';
import { downloadByToken, MAX_UPLOAD_BYTES } from './media';
import type { ResolvedOptions, SimulatorOptions } from './options';
import { resolveOptions } from './options';
import { SendLimiter } from './rate-limit';
import { Scheduler } from './scheduler';
import type { Delivery } from './state';
import { SimClock, SimState } from './state';
import type { MessageTemplate } from './templates';
import { TEMPLATES } from './templates';
import { WebhookSender } from './webhook-sender';

export const MIN_GRAPH_VERSION = 13;
export const MAX_GRAPH_VERSION = 26;

export interface MessageFilter {
	to?: string;
	type?: string;
	template?: string;
}

export interface Simulator {
	/** Base URL, e.g. http://127.0.0.1:7700 (use it as the credential's base URL). */
	url: string;
	port: number;
	/** Live options (mutable through configure()). */
	options: ResolvedOptions;
	state: SimState;
	clock: SimClock;
	templates: readonly MessageTemplate[];
	phoneNumberId: string;
	wabaId: string;
	accessToken: string;
	appSecret: string;
	/** Makes a patient send a message (same as POST /_sim/inbound). */
	inbound(input: InboundInput): Promise<InboundResult>;
	/** Accepted outbound messages (same shape as GET /_sim/messages). */
	messages(filter?: MessageFilter): Array<Record<string, unknown>>;
	/** Webhook deliveries including the exact bytes sent (`body`) and signature. */
	deliveries(): Delivery[];
	/** Sends refused since the last reset: 130429 (throughput) and 131056 (pair rate). */
	refusals(): { throughput: number; pair: number };
	/** Same as POST /_sim/config. */
	configure(config: RuntimeConfig): Promise<Record<string, unknown>>;
	/** Advances the simulated clock (24 h window, media URL expiry, pair limit). */
	advanceClock(ms: number): void;
	/** Clears messages, users, windows, media, deliveries, overrides, limits and the clock offset. */
	reset(): void;
	/** Resolves when no status timer or webhook attempt is pending. */
	idle(timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
}

const PUBLIC_DIR = join(__dirname, 'public');
const STATIC: Record<string, { file: string; type: string }> = {
	'/': { file: 'index.html', type: 'text/html; charset=utf-8' },
	'/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
	'/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
	'/chat-render.js': { file: 'chat-render.js', type: 'text/javascript; charset=utf-8' },
	'/chat-groups.js': { file: 'chat-groups.js', type: 'text/javascript; charset=utf-8' },
	'/chat-calls.js': { file: 'chat-calls.js', type: 'text/javascript; charset=utf-8' },
	'/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
	'/chat-flow.js': { file: 'chat-flow.js', type: 'text/javascript; charset=utf-8' },
	'/chat-flow.css': { file: 'chat-flow.css', type: 'text/css; charset=utf-8' },
};

function bearer(req: http.IncomingMessage, url: URL): string | undefined {
	const h = req.headers.authorization;
	if (h) {
		const m = /^Bearer\s+(.+)$/i.exec(h.trim());
		return m ? m[1].trim() : '';
	}
	return url.searchParams.get('access_token') ?? undefined;
}

function checkAuth(ctx: SimContext, req: http.IncomingMessage, url: URL): void {
	const token = bearer(req, url);
	if (token === undefined) throw Errors.missingToken();
	if (token !== ctx.options.accessToken) throw Errors.invalidToken();
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const resolved = resolveOptions(options);
	const clock = new SimClock(resolved.clock);
	const state = new SimState(clock);
	const scheduler = new Scheduler();
	const log = (line: string) => {
		if (!ctx.options.quiet) console.log(`[simulator] ${line}`);
	};
	const ctx: SimContext = {
		options: resolved,
		state,
		clock,
		scheduler,
		templates: TEMPLATES,
		baseUrl: '',
		log,
		sender: undefined as unknown as WebhookSender,
		limiter: new SendLimiter(clock, () => ctx.options),
	};
	ctx.sender = new WebhookSender(state, () => ctx.options, scheduler, log);

	const reset = () => {
		scheduler.cancelAll();
		state.reset();
		ctx.limiter.reset();
		clock.reset();
	};

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', ctx.baseUrl || 'http://localhost');
		const path = url.pathname;
		const method = req.method ?? 'GET';

		if (path.startsWith('/_sim/')) {
			const body = await readBody(req, 20 * 1024 * 1024);
			const out = await handleControl(ctx, method, path, url.searchParams, body, reset);
			if (out.raw) {
				res.writeHead(out.status, {
					'Content-Type': out.raw.contentType,
					'Content-Length': out.raw.data.length,
					...(out.raw.filename
						? { 'Content-Disposition': `inline; filename="${out.raw.filename.replace(/"/g, '')}"` }
						: {}),
				});
				res.end(out.raw.data);
			} else sendJson(res, out.status, out.body);
			return;
		}
		if (method === 'GET' && STATIC[path]) {
			const s = STATIC[path];
			sendText(res, 200, readFileSync(join(PUBLIC_DIR, s.file)), s.type);
			return;
		}
		if (path === '/whatsapp_business/attachments/' || path === '/whatsapp_business/attachments') {
			checkAuth(ctx, req, url);
			const item = downloadByToken(ctx, url.searchParams.get('hash'));
			if (!item) {
				sendText(res, 404, 'URL signature expired', 'text/plain');
				return;
			}
			res.writeHead(200, { 'Content-Type': item.mimeType, 'Content-Length': item.data.length });
			res.end(item.data);
			return;
		}
		const version = /^\/v(\d+)\.0(?:\/(.*))?$/.exec(path);
		if (!version) throw Errors.unknownPath(path);
		checkAuth(ctx, req, url);
		const v = Number(version[1]);
		if (v < MIN_GRAPH_VERSION || v > MAX_GRAPH_VERSION) {
			throw new GraphError(
				400,
				2500,
				`Unknown path components: /v${v}.0 (supported: v${MIN_GRAPH_VERSION}.0 to v${MAX_GRAPH_VERSION}.0)`,
			);
		}
		const o = ctx.options;
		if (o.latencyMs > 0) await scheduler.sleep(o.latencyMs);
		let loseResponse = false;
		if (o.faultRate > 0 && o.random() < o.faultRate) {
			const kind = o.faultKinds[Math.floor(o.random() * o.faultKinds.length)] ?? 'error500';
			if (kind === 'error500') throw Errors.internal();
			if (kind === 'lostResponse') loseResponse = true;
			else {
				if (kind === 'timeout') await scheduler.sleep(o.faultTimeoutMs);
				req.socket.destroy();
				return;
			}
		}
		const body = await readBody(req, MAX_UPLOAD_BYTES);
		const segments = (version[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
		const out = await handleGraph(ctx, {
			method,
			segments,
			query: url.searchParams,
			body,
			contentType: String(req.headers['content-type'] ?? ''),
			url,
		});
		if (loseResponse) {
			req.socket.destroy();
			return;
		}
		sendJson(res, out.status, out.body);
	}

	const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
		handle(req, res).catch((e: unknown) => {
			if (e instanceof GraphError) sendJson(res, e.httpStatus, e.toBody());
			else if (e instanceof BodyTooLargeError)
				sendJson(res, 413, Errors.invalidParameter(e.message).toBody());
			else {
				log(
					`internal error on ${req.method} ${req.url?.split('?')[0]}: ${e instanceof Error ? e.stack : String(e)}`,
				);
				sendJson(res, 500, Errors.internal().toBody());
			}
		});
	};
	const server = resolved.tls
		? https.createServer({ cert: resolved.tls.cert, key: resolved.tls.key }, listener)
		: http.createServer(listener);
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(resolved.port, resolved.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
	ctx.baseUrl = `${resolved.tls ? 'https' : 'http'}://${host}:${port}`;

	let closed = false;
	return {
		url: ctx.baseUrl,
		port,
		get options() {
			return ctx.options;
		},
		state,
		clock,
		templates: ctx.templates,
		phoneNumberId: resolved.phoneNumbers[0].id,
		wabaId: resolved.wabaId,
		get accessToken() {
			return ctx.options.accessToken;
		},
		get appSecret() {
			return ctx.options.appSecret;
		},
		inbound: (input) => receiveInbound(ctx, input),
		messages: (filter = {}) =>
			state.outbound
				.filter((m) => {
					const user = state.findUser(m.userKey);
					const to = filter.to?.replace(/[\s\-().+]/g, '');
					return (
						(!to || m.userKey === to || user?.waId === to || user?.userId === filter.to) &&
						(!filter.type || m.type === filter.type) &&
						(!filter.template || m.templateName === filter.template)
					);
				})
				.map((m) => outboundView(ctx, m)),
		deliveries: () => state.deliveries,
		refusals: () => ({ ...ctx.limiter.refused }),
		configure: (config) => applyConfig(ctx, config),
		advanceClock: (ms) => clock.advance(ms),
		reset,
		idle: (timeoutMs) => scheduler.idle(timeoutMs),
		close: async () => {
			if (closed) return;
			closed = true;
			scheduler.close();
			ctx.sender.close();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
