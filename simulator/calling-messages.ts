/**
 * The calling messages in the simulator's Send API: `interactive.type` voice_call (call button) and
 * call_permission_request, validated with Meta's limits (body ≤ 1,024; display_text ≤ 20; ttl_minutes 1–43,200;
 * payload ≤ 512) and rendered for the chat page; at send time calling must be enabled on the number, and a permission
 * request must respect the per-user limits (1 per 24 hours, 2 per 7 days while unanswered).
 */
import { callingEnabled, permissionOf, permissionRequestRefusal } from './calling';
import type { SimContext } from './context';
import { Errors, GraphError } from './errors';
import { isRecord } from './http-util';
import type { RenderedMessage, SimUser } from './state';

export const CALLING_INTERACTIVE_TYPES = ['voice_call', 'call_permission_request'];

/** Checks the action of a calling interactive message and renders its button (body is checked by the caller). */
export function checkCallingInteractive(raw: Record<string, unknown>, rendered: RenderedMessage): void {
	const type = String(raw.type);
	const action = isRecord(raw.action) ? raw.action : undefined;
	if (!action || action.name !== type)
		throw Errors.requiredParameter(`interactive['action'] (with name "${type}")`);
	if (type === 'call_permission_request') {
		rendered.buttons = [{ type: 'call_permission', text: 'Allow calls' }];
		return;
	}
	const params = action.parameters === undefined ? {} : action.parameters;
	if (!isRecord(params))
		throw Errors.invalidParameter("Param interactive['action']['parameters'] must be a JSON object.");
	const text = params.display_text;
	if (text !== undefined && (typeof text !== 'string' || [...text].length > 20))
		throw Errors.paramTooLong("interactive['action']['parameters']['display_text']", 20);
	const ttl = params.ttl_minutes;
	if (ttl !== undefined && (!Number.isInteger(ttl) || (ttl as number) < 1 || (ttl as number) > 43_200))
		throw Errors.invalidParameter(
			"Param interactive['action']['parameters']['ttl_minutes'] must be between 1 and 43200.",
		);
	const payload = params.payload;
	if (payload !== undefined && (typeof payload !== 'string' || payload.length > 512))
		throw Errors.paramTooLong("interactive['action']['parameters']['payload']", 512);
	rendered.buttons = [
		{
			type: 'voice_call',
			text: typeof text === 'string' && text ? text : 'Call Now',
			...(typeof payload === 'string' ? { payload } : {}),
		},
	];
}

/** At send time: calling enabled for a call button or permission request; the permission request limits. */
export function checkCallingSend(
	ctx: SimContext,
	phoneNumberId: string,
	raw: Record<string, unknown>,
	user: SimUser,
): void {
	const interactive = isRecord(raw.interactive) ? raw.interactive : undefined;
	const type = String(interactive?.type ?? '');
	if (raw.type !== 'interactive' || !CALLING_INTERACTIVE_TYPES.includes(type)) return;
	if (!callingEnabled(ctx, phoneNumberId))
		throw new GraphError(
			400,
			131009,
			'(#131009) Parameter value is not valid',
			`Interactive message type ${type} needs calling enabled on this business phone number (POST /{phone-number-id}/settings).`,
		);
	if (type !== 'call_permission_request') return;
	const refusal = permissionRequestRefusal(ctx, user);
	if (refusal) throw new GraphError(400, 131009, '(#131009) Parameter value is not valid', refusal);
	permissionOf(ctx, user).requests.push(ctx.clock.now());
}
