/**
 * WhatsApp Cloud API client over an injected HTTP sender (n8n's httpRequestWithAuthentication in nodes, a fake in
 * tests, fetch in the simulator tools). Adds the Graph version to every path, turns error bodies into
 * CloudApiError, retries what can be retried, and paces message sends per phone number.
 */
import {
	DEFAULT_BASE_URL,
	DEFAULT_GRAPH_API_VERSION,
	buildGraphUrl,
	normalizeApiVersion,
	normalizeBaseUrl,
	parseUrl,
} from './api-version';
import { systemClock, type Clock } from './clock';
import { CloudApiError, networkError, parseGraphError } from './errors';
import { getSharedLimiter, getSharedPairGuard, type PairLimitGuard, type SendLimiter } from './rate-limiter';
import { resolveRetryOptions, withRetry, type RetryOptions } from './retry';
import { sendFailure } from './send-outcome';
import * as management from './graph-management';
import { headerValue, parseJsonBody, record, requireId } from './graph-util';
import type {
	DownloadedMedia,
	HttpFile,
	HttpFormData,
	HttpMethod,
	HttpResponse,
	HttpSender,
	MediaInfo,
	MessageTemplate,
	OutboundMessage,
	PhoneNumberInfo,
	GraphRequester,
	RequestOptions,
	SendMessageResult,
	TemplatePage,
	TemplateQuery,
	UploadedMedia,
} from './graph-types';

export * from './graph-types';
export { PHONE_NUMBER_FIELDS, TEMPLATE_FIELDS } from './graph-management';

export interface GraphClientOptions {
	send: HttpSender;
	/** Default https://graph.facebook.com (or the simulator / a BSP proxy). */
	baseUrl?: string;
	/** Default v25.0. */
	apiVersion?: string;
	/** Messages per second per phone number (1..1000, default 80). */
	limiterMps?: number;
	/** Token-bucket burst (default mps / 10). */
	limiterBurst?: number;
	clock?: Clock;
	retry?: Partial<Omit<RetryOptions, 'clock'>>;
	/** Per-request timeout (default 30 s). */
	timeoutMs?: number;
	/** Give up on a recipient when the pair-limit wait would exceed this (default 64 s). */
	maxPairWaitMs?: number;
	/**
	 * Limiter and pair guard to use instead of the process-wide ones: the send budget shared by every process in
	 * queue mode (send-budget.ts), tests, benchmarks.
	 */
	limiter?: SendLimiter;
	pairGuard?: PairLimitGuard;
	/**
	 * A last check of each message request, after its rate-limit wait and right before it leaves (e.g. the
	 * recipient's consent, read again): throwing stops that request, and the error leaves sendMessage as it is.
	 * `recipient` is the pair key (phone digits or the WhatsApp User ID).
	 */
	clearance?: (recipient: string) => Promise<void>;
}

const DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/** Unknown / expired media ID → a CloudApiError that explains media ID lifetimes; other errors pass through. */
function mediaLookupError(error: unknown, mediaId: string): unknown {
	if (!(error instanceof CloudApiError)) return error;
	if (error.httpStatus !== 404 && !(error.code === 100 && error.subcode === 33)) return error;
	return new CloudApiError({
		code: error.code,
		subcode: error.subcode,
		httpStatus: error.httpStatus,
		details: error.details ?? error.metaMessage,
		fbtraceId: error.fbtraceId,
		entry: error.entry,
		title: 'Media not found',
		hint: `Media ID ${mediaId} is unknown or expired: media IDs from webhooks expire after 7 days, uploaded media after 30 days. Ask the patient to send the file again.`,
	});
}

/** The pair-limit key of a message: the phone's digits ("+1 555-0100" = "15550100") or the BSUID as is. */
export function pairKey(payload: OutboundMessage): string | undefined {
	const raw = typeof payload.to === 'string' && payload.to.trim() ? payload.to : payload.recipient;
	if (typeof raw !== 'string' || raw.trim() === '') return undefined;
	return /^\+?[\d\s().-]+$/.test(raw.trim()) ? raw.replace(/\D/g, '') : raw.trim();
}

