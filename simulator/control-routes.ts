/**
 * Control API under /_sim (no auth; binds to localhost): patient messages, outbound message and webhook
 * delivery listings, clock, reset, runtime config, raw replays, read receipts, blocking.
 */
import { z } from 'zod';

import type { SimContext } from './context';
import { defaultPhone, findPhone } from './context';
import { Errors, GraphError } from './errors';
import { isRecord, parseJson } from './http-util';
import { handleCallingControl } from './calling-control';
import { handleFlowsControl } from './flows-control';
import { handleGroupsControl } from './groups-control';
import { receiveInbound } from './inbound';
import { markReadByPatient } from './lifecycle';
import { liveMedia } from './media';
import type { Delivery, OutboundMessage } from './state';
import { WINDOW_MS } from './state';

export interface ControlResponse {
	status: number;
	body: unknown;
	raw?: { contentType: string; data: Buffer; filename?: string };
}

const ok = (body: unknown): ControlResponse => ({ status: 200, body });

export function outboundView(ctx: SimContext, m: OutboundMessage): Record<string, unknown> {
	const user = ctx.state.findUser(m.userKey);
	return {
		id: m.id,
		phoneNumberId: m.phoneNumberId,
		to: m.to,
		waId: user?.waId,
		userId: user?.userId,
		type: m.type,
		status: m.status,
		statuses: m.statuses.map((s) => ({
			status: s.status,
			at: new Date(s.at).toISOString(),
			...(s.errors ? { errors: s.errors } : {}),
		})),
		acceptedAt: new Date(m.acceptedAt).toISOString(),
		category: m.category,
		billable: m.billable,
		templateName: m.templateName,
		templateLanguage: m.templateLanguage,
		bizOpaqueCallbackData: m.bizOpaqueCallbackData,
		context: isRecord(m.request.context) ? m.request.context.message_id : undefined,
		request: m.request,
		rendered: m.rendered,
	};
}

export function deliveryView(d: Delivery, includeBody: boolean): Record<string, unknown> {
	return {
		id: d.id,
		kind: d.kind,
		url: d.url,
		eventIds: d.eventIds,
		bodyBytes: d.bodyBytes,
		state: d.state,
		attempts: d.attempts,
		statusCode: d.attempts[d.attempts.length - 1]?.statusCode,
		signedWithWrongSecret: d.signedWithWrongSecret,
		createdAt: d.createdAt,
		...(includeBody ? { body: JSON.parse(d.body.toString('utf8')) as unknown, signature: d.signature } : {}),
	};
}

function sinceFilter(value: string | null): number | undefined {
	if (!value) return undefined;
	const n = Number(value);
	if (Number.isFinite(n)) return n;
	const t = Date.parse(value);
	if (Number.isNaN(t)) throw Errors.invalidParameter('since must be epoch milliseconds or an ISO date');
	return t;
}

function userMatches(ctx: SimContext, userKey: string, wanted: string): boolean {
	const user = ctx.state.findUser(userKey);
	const digits = wanted.replace(/[\s\-().+]/g, '');
	return userKey === wanted || user?.waId === digits || user?.userId === wanted || user?.username === wanted;
}

const ConfigSchema = z
	.object({
		webhookUrl: z.string().url().or(z.literal('')).optional(),
		verifyToken: z.string().optional(),
		verify: z.boolean().optional(),
		mps: z.number().positive().optional(),
		pairBurst: z.number().int().positive().optional(),
		pairIntervalMs: z.number().nonnegative().optional(),
		latencyMs: z.number().nonnegative().optional(),
		faultRate: z.number().min(0).max(1).optional(),
		faultKinds: z
			.array(z.enum(['error500', 'drop', 'timeout', 'lostResponse']))
			.min(1)
			.optional(),
		faultTimeoutMs: z.number().nonnegative().optional(),
		deliveryFailureRate: z.number().min(0).max(1).optional(),
		deliveryErrors: z.enum(['webhook', 'sync']).optional(),
		sentDelayMs: z.number().nonnegative().optional(),
		deliveredDelayMs: z.number().nonnegative().optional(),
		readDelayMs: z.number().nonnegative().optional(),
		autoRead: z.boolean().optional(),
		webhookRetryDelaysMs: z.array(z.number().nonnegative()).optional(),
		webhookTimeoutMs: z.number().positive().optional(),
		batchWindowMs: z.number().nonnegative().optional(),
		signWithWrongSecret: z.boolean().optional(),
	})
	.strict();

export type RuntimeConfig = z.input<typeof ConfigSchema>;

