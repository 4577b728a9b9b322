/**
 * Business Calling API of the simulator (Meta: …/whatsapp/calling/): the number's calling settings, call permissions
 * granted by patients, calls and their `calls` webhooks. Signalling only: SDPs are checked to be RFC 8866 text
 * (start with v=0) and passed along; there is no media.
 *
 *   Graph (calling-graph.ts):  GET/POST /{phone}/settings, POST /{phone}/calls, GET /{phone}/call_permissions
 *   Control (calling-control.ts): the patient's side (call the clinic, answer, hang up, allow or decline calls)
 * Webhooks (field `calls`): `value.calls[]` connect (SDP offer of a user's call, or the user's SDP answer to the
 * clinic's call) and terminate (COMPLETED with start/end/duration, or FAILED); `value.statuses[]` of type call
 * (RINGING, ACCEPTED, REJECTED) for business-initiated calls. Permission answers are `messages` webhooks
 * (interactive call_permission_reply).
 */
import { randomBytes } from 'node:crypto';

import type { SimContext } from './context';
import { findPhone } from './context';
import { sendFieldWebhook } from './field-webhook';
import type { SimState, SimUser } from './state';
import { displayDigits } from './webhook-sender';

export const PERMISSION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SimCall {
	id: string;
	phoneNumberId: string;
	userKey: string;
	direction: 'USER_INITIATED' | 'BUSINESS_INITIATED';
	state: 'ringing' | 'pre_accepted' | 'accepted' | 'ended';
	createdAt: number;
	acceptedAt?: number;
	endedAt?: number;
	ctaPayload?: string;
	bizOpaqueCallbackData?: string;
}

export interface SimPermission {
	status: 'granted' | 'rejected';
	expiresAt?: number;
	/** Call permission requests sent to this user (epoch ms), for Meta's limits. */
	requests: number[];
}

interface CallingState {
	generation: number;
	settings: Map<string, Record<string, unknown>>;
	permissions: Map<string, SimPermission>;
	calls: Map<string, SimCall>;
}

const registry = new WeakMap<SimState, CallingState>();

export function callingOf(ctx: SimContext): CallingState {
	let s = registry.get(ctx.state);
	if (!s || s.generation !== ctx.state.generation) {
		s = { generation: ctx.state.generation, settings: new Map(), permissions: new Map(), calls: new Map() };
		registry.set(ctx.state, s);
	}
	return s;
}

/** The simulated number starts with calling enabled, as after the clinic switched it on in WhatsApp Manager. */
export function settingsOf(ctx: SimContext, phoneNumberId: string): Record<string, unknown> {
	const state = callingOf(ctx);
	let s = state.settings.get(phoneNumberId);
	if (!s) {
		s = {
			status: 'ENABLED',
			call_icon_visibility: 'DEFAULT',
			callback_permission_status: 'DISABLED',
			call_hours: { status: 'DISABLED' },
			sip: { status: 'DISABLED' },
		};
		state.settings.set(phoneNumberId, s);
	}
	return s;
}

export function callingEnabled(ctx: SimContext, phoneNumberId: string): boolean {
	const s = settingsOf(ctx, phoneNumberId);
	return s.status === 'ENABLED' && (s.sip as { status?: string } | undefined)?.status !== 'ENABLED';
}

export const userKeyOf = (u: SimUser) => u.waId ?? u.userId;

export function permissionOf(ctx: SimContext, user: SimUser): SimPermission {
	const state = callingOf(ctx);
	let p = state.permissions.get(userKeyOf(user));
	if (!p) {
		p = { status: 'rejected', requests: [] };
		state.permissions.set(userKeyOf(user), p);
	}
	return p;
}

export function hasPermission(ctx: SimContext, user: SimUser): boolean {
	const p = permissionOf(ctx, user);
	return p.status === 'granted' && (p.expiresAt === undefined || p.expiresAt > ctx.clock.now());
}

/** Meta's reported limits on asking: 1 request per 24 hours and 2 per 7 days while unanswered. */
export function permissionRequestRefusal(ctx: SimContext, user: SimUser): string | undefined {
	const now = ctx.clock.now();
	const recent = permissionOf(ctx, user).requests.filter((t) => now - t < PERMISSION_DAYS * DAY_MS);
	if (recent.some((t) => now - t < DAY_MS))
		return 'Call permission request limit reached: at most 1 request per 24 hours to the same user.';
	if (recent.length >= 2)
		return 'Call permission request limit reached: at most 2 requests per 7 days to the same user.';
	return undefined;
}

export function newCallId(): string {
	return `wacid.${randomBytes(24).toString('base64url')}`;
}

