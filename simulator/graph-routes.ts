/**
 * Graph API routes under /{version}/: messages, media, phone number (incl. webhook override), WABA templates,
 * phone_numbers and subscribed_apps. Authentication, latency and faults are handled by the server.
 */
import type { SimContext } from './context';
import { findPhone } from './context';
import { Errors } from './errors';
import { handleCallingGraph } from './calling-graph';
import { handleFlowsEncryptionGraph } from './flows-encryption';
import { handleFlowsGraph } from './flows-graph';
import { handleGroupsGraph } from './groups-graph';
import { isRecord, parseForm, parseJson } from './http-util';
import { deleteMedia, getMediaInfo, uploadMedia } from './media';
import type { PhoneNumberConfig } from './options';
import { sendMessage } from './send-message';
import type { MessageTemplate } from './templates';

export interface GraphRequest {
	method: string;
	/** Path segments after the version, e.g. ['100000000000001', 'messages']. */
	segments: string[];
	query: URLSearchParams;
	body: Buffer;
	contentType: string;
	/** Full URL of the request (for paging links). */
	url: URL;
}

export interface GraphResponse {
	status: number;
	body: unknown;
}

function ok(body: unknown): GraphResponse {
	return { status: 200, body };
}

/** JSON or form body merged over the query string (Graph accepts parameters in either place). */
export function params(req: GraphRequest): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of req.query) if (k !== 'access_token') out[k] = v;
	if (!req.body.length) return out;
	if (/application\/x-www-form-urlencoded/i.test(req.contentType)) return { ...out, ...parseForm(req.body) };
	let parsed: unknown;
	try {
		parsed = parseJson(req.body);
	} catch {
		throw Errors.invalidParameter('The request body is not valid JSON.');
	}
	if (parsed === undefined) return out;
	if (!isRecord(parsed)) throw Errors.invalidParameter('The request body must be a JSON object.');
	return { ...out, ...parsed };
}

function phoneInfo(ctx: SimContext, phone: PhoneNumberConfig): Record<string, unknown> {
	const override = ctx.state.phoneOverrides.get(phone.id);
	const webhook: Record<string, string> = {};
	if (override) webhook.phone_number = override.uri;
	if (ctx.state.wabaOverride) webhook.whatsapp_business_account = ctx.state.wabaOverride.uri;
	if (ctx.options.webhookUrl) webhook.application = ctx.options.webhookUrl;
	return {
		verified_name: phone.verifiedName,
		code_verification_status: 'VERIFIED',
		display_phone_number: phone.displayPhoneNumber,
		quality_rating: phone.qualityRating,
		platform_type: 'CLOUD_API',
		throughput: { level: ctx.options.mps > 80 ? 'HIGH' : 'STANDARD' },
		messaging_limit_tier: 'TIER_UNLIMITED',
		name_status: 'APPROVED',
		webhook_configuration: webhook,
		id: phone.id,
	};
}

