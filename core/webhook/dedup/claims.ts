/**
 * Exactly-once emission of webhook events. Meta retries a delivery for up to 7 days until it gets a 200, and may
 * send the same event to several subscribed apps, so the same wamid/status can arrive many times, also concurrently.
 *
 * Layers (each bounded in size):
 * 1. `MemoryDedupCache` — process-wide, synchronous: two overlapping requests in one process see each other's
 *    claims because the claim happens before any `await`.
 * 2. `PersistedDedupRing` — a compact key → first-seen map kept in a plain JSON object (the workflow's static data),
 *    so restarts do not re-emit recent events.
 * 3. `ProcessedEventStore` (optional, the clinic store) — atomic claims shared by every process (queue mode,
 *    several webhook processors).
 */
import { hash } from 'node:crypto';

import type { ProcessedEventStore } from '../store/ports';
import type { ClinicEvent } from './events';

export type { ProcessedEventStore };

/** Meta retries for up to 7 days; keep keys a little longer than that. */
export const DEDUP_TTL_MS = 7 * 24 * 60 * 60 * 1000 + 60 * 60 * 1000;
export const DEFAULT_MEMORY_MAX_ENTRIES = 50_000;
/** ~30 bytes per entry in the workflow's static data (saved after every execution): ≤ 6,250 entries, ≤ ~190 KB. */
export const DEFAULT_PERSISTED_MAX_ENTRIES = 5_000;

/**
 * The identity of an event across deliveries, or null when it has none (such events are never suppressed):
 * `message:<wamid>`, `status:<wamid>:<status>`, and for WABA-level updates the field, the entry time and a digest
 * of the change value.
 */
export function dedupKey(event: ClinicEvent): string | null {
	switch (event.event) {
		case 'message':
			return event.messageId ? `message:${event.messageId}` : null;
		case 'status':
			return event.messageId ? `status:${event.messageId}:${event.status}` : null;
		case 'user_preference':
			// Digest only: the user's phone number / BSUID must not be stored in clear.
			return event.timestamp
				? `user_preference:${digest(`${event.from ?? ''}|${event.userId ?? ''}|${event.category}|${event.value}|${event.timestamp}`)}`
				: null;
		case 'template_update':
		case 'account_update':
		case 'other':
			// Without the entry time two genuinely different updates with the same content would collide.
			return event.timestamp
				? `${event.event}:${event.field}:${event.wabaId}:${event.timestamp}:${digest(JSON.stringify(event.details))}`
				: null;
		default:
			// 'error' events have no identity of their own (no id, usually no time): always emitted.
			return null;
	}
}

function digest(text: string): string {
	return hash('sha256', text, 'base64url').slice(0, 22);
}

type Clock = () => number;

export interface CacheOptions {
	maxEntries?: number;
	ttlMs?: number;
	now?: Clock;
}

/** Bounded TTL set with synchronous claims. Insertion order = claim order, so the oldest entry is first. */
export class MemoryDedupCache {
	private readonly expiry = new Map<string, number>();
	private readonly maxEntries: number;
	private readonly ttlMs: number;
	private readonly now: Clock;

	constructor(options: CacheOptions = {}) {
		this.maxEntries = options.maxEntries ?? DEFAULT_MEMORY_MAX_ENTRIES;
		this.ttlMs = options.ttlMs ?? DEDUP_TTL_MS;
		this.now = options.now ?? Date.now;
	}

	get size(): number {
		return this.expiry.size;
	}

	/** `true` = first time seen (now claimed), `false` = duplicate. Duplicates within `keys` count too. */
	claim(keys: readonly string[]): boolean[] {
		const now = this.now();
		this.prune(now);
		const result = new Array<boolean>(keys.length);
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i];
			const expiresAt = this.expiry.get(key);
			if (expiresAt !== undefined && expiresAt > now) {
				result[i] = false;
				continue;
			}
			if (expiresAt !== undefined) this.expiry.delete(key);
			this.expiry.set(key, now + this.ttlMs);
			result[i] = true;
		}
		this.trim();
		return result;
	}

	release(keys: readonly string[]): void {
		for (const key of keys) this.expiry.delete(key);
	}

	private prune(now: number): void {
		for (const [key, expiresAt] of this.expiry) {
			if (expiresAt > now) break;
			this.expiry.delete(key);
		}
	}

	private trim(): void {
		if (this.expiry.size <= this.maxEntries) return;
		let excess = this.expiry.size - this.maxEntries;
		for (const key of this.expiry.keys()) {
			if (excess-- <= 0) break;
			this.expiry.delete(key);
		}
	}
}

const MAX_SCOPES = 1000;
const processCaches = new Map<string, MemoryDedupCache>();

/**
 * The process-wide cache of one scope (e.g. `<workflowId>:<nodeId>:<mode>`). Module-level on purpose: every
 * request handled by this process shares it. The number of scopes is bounded (least recently used dropped).
 */
