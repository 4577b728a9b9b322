/**
 * The node layer's ONLY translator from errors to n8n errors, and the ONLY error-item shape.
 *
 * - `toNodeError(node, error, itemIndex?)`: CloudApiError → NodeApiError (title with Meta's code, description with
 *   what to do); any other ClinicError with kind `remote` → NodeApiError; every other error → NodeOperationError
 *   whose description is the error's hint (or, for a named field, "Fix the … parameter"). n8n errors pass through
 *   with the item index filled in. Messages are scrubbed of secrets.
 * - `errorItemJson(error)`: the `error` object of a Continue On Fail item, always
 *   `{ message, description, code, title, hint, field, retryable }` (absent values are null), see docs/development.md
 *   "Error items".
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { ClinicError } from '../../core/errors';
import { CloudApiError, scrubSecrets } from '../../core/whatsapp/errors';

export type NodeError = NodeApiError | NodeOperationError;

/** The `error` object of every Continue On Fail error item. */
export interface ErrorItemError {
	/** What went wrong, one sentence. */
	message: string;
	/** Longer explanation / what to do (the n8n error's description). */
	description: string | null;
	/** Meta's numeric code, a network code (ETIMEDOUT…) or one of ours (invalid_input…). */
	code: string | number | null;
	/** Short headline, e.g. Meta's error title. */
	title: string | null;
	/** What to do about it. */
	hint: string | null;
	/** The parameter or JSON path that is wrong. */
	field: string | null;
	/** True when trying again later may succeed (rate limits, timeouts). */
	retryable: boolean | null;
	[key: string]: string | number | boolean | null;
}

export function describeCloudApiError(error: CloudApiError): string {
	const parts = [error.details || error.metaMessage || error.entry.meaning];
	if (error.userMessage && error.userMessage !== parts[0]) parts.push(error.userMessage);
	parts.push(`What to do: ${error.hint}`);
	if (typeof error.code !== 'number') parts.push(`(code ${error.code})`);
	if (error.fbtraceId) parts.push(`Meta trace ID: ${error.fbtraceId}`);
	return parts.join(' ');
}

function messageOf(error: unknown): string {
	return scrubSecrets(error instanceof Error ? error.message : String(error));
}

/** What to do, for a ClinicError: its hint, else a pointer at the field. */
function clinicDescription(error: ClinicError, itemIndex?: number): string | undefined {
	if (error.hint) return scrubSecrets(error.hint);
	if (error.field)
		return itemIndex === undefined
			? `Fix the "${error.field}" parameter.`
			: `Fix the "${error.field}" parameter of item ${itemIndex + 1}.`;
	return undefined;
}

/** Converts any error into a NodeApiError / NodeOperationError for item `itemIndex` (the one translator). */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeError {
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
		return new NodeApiError(node, response, {
			// n8n swaps messages containing ETIMEDOUT & co. for a generic one, so network codes go in the description.
			message: typeof error.code === 'number' ? `${error.title} (#${error.code})` : error.title,
			description: describeCloudApiError(error),
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	if (error instanceof ClinicError) {
		const description = clinicDescription(error, itemIndex);
		if (error.kind === 'remote') {
			// Only the message goes in the response object: NodeApiError reads a `code` there as the HTTP code.
			return new NodeApiError(
				node,
				{ message: messageOf(error) },
				{
					message: messageOf(error),
					description,
					httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
					itemIndex,
				},
			);
		}
		return new NodeOperationError(node, messageOf(error), { itemIndex, description });
	}
	return new NodeOperationError(node, messageOf(error), { itemIndex });
}

/** The `error` object of a Continue On Fail item for any error (the one error-item shape). */
export function errorItemJson(error: unknown): { error: ErrorItemError } {
	const base: ErrorItemError = {
		message: messageOf(error),
		description: null,
		code: null,
		title: null,
		hint: null,
		field: null,
		retryable: null,
	};
	if (error instanceof CloudApiError) {
		return {
			error: {
				...base,
				description: describeCloudApiError(error),
				code: error.code,
				title: error.title,
				hint: error.hint,
				retryable: error.retryable,
				...(error.fbtraceId ? { fbtraceId: error.fbtraceId } : {}),
			},
		};
	}
	if (error instanceof ClinicError) {
		return {
			error: {
				...base,
				description: clinicDescription(error) ?? null,
				code: error.code ?? null,
				title: error.title ?? null,
				hint: error.hint ? scrubSecrets(error.hint) : null,
				field: error.field ?? null,
			},
		};
	}
	const description =
		error && typeof error === 'object' && 'description' in error && typeof error.description === 'string'
			? scrubSecrets(error.description)
			: null;
	return { error: { ...base, description } };
}