/** Applies `?fields=a,b` like Graph: only those fields plus id. */
function project(obj: Record<string, unknown>, fields: string | null): Record<string, unknown> {
	if (!fields) return obj;
	const wanted = fields
		.split(',')
		.map((f) => f.trim().replace(/\{.*$/, ''))
		.filter(Boolean);
	const out: Record<string, unknown> = {};
	for (const f of wanted) if (f in obj) out[f] = obj[f];
	out.id = obj.id;
	return out;
}

const encodeCursor = (id: string) => Buffer.from(`tpl:${id}`).toString('base64url');
const decodeCursor = (c: string) => {
	const text = Buffer.from(c, 'base64url').toString('utf8');
	return text.startsWith('tpl:') ? text.slice(4) : undefined;
};

function listTemplates(ctx: SimContext, req: GraphRequest): GraphResponse {
	const q = req.query;
	let list: MessageTemplate[] = [...ctx.templates];
	const name = q.get('name');
	if (name) list = list.filter((t) => t.name.includes(name));
	const status = q.get('status');
	if (status) {
		const wanted = status.toUpperCase().split(',');
		list = list.filter((t) => wanted.includes(t.status));
	}
	const language = q.get('language');
	if (language) list = list.filter((t) => t.language === language);
	const category = q.get('category');
	if (category) {
		const wanted = category.toUpperCase().split(',');
		list = list.filter((t) => wanted.includes(t.category));
	}
	const limitRaw = q.get('limit');
	const limit = limitRaw === null ? 25 : Number(limitRaw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
		throw Errors.invalidParameter('Param limit must be an integer between 1 and 1000.');
	}
	let start = 0;
	let end: number;
	const after = q.get('after');
	const before = q.get('before');
	if (after) {
		const id = decodeCursor(after);
		const idx = list.findIndex((t) => t.id === id);
		if (idx === -1) throw Errors.invalidParameter('Param after is not a valid cursor.');
		start = idx + 1;
		end = Math.min(list.length, start + limit);
	} else if (before) {
		const id = decodeCursor(before);
		const idx = list.findIndex((t) => t.id === id);
		if (idx === -1) throw Errors.invalidParameter('Param before is not a valid cursor.');
		end = idx;
		start = Math.max(0, end - limit);
	} else {
		end = Math.min(list.length, limit);
	}
	const page = list.slice(start, end);
	const fields = q.get('fields');
	const data = page.map((t) => project({ ...t } as unknown as Record<string, unknown>, fields));
	const body: Record<string, unknown> = { data };
	if (page.length) {
		const paging: Record<string, unknown> = {
			cursors: { before: encodeCursor(page[0].id), after: encodeCursor(page[page.length - 1].id) },
		};
		const link = (key: 'after' | 'before', cursor: string) => {
			const u = new URL(req.url.toString());
			u.searchParams.delete('after');
			u.searchParams.delete('before');
			u.searchParams.set('limit', String(limit));
			u.searchParams.set(key, cursor);
			return u.toString();
		};
		if (end < list.length) paging.next = link('after', encodeCursor(page[page.length - 1].id));
		if (start > 0) paging.previous = link('before', encodeCursor(page[0].id));
		body.paging = paging;
	}
	return ok(body);
}

async function setPhoneWebhook(
	ctx: SimContext,
	phone: PhoneNumberConfig,
	p: Record<string, unknown>,
): Promise<GraphResponse> {
	const cfg = p.webhook_configuration;
	if (!isRecord(cfg)) throw Errors.requiredParameter('webhook_configuration');
	const uri = cfg.override_callback_uri;
	if (uri === undefined) throw Errors.requiredParameter("webhook_configuration['override_callback_uri']");
	if (uri === '' || uri === null) {
		ctx.state.phoneOverrides.delete(phone.id);
		return ok({ success: true });
	}
	if (typeof uri !== 'string')
		throw Errors.invalidParameter("Param webhook_configuration['override_callback_uri'] must be a URL.");
	const token = cfg.verify_token;
	if (typeof token !== 'string' || !token)
		throw Errors.requiredParameter("webhook_configuration['verify_token']");
	const result = await ctx.sender.handshake(uri, token);
	if (!result.ok) throw Errors.webhookVerification(result.error ?? 'The URL could not be validated.');
	ctx.state.phoneOverrides.set(phone.id, { uri, verifyToken: token });
	return ok({ success: true });
}

async function subscribedApps(ctx: SimContext, req: GraphRequest): Promise<GraphResponse> {
	const app = { id: '300000000000001', name: 'Sim Clinic App', link: 'https://clinic.example/app' };
	if (req.method === 'GET') {
		return ok({
			data: ctx.state.subscribedApps.map((a) => ({
				whatsapp_business_api_data: app,
				...(a.overrideCallbackUri ? { override_callback_uri: a.overrideCallbackUri } : {}),
			})),
		});
	}
	if (req.method === 'DELETE') {
		ctx.state.subscribedApps = [];
		ctx.state.wabaOverride = undefined;
		return ok({ success: true });
	}
	const p = params(req);
	const uri = p.override_callback_uri;
	if (typeof uri === 'string' && uri) {
		const token = p.verify_token;
		if (typeof token !== 'string' || !token) throw Errors.requiredParameter('verify_token');
		const result = await ctx.sender.handshake(uri, token);
		if (!result.ok) throw Errors.webhookVerification(result.error ?? 'The URL could not be validated.');
		ctx.state.wabaOverride = { uri, verifyToken: token };
	} else if (uri === '') {
		ctx.state.wabaOverride = undefined;
	}
	ctx.state.subscribedApps = [
		{ id: app.id, name: app.name, overrideCallbackUri: ctx.state.wabaOverride?.uri },
	];
	return ok({ success: true });
}

export async function handleGraph(ctx: SimContext, req: GraphRequest): Promise<GraphResponse> {
	const extra =
		handleGroupsGraph(ctx, req) ??
		handleCallingGraph(ctx, req) ??
		handleFlowsEncryptionGraph(ctx, req) ??
		handleFlowsGraph(ctx, req);
	if (extra) return extra;
	const [objectId, edge, ...rest] = req.segments;
	const method = req.method;
	const notFound = () => Errors.unknownPath(`/${req.segments.join('/')}`);
	if (rest.length) throw notFound();
	if (!objectId || objectId === 'me') {
		if (method !== 'GET') throw notFound();
		return ok({ id: '400000000000001', name: 'Sim Clinic System User' });
	}
	const phone = findPhone(ctx, objectId);
	if (phone) {
		if (!edge) {
			if (method === 'GET') return ok(project(phoneInfo(ctx, phone), req.query.get('fields')));
			if (method === 'POST') return setPhoneWebhook(ctx, phone, params(req));
			throw Errors.unknownObject(objectId, method.toLowerCase());
		}
		if (edge === 'messages' && method === 'POST') return ok(sendMessage(ctx, phone, params(req)));
		if (edge === 'media' && method === 'POST')
			return ok(uploadMedia(ctx, phone.id, req.body, req.contentType));
		throw notFound();
	}
	if (objectId === ctx.options.wabaId) {
		if (!edge && method === 'GET') {
			return ok(
				project(
					{
						id: objectId,
						name: 'Sim Clinic',
						currency: 'USD',
						timezone_id: '1',
						message_template_namespace: 'sim_clinic_ns',
					},
					req.query.get('fields'),
				),
			);
		}
		if (edge === 'message_templates' && method === 'GET') return listTemplates(ctx, req);
		if (edge === 'phone_numbers' && method === 'GET') {
			return ok({
				data: ctx.options.phoneNumbers.map((p) => project(phoneInfo(ctx, p), req.query.get('fields'))),
			});
		}
		if (edge === 'subscribed_apps') return subscribedApps(ctx, req);
		throw notFound();
	}
	if (!edge) {
		const template = ctx.templates.find((t) => t.id === objectId);
		if (template && method === 'GET')
			return ok(project({ ...template } as unknown as Record<string, unknown>, req.query.get('fields')));
		if (method === 'GET') return ok(getMediaInfo(ctx, objectId));
		if (method === 'DELETE') return ok(deleteMedia(ctx, objectId));
	}
	throw Errors.unknownObject(objectId, method.toLowerCase());
}
