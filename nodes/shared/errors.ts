/**
 * Translates errors from the Cloud API client into n8n errors: CloudApiError → NodeApiError whose message names
 * the problem and Meta's code and whose description says what to do; anything else → NodeOperationError.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { CloudApiError, scrubSecrets } from '../../core/whatsapp/errors';

export function describeCloudApiError(error: CloudApiError): string {
	const parts = [error.details || error.metaMessage || error.entry.meaning];
	if (error.userMessage && error.userMessage !== parts[0]) parts.push(error.userMessage);
	parts.push(`What to do: ${error.hint}`);
	if (typeof error.code !== 'number') parts.push(`(code ${error.code})`);
	if (error.fbtraceId) parts.push(`Meta trace ID: ${error.fbtraceId}`);
	return parts.join(' ');
}

/** Converts any error raised while talking to WhatsApp into a NodeApiError / NodeOperationError for item `itemIndex`. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof CloudApiError) {
		// A string code such as ETIMEDOUT would make NodeApiError replace our message with its generic one.
		const response: JsonObject =
			typeof error.code === 'number'
				? { code: error.code, message: error.message }
				: { networkCode: String(error.code), message: error.message };
		if (error.subcode !== undefined) response.error_subcode = error.subcode;
		if (error.fbtraceId) response.fbtrace_id = error.fbtraceId;
		const apiError = new NodeApiError(node, response, {
			// n8n swaps messages containing ETIMEDOUT & co. for a generic one, so network codes go in the description.
			message: typeof error.code === 'number' ? `${error.title} (#${error.code})` : error.title,
			description: describeCloudApiError(error),
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
			itemIndex,
		});
		return apiError;
	}
	const message = scrubSecrets(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(node, message, { itemIndex });
}

/** JSON for a continue-on-fail error item. */
export function errorItemJson(error: unknown): { error: Record<string, unknown> } {
	if (error instanceof CloudApiError) {
		return {
			error: {
				code: error.code,
				title: error.title,
				message: error.message,
				hint: error.hint,
				fbtraceId: error.fbtraceId,
				retryable: error.retryable,
			},
		};
	}
	const message = scrubSecrets(error instanceof Error ? error.message : String(error));
	const description =
		error && typeof error === 'object' && 'description' in error && typeof error.description === 'string'
			? scrubSecrets(error.description)
			: undefined;
	return { error: { message, ...(description ? { description } : {}) } };
}