export function processDedupCache(scope: string, options?: CacheOptions): MemoryDedupCache {
	let cache = processCaches.get(scope);
	if (cache) {
		processCaches.delete(scope);
		processCaches.set(scope, cache);
		return cache;
	}
	cache = new MemoryDedupCache(options);
	processCaches.set(scope, cache);
	if (processCaches.size > MAX_SCOPES) {
		const oldest = processCaches.keys().next().value;
		if (oldest !== undefined) processCaches.delete(oldest);
	}
	return cache;
}

/** Forget every process-wide cache (tests). */
export function resetProcessDedupCaches(): void {
	processCaches.clear();
}

/**
 * Shape kept under one key of the workflow static data. JSON-safe. `seen` maps compact key → first seen (Unix s), in
 * first-seen order; `n` is the number of entries and `p` the time of the last full prune (both kept so that a claim
 * stays O(keys) instead of O(state)).
 */
export interface PersistedDedupState {
	v: 1;
	seen: Record<string, number>;
	n: number;
	p: number;
}

/**
 * 96-bit digest of a key (SHA-256 truncated, base64url, 16 chars, one-shot `crypto.hash`): keeps the persisted state small
 * and free of message ids.
 */
export function compactKey(key: string): string {
	return 'k' + hash('sha256', key, 'base64url').slice(0, 16);
}

/** Full prunes (expiry sweep) run at most this often; a size overflow of 25 % triggers one at once. */
const PRUNE_INTERVAL_S = 60;
const OVERFLOW_SLACK = 1.25;

/**
 * Bounded, TTL'd dedup set persisted in a caller-owned plain object (n8n workflow static data). Keys are stored as
 * digests in first-seen order; the oldest entries are dropped past `maxEntries` (at most 25 % overshoot between
 * prunes), expired ones at the next prune.
 */
export class PersistedDedupRing {
	private readonly maxEntries: number;
	private readonly ttlMs: number;
	private readonly now: Clock;
	private readonly state: PersistedDedupState;

	/** `holder[property]` is created or repaired when missing or of the wrong shape. */
	constructor(holder: Record<string, unknown>, property: string, options: CacheOptions = {}) {
		this.maxEntries = options.maxEntries ?? DEFAULT_PERSISTED_MAX_ENTRIES;
		this.ttlMs = options.ttlMs ?? DEDUP_TTL_MS;
		this.now = options.now ?? Date.now;
		const existing = holder[property] as Partial<PersistedDedupState> | undefined;
		if (!existing || existing.v !== 1 || typeof existing.seen !== 'object' || existing.seen === null) {
			holder[property] = { v: 1, seen: {}, n: 0, p: 0 } satisfies PersistedDedupState;
		}
		this.state = holder[property] as PersistedDedupState;
		if (typeof this.state.n !== 'number') this.state.n = Object.keys(this.state.seen).length;
		if (typeof this.state.p !== 'number') this.state.p = 0;
	}

	get size(): number {
		return this.state.n;
	}

	claim(keys: readonly string[]): boolean[] {
		return this.claimDigests(keys.map(compactKey));
	}

	/** Same as `claim` for keys already passed through `compactKey`. */
	claimDigests(digests: readonly string[]): boolean[] {
		const nowS = Math.floor(this.now() / 1000);
		const ttlS = Math.ceil(this.ttlMs / 1000);
		const seen = this.state.seen;
		const result = new Array<boolean>(digests.length);
		let added = 0;
		for (let i = 0; i < digests.length; i++) {
			const k = digests[i];
			const first = seen[k];
			if (typeof first === 'number' && first + ttlS > nowS) {
				result[i] = false;
				continue;
			}
			if (first !== undefined) {
				delete seen[k];
				this.state.n--;
			}
			seen[k] = nowS;
			this.state.n++;
			result[i] = true;
			added++;
		}
		if (
			added > 0 &&
			(this.state.n > this.maxEntries * OVERFLOW_SLACK || nowS - this.state.p >= PRUNE_INTERVAL_S)
		) {
			this.prune(nowS, ttlS);
		}
		return result;
	}

	release(keys: readonly string[]): void {
		for (const key of keys) {
			const k = compactKey(key);
			if (k in this.state.seen) {
				delete this.state.seen[k];
				this.state.n--;
			}
		}
	}

	private prune(nowS: number, ttlS: number): void {
		const seen = this.state.seen;
		const keys = Object.keys(seen);
		let excess = keys.length - this.maxEntries;
		let removed = 0;
		for (const k of keys) {
			const expired = !(seen[k] + ttlS > nowS);
			if (!expired && excess <= 0) break;
			delete seen[k];
			excess--;
			removed++;
		}
		this.state.n = keys.length - removed;
		this.state.p = nowS;
	}
}

export interface DedupLayers {
	memory: MemoryDedupCache;
	persisted?: PersistedDedupRing;
	store?: ProcessedEventStore;
	ttlMs?: number;
}

