/**
 * What the endpoint answers (before encryption): the next screen with its data, the Flow's end (the reserved
 * `SUCCESS` screen with `extension_message_response.params`, which come back in the completion webhook and must
 * include the flow token), an error message shown on the current screen, or a 427 body `{error_msg}`.
 */
import { z } from 'zod';

import { FlowInputError } from './errors';

export const SUCCESS_SCREEN = 'SUCCESS';

export const screenResponseSchema = z.object({
	screen: z.string().min(1),
	data: z.record(z.unknown()),
});

export type FlowScreenResponse = z.infer<typeof screenResponseSchema>;

const SCREEN_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function nextScreenResponse(screen: string, data: Record<string, unknown>): FlowScreenResponse {
	const id = String(screen ?? '').trim();
	if (!SCREEN_ID.test(id)) {
		throw new FlowInputError(`Screen "${id}" is not a screen ID`, {
			field: 'Screen',
			hint: 'Use the screen’s "id" from the Flow JSON (letters, digits and underscores, e.g. TIME).',
		});
	}
	if (id === SUCCESS_SCREEN) {
		throw new FlowInputError('SUCCESS is reserved for closing the Flow', {
			field: 'Screen',
			hint: 'Choose Respond With → Complete the Flow to close it.',
		});
	}
	return { screen: id, data: { ...data } };
}

/** Closes the Flow; `params` (plus the flow token) arrive in the completion webhook's response_json. */
export function completeResponse(
	flowToken: string,
	params: Record<string, unknown> = {},
): FlowScreenResponse {
	return {
		screen: SUCCESS_SCREEN,
		data: { extension_message_response: { params: { ...params, flow_token: flowToken } } },
	};
}

/** The current screen again with an `error_message` the client shows as a snackbar. */
export function errorMessageResponse(
	screen: string,
	message: string,
	data: Record<string, unknown> = {},
): FlowScreenResponse {
	return { ...nextScreenResponse(screen, data), data: { ...data, error_message: message } };
}

export function invalidTokenBody(message: string): { error_msg: string } {
	return { error_msg: message };
}

export const PING_RESPONSE = { data: { status: 'active' } } as const;
export const ACKNOWLEDGED_RESPONSE = { data: { acknowledged: true } } as const;
