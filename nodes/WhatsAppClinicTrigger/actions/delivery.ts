/**
 * Request handling for the two webhooks: `setup` (GET, Meta's verification handshake) and `default` (POST,
 * deliveries). Pipeline for deliveries: verify signature on the raw bytes → parse → one event per message/status/
 * update → filter → deduplicate → (download media) → items. Refusals are answered directly (401/400/403/500) and
 * start no execution; nothing of the body is ever logged.
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerChallenge } from '../../core/webhook/challenge';
import {
	PersistedDedupRing,
	claimFreshEvents,
	claimFreshEventsSync,
	releaseClaims,
	processDedupCache,
	type DedupLayers,
	type ProcessedEventStore,
} from '../../core/webhook/dedup';
import type { MessageEvent } from '../../core/webhook/events';
import { parsePhoneNumberFilter, selectEvents } from '../../core/webhook/filter';
import { extractEvents, parseWebhookBody } from '../../core/webhook/parse';
import { SIGNATURE_FAILURE_MESSAGES, SIGNATURE_HEADER, verifySignature } from '../../core/webhook/signature';
import { createProcessedEventStore } from '../../core/store/processed-events';
import { getClinicStore } from '../shared/store';
import { WHATSAPP_CREDENTIAL_TYPE, getWebhookSecrets, getWhatsAppContext } from '../shared/transport';
import { emitEvents, toItems, type EmitHook, type EmittedEvent } from './emit';
import { downloadEventMedia, type MediaAttachment } from './media';

/** Key of the dedup state inside the node's workflow static data. */
export const STATIC_DATA_DEDUP_KEY = 'processedEvents';

export interface DeliveryDependencies {
	/** Optional cross-process dedup (Clinic Store). */
	resolveStore?: (context: IWebhookFunctions) => Promise<ProcessedEventStore | undefined>;
	/** Every emitted event passes through these (e.g. audit). */
	emitHooks?: EmitHook[];
}

/** The Clinic Store's processed-event table when "Remember Processed Events In" is Clinic Store, else none. */
export async function resolveDedupStore(
	context: IWebhookFunctions,
): Promise<ProcessedEventStore | undefined> {
	if (context.getNodeParameter('deduplicationStore', 'workflow') !== 'clinicStore') return undefined;
	return createProcessedEventStore(await getClinicStore(context));
}

function reply(context: IWebhookFunctions, status: number, body: string): IWebhookResponseData {
	const res = context.getResponseObject();
	res.status(status);
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.send(body);
	return { noWebhookResponse: true };
}

/** GET: answer `hub.challenge` for the right verify token, else 403. */
export async function handleVerification(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	let verifyToken = '';
	try {
		verifyToken = (await getWebhookSecrets.call(this)).verifyToken;
	} catch (error) {
		this.logger.error(`WhatsApp Clinic Trigger: cannot read the credential (${(error as Error).message})`);
		return reply(this, 500, 'Trigger credential unavailable');
	}
	const answer = answerChallenge(this.getQueryData() as Record<string, unknown>, verifyToken);
	if (answer.status !== 200) {
		this.logger.warn(`WhatsApp Clinic Trigger: webhook verification refused (${answer.reason})`, {
			node: this.getNode().name,
		});
		if (answer.reason === 'missing_verify_token_setting') {
			this.logger.error(
				'WhatsApp Clinic Trigger: set "Webhook Verify Token" in the WhatsApp credential, then verify again in Meta.',
			);
		}
	}
	return reply(this, answer.status, answer.body);
}

function dedupScope(context: IWebhookFunctions): string {
	const workflowId = context.getWorkflow().id ?? 'unsaved';
	return `${workflowId}:${context.getNode().id}:${context.getMode() === 'manual' ? 'test' : 'live'}`;
}

