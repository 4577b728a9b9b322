/**
 * Bulk sending for WhatsApp Send Template / WhatsApp Send Message: shared parameters (recipient, options) and the
 * two-phase item runner.
 *
 * Continue On Fail OFF: every item is validated BEFORE any request; the first bad item throws (naming the item, the
 * field and the fix) and NOTHING is sent. Then all jobs are sent concurrently; no new send starts after the first
 * failure, and the error says how many messages had already been accepted.
 * Continue On Fail ON: bad items become paired error items whatever happens, so sending starts with the first valid
 * item while the rest are still being validated (same result, no idle validation pass before the first send).
 * Sends go through one GraphClient, whose process-wide limiter paces the phone number ("Messages per Second") and
 * whose pair guard backs off per recipient (131056); transient failures are retried there. Output keeps input order
 * and `pairedItem`.
 * A `gate` (e.g. "Require Consent for Purpose") runs once over every valid item after validation and before the first
 * send, in both modes; the items it holds back are output as regular items and never sent.
 */
import {
	NodeOperationError,
	sleep,
	type NodeApiError,
	type ICredentialsDecrypted,
	type IGetNodeParameterOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { MessageValidationError } from '../../core/whatsapp/messages/validation';
import { parseDefaultCountry, parseRecipient, type Recipient } from '../../core/whatsapp/phone';
import { DEFAULT_MPS, MAX_MPS, mapWithConcurrency } from '../../core/whatsapp/rate-limiter';
import type { CountryCode } from 'libphonenumber-js';

import { errorItemJson, toNodeError } from './errors';
import { GraphClient } from '../../core/whatsapp/graph-client';
import type { HttpRequest, HttpResponse, HttpSender } from '../../core/whatsapp/graph-types';
import {
	getWhatsAppContext,
	toN8nRequestOptions,
	WHATSAPP_CREDENTIAL_TYPE,
	type WhatsAppContext,
} from './transport';

export const recipientProperty: INodeProperties = {
	displayName: 'Recipient',
	name: 'recipient',
	type: 'string',
	default: '',
	required: true,
	placeholder: '+5511912345678',
	description:
		"The patient's WhatsApp phone number (any format: +55 11 91234-5678, 5511912345678) or their WhatsApp user ID (e.g. BR.13491208655302741918)",
	hint: 'Local numbers without a country code need the Default Country option',
};

export const defaultCountryOption: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'string',
	default: '',
	placeholder: 'BR',
	description:
		'Two-letter country code used for phone numbers written without a country code, e.g. BR turns (11) 91234-5678 into +5511912345678',
};

export const messagesPerSecondOption: INodeProperties = {
	displayName: 'Messages per Second',
	name: 'messagesPerSecond',
	type: 'number',
	default: DEFAULT_MPS,
	typeOptions: { minValue: 1, maxValue: MAX_MPS },
	description:
		'Sending pace for this WhatsApp number, shared by every workflow in this n8n process. WhatsApp allows 80 per second by default and up to 1,000 after Meta upgrades the number; going over makes Meta reject messages (error 130429).',
};

export const callbackDataOption: INodeProperties = {
	displayName: 'Callback Data',
	name: 'bizOpaqueCallbackData',
	type: 'string',
	default: '',
	placeholder: 'APPT-2026-0042',
	description:
		'Up to 512 bytes returned with every status update of this message (sent, delivered, read, failed), e.g. the appointment ID, so the WhatsApp Clinic Trigger can match them. Sent to Meta as biz_opaque_callback_data; never put patient data here.',
};

export const phoneNumberIdOption: INodeProperties = {
	displayName: 'Sender Phone Number ID',
	name: 'phoneNumberId',
	type: 'string',
	default: '',
	description:
		"Send from this WhatsApp phone number ID instead of the credential's (Meta's numeric ID, not the phone number itself)",
};

export interface SendOptions {
	defaultCountry?: string;
	messagesPerSecond?: number;
	bizOpaqueCallbackData?: string;
	phoneNumberId?: string;
	[key: string]: unknown;
}

/** One item, validated and ready to send. */
export interface SendJob {
	/** Output fields known before sending (recipient, template…), merged into success and error items. */
	summary: IDataObject;
	/** Performs the request(s) and returns the output fields (messageId, waId…). */
	send(context: WhatsAppContext): Promise<IDataObject>;
}

/** Result of one item, in input order; what "Audit to Store" will record. */
export type SendOutcome =
	| { itemIndex: number; ok: true; json: IDataObject; blocked?: undefined }
	| { itemIndex: number; ok: false; error: unknown; summary: IDataObject; blocked?: undefined }
	/** Deliberately not sent (e.g. "Require Consent for Purpose"): a regular output item, not an error. */
	| {
			itemIndex: number;
			ok: false;
			blocked: true;
			json: IDataObject;
			summary: IDataObject;
			error?: undefined;
	  };

