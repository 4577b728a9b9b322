/**
 * One webhook delivery (POST from Meta), from the raw bytes to the events a workflow receives, and what Meta is
 * answered. n8n-free: the trigger node supplies the request, its settings, where dedup state lives, a media
 * downloader and a way to answer early; this module decides everything else.
 *
 *   verify signature (raw bytes) → parse envelope → events (too-deep changes skipped and logged) → filter by kind
 *   and phone number → drop events older than the maximum age (counted) → claim (dedup) → [answer 200, download
 *   media] → emit hooks (audit) → hand over
 *
 * What Meta gets, and when claims are released:
 * - 401: no App Secret (empty or whitespace) or a missing/malformed/wrong signature. 400: the envelope is not a
 *   WhatsApp webhook. Nothing is claimed, no workflow starts.
 * - 200 without a workflow: nothing left after filtering, the age check or deduplication.
 * - 500 when the dedup store cannot be reached or fails: this call's claims are released first, Meta re-sends.
 * - 500 when an emit hook (Audit to Store) fails before Meta was answered: the claims are released, Meta re-sends.
 * - With media to download, 200 is sent BEFORE downloading (Meta wants a quick answer); from then on the events are
 *   always handed over: a failed download becomes `mediaError`, a failing hook is logged and skipped.
 * - Otherwise the events are handed over and the host answers 200 when it starts the workflow.
 * Nothing of the body (message text, phone numbers, ids) is ever logged.
 */
import type { EmitHook, EmittedEvent, MediaAttachment } from './emitted';
import type { MessageEvent } from './events';
import {
	PersistedDedupRing,
	claimFreshEvents,
	claimFreshEventsSync,
	processDedupCache,
	releaseClaims,
	type DedupLayers,
	type ProcessedEventStore,
} from './dedup';
import { selectEvents, type PhoneNumberFilter } from './filter';
import { extractDelivery, parseWebhookBody, type SkippedChange } from './parse';
import { dedupRetentionMs, splitByAge } from './replay-window';
import { SIGNATURE_FAILURE_MESSAGES, verifySignature } from './signature';

/** Key of the dedup ring inside the state object (n8n: the node's workflow static data). */
export const STATIC_DATA_DEDUP_KEY = 'processedEvents';
/** Key of the running count of events dropped for their age, in the same state object. */
export const STATIC_DATA_STALE_COUNT_KEY = 'droppedStaleEvents';

export interface DeliveryRequest {
	rawBody: Buffer | undefined;
	/** The `X-Hub-Signature-256` header as received. */
	signature: string | string[] | undefined;
}

export interface DeliverySettings {
	appSecret: string;
	/** Event filter values to emit (`message`, `status.read`, …). */
	kinds: ReadonlySet<string>;
	phoneNumbers: PhoneNumberFilter;
	includeRaw: boolean;
	downloadMedia: boolean;
	/** Events older than this (by their own timestamp) are dropped and counted. */
	maxEventAgeMs: number;
}

export interface DeliveryLog {
	warn(message: string): void;
	error(message: string): void;
}

export interface DedupSetup {
	/** The process-wide memory cache's scope, e.g. `<workflowId>:<nodeId>:<test|live>`. */
	scope: string;
	/** A plain object that survives restarts (n8n: the node's workflow static data); also holds the stale count. */
	state: Record<string, unknown>;
	/** The shared Clinic Store table when configured; resolved only when there is something to claim. */
	resolveStore?: () => Promise<ProcessedEventStore | undefined>;
}

export interface DeliveryPorts<B> {
	dedup: DedupSetup;
	/** Answers 200 right away (before media downloads). Called at most once. */
	acknowledge: () => void;
	/** Downloads the media of `events`, result aligned with them. Called only with "Download Media". */
	downloadMedia?: (events: readonly MessageEvent[]) => Promise<Array<MediaAttachment<B>>>;
	hooks?: readonly EmitHook[];
	log: DeliveryLog;
	now?: () => number;
}

export type DeliveryStatus = 200 | 400 | 401 | 500;

export type DeliveryOutcome<B> =
	/** Answer Meta with this and start nothing. */
	| { kind: 'answer'; status: DeliveryStatus; body: string }
	/** Start the workflow with these events; `acknowledged` = Meta already got its 200. */
	| { kind: 'emit'; emitted: Array<EmittedEvent<B>>; acknowledged: boolean };

/** The answer when the trigger's credential cannot be read (Meta re-sends later). */
export const CREDENTIAL_UNAVAILABLE = {
	kind: 'answer',
	status: 500,
	body: 'Trigger credential unavailable',
} as const;

