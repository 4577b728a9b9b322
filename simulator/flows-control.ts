/**
 * Control routes for WhatsApp Flows (no auth, like every /_sim route): what the patient does in an open Flow, and
 * what tests read back.
 *
 *   POST /_sim/flows/open   {from|userId, messageId}   tap the Flow message's button → the Flow's first screen
 *   POST /_sim/flows/submit {sessionId, form}          tap the Footer with these values → the next screen / closed
 *   POST /_sim/flows/back   {sessionId}                 the back arrow
 *   POST /_sim/flows/close  {sessionId}                 close the Flow without finishing it (no reply)
 *   GET  /_sim/flows/sessions[?user=]                   sessions: state, screens visited, error
 *   GET  /_sim/flows/requests[?flowId=]                 data-endpoint requests: action, screen, HTTP status, ms, error
 *   GET  /_sim/flows                                     the WABA's Flows (status, endpoint, validation errors)
 *   GET  /_sim/flows/{flow-id}/flow.json                 the uploaded Flow JSON (the asset's download_url)
 */
import type { SimContext } from './context';
import type { ControlResponse } from './control-routes';
import { endpointCalls } from './flows-endpoint';
import { backFlow, closeFlow, flowSessions, openFlow, submitFlow, view } from './flows-session';
import { findFlow, flowFields, listFlows } from './flows-store';
import { isRec } from './flows-validation';
import { jsonObject, personOf } from './request-body';

const ok = (body: unknown): ControlResponse => ({ status: 200, body });

export async function handleFlowsControl(
	ctx: SimContext,
	method: string,
	path: string,
	query: URLSearchParams,
	body: Buffer,
): Promise<ControlResponse | undefined> {
	if (!path.startsWith('/_sim/flows')) return undefined;
	switch (`${method} ${path}`) {
		case 'POST /_sim/flows/open': {
			const b = jsonObject(body);
			const user = personOf(ctx, b);
			return ok(await openFlow(ctx, user.waId ?? user.userId, String(b.messageId ?? '')));
		}
		case 'POST /_sim/flows/submit': {
			const b = jsonObject(body);
			return ok(await submitFlow(ctx, b.sessionId, isRec(b.form) ? b.form : {}));
		}
		case 'POST /_sim/flows/back':
			return ok(await backFlow(ctx, jsonObject(body).sessionId));
		case 'POST /_sim/flows/close':
			return ok(closeFlow(ctx, jsonObject(body).sessionId));
		case 'GET /_sim/flows/sessions': {
			const user = query.get('user')?.replace(/[\s\-().+]/g, '');
			const list = [...flowSessions(ctx).values()].filter((s) => !user || s.userKey === user);
			return ok({ data: list.map((s) => ({ ...view(s), userKey: s.userKey, visited: s.visited })) });
		}
		case 'GET /_sim/flows/requests': {
			const flowId = query.get('flowId');
			return ok({ data: endpointCalls(ctx).filter((c) => !flowId || c.flowId === flowId) });
		}
		case 'GET /_sim/flows':
			return ok({ data: listFlows(ctx).map((f) => flowFields(ctx, f)) });
	}
	const asset = /^\/_sim\/flows\/(\d+)\/flow\.json$/.exec(path);
	const flow = asset && method === 'GET' ? findFlow(ctx, asset[1]) : undefined;
	if (flow?.flowJson)
		return {
			status: 200,
			body: null,
			raw: { contentType: 'application/json', data: Buffer.from(flow.flowJson), filename: 'flow.json' },
		};
	return undefined;
}
