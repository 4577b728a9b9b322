/**
 * Layer 2 of webhook deduplication: a compact key → first-seen map kept in a plain JSON object (the workflow's
 * static data), so restarts do not re-emit recent events. Bounded in entries and in time.
 */
import { DEDUP_TTL_MS } from '../replay-window';
import { compactKey } from './key';
import type { CacheOptions, Clock } from './memory-cache';

/** ~30 bytes per entry in the workflow's static data (saved after every execution): ≤ 6,250 entries, ≤ ~190 KB. */
export const DEFAULT_PERSISTED_MAX_ENTRIES = 5_000;

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