export function publicConfig(ctx: SimContext): Record<string, unknown> {
	const o = ctx.options;
	return {
		baseUrl: ctx.baseUrl,
		phoneNumbers: o.phoneNumbers,
		wabaId: o.wabaId,
		webhookUrl: o.webhookUrl ?? null,
		phoneNumberOverrides: Object.fromEntries([...ctx.state.phoneOverrides].map(([k, v]) => [k, v.uri])),
		wabaOverride: ctx.state.wabaOverride?.uri ?? null,
		mps: o.mps,
		pairBurst: o.pairBurst,
		pairIntervalMs: o.pairIntervalMs,
		latencyMs: o.latencyMs,
		faultRate: o.faultRate,
		faultKinds: o.faultKinds,
		deliveryFailureRate: o.deliveryFailureRate,
		deliveryErrors: o.deliveryErrors,
		sentDelayMs: o.sentDelayMs,
		deliveredDelayMs: o.deliveredDelayMs,
		readDelayMs: o.readDelayMs,
		autoRead: o.autoRead,
		webhookRetryDelaysMs: o.webhookRetryDelaysMs,
		batchWindowMs: o.batchWindowMs,
		signWithWrongSecret: o.signWithWrongSecret,
	};
}

/** Applies runtime config; a new webhookUrl is verified with the GET handshake unless `verify: false`. */
export async function applyConfig(ctx: SimContext, raw: unknown): Promise<Record<string, unknown>> {
	const parsed = ConfigSchema.safeParse(raw ?? {});
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw Errors.invalidParameter(`${issue.path.join('.') || 'body'}: ${issue.message}`);
	}
	const { webhookUrl, verify, verifyToken, ...rest } = parsed.data;
	if (verifyToken !== undefined) ctx.options.verifyToken = verifyToken;
	let handshake: unknown;
	if (webhookUrl !== undefined) {
		if (webhookUrl && verify !== false) {
			const result = await ctx.sender.handshake(webhookUrl, ctx.options.verifyToken);
			handshake = result;
			if (!result.ok) throw Errors.webhookVerification(result.error ?? 'The URL could not be validated.');
		}
		ctx.options.webhookUrl = webhookUrl || undefined;
	}
	Object.assign(ctx.options, rest);
	return { ...publicConfig(ctx), ...(handshake ? { handshake } : {}) };
}

function jsonBody(body: Buffer): unknown {
	try {
		return parseJson(body);
	} catch {
		throw Errors.invalidParameter('The request body is not valid JSON.');
	}
}

