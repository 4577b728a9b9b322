/**
 * Meta-shaped Graph API errors. Every error the simulator returns goes through GraphError so the body is
 * `{error:{message, type, code, error_subcode?, error_data:{messaging_product, details}, fbtrace_id}}`.
 */
import { randomBytes } from 'node:crypto';

export function fbtraceId(): string {
	return 'A' + randomBytes(16).toString('base64url').slice(0, 22);
}

export class GraphError extends Error {
	constructor(
		readonly httpStatus: number,
		readonly code: number,
		message: string,
		readonly details?: string,
		readonly subcode?: number,
		readonly type: string = 'OAuthException',
	) {
		super(message);
	}

	toBody(): { error: Record<string, unknown> } {
		const error: Record<string, unknown> = { message: this.message, type: this.type, code: this.code };
		if (this.subcode !== undefined) error.error_subcode = this.subcode;
		if (this.details !== undefined)
			error.error_data = { messaging_product: 'whatsapp', details: this.details };
		error.fbtrace_id = fbtraceId();
		return { error };
	}
}

/** The error catalogue, keyed by what went wrong. Status codes follow what Meta returns for each code. */
export const Errors = {
	missingToken: () =>
		new GraphError(
			401,
			190,
			'An active access token must be used to query information about the current user.',
		),
	invalidToken: () => new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token'),
	invalidParameter: (details: string) => new GraphError(400, 100, '(#100) Invalid parameter', details),
	requiredParameter: (param: string) =>
		new GraphError(
			400,
			100,
			`(#100) The parameter ${param} is required.`,
			`The parameter ${param} is required.`,
		),
	paramTooLong: (param: string, max: number) =>
		new GraphError(
			400,
			100,
			'(#100) Invalid parameter',
			`Param ${param} must be at most ${max} characters long.`,
		),
	parameterValueNotValid: (details: string) =>
		new GraphError(400, 131009, '(#131009) Parameter value is not valid', details),
	requiredParameterMissing: (details: string) =>
		new GraphError(400, 131008, '(#131008) Required parameter is missing', details),
	unknownObject: (id: string, method = 'get') =>
		new GraphError(
			400,
			100,
			`Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
			undefined,
			33,
			'GraphMethodException',
		),
	unknownPath: (path: string) =>
		new GraphError(400, 2500, `Unknown path components: ${path}`, undefined, undefined, 'OAuthException'),
	templateNotFound: (name: string, language: string) =>
		new GraphError(
			404,
			132001,
			'(#132001) Template name does not exist in the translation',
			`template name (${name}) does not exist in ${language}`,
		),
	templatePaused: (name: string) =>
		new GraphError(
			400,
			132015,
			'(#132015) Template is Paused',
			`Template ${name} is paused due to low quality`,
		),
	templateParamCount: (details: string) =>
		new GraphError(
			400,
			132000,
			'(#132000) Number of parameters does not match the expected number of params',
			details,
		),
	templateFormatMismatch: (details: string) =>
		new GraphError(
			400,
			132012,
			'(#132012) Parameter format does not match format in the created template',
			details,
		),
	templateTextTooLong: (details: string) =>
		new GraphError(400, 132005, '(#132005) Translated text too long', details),
	reEngagement: () =>
		new GraphError(
			400,
			131047,
			'(#131047) Re-engagement message',
			'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
		),
	undeliverable: () =>
		new GraphError(400, 131026, '(#131026) Message undeliverable', 'Message Undeliverable.'),
	throughput: () =>
		new GraphError(400, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'),
	pairRate: () =>
		new GraphError(
			400,
			131056,
			'(#131056) (Business Account, Consumer Account) pair rate limit hit',
			'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
		),
	internal: () =>
		new GraphError(
			500,
			131000,
			'(#131000) Something went wrong',
			'Something went wrong. Please retry later.',
		),
	mediaUpload: (details: string) => new GraphError(400, 131053, '(#131053) Media upload error', details),
	webhookVerification: (details: string) =>
		new GraphError(400, 2200, '(#2200) Callback verification failed with the following errors', details),
};

/** Error objects as they appear inside webhooks (`statuses[].errors[]`, `messages[].errors[]`). */
export function webhookError(code: number, title: string, details: string): Record<string, unknown> {
	return {
		code,
		title,
		message: title,
		error_data: { details },
		href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
	};
}
