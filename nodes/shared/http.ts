/**
 * The node layer's ONLY adapter from n8n's `this.helpers.httpRequestWithAuthentication` to core's `HttpSender`
 * (core/http.ts). n8n adds the credential (Bearer token, FHIR OAuth2, Cal.com API key), so no secret passes through
 * our code. Every HTTP status comes back as a value; only network failures reject.
 *
 * Options:
 * - `credentialsDecrypted`: a credential read once per execution and handed to n8n with every request (bulk sends:
 *   n8n then skips loading and decrypting the credential again for each of thousands of requests).
 * - `refreshOn401`: let n8n see error statuses as errors (so it refreshes an expired OAuth2 token and retries) and
 *   turn the final error back into a response value.
 */
import { randomBytes } from 'node:crypto';

import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { HttpFormData, HttpRequest, HttpResponse, HttpSender } from '../../core/http';
import { settle } from '../../core/settle';

export type HttpFunctions = IExecuteFunctions | IWebhookFunctions | IHookFunctions | ILoadOptionsFunctions;

export interface HttpSenderOptions {
	credentialsDecrypted?: ICredentialsDecrypted;
	refreshOn401?: boolean;
}

/** Builds a multipart/form-data body (text fields, then one file part). */
export function buildMultipartBody(
	formData: HttpFormData,
	boundary = `----n8nWhatsAppClinic${randomBytes(12).toString('hex')}`,
): { body: Buffer; contentType: string } {
	const escape = (value: string) =>
		value.replace(/["\r\n\\]/g, (c) => (c === '"' ? '%22' : c === '\\' ? '\\\\' : ' '));
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(formData.fields)) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"\r\n\r\n${value}\r\n`,
				'utf8',
			),
		);
	}
	if (formData.file) {
		const { field = 'file', fileName, mimeType, data } = formData.file;
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${escape(field)}"; filename="${escape(fileName)}"\r\n` +
					`Content-Type: ${mimeType || 'application/octet-stream'}\r\n\r\n`,
				'utf8',
			),
			data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Maps one HttpRequest onto n8n's IHttpRequestOptions. */
export function toN8nRequestOptions(
	request: HttpRequest,
	ignoreHttpStatusErrors = true,
): IHttpRequestOptions {
	const headers: IDataObject = { ...(request.headers ?? {}) };
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors,
	};
	if (request.qs) options.qs = { ...request.qs };
	if (request.timeoutMs) options.timeout = request.timeoutMs;
	if (request.formData) {
		const multipart = buildMultipartBody(request.formData);
		headers['Content-Type'] = multipart.contentType;
		options.body = multipart.body;
	} else if (request.body !== undefined) {
		// A caller's own JSON media type stays (FHIR servers expect application/fhir+json).
		if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
			headers['Content-Type'] = 'application/json';
		options.body = request.body as IDataObject;
		options.json = true;
	}
	if (request.returnBuffer) {
		options.encoding = 'arraybuffer';
		options.json = false;
	} else if (!request.formData) {
		options.json = true;
	}
	return options;
}

function parseBody(body: unknown): unknown {
	if (typeof body === 'string' && body.trim()) {
		try {
			return JSON.parse(body);
		} catch {
			return body;
		}
	}
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	return body;
}

interface ErrorLike {
	httpCode?: string | number | null;
	cause?: {
		response?: { status?: number; data?: unknown; headers?: Record<string, string> };
		status?: number;
	};
	response?: { status?: number; data?: unknown };
}

/** Status + body of a request n8n threw for, when it had a response; undefined for network errors. */
export function responseFromError(error: unknown): HttpResponse | undefined {
	const e = error as ErrorLike;
	const status = Number(e?.cause?.response?.status ?? e?.response?.status ?? e?.httpCode ?? e?.cause?.status);
	if (!Number.isInteger(status) || status < 100) return undefined;
	return {
		status,
		headers: e?.cause?.response?.headers ?? {},
		body: parseBody(e?.cause?.response?.data ?? e?.response?.data),
	};
}

type RawResponse = {
	body?: unknown;
	headers?: HttpResponse['headers'];
	statusCode?: number;
	status?: number;
};

/** An HttpSender for `credentialType` over n8n's authenticated request helper (the one HTTP adapter). */
export function createHttpSender(
	context: HttpFunctions,
	credentialType: string,
	options: HttpSenderOptions = {},
): HttpSender {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		const n8nOptions = toN8nRequestOptions(request, !options.refreshOn401);
		const extra = options.credentialsDecrypted
			? {
					credentialsDecrypted: {
						...options.credentialsDecrypted,
						data: { ...(options.credentialsDecrypted.data ?? {}) },
					},
				}
			: undefined;
		const outcome = await settle(
			async () =>
				(await context.helpers.httpRequestWithAuthentication.call(
					context,
					credentialType,
					n8nOptions,
					extra,
				)) as RawResponse,
		);
		if (!outcome.ok) {
			const recovered = options.refreshOn401 ? responseFromError(outcome.error) : undefined;
			if (recovered) return recovered;
			// core's clients read the network error (ECONNRESET, ETIMEDOUT…) to decide whether the request may have
			// reached the server; they translate it, and the node layer then goes through nodes/shared/errors.ts.
			throw outcome.error;
		}
		const response = outcome.value;
		let body = response?.body;
		if (request.returnBuffer && body instanceof ArrayBuffer) body = Buffer.from(body);
		else if (options.refreshOn401) body = parseBody(body);
		return { status: response?.statusCode ?? response?.status ?? 0, headers: response?.headers ?? {}, body };
	};
}
