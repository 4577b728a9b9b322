/**
 * Control routes for calls (no auth, like every /_sim route): what the patient does on their phone.
 *
 *   POST /_sim/calls/permission {from|userId, response: accept|reject, context?}  answer a call permission request
 *   POST /_sim/calls/start      {from|userId, ctaPayload?}      call the clinic (e.g. from a call button)
 *   POST /_sim/calls/answer     {callId, accept: true|false}    take or decline the clinic's call
 *   POST /_sim/calls/hangup     {callId}                         hang up
 *   GET  /_sim/calls[?user=]                                      calls and their state
 */
import {
	PERMISSION_DAYS,
	callingEnabled,
	callingOf,
	endCall,
	newCallId,
	permissionOf,
	sendCallStatus,
	sendConnect,
	type SimCall,
} from './calling';
import type { SimContext } from './context';
import { defaultPhone } from './context';
import type { ControlResponse } from './control-routes';
import { Errors, GraphError } from './errors';
import { jsonObject, personOf } from './request-body';
import type { SimUser } from './state';
import { newWamid } from './state';
import { displayDigits } from './webhook-sender';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The patient's answer: a `call_permission_reply` message webhook; a grant lasts 7 days. */
async function answerPermission(
	ctx: SimContext,
	b: Record<string, unknown>,
): Promise<Record<string, unknown>> {
	const user = personOf(ctx, b);
	const response = b.response === 'reject' ? 'reject' : b.response === 'accept' ? 'accept' : undefined;
	if (!response) throw Errors.invalidParameter('response must be accept or reject');
	const phone = defaultPhone(ctx);
	const now = ctx.clock.now();
	const permission = permissionOf(ctx, user);
	permission.requests = [];
	permission.status = response === 'accept' ? 'granted' : 'rejected';
	permission.expiresAt = response === 'accept' ? now + PERMISSION_DAYS * DAY_MS : undefined;
	const id = newWamid(user.waId ?? user.userId);
	const request = [...ctx.state.outbound]
		.reverse()
		.find(
			(m) =>
				m.userKey === (user.waId ?? user.userId) &&
				m.rendered.buttons?.some((x) => x.type === 'call_permission'),
		);
	const context = typeof b.context === 'string' ? b.context : request?.id;
	const message: Record<string, unknown> = {
		...(context ? { context: { from: displayDigits(phone), id: context } } : {}),
		...(user.waId ? { from: user.waId } : {}),
		from_user_id: user.userId,
		id,
		timestamp: String(Math.floor(now / 1000)),
		type: 'interactive',
		interactive: {
			type: 'call_permission_reply',
			call_permission_reply: {
				response,
				...(response === 'accept'
					? { expiration_timestamp: Math.floor((permission.expiresAt as number) / 1000) }
					: {}),
				response_source: 'user_action',
			},
		},
	};
	user.lastInboundAt = now;
	ctx.state.addInbound({
		id,
		phoneNumberId: phone.id,
		userKey: user.waId ?? user.userId,
		type: 'interactive',
		receivedAt: now,
		message,
	});
	const target = ctx.sender.resolveTarget(phone.id);
	const contact = {
		profile: { name: user.name ?? 'Test Patient' },
		...(user.waId ? { wa_id: user.waId } : {}),
		user_id: user.userId,
	};
	const delivery = target
		? ctx.sender.sendChange(phone, target.url, 'messages', { contacts: [contact], messages: [message] }, [id])
		: undefined;
	if (delivery) await ctx.sender.firstAttempt(delivery.id);
	return {
		messageId: id,
		response,
		expiresAt: permission.expiresAt ? new Date(permission.expiresAt).toISOString() : null,
	};
}

function startCall(ctx: SimContext, b: Record<string, unknown>): Record<string, unknown> {
	const user = personOf(ctx, b);
	const phone = defaultPhone(ctx);
	if (!callingEnabled(ctx, phone.id))
		throw new GraphError(
			400,
			131009,
			'Calling is not enabled',
			'The clinic number does not take WhatsApp calls.',
		);
	const call: SimCall = {
		id: newCallId(),
		phoneNumberId: phone.id,
		userKey: user.waId ?? user.userId,
		direction: 'USER_INITIATED',
		state: 'ringing',
		createdAt: ctx.clock.now(),
		ctaPayload: typeof b.ctaPayload === 'string' && b.ctaPayload ? b.ctaPayload : undefined,
	};
	callingOf(ctx).calls.set(call.id, call);
	user.lastInboundAt = ctx.clock.now();
	sendConnect(ctx, call, user, 'offer');
	return { callId: call.id, state: call.state };
}

function callOf(ctx: SimContext, b: Record<string, unknown>): { call: SimCall; user: SimUser } {
	const call = typeof b.callId === 'string' ? callingOf(ctx).calls.get(b.callId) : undefined;
	if (!call) throw Errors.invalidParameter('callId: no such call');
	return { call, user: ctx.state.findUser(call.userKey) as SimUser };
}

function view(call: SimCall): Record<string, unknown> {
	return {
		id: call.id,
		direction: call.direction,
		state: call.state,
		user: call.userKey,
		createdAt: new Date(call.createdAt).toISOString(),
		acceptedAt: call.acceptedAt ? new Date(call.acceptedAt).toISOString() : null,
		endedAt: call.endedAt ? new Date(call.endedAt).toISOString() : null,
		ctaPayload: call.ctaPayload ?? null,
	};
}

/** The call control routes; undefined for any other path. */
export async function handleCallingControl(
	ctx: SimContext,
	method: string,
	path: string,
	query: URLSearchParams,
	body: Buffer,
): Promise<ControlResponse | undefined> {
	const ok = (b: unknown): ControlResponse => ({ status: 200, body: b });
	switch (`${method} ${path}`) {
		case 'GET /_sim/calls': {
			const user = query.get('user')?.replace(/[\s\-().+]/g, '');
			return ok({
				data: [...callingOf(ctx).calls.values()].filter((c) => !user || c.userKey === user).map(view),
			});
		}
		case 'POST /_sim/calls/permission':
			return ok(await answerPermission(ctx, jsonObject(body)));
		case 'POST /_sim/calls/start':
			return ok(startCall(ctx, jsonObject(body)));
		case 'POST /_sim/calls/answer': {
			const b = jsonObject(body);
			const { call, user } = callOf(ctx, b);
			if (call.direction !== 'BUSINESS_INITIATED' || call.state !== 'ringing')
				throw Errors.invalidParameter('Only a ringing call from the clinic can be answered here.');
			if (b.accept === false) {
				sendCallStatus(ctx, call, user, 'REJECTED');
				endCall(ctx, call, user);
			} else {
				call.state = 'accepted';
				call.acceptedAt = ctx.clock.now();
				sendConnect(ctx, call, user, 'answer');
				sendCallStatus(ctx, call, user, 'ACCEPTED');
			}
			return ok(view(call));
		}
		case 'POST /_sim/calls/hangup': {
			const { call, user } = callOf(ctx, jsonObject(body));
			endCall(ctx, call, user);
			return ok(view(call));
		}
	}
	return undefined;
}