/** A valid item waiting to be sent. */
export interface PreparedSend {
	itemIndex: number;
	job: SendJob;
}

/** What a send gate decided for one job: send it (with extra summary fields) or hold it back (output `json`). */
export type GateDecision = { send: true; summary: IDataObject } | { send: false; json: IDataObject };

/**
 * Decides ALL valid jobs at once, after every item is validated and right before the first send (e.g. the consent
 * check). Returns one decision per job, in order. Throwing stops the run with nothing sent.
 */
export type SendGate = (this: IExecuteFunctions, jobs: readonly PreparedSend[]) => Promise<GateDecision[]>;

export interface BulkSendOptions {
	/** Builds (and fully validates) the job for one item; throw a MessageValidationError / NodeOperationError. */
	prepare(this: IExecuteFunctions, itemIndex: number, context: WhatsAppContext): Promise<SendJob> | SendJob;
	/** Messages per second (validated here; default 80). */
	mps?: number;
	phoneNumberId?: string;
	/** Called once with every outcome before items are returned (seam for the store's "Audit to Store"). */
	onOutcomes?: (this: IExecuteFunctions, outcomes: SendOutcome[]) => Promise<void>;
	/** Concurrency override (tests). Default: one second's worth of messages. */
	concurrency?: number;
	/**
	 * Optional gate run once over every valid item before anything is sent (items it holds back are output as
	 * not sent). With a gate, Continue On Fail also validates every item before the first send.
	 */
	gate?: SendGate;
}

