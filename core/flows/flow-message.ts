/**
 * The interactive Flow message (`interactive.type: "flow"`), in Meta's shape: `action.name: "flow"` with
 * `parameters {flow_message_version: "3", flow_token, flow_id | flow_name, flow_cta, flow_action: navigate |
 * data_exchange, flow_action_payload {screen, data} (navigate only)}`; body ≤ 1,024, footer ≤ 60, header text ≤ 60,
 * CTA ≤ 20 characters. Errors name the node field.
 */
import type { MessageContent } from '../whatsapp/messages/request';
import { FlowInputError } from './errors';
import { FLOW_MESSAGE_VERSION } from './flow-json';

export const FLOW_MESSAGE_LIMITS = { cta: 20, body: 1024, footer: 60, header: 60 } as const;

export interface FlowMessageInput {
	flowId?: string;
	flowName?: string;
	cta: string;
	body: string;
	footer?: string;
	headerText?: string;
	flowToken: string;
	flowAction: 'navigate' | 'data_exchange';
	/** navigate: the first screen and its data. */
	screen?: string;
	data?: Record<string, unknown>;
	/** Send a draft Flow (only to the business's own test numbers). */
	draft?: boolean;
}

function text(value: string | undefined, max: number, field: string, required: boolean): string | undefined {
	const v = String(value ?? '').trim();
	if (!v) {
		if (required)
			throw new FlowInputError(`${field} is empty`, { field, hint: `Write the ${field.toLowerCase()}.` });
		return undefined;
	}
	if (v.length > max)
		throw new FlowInputError(`${field} is ${v.length} characters (WhatsApp allows ${max})`, {
			field,
			hint: `Shorten it to ${max} characters or fewer.`,
		});
	return v;
}

export function buildFlowMessage(input: FlowMessageInput): MessageContent {
	const id = String(input.flowId ?? '').trim();
	const name = String(input.flowName ?? '').trim();
	if (!id && !name)
		throw new FlowInputError('No Flow is chosen', {
			field: 'Flow ID',
			hint: 'Set the Flow ID (WhatsApp Manager → Flows) or choose "By Name" and type the Flow name.',
		});
	if (!input.flowToken.trim())
		throw new FlowInputError('Flow Token is empty', {
			field: 'Flow Token',
			hint: 'Leave Flow Token on "Signed" (recommended) or type a token that identifies this conversation.',
		});
	const parameters: Record<string, unknown> = {
		flow_message_version: FLOW_MESSAGE_VERSION,
		flow_token: input.flowToken,
		...(id ? { flow_id: id } : { flow_name: name }),
		flow_cta: text(input.cta, FLOW_MESSAGE_LIMITS.cta, 'Button Text', true),
		flow_action: input.flowAction,
		...(input.draft ? { mode: 'draft' } : {}),
	};
	if (input.flowAction === 'navigate') {
		const screen = String(input.screen ?? '').trim();
		if (!screen)
			throw new FlowInputError('First Screen is empty', {
				field: 'First Screen',
				hint: 'With "Open a Screen" the Flow starts on this screen: type its ID from the Flow JSON.',
			});
		parameters.flow_action_payload = {
			screen,
			...(input.data && Object.keys(input.data).length ? { data: input.data } : {}),
		};
	}
	const headerText = text(input.headerText, FLOW_MESSAGE_LIMITS.header, 'Header Text', false);
	const footer = text(input.footer, FLOW_MESSAGE_LIMITS.footer, 'Footer', false);
	return {
		type: 'interactive',
		interactive: {
			type: 'flow',
			...(headerText ? { header: { type: 'text', text: headerText } } : {}),
			body: { text: text(input.body, FLOW_MESSAGE_LIMITS.body, 'Body', true) },
			...(footer ? { footer: { text: footer } } : {}),
			action: { name: 'flow', parameters },
		},
	};
}
