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
import { createHash } from 'node:crypto';

import type { ProcessedEventStore } from '../store/ports';
import type { ClinicEvent } from './events';

export type { ProcessedEventStore };

/** Meta retries for up to 7 days; keep keys a little longer than that. */
export const DEDUP_TTL_MS = 7 * 24 * 60 * 60 * 1000 + 60 * 60 * 1000;
export const DEFAULT_MEMORY_MAX_ENTRIES = 50_000;
export const DEFAULT_PERSISTED_MAX_ENTRIES = 10_000;

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
	return createHash('sha256').update(text).digest('base64url').slice(0, 22);
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

/** Shape kept under one key of the workflow static data. JSON-safe; `seen` maps compact key → first seen (s). */
export interface PersistedDedupState {
	v: 1;
	seen: Record<string, number>;
}

/** 128-bit digest of a key, base64url (22 chars): keeps the persisted state small and free of message ids. */
export function compactKey(key: string): string {
	return 'k' + createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/**
 * Bounded, TTL'd dedup set persisted in a caller-owned plain object (n8n workflow static data). Keys are stored as
 * digests in first-seen order; oldest entries are dropped past `maxEntries`.
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
		const existing = holder[property] as PersistedDedupState | undefined;
		if (!existing || existing.v !== 1 || typeof existing.seen !== 'object' || existing.seen === null) {
			holder[property] = { v: 1, seen: {} } satisfies PersistedDedupState;
		}
		this.state = holder[property] as PersistedDedupState;
	}

	get size(): number {
		return Object.keys(this.state.seen).length;
	}

	claim(keys: readonly string[]): boolean[] {
		const nowS = Math.floor(this.now() / 1000);
		const ttlS = Math.ceil(this.ttlMs / 1000);
		const seen = this.state.seen;
		const result = new Array<boolean>(keys.length);
		let added = 0;
		for (let i = 0; i < keys.length; i++) {
			const k = compactKey(keys[i]);
			const first = seen[k];
			if (typeof first === 'number' && first + ttlS > nowS) {
				result[i] = false;
				continue;
			}
			if (first !== undefined) delete seen[k];
			seen[k] = nowS;
			result[i] = true;
			added++;
		}
		if (added > 0) this.prune(nowS, ttlS);
		return result;
	}

	release(keys: readonly string[]): void {
		for (const key of keys) delete this.state.seen[compactKey(key)];
	}

	private prune(nowS: number, ttlS: number): void {
		const seen = this.state.seen;
		const keys = Object.keys(seen);
		let excess = keys.length - this.maxEntries;
		for (const k of keys) {
			const expired = !(seen[k] + ttlS > nowS);
			if (!expired && excess <= 0) break;
			delete seen[k];
			excess--;
		}
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
	const keys = events.map(dedupKey);
	const keyed: number[] = [];
	const keyList: string[] = [];
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		if (key !== null) {
			keyed.push(i);
			keyList.push(key);
		}
	}
	const fresh = new Array<boolean>(events.length).fill(true);
	const memoryClaims = layers.memory.claim(keyList);
	const memoryWon: string[] = [];
	const persistedCandidates: number[] = [];
	for (let j = 0; j < keyList.length; j++) {
		if (memoryClaims[j]) {
			memoryWon.push(keyList[j]);
			persistedCandidates.push(j);
		} else fresh[keyed[j]] = false;
	}
	let persistedWon: string[] = [];
	let candidates = persistedCandidates;
	if (layers.persisted && candidates.length > 0) {
		const claims = layers.persisted.claim(candidates.map((j) => keyList[j]));
		const next: number[] = [];
		candidates.forEach((j, n) => {
			if (claims[n]) next.push(j);
			else fresh[keyed[j]] = false;
		});
		candidates = next;
		persistedWon = next.map((j) => keyList[j]);
	}
	if (layers.store && candidates.length > 0) {
		const storeKeys = candidates.map((j) => keyList[j]);
		let claims: boolean[] = [];
		let failure: unknown;
		try {
			claims = await layers.store.claim(storeKeys, layers.ttlMs ?? DEDUP_TTL_MS);
		} catch (error) {
			failure = error ?? new Error('The processed-event store failed');
		}
		if (failure !== undefined) {
			layers.memory.release(memoryWon);
			layers.persisted?.release(persistedWon);
			throw failure;
		}
		candidates.forEach((j, n) => {
			if (claims[n] !== true) fresh[keyed[j]] = false;
		});
	}
	const out: T[] = [];
	const claimedKeys: string[] = [];
	for (let i = 0; i < events.length; i++) {
		if (!fresh[i]) continue;
		out.push(events[i]);
		const key = keys[i];
		if (key !== null) claimedKeys.push(key);
	}
	return { fresh: out, duplicates: events.length - out.length, claimedKeys };
}

/** Undo the claims of `keys` in every layer (e.g. the events could not be handed to n8n). */
export async function releaseClaims(keys: readonly string[], layers: DedupLayers): Promise<void> {
	if (keys.length === 0) return;
	layers.memory.release(keys);
	layers.persisted?.release(keys);
	if (layers.store) await layers.store.release(keys);
}
