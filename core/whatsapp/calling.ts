/**
 * Business Calling API calls (Meta: developers.facebook.com/documentation/business-messaging/whatsapp/calling/),
 * over the narrow GraphRequester. This package does signalling only: it passes SDP (RFC 8866) between Meta and the
 * clinic's own WebRTC or SIP endpoint and never touches media.
 *
 *   POST /{phone-number-id}/calls            action connect (business-initiated, SDP offer), pre_accept / accept
 *                                            (answer a user's call with an SDP answer), reject, terminate
 *   GET  /{phone-number-id}/call_permissions ?user_wa_id=  whether the business may call this user now, and limits
 *   GET  /{phone-number-id}/settings          the number's settings (`calling`: status, icon, hours, callback, SIP)
 *   POST /{phone-number-id}/settings          update them (calling-settings.ts builds the body)
 *
 * A user-initiated call arrives as a `calls` webhook (`event: connect`, `session.sdp_type: offer`): answer with
 * pre_accept (optional, connects media early) then accept, both with the SDP answer, or reject it; terminate ends a
 * call. Business-initiated calls need the user's call permission (calling-messages.ts).
 */
import { ClinicError } from '../errors';
import type { GraphRequester } from './graph-types';
import { record, requireId } from './graph-util';

export const CALL_ACTIONS = ['connect', 'pre_accept', 'accept', 'reject', 'terminate'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

/** The SDP a call action carries, and its role. */
const SDP_TYPE: Partial<Record<CallAction, 'offer' | 'answer'>> = {
	connect: 'offer',
	pre_accept: 'answer',
	accept: 'answer',
};

export const MAX_SDP_BYTES = 64 * 1024;

/** Checks an SDP is an RFC 8866 session description (starts with `v=0`), naming `field` when not. */
export function parseSdp(raw: unknown, field = 'SDP'): string {
	const sdp = typeof raw === 'string' ? raw.replace(/^\s+/, '') : '';
	if (!sdp)
		throw new ClinicError(`${field} is empty`, {
			code: 'invalid_input',
			field,
			hint: 'Give the SDP your WebRTC or SIP endpoint produced (it starts with "v=0"): the offer for Start Call, the answer for Pre-Accept and Accept.',
		});
	if (!sdp.startsWith('v=0'))
		throw new ClinicError(`${field} is not an SDP session description (it must start with "v=0")`, {
			code: 'invalid_input',
			field,
			hint: 'Pass the SDP text as your endpoint gives it (RFC 8866), e.g. from RTCPeerConnection.localDescription.sdp; the call webhook’s sdp is the other side’s.',
		});
	if (Buffer.byteLength(sdp, 'utf8') > MAX_SDP_BYTES)
		throw new ClinicError(`${field} is larger than ${MAX_SDP_BYTES} bytes`, {
			code: 'invalid_input',
			field,
			hint: 'Pass only the session description, not a whole log.',
		});
	return sdp;
}

export function parseCallId(raw: unknown, field = 'Call ID'): string {
	const id = typeof raw === 'string' ? raw.trim() : '';
	if (!id)
		throw new ClinicError(`${field} is empty`, {
			code: 'invalid_input',
			field,
			hint: 'Use the callId of the WhatsApp Clinic Trigger’s call item (wacid.…), or the output of Start Call.',
		});
	return id;
}

export interface CallRequest {
	action: CallAction;
	/** Existing calls (every action but connect). */
	callId?: string;
	/** connect: the WhatsApp user to call (phone digits or E.164). */
	to?: string;
	sdp?: string;
	/** connect: echoed in the call's webhooks. */
	bizOpaqueCallbackData?: string;
}

/** POST /{phone-number-id}/calls. */
export async function callAction(
	client: GraphRequester,
	phoneNumberId: string,
	request: CallRequest,
): Promise<{ callId: string | null; success: boolean }> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	const body: Record<string, unknown> = { messaging_product: 'whatsapp', action: request.action };
	if (request.action === 'connect') body.to = requireId(request.to, 'Recipient');
	else body.call_id = parseCallId(request.callId);
	const sdpType = SDP_TYPE[request.action];
	if (sdpType)
		body.session = {
			sdp_type: sdpType,
			sdp: parseSdp(request.sdp, sdpType === 'offer' ? 'SDP Offer' : 'SDP Answer'),
		};
	if (request.action === 'connect' && request.bizOpaqueCallbackData)
		body.biz_opaque_callback_data = request.bizOpaqueCallbackData;
	// Terminate and reject may be repeated safely; connect and accept must never be sent twice.
	const idempotent = request.action === 'terminate' || request.action === 'reject';
	const data = record(await client.request('POST', `${id}/calls`, { body, idempotent }));
	const call = record(Array.isArray(data.calls) ? data.calls[0] : undefined);
	return {
		callId: typeof call.id === 'string' ? call.id : (request.callId ?? null),
		success: data.success !== false,
	};
}

export interface CallPermission {
	/** e.g. granted / temporary, no_permission, denied (Meta's value as sent). */
	status: string | null;
	/** ISO-8601, for temporary permissions. */
	expiresAt: string | null;
	/** Whether the business may start a call now (action start_call). */
	canCall: boolean | null;
	/** Whether it may send another permission request now (action send_call_permission_request). */
	canRequest: boolean | null;
	/** Meta's actions with their limits, as sent. */
	actions: Array<Record<string, unknown>>;
}

/** GET /{phone-number-id}/call_permissions?user_wa_id=…: the current permission to call one user. */
export async function getCallPermission(
	client: GraphRequester,
	phoneNumberId: string,
	user: string,
): Promise<CallPermission> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	const data = record(
		await client.request('GET', `${id}/call_permissions`, {
			qs: { user_wa_id: requireId(user, 'Recipient') },
		}),
	);
	const permission = record(data.permission);
	const actions = (Array.isArray(data.actions) ? data.actions : []).map((a) => record(a));
	const can = (name: string) => {
		const action = actions.find((a) => a.action_name === name);
		const value = action?.can_perform_action ?? action?.can_perform;
		return typeof value === 'boolean' ? value : null;
	};
	const expiration = Number(permission.expiration_time);
	return {
		status: typeof permission.status === 'string' ? permission.status : null,
		expiresAt:
			Number.isFinite(expiration) && expiration > 0 ? new Date(expiration * 1000).toISOString() : null,
		canCall: can('start_call'),
		canRequest: can('send_call_permission_request'),
		actions,
	};
}

/** GET /{phone-number-id}/settings: the `calling` part of the number's settings (Meta's wire names). */
export async function getCallingSettings(
	client: GraphRequester,
	phoneNumberId: string,
): Promise<Record<string, unknown>> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	return record(record(await client.request('GET', `${id}/settings`)).calling);
}

/** POST /{phone-number-id}/settings with `{calling}` (only the parts given change). */
export async function updateCallingSettings(
	client: GraphRequester,
	phoneNumberId: string,
	calling: Record<string, unknown>,
): Promise<boolean> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	const data = record(
		await client.request('POST', `${id}/settings`, { body: { calling }, idempotent: true }),
	);
	return data.success !== false;
}
