/** Public entry of webhook deduplication (`core/webhook/dedup`): event identity, the three layers and the claims. */
export { dedupKey, compactKey } from './key';
export {
	MemoryDedupCache,
	processDedupCache,
	resetProcessDedupCaches,
	DEFAULT_MEMORY_MAX_ENTRIES,
	type CacheOptions,
} from './memory-cache';
export {
	PersistedDedupRing,
	DEFAULT_PERSISTED_MAX_ENTRIES,
	type PersistedDedupState,
} from './persisted-ring';
export {
	claimFreshEvents,
	claimFreshEventsSync,
	releaseClaims,
	type DedupLayers,
	type DedupOutcome,
	type ProcessedEventStore,
} from './claims';
export { createProcessedEventStore, SqlProcessedEventStore } from './processed-events';
export { DEDUP_TTL_MS } from '../replay-window';
