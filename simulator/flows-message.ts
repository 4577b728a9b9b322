/**
 * The interactive `flow` message as Meta validates and shows it ("Sending a Flow"): `action.name: "flow"` with
 * `parameters {flow_message_version: "3", flow_token?, flow_id | flow_name, flow_cta (≤ 20 characters),
 * flow_action: navigate | data_exchange, flow_action_payload {screen, data?} (navigate), mode?: draft | published}`.
 * The chat page shows the CTA as a button that opens the Flow (flows-session.ts).
 */
import { Errors } from './errors';
import { isRec } from './flows-validation';
import type { RenderedMessage } from './state';

const P = "interactive['action']['parameters']";

export function checkFlowInteractive(interactive: Record<string, unknown>, rendered: RenderedMessage): void {
	const action = isRec(interactive.action) ? interactive.action : undefined;
	const params = isRec(action?.parameters) ? action.parameters : undefined;
	if (!action || action.name !== 'flow' || !params)
		throw Errors.requiredParameter("interactive['action']['parameters'] (with name \"flow\")");
	if (String(params.flow_message_version ?? '') !== '3')
		throw Errors.invalidParameter(`Param ${P}['flow_message_version'] must be "3".`);
	if (!params.flow_id && !params.flow_name)
		throw Errors.requiredParameter(`${P}['flow_id'] or ['flow_name']`);
	const cta = params.flow_cta;
	if (typeof cta !== 'string' || !cta.trim()) throw Errors.requiredParameter(`${P}['flow_cta']`);
	if (cta.length > 20) throw Errors.paramTooLong(`${P}['flow_cta']`, 20);
	const mode = params.flow_action ?? 'navigate';
	if (mode !== 'navigate' && mode !== 'data_exchange')
		throw Errors.invalidParameter(`Param ${P}['flow_action'] must be one of {navigate, data_exchange}.`);
	if (mode === 'navigate') {
		const payload = params.flow_action_payload;
		if (payload !== undefined && (!isRec(payload) || typeof payload.screen !== 'string'))
			throw Errors.invalidParameter(`Param ${P}['flow_action_payload'] needs a "screen".`);
	}
	if (params.mode !== undefined && params.mode !== 'draft' && params.mode !== 'published')
		throw Errors.invalidParameter(`Param ${P}['mode'] must be one of {draft, published}.`);
	rendered.buttons = [{ type: 'flow', text: cta }];
}
