/**
 * Errors from the WhatsApp Cloud API: `CloudApiError` (what every caller catches), the parser for Meta's error
 * body, network-error classification, and secret scrubbing (an access token must never reach a message or log).
 */
import { ClinicError } from '../errors';
import { lookupErrorCode, type CatalogueEntry } from './error-catalogue';

export {
	ERROR_CATALOGUE,
	lookupErrorCode,
	type CatalogueEntry,
	type ErrorFamily,
	type RetryStrategy,
} from './error-catalogue';

/** Node/undici/axios error codes that mean "the network failed", not "Meta said no". */
export const NETWORK_ERROR_CODES = [
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ENETDOWN',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
] as const;

/** Network failures where the request certainly never reached Meta (safe to resend even a message). */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ENETDOWN',
	'UND_ERR_CONNECT_TIMEOUT',
]);

export interface CloudApiErrorInit {
	code: number | string;
	subcode?: number;
	httpStatus?: number;
	details?: string;
	metaMessage?: string;
	type?: string;
	fbtraceId?: string;
	userTitle?: string;
	userMessage?: string;
	retryAfterMs?: number;
	/**
	 * True when the request may have reached Meta and been acted on although no answer says so (connection reset or
	 * timeout after the body was written, a gateway timeout): for a message, the outcome is unknown. Default false:
	 * an error answer from Meta means it did not act on the request.
	 */
	mayHaveBeenSent?: boolean;
	entry?: CatalogueEntry;
	/** Overrides the catalogue title / action (e.g. for media URL expiry). */
	title?: string;
	hint?: string;
	retryable?: boolean;
}

export class CloudApiError extends ClinicError {
	/** Meta's numeric code, or a network code such as 'ETIMEDOUT'. */
	declare readonly code: number | string;
	readonly subcode?: number;
	declare readonly httpStatus?: number;
	declare readonly title: string;
	/** `error.error_data.details`: Meta's most specific explanation. */
	readonly details?: string;
	/** `error.message` as sent by Meta (scrubbed). */
	readonly metaMessage?: string;
	readonly type?: string;
	readonly fbtraceId?: string;
	readonly userTitle?: string;
	readonly userMessage?: string;
	readonly entry: CatalogueEntry;
	readonly retryable: boolean;
	/** What the clinic user should do. */
	declare readonly hint: string;
	readonly retryAfterMs?: number;
	/** The request may have reached Meta although no answer says so (see CloudApiErrorInit). */
	readonly mayHaveBeenSent: boolean;

	constructor(init: CloudApiErrorInit) {
		const entry =
			init.entry ?? lookupErrorCode(typeof init.code === 'number' ? init.code : undefined, init.httpStatus);
		const title = scrubSecrets(init.title ?? entry.title);
		const details = init.details !== undefined ? scrubSecrets(init.details) : undefined;
		const metaMessage = init.metaMessage !== undefined ? scrubSecrets(init.metaMessage) : undefined;
		const explanation = details || metaMessage || entry.meaning;
		super(`${title} (#${init.code}): ${explanation}`, {
			code: init.code,
			title,
			hint: init.hint ?? entry.action,
			kind: 'remote',
			httpStatus: init.httpStatus,
		});
		this.name = 'CloudApiError';
		this.code = init.code;
		this.subcode = init.subcode;
		this.httpStatus = init.httpStatus;
		this.title = title;
		this.details = details;
		this.metaMessage = metaMessage;
		this.type = init.type;
		this.fbtraceId = init.fbtraceId;
		this.userTitle = init.userTitle !== undefined ? scrubSecrets(init.userTitle) : undefined;
		this.userMessage = init.userMessage !== undefined ? scrubSecrets(init.userMessage) : undefined;
		this.entry = entry;
		this.retryable = init.retryable ?? entry.retryable;
		this.hint = scrubSecrets(init.hint ?? entry.action);
		this.retryAfterMs = init.retryAfterMs;
		this.mayHaveBeenSent = init.mayHaveBeenSent ?? false;
	}

	get family(): CatalogueEntry['family'] {
		return this.entry.family;
	}

	/** Plain-object form for logs and error items (never contains secrets). */
	toJSON(): Record<string, unknown> {
		return {
			code: this.code,
			subcode: this.subcode,
			httpStatus: this.httpStatus,
			title: this.title,
			message: this.message,
			details: this.details,
			family: this.entry.family,
			retryable: this.retryable,
			hint: this.hint,
			fbtraceId: this.fbtraceId,
		};
	}
}