export class GraphClient implements GraphRequester {
	readonly baseUrl: string;
	readonly apiVersion: string;
	readonly limiterMps?: number;
	private readonly send: HttpSender;
	private readonly clock: Clock;
	private readonly retry: RetryOptions;
	private readonly timeoutMs: number;
	private readonly maxPairWaitMs: number;
	private readonly options: GraphClientOptions;

	constructor(options: GraphClientOptions) {
		this.options = options;
		this.send = options.send;
		this.baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
		this.apiVersion = normalizeApiVersion(options.apiVersion ?? DEFAULT_GRAPH_API_VERSION);
		this.limiterMps = options.limiterMps;
		this.clock = options.clock ?? systemClock;
		this.retry = resolveRetryOptions({ ...options.retry, clock: this.clock });
		this.timeoutMs = options.timeoutMs ?? 30_000;
		this.maxPairWaitMs = options.maxPairWaitMs ?? 64_000;
	}

	/** `${baseUrl}/${version}/${path}`. */
	url(path: string): string {
		return buildGraphUrl(this.baseUrl, this.apiVersion, path);
	}

	/** The limiter that paces sends from this phone number (shared process-wide unless injected). */
	limiterFor(phoneNumberId: string): SendLimiter {
		return (
			this.options.limiter ??
			getSharedLimiter(this.baseUrl, phoneNumberId, {
				mps: this.options.limiterMps,
				burst: this.options.limiterBurst,
				clock: this.clock,
			})
		);
	}

	pairGuardFor(phoneNumberId: string): PairLimitGuard {
		return this.options.pairGuard ?? getSharedPairGuard(this.baseUrl, phoneNumberId, { clock: this.clock });
	}

