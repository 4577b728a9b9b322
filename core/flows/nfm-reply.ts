/**
 * The Flow completion webhook: a message `interactive.type: "nfm_reply"` whose `nfm_reply.response_json` is a JSON
 * string (the Flow JSON's complete payload, or the endpoint's `extension_message_response.params`). It carries no
 * Flow ID; the flow token identifies the conversation. This turns the string into an object with the token apart.
 */
import { readFlowToken } from './flow-token';

export interface FlowReply {
	/** response_json parsed (null when it was not a JSON object). */
	response: Record<string, unknown> | null;
	flowToken: string | null;
	/** The reference and language of a token issued by this package (unverified: only for routing). */
	flowTokenReference: string | null;
	language: string | null;
}

export function parseFlowReply(responseJson: string | null | undefined): FlowReply {
	let response: Record<string, unknown> | null = null;
	if (typeof responseJson === 'string' && responseJson.trim() !== '') {
		try {
			const parsed: unknown = JSON.parse(responseJson);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
				response = parsed as Record<string, unknown>;
		} catch {
			response = null;
		}
	}
	const token = typeof response?.flow_token === 'string' ? response.flow_token : null;
	const claims = readFlowToken(token);
	return {
		response,
		flowToken: token,
		flowTokenReference: claims?.reference ?? null,
		language: claims?.language ?? null,
	};
}
