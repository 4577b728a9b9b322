/**
 * The one HTTP port of core/: remote clients (the Cloud API client, the FHIR and Cal.com scheduling providers)
 * take an injected `HttpSender`. In n8n it is nodes/shared/http.ts (n8n's httpRequestWithAuthentication adds the
 * credential, so no token passes through core/); tests and benchmarks inject fakes or plain fetch.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

export interface HttpFormData {
	/** Plain text fields (e.g. messaging_product, type). */
	fields: Record<string, string>;
	/** One file part; `field` defaults to "file". */
	file?: HttpFile & { field?: string };
}

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL (callers that need repeated query parameters encode them into it). */
	url: string;
	headers?: Record<string, string>;
	qs?: Record<string, string | number | boolean>;
	/** JSON body. */
	body?: unknown;
	/** Multipart body (instead of `body`). */
	formData?: HttpFormData;
	/** Return the body as a Buffer (media download) instead of parsed JSON. */
	returnBuffer?: boolean;
	timeoutMs?: number;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, a string, or a Buffer when `returnBuffer` was set. */
	body: unknown;
}

/**
 * Performs one HTTP request and adds authentication. Resolves for every HTTP status; rejects only when no response
 * arrived (timeout, reset, DNS…).
 */
export type HttpSender = (request: HttpRequest) => Promise<HttpResponse>;