export async function handleControl(
	ctx: SimContext,
	method: string,
	path: string,
	query: URLSearchParams,
	body: Buffer,
	reset: () => void,
): Promise<ControlResponse> {
	const route = `${method} ${path}`;
	switch (route) {
		case 'GET /_sim/health':
			return ok({
				ok: true,
				baseUrl: ctx.baseUrl,
				phoneNumberId: defaultPhone(ctx).id,
				wabaId: ctx.options.wabaId,
				pendingTasks: ctx.scheduler.pending,
				now: new Date(ctx.clock.now()).toISOString(),
			});
		case 'POST /_sim/inbound':
			return ok(await receiveInbound(ctx, jsonBody(body)));
		case 'GET /_sim/inbound': {
			const user = query.get('from') ?? query.get('user');
			const list = ctx.state.inbound.filter((m) => !user || userMatches(ctx, m.userKey, user));
			return ok({
				data: list.map((m) => ({
					id: m.id,
					type: m.type,
					receivedAt: new Date(m.receivedAt).toISOString(),
					deliveryId: m.deliveryId,
					message: m.message,
				})),
			});
		}
		case 'GET /_sim/messages': {
			const to = query.get('to');
			const type = query.get('type');
			const template = query.get('template');
			const since = sinceFilter(query.get('since'));
			const limit = Number(query.get('limit') ?? 1000);
			let list = ctx.state.outbound.filter(
				(m) =>
					(!to || userMatches(ctx, m.userKey, to)) &&
					(!type || m.type === type) &&
					(!template || m.templateName === template) &&
					(since === undefined || m.acceptedAt >= since),
			);
			if (list.length > limit) list = list.slice(list.length - limit);
			return ok({ data: list.map((m) => outboundView(ctx, m)) });
		}
		case 'GET /_sim/conversation': {
			const user = query.get('user');
			if (!user) throw Errors.requiredParameter('user');
			const out = ctx.state.outbound
				.filter((m) => userMatches(ctx, m.userKey, user))
				.map((m) => ({ direction: 'out', at: m.acceptedAt, ...outboundView(ctx, m) }));
			const inc = ctx.state.inbound
				.filter((m) => userMatches(ctx, m.userKey, user) && m.message.group_id === undefined)
				.map((m) => ({
					direction: 'in',
					at: m.receivedAt,
					id: m.id,
					type: m.type,
					message: m.message,
					readByBusiness: m.readAt !== undefined,
				}));
			const all = [...out, ...inc].sort((a, b) => a.at - b.at);
			return ok({ data: all.map((m) => ({ ...m, at: new Date(m.at).toISOString() })) });
		}
		case 'GET /_sim/users': {
			const now = ctx.clock.now();
			return ok({
				data: [...ctx.state.users.values()].map((u) => ({
					waId: u.waId,
					userId: u.userId,
					username: u.username,
					name: u.name,
					lastInboundAt: u.lastInboundAt ? new Date(u.lastInboundAt).toISOString() : null,
					windowOpen: ctx.state.windowOpen(u, now),
					windowClosesAt: u.lastInboundAt ? new Date(u.lastInboundAt + WINDOW_MS).toISOString() : null,
				})),
			});
		}
		case 'GET /_sim/deliveries': {
			const eventId = query.get('eventId');
			const kind = query.get('kind');
			const includeBody = query.get('includeBody') === '1' || query.get('includeBody') === 'true';
			const list = ctx.state.deliveries.filter(
				(d) =>
					(!eventId || d.eventIds.some((e) => e === eventId || e.startsWith(`${eventId}:`))) &&
					(!kind || d.kind === kind),
			);
			return ok({ data: list.map((d) => deliveryView(d, includeBody)) });
		}
		case 'GET /_sim/clock':
			return ok({ now: new Date(ctx.clock.now()).toISOString(), offsetMs: ctx.clock.offset });
		case 'POST /_sim/clock': {
			const b = jsonBody(body);
			const advance = isRecord(b) ? Number(b.advanceMs) : NaN;
			if (!Number.isFinite(advance) || advance < 0)
				throw Errors.invalidParameter('advanceMs must be a non-negative number of milliseconds');
			ctx.clock.advance(advance);
			return ok({ now: new Date(ctx.clock.now()).toISOString(), offsetMs: ctx.clock.offset });
		}
		case 'POST /_sim/reset':
			reset();
			return ok({ ok: true });
		case 'GET /_sim/config':
			return ok(publicConfig(ctx));
		case 'POST /_sim/config':
			return ok(await applyConfig(ctx, jsonBody(body)));
		case 'GET /_sim/templates':
			return ok({ data: ctx.templates });
		case 'POST /_sim/deliver-raw': {
			const b = jsonBody(body);
			if (!isRecord(b) || b.payload === undefined) throw Errors.requiredParameter('payload');
			const phone = typeof b.phoneNumberId === 'string' ? findPhone(ctx, b.phoneNumberId) : defaultPhone(ctx);
			const url = typeof b.url === 'string' ? b.url : phone && ctx.sender.resolveTarget(phone.id)?.url;
			if (!url) throw Errors.invalidParameter('No callback configured: give url or configure a webhook');
			const bytes = Buffer.from(typeof b.payload === 'string' ? b.payload : JSON.stringify(b.payload));
			const eventIds = Array.isArray(b.eventIds) ? b.eventIds.map(String) : [];
			const d = ctx.sender.deliver('raw', url, bytes, eventIds, b.wrongSecret === true);
			await ctx.sender.firstAttempt(d.id);
			return ok(deliveryView(d, false));
		}
		case 'POST /_sim/replay': {
			const b = jsonBody(body);
			const id = isRecord(b) ? b.deliveryId : undefined;
			if (typeof id !== 'string') throw Errors.requiredParameter('deliveryId');
			const original = ctx.state.deliveriesById.get(id);
			if (!original) throw Errors.invalidParameter(`unknown delivery ${id}`);
			const url = isRecord(b) && typeof b.url === 'string' ? b.url : original.url;
			const d = ctx.sender.deliver(
				original.kind,
				url,
				original.body,
				original.eventIds,
				original.signedWithWrongSecret,
			);
			await ctx.sender.firstAttempt(d.id);
			return ok(deliveryView(d, false));
		}
		case 'POST /_sim/read': {
			const b = jsonBody(body);
			const ids: string[] = [];
			if (isRecord(b) && typeof b.messageId === 'string') ids.push(b.messageId);
			else if (isRecord(b) && typeof b.to === 'string') {
				const to = b.to;
				for (const m of ctx.state.outbound)
					if (userMatches(ctx, m.userKey, to) && m.status !== 'read') ids.push(m.id);
			} else throw Errors.requiredParameter('messageId or to');
			const read: string[] = [];
			for (const id of ids) {
				const m = ctx.state.outboundById.get(id);
				if (!m) throw Errors.invalidParameter(`unknown message ${id}`);
				if (await markReadByPatient(ctx, m)) read.push(id);
			}
			return ok({ read });
		}
		case 'POST /_sim/block': {
			const b = jsonBody(body);
			if (!isRecord(b) || typeof b.phone !== 'string') throw Errors.requiredParameter('phone');
			const digits = b.phone.replace(/\D/g, '');
			if (b.blocked === false) ctx.state.blockedNumbers.delete(digits);
			else ctx.state.blockedNumbers.add(digits);
			return ok({ blocked: [...ctx.state.blockedNumbers] });
		}
	}
	const extra =
		handleGroupsControl(ctx, method, path, query, body) ??
		(await handleCallingControl(ctx, method, path, query, body)) ??
		(await handleFlowsControl(ctx, method, path, query, body));
	if (extra) return extra;
	const media = /^\/_sim\/media\/([^/]+)$/.exec(path);
	if (media && method === 'GET') {
		const item = liveMedia(ctx, decodeURIComponent(media[1]));
		if (!item) return { status: 404, body: { error: 'media not found or expired' } };
		return {
			status: 200,
			body: null,
			raw: { contentType: item.mimeType, data: item.data, filename: item.fileName },
		};
	}
	return { status: 404, body: new GraphError(404, 100, `Unknown control route ${route}`).toBody() };
}