/** A MessageValidationError (or anything else thrown while preparing an item) as a NodeOperationError. */
export function toValidationError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError | NodeApiError {
	if (error instanceof MessageValidationError) {
		return new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${error.field} ${error.problem}`, {
			itemIndex,
			description: error.fix,
		});
	}
	return toNodeError(ctx.getNode(), error, itemIndex);
}

function validationErrorJson(error: unknown): IDataObject {
	if (error instanceof MessageValidationError)
		return { error: { message: error.message, field: error.field, problem: error.problem, fix: error.fix } };
	return errorItemJson(error) as IDataObject;
}

/** Reads and validates the Messages per Second option. */
export function readMps(ctx: IExecuteFunctions, value: unknown): number {
	if (value === undefined || value === null || value === '') return DEFAULT_MPS;
	const mps = Number(value);
	if (!Number.isFinite(mps) || mps < 1 || mps > MAX_MPS)
		throw new NodeOperationError(ctx.getNode(), `Messages per Second must be between 1 and ${MAX_MPS}`, {
			description:
				'WhatsApp numbers start at 80 messages per second and can be upgraded by Meta to 1,000. Use 80 unless Meta has upgraded your number.',
		});
	return Math.floor(mps);
}

/** Parses a recipient, naming the parameter on failure. */
export function readRecipient(value: unknown, defaultCountry: CountryCode | undefined): Recipient {
	return parseRecipient(value, { defaultCountry, field: 'Recipient' });
}

export function readDefaultCountry(value: unknown): CountryCode | undefined {
	return parseDefaultCountry(typeof value === 'string' ? value : undefined);
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/**
 * The execute context with a `getNodeParameter` that evaluates a parameter holding no expression only once per
 * run (it is the same for every item). Evaluating parameters costs n8n real CPU per call; for thousands of items
 * that validation pass delayed the first send by seconds. Parameters with expressions are read per item as usual.
 */
export function withParameterCache(ctx: IExecuteFunctions): IExecuteFunctions {
	const raw = ctx.getNode().parameters ?? {};
	const cache = new Map<string, unknown>();
	const read = (name: string, itemIndex: number, fallback?: unknown, options?: IGetNodeParameterOptions) => {
		if (hasExpression(raw[name.split('.')[0]]))
			return ctx.getNodeParameter(name, itemIndex, fallback, options);
		const key = `${name}\u0000${JSON.stringify(options ?? {})}`;
		if (!cache.has(key)) cache.set(key, ctx.getNodeParameter(name, itemIndex, fallback, options));
		const value = cache.get(key);
		return value && typeof value === 'object' ? structuredClone(value) : value;
	};
	return new Proxy(ctx, {
		get(target, property) {
			if (property === 'getNodeParameter') return read;
			const value = Reflect.get(target, property, target) as unknown;
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

/** A FIFO of jobs that workers wait on until it is closed. */
class JobQueue<T> {
	private readonly items: T[] = [];
	private readonly waiters: Array<(value: T | undefined) => void> = [];
	private closed = false;

	push(value: T): void {
		const waiter = this.waiters.shift();
		if (waiter) waiter(value);
		else this.items.push(value);
	}

	close(): void {
		this.closed = true;
		for (const waiter of this.waiters.splice(0)) waiter(undefined);
	}

	async take(): Promise<T | undefined> {
		if (this.items.length > 0) return this.items.shift();
		if (this.closed) return undefined;
		return await new Promise<T | undefined>((resolve) => this.waiters.push(resolve));
	}
}

/** Resolves on a later macrotask (n8n's timer-based sleep), so pending network callbacks run. */
async function yieldToEventLoop(): Promise<void> {
	await sleep(0);
}

/** Runs the two phases over all input items and returns the output items (order and pairing preserved). */
export async function runBulkSend(
	this: IExecuteFunctions,
	options: BulkSendOptions,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const context = await getBulkSendContext.call(this, {
		mps: options.mps,
		phoneNumberId: options.phoneNumberId,
	});

	const cached = withParameterCache(this);
	const outcomes: SendOutcome[] = new Array<SendOutcome>(items.length);
	const requireSender = () => {
		if (!context.phoneNumberId)
			throw new NodeOperationError(this.getNode(), 'No sender phone number ID', {
				description:
					'Set the Phone Number ID in the WhatsApp Clinic Cloud API credential, or the Sender Phone Number ID option.',
			});
	};
	const concurrency = (count: number) =>
		options.concurrency ?? Math.max(1, Math.min(count, options.mps ?? DEFAULT_MPS));
	// Continue On Fail: every valid item is sent; a failure becomes that item's error item.
	const sendOne = async ({ itemIndex, job }: PreparedSend) => {
		try {
			const json = await job.send(context);
			outcomes[itemIndex] = { itemIndex, ok: true, json: { ...json, ...job.summary } };
		} catch (error) {
			outcomes[itemIndex] = { itemIndex, ok: false, error, summary: job.summary };
		}
	};

	if (continueOnFail && !options.gate) {
		// Bad items become error items either way, so nothing can be "half-sent" by a validation error: sending
		// starts as soon as the first item is valid, while the remaining items are still being validated.
		requireSender();
		const queue = new JobQueue<PreparedSend>();
		const workers = Array.from({ length: concurrency(items.length) }, async () => {
			for (let next = await queue.take(); next; next = await queue.take()) await sendOne(next);
		});
		try {
			for (let i = 0; i < items.length; i++) {
				try {
					queue.push({ itemIndex: i, job: await options.prepare.call(cached, i, context) });
				} catch (error) {
					outcomes[i] = { itemIndex: i, ok: false, error, summary: {} };
				}
				// Let started sends progress (their I/O callbacks) while validation goes on.
				if (i % 20 === 19) await yieldToEventLoop();
			}
		} finally {
			queue.close();
		}
		await Promise.all(workers);
	} else {
		// Phase 1: validate everything before the first request; the first bad item stops the run, nothing sent
		// (with Continue On Fail and a gate: bad items become error items).
		let toSend: PreparedSend[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				toSend.push({ itemIndex: i, job: await options.prepare.call(cached, i, context) });
			} catch (error) {
				if (!continueOnFail) throw toValidationError(this, error, i);
				outcomes[i] = { itemIndex: i, ok: false, error, summary: {} };
			}
		}
		if (toSend.length > 0) requireSender();
		// The gate decides every valid item at once, right before sending; held-back items are output as not sent.
		if (options.gate && toSend.length > 0) {
			const decisions = await options.gate.call(this, toSend);
			const kept: PreparedSend[] = [];
			toSend.forEach(({ itemIndex, job }, k) => {
				const decision = decisions[k];
				if (decision.send)
					kept.push({ itemIndex, job: { ...job, summary: { ...job.summary, ...decision.summary } } });
				else
					outcomes[itemIndex] = {
						itemIndex,
						ok: false,
						blocked: true,
						json: decision.json,
						summary: job.summary,
					};
			});
			toSend = kept;
		}
		if (continueOnFail && toSend.length > 0)
			await mapWithConcurrency(toSend, concurrency(toSend.length), sendOne);
		// Phase 2: send concurrently under the shared limiter; no new send starts after the first failure (sends
		// already in flight finish and are counted).
		if (!continueOnFail && toSend.length > 0) {
			let accepted = 0;
			const state: { failure?: { itemIndex: number; error: unknown } } = {};
			await mapWithConcurrency(toSend, concurrency(toSend.length), async ({ itemIndex, job }) => {
				if (state.failure) return;
				try {
					const json = await job.send(context);
					accepted++;
					outcomes[itemIndex] = { itemIndex, ok: true, json: { ...json, ...job.summary } };
				} catch (error) {
					const first = state.failure as { itemIndex: number } | undefined;
					if (!first || itemIndex < first.itemIndex) state.failure = { itemIndex, error };
				}
			});
			const failure = state.failure;
			if (failure) {
				const nodeError = toNodeError(this.getNode(), failure.error, failure.itemIndex);
				const note =
					accepted > 0
						? ` ${accepted} other message(s) of this run were already accepted by WhatsApp; turn on "Continue On Fail" to get one result per item and resend only the failed ones.`
						: '';
				nodeError.description = `${nodeError.description ?? ''}${note}`.trim();
				if (options.onOutcomes) await options.onOutcomes.call(this, outcomes.filter(Boolean));
				throw nodeError;
			}
		}
	}

	// The single place results are produced (Audit to Store hooks in here).
	if (options.onOutcomes) await options.onOutcomes.call(this, outcomes);
	return outcomes.map((outcome) =>
		outcome.ok || outcome.blocked
			? { json: outcome.json, pairedItem: { item: outcome.itemIndex } }
			: {
					// No top-level `error` on the item: n8n-core's normalizeNodeErrors would replace this json with
					// `{error: message}`, dropping Meta's code, title and hint that failed items must carry.
					json: { ...outcome.summary, ...validationErrorJson(outcome.error) },
					pairedItem: { item: outcome.itemIndex },
				},
	);
}

/**
 * The WhatsApp context for a bulk run. Same client as `getWhatsAppContext`, except that every request passes the
 * credential read once at the start (`credentialsDecrypted`) to `httpRequestWithAuthentication`: n8n still adds the
 * Bearer token itself, but skips loading and decrypting the credential again for each of thousands of sends (that
 * per-request cost, not WhatsApp, capped bulk throughput inside n8n).
 */
export async function getBulkSendContext(
	this: IExecuteFunctions,
	options: { mps?: number; phoneNumberId?: string },
): Promise<WhatsAppContext> {
	const base = await getWhatsAppContext.call(this, options);
	const data = await this.getCredentials(WHATSAPP_CREDENTIAL_TYPE);
	const reference = this.getNode().credentials?.[WHATSAPP_CREDENTIAL_TYPE];
	const decrypted: ICredentialsDecrypted = {
		id: reference?.id ?? WHATSAPP_CREDENTIAL_TYPE,
		name: reference?.name ?? WHATSAPP_CREDENTIAL_TYPE,
		type: WHATSAPP_CREDENTIAL_TYPE,
		data,
	};
	const send: HttpSender = async (request: HttpRequest): Promise<HttpResponse> => {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			WHATSAPP_CREDENTIAL_TYPE,
			toN8nRequestOptions(request),
			{ credentialsDecrypted: { ...decrypted, data: { ...data } } },
		)) as { body?: unknown; headers?: HttpResponse['headers']; statusCode?: number; status?: number };
		let body = response?.body;
		if (request.returnBuffer && body instanceof ArrayBuffer) body = Buffer.from(body);
		return { status: response?.statusCode ?? response?.status ?? 0, headers: response?.headers ?? {}, body };
	};
	const client = new GraphClient({
		send,
		baseUrl: base.baseUrl,
		apiVersion: base.apiVersion,
		limiterMps: options.mps,
	});
	return { ...base, client };
}

/** Uploads an item's binary property as WhatsApp media and returns the media ID. */
export async function uploadItemBinary(
	ctx: IExecuteFunctions,
	context: WhatsAppContext,
	itemIndex: number,
	propertyName: string,
): Promise<string> {
	const meta = ctx.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const uploaded = await context.client.uploadMedia(context.phoneNumberId, {
		data,
		fileName: meta.fileName ?? `${propertyName}.${meta.fileExtension ?? 'bin'}`,
		mimeType: meta.mimeType || 'application/octet-stream',
	});
	return uploaded.id;
}

/** Checks at validation time that an item has the binary property (names the field and the fix). */
export function assertItemBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	field: string,
): void {
	const name = propertyName.trim();
	if (!name)
		throw new MessageValidationError(
			field,
			'is empty',
			'Give the name of the binary property holding the file, e.g. data.',
		);
	const binary = ctx.getInputData()[itemIndex]?.binary?.[name];
	if (!binary)
		throw new MessageValidationError(
			field,
			`"${name}": the item has no binary property with that name`,
			'Check the name of the binary field produced by the previous node (often "data"), or send the file by link or media ID.',
		);
}
