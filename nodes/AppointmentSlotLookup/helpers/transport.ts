/**
 * HttpSender for the scheduling providers over n8n's `httpRequestWithAuthentication`, so credentials (FHIR
 * token/OAuth2, Cal.com API key) are added by n8n and never pass through our code. HTTP error statuses come back
 * as values (the providers turn 409/412/404 into outcomes); n8n still refreshes an expired OAuth2 token on 401
 * because the first attempt throws inside n8n.
 */
import type { IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import type { HttpResponse, HttpSender } from '../../../core/scheduling/types';
import { settle } from '../../../core/settle';

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
	message?: string;
}

/** Status + body of a failed request, when n8n had a response; undefined for network errors. */
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

export function n8nHttpSender(ctx: IExecuteFunctions, credentialType: string): HttpSender {
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method as IHttpRequestMethods,
			url: request.url,
			headers: request.headers,
			returnFullResponse: true,
			json: true,
			...(request.body !== undefined ? { body: request.body as IHttpRequestOptions['body'] } : {}),
		};
		const res = await settle(
			async () =>
				(await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options)) as {
					statusCode: number;
					headers: Record<string, string>;
					body: unknown;
				},
		);
		if (res.ok)
			return {
				status: res.value.statusCode,
				headers: res.value.headers ?? {},
				body: parseBody(res.value.body),
			};
		const asResponse = responseFromError(res.error);
		if (asResponse) return asResponse;
		throw res.error;
	};
}