/** POST: verify, parse, filter, deduplicate, emit. */
export async function handleDelivery(
	this: IWebhookFunctions,
	deps: DeliveryDependencies = {},
): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	let rawBody: Buffer | undefined = req.rawBody;
	if (!rawBody && typeof req.readRawBody === 'function') {
		await req.readRawBody();
		rawBody = req.rawBody;
	}

	let appSecret = '';
	let credentialPhoneNumberId = '';
	try {
		appSecret = (await getWebhookSecrets.call(this)).appSecret;
		// Only the ID is read here; a malformed Base URL / API version must not block receiving webhooks.
		const credential = await this.getCredentials(WHATSAPP_CREDENTIAL_TYPE);
		credentialPhoneNumberId = String(credential.phoneNumberId ?? '').trim();
	} catch (error) {
		this.logger.error(`WhatsApp Clinic Trigger: cannot read the credential (${(error as Error).message})`);
		return reply(this, 500, 'Trigger credential unavailable');
	}

	// 1. Signature over the raw bytes, before anything else looks at the body.
	const signature = verifySignature(rawBody, req.headers[SIGNATURE_HEADER], appSecret);
	if (!signature.valid) {
		const message = `WhatsApp Clinic Trigger: webhook refused with 401 (${signature.reason}). ${SIGNATURE_FAILURE_MESSAGES[signature.reason]}`;
		if (signature.reason === 'missing_app_secret') this.logger.error(message);
		else this.logger.warn(message, { node: this.getNode().name });
		return reply(
			this,
			401,
			signature.reason === 'missing_app_secret' ? 'App secret not configured' : 'Invalid signature',
		);
	}

	// 2. Envelope.
	const parsed = parseWebhookBody(rawBody as Buffer);
	if (!parsed.ok) {
		this.logger.warn(`WhatsApp Clinic Trigger: webhook refused with 400 (${parsed.reason})`);
		return reply(this, 400, parsed.message);
	}

	// 3. Events, filtered.
	const kinds = this.getNodeParameter('events', ['message']) as string[];
	const phoneNumberIds = String(this.getNodeParameter('phoneNumberIds', '') ?? '');
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const events = selectEvents(extractEvents(parsed.payload, { includeRaw: options.includeRaw === true }), {
		kinds: new Set(kinds),
		phoneNumbers: parsePhoneNumberFilter(phoneNumberIds, credentialPhoneNumberId),
	});
	if (events.length === 0) return reply(this, 200, 'OK');

	// 4. Exactly once (memory + static data claims happen synchronously inside claimFreshEvents).
	const layers: DedupLayers = {
		memory: processDedupCache(dedupScope(this)),
		persisted: new PersistedDedupRing(this.getWorkflowStaticData('node'), STATIC_DATA_DEDUP_KEY),
	};
	let fresh: typeof events;
	let claimedKeys: string[];
	try {
		const store = await deps.resolveStore?.(this);
		if (store) layers.store = store;
		const outcome = store ? await claimFreshEvents(events, layers) : claimFreshEventsSync(events, layers);
		fresh = outcome.fresh;
		claimedKeys = outcome.claimedKeys;
	} catch (error) {
		// Not acknowledged: Meta redelivers later, and nothing stays claimed.
		this.logger.error(
			`WhatsApp Clinic Trigger: deduplication store failed, answered 500 so Meta retries (${(error as Error).message})`,
		);
		return reply(this, 500, 'Temporarily unavailable');
	}
	if (fresh.length === 0) return reply(this, 200, 'OK');

	// 5. Media (after acknowledging, so Meta gets its 200 quickly).
	const binaryPropertyName = String(options.binaryPropertyName || 'data');
	const mediaEvents =
		options.downloadMedia === true
			? fresh.filter((e): e is MessageEvent => e.event === 'message' && e.media !== null)
			: [];
	let acknowledged = false;
	const attachments = new Map<MessageEvent, MediaAttachment>();
	if (mediaEvents.length > 0) {
		reply(this, 200, 'OK');
		acknowledged = true;
		const maxMb = Number(options.maxMediaSizeMb ?? 16);
		try {
			const { client } = await getWhatsAppContext.call(this);
			const results = await downloadEventMedia(this, mediaEvents, client, maxMb);
			mediaEvents.forEach((e, i) => attachments.set(e, results[i]));
		} catch (error) {
			const message = `Media download failed: ${(error as Error).message}`;
			for (const e of mediaEvents) {
				attachments.set(e, {
					mediaError: { code: 'download_failed', message, httpStatus: null, metaCode: null },
				});
			}
		}
	}

	const emitted: EmittedEvent[] = fresh.map((event) => ({
		event,
		media: attachments.get(event as MessageEvent),
	}));
	let items: INodeExecutionData[];
	try {
		items = await emitEvents(emitted, binaryPropertyName, deps.emitHooks);
	} catch (error) {
		const reason = (error as Error).message;
		if (!acknowledged) {
			// Nothing was handed over: release the claims and let Meta redeliver.
			await releaseClaims(claimedKeys, layers).catch(() => undefined);
			this.logger.error(`WhatsApp Clinic Trigger: emitting failed, answered 500 so Meta retries (${reason})`);
			return reply(this, 500, 'Temporarily unavailable');
		}
		// Already acknowledged (media path): never lose the messages, emit them without the failed hook.
		this.logger.error(
			`WhatsApp Clinic Trigger: an emit hook failed after acknowledging; emitting anyway (${reason})`,
		);
		items = toItems(emitted, binaryPropertyName);
	}
	return acknowledged ? { workflowData: [items], noWebhookResponse: true } : { workflowData: [items] };
}
