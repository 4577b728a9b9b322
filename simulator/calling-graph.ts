/**
 * Calling API Graph routes of the simulator, validated like Meta (Meta: …/whatsapp/calling/reference):
 *   GET  /{phone}/settings            `{calling: {...}}`
 *   POST /{phone}/settings            `{calling: {status, call_icon_visibility, call_hours, callback_permission_status, sip}}`
 *   POST /{phone}/calls               action connect | pre_accept | accept | reject | terminate
 *   GET  /{phone}/call_permissions    ?user_wa_id=  permission status and what the business may do now
 * Refusals (calling disabled or routed to SIP, no call permission, unknown call, wrong state) answer 131009 with the
 * reason in error_data.details; malformed parameters answer 100.
 */
import type { SimContext } from './context';
import { findPhone } from './context';
import {
	callingEnabled,
	callingOf,
	endCall,
	hasPermission,
	newCallId,
	permissionOf,
	permissionRequestRefusal,
	sendCallStatus,
	settingsOf,
	type SimCall,
} from './calling';
import { Errors, GraphError } from './errors';
import type { GraphRequest, GraphResponse } from './graph-routes';
import { bodyOf, requireMessagingProduct } from './groups';
import { isRecord } from './http-util';
import type { PhoneNumberConfig } from './options';
import type { SimUser } from './state';

const refused = (details: string) =>
	new GraphError(400, 131009, '(#131009) Parameter value is not valid', details);
const ok = (body: unknown): GraphResponse => ({ status: 200, body });
const ON_OFF = ['ENABLED', 'DISABLED'];

function enumValue(obj: Record<string, unknown>, key: string, allowed: string[], path: string): void {
	if (obj[key] !== undefined && !allowed.includes(String(obj[key])))
		throw Errors.invalidParameter(`Param ${path}['${key}'] must be one of {${allowed.join(', ')}}.`);
}

function checkSettings(calling: Record<string, unknown>): void {
	enumValue(calling, 'status', ON_OFF, 'calling');
	enumValue(calling, 'call_icon_visibility', ['DEFAULT', 'DISABLE_ALL'], 'calling');
	enumValue(calling, 'callback_permission_status', ON_OFF, 'calling');
	const hours = calling.call_hours;
	if (hours !== undefined) {
		if (!isRecord(hours)) throw Errors.invalidParameter("Param calling['call_hours'] must be a JSON object.");
		enumValue(hours, 'status', ON_OFF, "calling['call_hours']");
		if (hours.status === 'ENABLED') {
			if (typeof hours.timezone_id !== 'string')
				throw Errors.requiredParameter("calling['call_hours']['timezone_id']");
			const weekly = hours.weekly_operating_hours;
			if (!Array.isArray(weekly) || !weekly.length)
				throw Errors.requiredParameter("calling['call_hours']['weekly_operating_hours']");
			for (const d of weekly)
				if (!isRecord(d) || !/^\d{4}$/.test(String(d.open_time)) || !/^\d{4}$/.test(String(d.close_time)))
					throw Errors.invalidParameter(
						'Param weekly_operating_hours: open_time and close_time must be HHMM.',
					);
		}
	}
	const sip = calling.sip;
	if (sip !== undefined) {
		if (!isRecord(sip)) throw Errors.invalidParameter("Param calling['sip'] must be a JSON object.");
		enumValue(sip, 'status', ON_OFF, "calling['sip']");
		const servers = sip.servers;
		if (sip.status === 'ENABLED' && (!Array.isArray(servers) || !servers.length))
			throw Errors.requiredParameter("calling['sip']['servers']");
		for (const s of Array.isArray(servers) ? servers : [])
			if (!isRecord(s) || typeof s.hostname !== 'string' || !Number.isInteger(s.port))
				throw Errors.invalidParameter('Param sip servers: each needs hostname (string) and port (integer).');
	}
}

function userOf(ctx: SimContext, raw: unknown, param: string): SimUser {
	if (typeof raw !== 'string' || !raw.trim()) throw Errors.requiredParameter(param);
	const digits = raw.replace(/[\s\-().+]/g, '');
	const user = ctx.state.findUser(digits) ?? ctx.state.findUser(raw.trim());
	if (user) return user;
	if (!/^\d{7,15}$/.test(digits))
		throw Errors.invalidParameter(`Param ${param} must be a phone number or WhatsApp ID.`);
	return ctx.state.upsertUser({ waId: digits }).user;
}

function sdpOf(p: Record<string, unknown>, type: 'offer' | 'answer'): void {
	const session = p.session;
	if (!isRecord(session)) throw Errors.requiredParameter('session');
	if (session.sdp_type !== type)
		throw Errors.invalidParameter(`Param session['sdp_type'] must be "${type}".`);
	if (typeof session.sdp !== 'string' || !session.sdp.startsWith('v=0'))
		throw Errors.invalidParameter("Param session['sdp'] must be an SDP (RFC 8866) starting with v=0.");
}