export interface DedupOutcome<T> {
	fresh: T[];
	duplicates: number;
	/** The keys claimed for `fresh` (to release when the events could not be handed over). */
	claimedKeys: string[];
}

interface LocalClaim {
	keys: Array<string | null>;
	fresh: boolean[];
	/** Indexes (into events) still fresh after the local layers, with a key. */
	candidates: number[];
	/** `compactKey` of each candidate's key (what the store receives). */
	candidateDigests: string[];
	/** Keys this call claimed in memory / in the persisted ring (released again if the store fails). */
	memoryWon: string[];
	persistedWon: string[];
}

/** Memory and persisted layers: synchronous, so no other request can interleave between check and set. */
function claimLocal(events: readonly ClinicEvent[], layers: DedupLayers): LocalClaim {
	const keys = new Array<string | null>(events.length);
	const keyed: number[] = [];
	const keyList: string[] = [];
	for (let i = 0; i < events.length; i++) {
		const key = dedupKey(events[i]);
		keys[i] = key;
		if (key !== null) {
			keyed.push(i);
			keyList.push(key);
		}
	}
	const fresh = new Array<boolean>(events.length).fill(true);
	const memoryClaims = layers.memory.claim(keyList);
	let candidates: number[] = [];
	let candidateKeys: string[] = [];
	for (let j = 0; j < keyList.length; j++) {
		if (memoryClaims[j]) {
			candidates.push(keyed[j]);
			candidateKeys.push(keyList[j]);
		} else fresh[keyed[j]] = false;
	}
	const memoryWon = candidateKeys;
	let persistedWon: string[] = [];
	// Digests, not wamids, leave the process: a wamid embeds the sender's phone number.
	let candidateDigests = layers.persisted || layers.store ? candidateKeys.map(compactKey) : [];
	if (layers.persisted && candidates.length > 0) {
		const claims = layers.persisted.claimDigests(candidateDigests);
		const next: number[] = [];
		const nextKeys: string[] = [];
		const nextDigests: string[] = [];
		for (let n = 0; n < candidates.length; n++) {
			if (claims[n]) {
				next.push(candidates[n]);
				nextKeys.push(candidateKeys[n]);
				nextDigests.push(candidateDigests[n]);
			} else fresh[candidates[n]] = false;
		}
		candidates = next;
		candidateKeys = nextKeys;
		candidateDigests = nextDigests;
		persistedWon = nextKeys;
	}
	return { keys, fresh, candidates, candidateDigests, memoryWon, persistedWon };
}

function outcome<T extends ClinicEvent>(events: readonly T[], local: LocalClaim): DedupOutcome<T> {
	const out: T[] = [];
	const claimedKeys: string[] = [];
	for (let i = 0; i < events.length; i++) {
		if (!local.fresh[i]) continue;
		out.push(events[i]);
		const key = local.keys[i];
		if (key !== null) claimedKeys.push(key);
	}
	return { fresh: out, duplicates: events.length - out.length, claimedKeys };
}

/**
 * The memory + persisted layers only, synchronously (single process without a clinic store). Same semantics as
 * `claimFreshEvents` without `store`.
 */
export function claimFreshEventsSync<T extends ClinicEvent>(
	events: readonly T[],
	layers: Omit<DedupLayers, 'store'>,
): DedupOutcome<T> {
	return outcome(events, claimLocal(events, layers));
}

/**
 * Claims every event's key in all layers and returns the events seen for the first time. The memory and persisted
 * layers are claimed synchronously, before the first `await`, so concurrent deliveries cannot both win.
 * If the store fails, every claim made here is released and the error is rethrown (the caller answers 5xx so that
 * Meta redelivers).
 */
export async function claimFreshEvents<T extends ClinicEvent>(
	events: readonly T[],
	layers: DedupLayers,
): Promise<DedupOutcome<T>> {
	const local = claimLocal(events, layers);
	if (layers.store && local.candidates.length > 0) {
		const storeKeys = local.candidateDigests;
		let claims: boolean[] = [];
		let failure: unknown;
		try {
			claims = await layers.store.claim(storeKeys, layers.ttlMs ?? DEDUP_TTL_MS);
		} catch (error) {
			failure = error ?? new Error('The processed-event store failed');
		}
		if (failure !== undefined) {
			layers.memory.release(local.memoryWon);
			layers.persisted?.release(local.persistedWon);
			throw failure;
		}
		local.candidates.forEach((i, n) => {
			if (claims[n] !== true) local.fresh[i] = false;
		});
	}
	return outcome(events, local);
}

/** Undo the claims of `keys` in every layer (e.g. the events could not be handed to n8n). */
export async function releaseClaims(keys: readonly string[], layers: DedupLayers): Promise<void> {
	if (keys.length === 0) return;
	layers.memory.release(keys);
	layers.persisted?.release(keys);
	if (layers.store) await layers.store.release(keys.map(compactKey));
}