/** A small RFC 8866 offer standing in for the patient's phone (there is no media in the simulator). */
export function fakeSdp(type: 'offer' | 'answer'): string {
	const id = randomBytes(6).readUIntBE(0, 6);
	return [
		'v=0',
		`o=- ${id} 2 IN IP4 127.0.0.1`,
		`s=WhatsApp simulated ${type}`,
		't=0 0',
		'a=group:BUNDLE audio',
		'm=audio 9 UDP/TLS/RTP/SAVPF 111',
		'c=IN IP4 0.0.0.0',
		`a=ice-ufrag:${randomBytes(4).toString('hex')}`,
		`a=ice-pwd:${randomBytes(12).toString('hex')}`,
		'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
		`a=setup:${type === 'offer' ? 'actpass' : 'active'}`,
		'a=mid:audio',
		'a=rtpmap:111 opus/48000/2',
		'',
	].join('\r\n');
}

function contactOf(user: SimUser): Record<string, unknown> {
	return {
		profile: { name: user.name ?? 'Test Patient' },
		...(user.waId ? { wa_id: user.waId } : {}),
		user_id: user.userId,
	};
}

/** Sends one `calls` webhook: `calls` and/or `statuses` entries, with the user in `contacts`. */
export function sendCallWebhook(
	ctx: SimContext,
	phoneNumberId: string,
	user: SimUser,
	value: { calls?: Array<Record<string, unknown>>; statuses?: Array<Record<string, unknown>> },
	eventId: string,
): void {
	sendFieldWebhook(ctx, phoneNumberId, 'calls', 'calls', { contacts: [contactOf(user)], ...value }, eventId);
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** The call's two ends: the user's number and the business number, in Meta's from/to order. */
function ends(ctx: SimContext, call: SimCall, user: SimUser): { from: string; to: string } {
	const phone = findPhone(ctx, call.phoneNumberId);
	const business = phone ? displayDigits(phone) : call.phoneNumberId;
	const patient = user.waId ?? user.userId;
	return call.direction === 'USER_INITIATED'
		? { from: patient, to: business }
		: { from: business, to: patient };
}

/** One `value.calls[]` entry of this call: its ends, the event, and what the call carries (button payload, callback data). */
function callEntry(
	ctx: SimContext,
	call: SimCall,
	user: SimUser,
	event: 'connect' | 'terminate',
	extra: Record<string, unknown>,
): Record<string, unknown> {
	return {
		id: call.id,
		...ends(ctx, call, user),
		event,
		direction: call.direction,
		timestamp: seconds(ctx.clock.now()),
		...extra,
		...(call.ctaPayload ? { cta_payload: call.ctaPayload } : {}),
		...(call.bizOpaqueCallbackData ? { biz_opaque_callback_data: call.bizOpaqueCallbackData } : {}),
	};
}

/** connect webhook: the user's SDP offer (their call) or answer (they took the clinic's call). */
export function sendConnect(
	ctx: SimContext,
	call: SimCall,
	user: SimUser,
	sdpType: 'offer' | 'answer',
): void {
	sendCallWebhook(
		ctx,
		call.phoneNumberId,
		user,
		{
			calls: [
				callEntry(ctx, call, user, 'connect', { session: { sdp_type: sdpType, sdp: fakeSdp(sdpType) } }),
			],
		},
		`${call.id}:connect:${sdpType}`,
	);
}

/** Status webhook of a business-initiated call (RINGING, ACCEPTED, REJECTED). */
export function sendCallStatus(ctx: SimContext, call: SimCall, user: SimUser, status: string): void {
	sendCallWebhook(
		ctx,
		call.phoneNumberId,
		user,
		{
			statuses: [
				{
					id: call.id,
					timestamp: seconds(ctx.clock.now()),
					type: 'call',
					status,
					recipient_id: user.waId ?? user.userId,
					...(call.bizOpaqueCallbackData ? { biz_opaque_callback_data: call.bizOpaqueCallbackData } : {}),
				},
			],
		},
		`${call.id}:status:${status}`,
	);
}

/** Ends a call: terminate webhook, COMPLETED with times and duration after a conversation, else FAILED. */
export function endCall(ctx: SimContext, call: SimCall, user: SimUser): void {
	if (call.state === 'ended') return;
	const now = ctx.clock.now();
	const talked = call.state === 'accepted' && call.acceptedAt !== undefined;
	call.state = 'ended';
	call.endedAt = now;
	sendCallWebhook(
		ctx,
		call.phoneNumberId,
		user,
		{
			calls: [
				callEntry(ctx, call, user, 'terminate', {
					status: talked ? 'COMPLETED' : 'FAILED',
					...(talked
						? {
								start_time: seconds(call.acceptedAt as number),
								end_time: seconds(now),
								duration: Math.max(1, Math.round((now - (call.acceptedAt as number)) / 1000)),
							}
						: {}),
				}),
			],
		},
		`${call.id}:terminate`,
	);
}