function callOf(ctx: SimContext, phone: PhoneNumberConfig, p: Record<string, unknown>): SimCall {
	if (typeof p.call_id !== 'string' || !p.call_id) throw Errors.requiredParameter('call_id');
	const call = callingOf(ctx).calls.get(p.call_id);
	if (!call || call.phoneNumberId !== phone.id)
		throw refused(`Call ${p.call_id.slice(0, 40)} does not exist.`);
	if (call.state === 'ended') throw refused('The call has already ended.');
	return call;
}

function calls(ctx: SimContext, phone: PhoneNumberConfig, p: Record<string, unknown>): GraphResponse {
	requireMessagingProduct(p);
	const action = p.action;
	if (!['connect', 'pre_accept', 'accept', 'reject', 'terminate'].includes(String(action)))
		throw Errors.invalidParameter(
			'Param action must be one of {connect, pre_accept, accept, reject, terminate}.',
		);
	if (!callingEnabled(ctx, phone.id))
		throw refused('Calling is not enabled for this business phone number (or calls are routed to SIP).');
	if (action === 'connect') {
		const user = userOf(ctx, p.to, 'to');
		sdpOf(p, 'offer');
		if (!hasPermission(ctx, user))
			throw refused('The user has not granted call permission: send a call permission request first.');
		const call: SimCall = {
			id: newCallId(),
			phoneNumberId: phone.id,
			userKey: user.waId ?? user.userId,
			direction: 'BUSINESS_INITIATED',
			state: 'ringing',
			createdAt: ctx.clock.now(),
			bizOpaqueCallbackData:
				typeof p.biz_opaque_callback_data === 'string' ? p.biz_opaque_callback_data : undefined,
		};
		callingOf(ctx).calls.set(call.id, call);
		ctx.scheduler.schedule(0, () => sendCallStatus(ctx, call, user, 'RINGING'));
		return ok({ messaging_product: 'whatsapp', calls: [{ id: call.id }] });
	}
	const call = callOf(ctx, phone, p);
	const user = ctx.state.findUser(call.userKey) as SimUser;
	if (action === 'terminate') {
		endCall(ctx, call, user);
		return ok({ messaging_product: 'whatsapp', success: true });
	}
	if (call.direction !== 'USER_INITIATED' || call.state === 'accepted')
		throw refused(
			`Cannot ${String(action)} this call: only a user's ringing call can be answered or rejected.`,
		);
	if (action === 'reject') {
		endCall(ctx, call, user);
		return ok({ messaging_product: 'whatsapp', success: true });
	}
	sdpOf(p, 'answer');
	if (action === 'pre_accept') call.state = 'pre_accepted';
	else {
		call.state = 'accepted';
		call.acceptedAt = ctx.clock.now();
	}
	return ok({ messaging_product: 'whatsapp', success: true });
}

function permissions(ctx: SimContext, req: GraphRequest): GraphResponse {
	const user = userOf(ctx, req.query.get('user_wa_id') ?? undefined, 'user_wa_id');
	const p = permissionOf(ctx, user);
	const granted = hasPermission(ctx, user);
	const refusal = permissionRequestRefusal(ctx, user);
	return ok({
		messaging_product: 'whatsapp',
		permission: granted
			? { status: 'temporary', expiration_time: Math.floor((p.expiresAt ?? 0) / 1000) }
			: { status: 'no_permission' },
		actions: [
			{ action_name: 'send_call_permission_request', can_perform_action: !granted && !refusal },
			{ action_name: 'start_call', can_perform_action: granted },
		],
	});
}

/** Calling routes; undefined when the request is not about calling. */
export function handleCallingGraph(ctx: SimContext, req: GraphRequest): GraphResponse | undefined {
	const [objectId, edge, ...rest] = req.segments;
	const phone = objectId ? findPhone(ctx, objectId) : undefined;
	if (!phone || rest.length || !['settings', 'calls', 'call_permissions'].includes(edge ?? ''))
		return undefined;
	if (edge === 'settings' && req.method === 'GET') return ok({ calling: settingsOf(ctx, phone.id) });
	if (edge === 'settings' && req.method === 'POST') {
		const p = bodyOf(req);
		if (!isRecord(p.calling)) throw Errors.requiredParameter('calling');
		checkSettings(p.calling);
		const current = settingsOf(ctx, phone.id);
		Object.assign(current, p.calling);
		return ok({ success: true });
	}
	if (edge === 'calls' && req.method === 'POST') return calls(ctx, phone, bodyOf(req));
	if (edge === 'call_permissions' && req.method === 'GET') return permissions(ctx, req);
	throw Errors.unknownPath(`/${req.segments.join('/')}`);
}