	/** One Graph call with retries; throws CloudApiError. */
	async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
		const idempotent = options.idempotent ?? method !== 'POST';
		return await withRetry(async () => await this.requestOnce<T>(method, path, options), this.retry, {
			idempotent,
		});
	}

	/** One Graph call without retries; throws CloudApiError. */
	async requestOnce<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
		const response = await this.transmit({
			method,
			url: this.url(path),
			qs: options.qs,
			body: options.body,
			formData: options.formData,
			timeoutMs: options.timeoutMs,
		});
		if (response.status < 200 || response.status >= 300) {
			throw parseGraphError(response.status, response.body, response.headers);
		}
		return parseJsonBody(response.body) as T;
	}

	private async transmit(request: {
		method: HttpMethod;
		url: string;
		qs?: RequestOptions['qs'];
		body?: unknown;
		formData?: HttpFormData;
		timeoutMs?: number;
		returnBuffer?: boolean;
	}): Promise<HttpResponse> {
		const qs: Record<string, string | number | boolean> = {};
		for (const [key, value] of Object.entries(request.qs ?? {})) if (value !== undefined) qs[key] = value;
		try {
			return await this.send({
				method: request.method,
				url: request.url,
				qs: Object.keys(qs).length ? qs : undefined,
				body: request.body,
				formData: request.formData,
				returnBuffer: request.returnBuffer,
				timeoutMs: request.timeoutMs ?? this.timeoutMs,
			});
		} catch (error) {
			throw networkError(error);
		}
	}

	/**
	 * Sends one message (POST /{phone-number-id}/messages). Waits for the phone number's limiter, respects the
	 * recipient's pair-limit backoff (131056) and retries failures that certainly did not send it. Throws
	 * `SendOutcomeUnknownError` (send-outcome.ts) when the request may have reached Meta without an answer; any
	 * other error means the message was not sent.
	 */
	async sendMessage(phoneNumberId: string, payload: OutboundMessage): Promise<SendMessageResult> {
		const id = requireId(phoneNumberId, 'Phone number ID');
		const body = { messaging_product: 'whatsapp', ...payload };
		const recipient = pairKey(payload);
		const limiter = this.limiterFor(id);
		const pair = this.pairGuardFor(id);
		let earlierMayHaveBeenSent = false;
		const response = await withRetry(
			async () => {
				if (recipient) await pair.wait(recipient);
				const permit = await limiter.acquire(recipient);
				if (recipient && this.options.clearance) await this.options.clearance(recipient);
				permit.stamp();
				try {
					return await this.requestOnce<unknown>('POST', `${id}/messages`, { body });
				} finally {
					// The limiter counts the send from when it may have reached Meta (its round trip tells).
					permit.answered?.();
				}
			},
			this.retry,
			{
				idempotent: false,
				delayFor: (error) => {
					if (error.code !== 131056 || !recipient) return undefined;
					const wait = pair.recordPairLimit(recipient);
					return wait > this.maxPairWaitMs ? 'stop' : 0;
				},
				onRetry: ({ error }) => {
					earlierMayHaveBeenSent ||= error.mayHaveBeenSent;
				},
			},
		).catch((error: unknown) => {
			throw sendFailure(error, earlierMayHaveBeenSent);
		});
		if (recipient) pair.recordSuccess(recipient);
		const data = record(response);
		const message = record(Array.isArray(data.messages) ? data.messages[0] : undefined);
		const contact = record(Array.isArray(data.contacts) ? data.contacts[0] : undefined);
		if (typeof message.id !== 'string') {
			throw sendFailure(
				new CloudApiError({
					code: 'NO_MESSAGE_ID',
					httpStatus: 200,
					title: 'Unexpected send response',
					details: 'Meta accepted the request but returned no message ID',
					entry: {
						code: 0,
						family: 'server',
						title: 'Unexpected send response',
						meaning: 'The response had no messages[0].id.',
						retryable: false,
						strategy: 'none',
						action: 'Check the base URL points at the Graph API (or a compatible proxy).',
					},
					// A 2xx answer: whatever answered may have passed the message on.
					mayHaveBeenSent: true,
				}),
				false,
			);
		}
		return {
			messageId: message.id,
			waId: typeof contact.wa_id === 'string' ? contact.wa_id : undefined,
			input: typeof contact.input === 'string' ? contact.input : undefined,
			messageStatus: typeof message.message_status === 'string' ? message.message_status : undefined,
		};
	}

	/** Marks an inbound message as read (blue ticks). */
	async markAsRead(phoneNumberId: string, messageId: string): Promise<boolean> {
		const id = requireId(phoneNumberId, 'Phone number ID');
		const body = {
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: requireId(messageId, 'Message ID'),
		};
		const data = record(await this.request('POST', `${id}/messages`, { body, idempotent: true }));
		return data.success === true;
	}

	/** Uploads a file (POST /{phone-number-id}/media, multipart) and returns its media ID (valid 30 days). */
	async uploadMedia(phoneNumberId: string, file: HttpFile): Promise<UploadedMedia> {
		const id = requireId(phoneNumberId, 'Phone number ID');
		if (!file.data?.length) throw new Error('Media file is empty: pass the binary data to upload');
		const formData: HttpFormData = {
			fields: { messaging_product: 'whatsapp', type: file.mimeType },
			file: { ...file, field: 'file' },
		};
		const data = record(
			await this.request('POST', `${id}/media`, { formData, idempotent: true, timeoutMs: 120_000 }),
		);
		if (typeof data.id !== 'string') throw new Error('Media upload returned no media ID');
		return { id: data.id };
	}

	/** GET /{media-id}: a short-lived download URL (5 minutes) plus MIME type, SHA-256 and size. */
	async getMedia(mediaId: string, phoneNumberId?: string): Promise<MediaInfo> {
		const id = requireId(mediaId, 'Media ID');
		try {
			const data = record(
				await this.request('GET', id, { qs: { phone_number_id: phoneNumberId || undefined } }),
			);
			return data as unknown as MediaInfo;
		} catch (error) {
			throw mediaLookupError(error, id);
		}
	}

	/** Downloads media from a URL returned by getMedia (authenticated; at most maxBytes). */
	async downloadMedia(url: string, maxBytes = DEFAULT_MAX_DOWNLOAD_BYTES): Promise<DownloadedMedia> {
		const parsed = parseUrl(url);
		if (!parsed) throw new Error(`Media URL "${url}" is not a valid URL: use the url returned by Get Media`);
		if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
			throw new Error('Media URL must be http(s)');
		const response = await withRetry(
			async () => {
				const res = await this.transmit({ method: 'GET', url, returnBuffer: true, timeoutMs: 120_000 });
				if (res.status === 404) {
					const base = parseGraphError(404, res.body, res.headers);
					throw new CloudApiError({
						code: base.code,
						httpStatus: 404,
						entry: base.entry,
						details: base.details ?? base.metaMessage,
						fbtraceId: base.fbtraceId,
						title: 'Media URL expired',
						hint: 'Media URLs are valid for 5 minutes: fetch a fresh URL with Get Media (GET /{media-id}) and download again.',
					});
				}
				if (res.status < 200 || res.status >= 300) throw parseGraphError(res.status, res.body, res.headers);
				return res;
			},
			this.retry,
			{ idempotent: true },
		);
		const declared = Number(headerValue(response.headers, 'content-length'));
		const data = Buffer.isBuffer(response.body)
			? response.body
			: typeof response.body === 'string'
				? Buffer.from(response.body, 'binary')
				: Buffer.from(JSON.stringify(response.body ?? ''));
		if ((Number.isFinite(declared) && declared > maxBytes) || data.length > maxBytes) {
			throw new Error(
				`Media is ${Math.max(data.length, declared || 0)} bytes, over the ${maxBytes}-byte limit: raise "Max media size" or skip large files`,
			);
		}
		return { data, mimeType: headerValue(response.headers, 'content-type'), size: data.length };
	}

	/** DELETE /{media-id}. */
	async deleteMedia(mediaId: string, phoneNumberId?: string): Promise<boolean> {
		const id = requireId(mediaId, 'Media ID');
		const data = record(
			await this.request('DELETE', id, { qs: { phone_number_id: phoneNumberId || undefined } }),
		);
		return data.success === true;
	}

	/** One page of GET /{waba-id}/message_templates. */
	async listTemplates(wabaId: string, query: TemplateQuery = {}): Promise<TemplatePage> {
		return await management.listTemplates(this, wabaId, query);
	}

	/** All templates matching the query, following `paging.cursors.after` for at most `maxPages` pages. */
	async listAllTemplates(
		wabaId: string,
		query: TemplateQuery = {},
		maxPages = 20,
	): Promise<MessageTemplate[]> {
		return await management.listAllTemplates(this, wabaId, query, maxPages);
	}

	/** GET /{phone-number-id}: display number, verified name, quality rating, webhook override. */
	async getPhoneNumber(phoneNumberId: string, fields?: string[]): Promise<PhoneNumberInfo> {
		return await management.getPhoneNumber(this, phoneNumberId, fields);
	}

	/** GET /{waba-id}/phone_numbers (all pages, bounded). */
	async listPhoneNumbers(wabaId: string, maxPages = 10): Promise<PhoneNumberInfo[]> {
		return await management.listPhoneNumbers(this, wabaId, maxPages);
	}

	/** Points this phone number's `messages` webhooks at `callbackUri` (phone-level override, beats app/WABA). */
	async setWebhookOverride(
		phoneNumberId: string,
		callbackUri: string,
		verifyToken: string,
	): Promise<boolean> {
		return await management.setWebhookOverride(this, phoneNumberId, callbackUri, verifyToken);
	}

	/** Removes the phone-level webhook override (Meta falls back to the WABA or app callback). */
	async clearWebhookOverride(phoneNumberId: string): Promise<boolean> {
		return await management.clearWebhookOverride(this, phoneNumberId);
	}
}
