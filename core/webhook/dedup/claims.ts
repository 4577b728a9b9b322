/**
 * Exactly-once emission of webhook events. Meta retries a delivery for up to 7 days until it gets a 200, and may
 * send the same event to several subscribed apps, so the same wamid/status can arrive many times, also concurrently.
 *
 * Layers (each bounded):
 * 1. `MemoryDedupCache` (memory-cache.ts) — process-wide, synchronous: two overlapping requests in one process see
 *    each other's claims because the claim happens before any `await`.
 * 2. `PersistedDedupRing` (persisted-ring.ts) — digests in the workflow's static data, so restarts do not re-emit
 *    recent events.
 * 3. `ProcessedEventStore` (optional, processed-events.ts on the clinic store) — atomic claims shared by every
 *    process (queue mode, several webhook processors), kept for `ttlMs` (replay-window.ts: the maximum event age
 *    plus a clock-skew margin, at least Meta's 7-day retry window).
 */
import type { ProcessedEventStore } from '../../store/ports';
import type { ClinicEvent } from '../events';
import { DEDUP_TTL_MS } from '../replay-window';
import { compactKey, dedupKey } from './key';
import type { MemoryDedupCache } from './memory-cache';
import type { PersistedDedupRing } from './persisted-ring';

export type { ProcessedEventStore };

export interface DedupLayers {
	memory: MemoryDedupCache;
	persisted?: PersistedDedupRing;
	store?: ProcessedEventStore;
	/** How long the store keeps a claim (default `DEDUP_TTL_MS`; see `dedupRetentionMs`). */
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