const OK = { kind: 'answer', status: 200, body: 'OK' } as const;
const RETRY_LATER = { kind: 'answer', status: 500, body: 'Temporarily unavailable' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function describeSkipped(skipped: SkippedChange): string {
	const field = skipped.field ? `field "${skipped.field}"` : 'no field name';
	return `skipped change ${skipped.change} of entry ${skipped.entry} (${field}): nested deeper than ${skipped.limit} levels, so it cannot be processed. The other events of this delivery were processed and Meta gets its answer for them; this change is dropped (its content is not logged).`;
}

function countStale(state: Record<string, unknown>, count: number): number {
	const before = state[STATIC_DATA_STALE_COUNT_KEY];
	const total = (typeof before === 'number' && Number.isFinite(before) ? before : 0) + count;
	state[STATIC_DATA_STALE_COUNT_KEY] = total;
	return total;
}

function days(ms: number): string {
	return String(Math.round((ms / DAY_MS) * 100) / 100);
}

/** Runs one delivery through the pipeline. Never throws for anything Meta sends; see the header for the answers. */
export async function processDelivery<B>(
	request: DeliveryRequest,
	settings: DeliverySettings,
	ports: DeliveryPorts<B>,
): Promise<DeliveryOutcome<B>> {
	const { log } = ports;
	const now = ports.now ?? Date.now;

	// 1. Signature over the raw bytes, before anything else looks at the body.
	const signature = verifySignature(request.rawBody, request.signature, settings.appSecret);
	if (!signature.valid) {
		const text = `webhook refused with 401 (${signature.reason}). ${SIGNATURE_FAILURE_MESSAGES[signature.reason]}`;
		const missingSecret = signature.reason === 'missing_app_secret';
		if (missingSecret) log.error(text);
		else log.warn(text);
		return {
			kind: 'answer',
			status: 401,
			body: missingSecret ? 'App secret not configured' : 'Invalid signature',
		};
	}

	// 2. Envelope.
	const parsed = parseWebhookBody(request.rawBody as Buffer);
	if (!parsed.ok) {
		log.warn(`webhook refused with 400 (${parsed.reason})`);
		return { kind: 'answer', status: 400, body: parsed.message };
	}

	// 3. Events (a change too deep to process is skipped, the rest goes on), filtered.
	const extracted = extractDelivery(parsed.payload, { includeRaw: settings.includeRaw });
	for (const skipped of extracted.skipped) log.error(describeSkipped(skipped));
	const selected = selectEvents(extracted.events, {
		kinds: settings.kinds,
		phoneNumbers: settings.phoneNumbers,
	});
	if (selected.length === 0) return OK;

	// 4. Too old to be a genuine delivery or retry: dropped and counted, never emitted or claimed.
	const { current: events, stale } = splitByAge(selected, now(), settings.maxEventAgeMs);
	if (stale.length > 0) {
		const total = countStale(ports.dedup.state, stale.length);
		log.warn(
			`dropped ${stale.length} event(s) older than ${days(settings.maxEventAgeMs)} days ("Max Event Age"): a replayed or very late webhook, no workflow started (${total} dropped so far).`,
		);
	}
	if (events.length === 0) return OK;

	// 5. Exactly once (memory + static data claims happen synchronously inside the claim).
	const timing = { ttlMs: dedupRetentionMs(settings.maxEventAgeMs), now };
	const layers: DedupLayers = {
		memory: processDedupCache(ports.dedup.scope, timing),
		persisted: new PersistedDedupRing(ports.dedup.state, STATIC_DATA_DEDUP_KEY, timing),
		ttlMs: timing.ttlMs,
	};
	let fresh: typeof events;
	let claimedKeys: string[];
	try {
		const store = await ports.dedup.resolveStore?.();
		if (store) layers.store = store;
		const outcome = store ? await claimFreshEvents(events, layers) : claimFreshEventsSync(events, layers);
		fresh = outcome.fresh;
		claimedKeys = outcome.claimedKeys;
	} catch (error) {
		// Not acknowledged: Meta redelivers later, and nothing stays claimed.
		log.error(`deduplication store failed, answered 500 so Meta retries (${message(error)})`);
		return RETRY_LATER;
	}
	if (fresh.length === 0) return OK;

	// 6. Media (after acknowledging, so Meta gets its 200 quickly).
	const download = settings.downloadMedia ? ports.downloadMedia : undefined;
	const mediaEvents = download
		? fresh.filter((e): e is MessageEvent => e.event === 'message' && e.media !== null)
		: [];
	let acknowledged = false;
	const attachments = new Map<MessageEvent, MediaAttachment<B>>();
	if (download && mediaEvents.length > 0) {
		ports.acknowledge();
		acknowledged = true;
		try {
			const results = await download(mediaEvents);
			mediaEvents.forEach((e, i) => attachments.set(e, results[i]));
		} catch (error) {
			const text = `Media download failed: ${message(error)}`;
			for (const e of mediaEvents) {
				attachments.set(e, {
					mediaError: { code: 'download_failed', message: text, httpStatus: null, metaCode: null },
				});
			}
		}
	}

	// 7. Hooks (audit), then hand over.
	const emitted: Array<EmittedEvent<B>> = fresh.map((event) => ({
		event,
		media: attachments.get(event as MessageEvent),
	}));
	try {
		for (const hook of ports.hooks ?? []) await hook(emitted);
	} catch (error) {
		if (!acknowledged) {
			// Nothing was handed over: release the claims and let Meta redeliver.
			await releaseClaims(claimedKeys, layers).catch(() => undefined);
			log.error(`emitting failed, answered 500 so Meta retries (${message(error)})`);
			return RETRY_LATER;
		}
		// Already acknowledged (media path): never lose the messages, emit them without the failed hook.
		log.error(`an emit hook failed after acknowledging; emitting anyway (${message(error)})`);
	}
	return { kind: 'emit', emitted, acknowledged };
}
