/**
 * n8n adapter for the Cloud API client: every Graph call made by a node goes through
 * `this.helpers.httpRequestWithAuthentication('whatsAppClinicApi', …)`, so n8n adds the Bearer token and the token
 * never passes through our code. Secrets are only handed out by `getWebhookSecrets` (for the trigger).
 */
import { randomBytes } from 'node:crypto';

import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import {
	DEFAULT_BASE_URL,
	DEFAULT_GRAPH_API_VERSION,
	normalizeApiVersion,
	normalizeBaseUrl,
} from '../../core/whatsapp/api-version';
import { GraphClient, type GraphClientOptions } from '../../core/whatsapp/graph-client';
import type { HttpFormData, HttpRequest, HttpResponse, HttpSender } from '../../core/whatsapp/graph-types';

export const WHATSAPP_CREDENTIAL_TYPE = 'whatsAppClinicApi';

/** Fields of the WhatsApp Clinic Cloud API credential. */
export interface WhatsAppClinicCredential {
	accessToken: string;
	phoneNumberId: string;
	businessAccountId: string;
	appSecret: string;
	webhookVerifyToken: string;
	graphApiVersion: string;
	baseUrl: string;
}

export type WhatsAppFunctions =
	| IExecuteFunctions
	| IWebhookFunctions
	| IHookFunctions
	| ILoadOptionsFunctions;

export interface WhatsAppContextOptions {
	/** Messages per second for this phone number (1..1000, default 80). */
	mps?: number;
	/** Use this phone number instead of the credential's (e.g. chosen in the node). */
	phoneNumberId?: string;
	timeoutMs?: number;
	retry?: GraphClientOptions['retry'];
	maxPairWaitMs?: number;
}

export interface WhatsAppContext {
	client: GraphClient;
	phoneNumberId: string;
	wabaId: string;
	apiVersion: string;
	baseUrl: string;
}

export interface WebhookSecrets {
	appSecret: string;
	verifyToken: string;
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
export function toN8nRequestOptions(request: HttpRequest): IHttpRequestOptions {
	const headers: IDataObject = { ...(request.headers ?? {}) };
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (request.qs) options.qs = { ...request.qs };
	if (request.timeoutMs) options.timeout = request.timeoutMs;
	if (request.formData) {
		const multipart = buildMultipartBody(request.formData);
		headers['Content-Type'] = multipart.contentType;
		options.body = multipart.body;
	} else if (request.body !== undefined) {
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

/** An HttpSender that goes through n8n's authenticated request helper. */
export function createN8nSender(context: WhatsAppFunctions): HttpSender {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			WHATSAPP_CREDENTIAL_TYPE,
			toN8nRequestOptions(request),
		)) as { body?: unknown; headers?: HttpResponse['headers']; statusCode?: number; status?: number };
		let body = response?.body;
		if (request.returnBuffer && body instanceof ArrayBuffer) body = Buffer.from(body);
		return { status: response?.statusCode ?? response?.status ?? 0, headers: response?.headers ?? {}, body };
	};
}

async function readCredential(context: WhatsAppFunctions): Promise<Partial<WhatsAppClinicCredential>> {
	return ((await context.getCredentials(WHATSAPP_CREDENTIAL_TYPE)) ??
		{}) as Partial<WhatsAppClinicCredential>;
}

/**
 * A GraphClient for the node's credential plus the IDs a node needs. No secret is returned.
 * Throws a plain Error naming the credential field when a required value is missing or malformed.
 */
export async function getWhatsAppContext(
	this: WhatsAppFunctions,
	options: WhatsAppContextOptions = {},
): Promise<WhatsAppContext> {
	const credential = await readCredential(this);
	const baseUrl = normalizeBaseUrl(String(credential.baseUrl ?? '') || DEFAULT_BASE_URL);
	const apiVersion = normalizeApiVersion(
		String(credential.graphApiVersion ?? '') || DEFAULT_GRAPH_API_VERSION,
	);
	const phoneNumberId = String(options.phoneNumberId || credential.phoneNumberId || '').trim();
	const wabaId = String(credential.businessAccountId ?? '').trim();
	const client = new GraphClient({
		send: createN8nSender(this),
		baseUrl,
		apiVersion,
		limiterMps: options.mps,
		timeoutMs: options.timeoutMs,
		retry: options.retry,
		maxPairWaitMs: options.maxPairWaitMs,
	});
	return { client, phoneNumberId, wabaId, apiVersion, baseUrl };
}

/** App secret (HMAC of webhook bodies) and verify token (GET handshake), for the trigger only. */
export async function getWebhookSecrets(this: WhatsAppFunctions): Promise<WebhookSecrets> {
	const credential = await readCredential(this);
	return {
		appSecret: String(credential.appSecret ?? ''),
		verifyToken: String(credential.webhookVerifyToken ?? ''),
	};
}