export function isCloudApiError(error: unknown): error is CloudApiError {
	return error instanceof CloudApiError;
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
	[/(access_token|appsecret_proof|client_secret|verify_token|hub\.verify_token)=[^&\s"'<>]+/gi, '$1=***'],
	[
		/("(?:access_token|accessToken|appSecret|app_secret|client_secret|verify_token|token)"\s*:\s*")[^"]*"/gi,
		'$1***"',
	],
	[/\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***'],
	[/\bEAA[A-Za-z0-9]{20,}/g, '***'],
];

/** Removes access tokens and other secrets from text (URLs, headers, JSON) and any of the given literal secrets. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let out = String(text);
	for (const secret of secrets) {
		if (secret && secret.length >= 4) out = out.split(secret).join('***');
	}
	for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
	return out;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function asNumber(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
	return undefined;
}

function asString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function bodyToObject(body: unknown): { json?: Record<string, unknown>; text?: string } {
	if (body === undefined || body === null || body === '') return {};
	if (Buffer.isBuffer(body) || body instanceof Uint8Array)
		return bodyToObject(Buffer.from(body).toString('utf8'));
	if (typeof body === 'string') {
		try {
			return { json: asRecord(JSON.parse(body)), text: body };
		} catch {
			return { text: body };
		}
	}
	return { json: asRecord(body) };
}

/** Reads `Retry-After` (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(
	headers: Record<string, unknown> | undefined,
	nowMs = Date.now(),
): number | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === 'retry-after');
	const raw = key ? headers[key] : undefined;
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (value === undefined || value === null) return undefined;
	const seconds = asNumber(value);
	if (seconds !== undefined) return seconds * 1000;
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Gateway answers (bad gateway, gateway timeout) that a proxy can give after it forwarded the request. */
const GATEWAY_STATUSES = new Set([502, 504]);

/**
 * Turns a non-2xx Graph response into a CloudApiError. Handles Meta's body
 * `{error:{message,type,code,error_subcode,error_data:{details},fbtrace_id,error_user_title,error_user_msg}}`,
 * bodies that are not JSON (proxies, HTML error pages) and empty 5xx responses.
 */
export function parseGraphError(
	status: number,
	body: unknown,
	headers?: Record<string, unknown>,
): CloudApiError {
	const { json, text } = bodyToObject(body);
	const err = asRecord(json?.error);
	const retryAfterMs = parseRetryAfter(headers);
	if (err) {
		const errorData = asRecord(err.error_data);
		const code = asNumber(err.code) ?? (status >= 500 ? 131000 : status === 429 ? 130429 : 100);
		return new CloudApiError({
			code,
			subcode: asNumber(err.error_subcode),
			httpStatus: status,
			details:
				asString(errorData?.details) ?? (typeof err.error_data === 'string' ? err.error_data : undefined),
			metaMessage: asString(err.message),
			type: asString(err.type),
			fbtraceId: asString(err.fbtrace_id),
			userTitle: asString(err.error_user_title),
			userMessage: asString(err.error_user_msg),
			retryAfterMs,
		});
	}
	const snippet = text
		? text
				.replace(/<[^>]*>/g, ' ')
				.replace(/\s+/g, ' ')
				.trim()
				.slice(0, 200)
		: undefined;
	return new CloudApiError({
		code: status >= 500 ? `HTTP_${status}` : `HTTP_${status || 'UNKNOWN'}`,
		httpStatus: status,
		entry: lookupErrorCode(undefined, status),
		details: snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status} with no error body`,
		retryAfterMs,
		// A proxy's 502/504 (not Meta's own error body) can come after the request was forwarded to Meta.
		mayHaveBeenSent: GATEWAY_STATUSES.has(status),
	});
}

function findNetworkCode(error: unknown, depth = 0): string | undefined {
	const record = asRecord(error);
	if (!record || depth > 4) return undefined;
	for (const key of ['code', 'errno']) {
		const value = record[key];
		if (typeof value === 'string' && (NETWORK_ERROR_CODES as readonly string[]).includes(value)) return value;
	}
	const message = typeof record.message === 'string' ? record.message : '';
	const found = NETWORK_ERROR_CODES.find((c) => message.includes(c));
	if (found) return found;
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timeout|timed out/i.test(message)) return 'ETIMEDOUT';
	return findNetworkCode(record.cause, depth + 1) ?? findNetworkCode(record.error, depth + 1);
}

/** True when an error thrown by an HTTP sender is a network failure (timeout, reset, DNS, refused). */
export function isNetworkError(error: unknown): boolean {
	return findNetworkCode(error) !== undefined;
}

/**
 * Wraps an error thrown by the HTTP sender. Network failures become retryable CloudApiErrors; anything else is
 * wrapped as a non-retryable error with its message scrubbed.
 */
export function networkError(error: unknown, secrets: ReadonlyArray<string | undefined> = []): CloudApiError {
	if (error instanceof CloudApiError) return error;
	const code = findNetworkCode(error);
	const original = scrubSecrets(error instanceof Error ? error.message : String(error), secrets);
	if (code) {
		const timedOut = /TIMEDOUT|TIMEOUT/.test(code);
		return new CloudApiError({
			code,
			entry: {
				code: 0,
				family: 'network',
				title: timedOut ? 'Request timed out' : 'Network error',
				meaning: timedOut
					? 'The Graph API did not answer in time.'
					: 'The connection to the Graph API failed before an answer arrived.',
				retryable: true,
				strategy: 'backoff',
				action:
					'Check that this server can reach the base URL in the credential (graph.facebook.com or the simulator). Requests that are safe to repeat were already retried with backoff before this error was reported.',
			},
			details: original,
			mayHaveBeenSent: !NOT_SENT_CODES.has(code),
		});
	}
	return new CloudApiError({
		code: 'REQUEST_FAILED',
		entry: {
			code: 0,
			family: 'network',
			title: 'Request failed',
			meaning: 'The HTTP request could not be made.',
			retryable: false,
			strategy: 'none',
			action: 'Check the credential (base URL, Graph API version) and the node settings.',
		},
		details: original,
	});
}
