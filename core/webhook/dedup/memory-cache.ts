/**
 * Layer 1 of webhook deduplication: a process-wide, bounded TTL set per scope (`<workflowId>:<nodeId>:<mode>`).
 * Claims are synchronous, so two overlapping requests in one process see each other's claims (the claim happens
 * before any `await`).
 */
import { DEDUP_TTL_MS } from '../replay-window';

export const DEFAULT_MEMORY_MAX_ENTRIES = 50_000;

export type Clock = () => number;

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
