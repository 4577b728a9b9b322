/**
 * Layer 3 of webhook deduplication, on the clinic store: `claim(keys, ttlMs)` inserts each key once
 * (`INSERT … ON CONFLICT DO NOTHING RETURNING`), atomically across executions and processes; expired claims are
 * purged on the way so the table stays bounded by the TTL (time-based retention: the trigger passes
 * `dedupRetentionMs(max event age)`, at least Meta's 7-day retry window plus a margin). Keys must not contain PHI
 * (the trigger passes `compactKey` digests). The table is always created by `openClinicStore` (core/store/open-store.ts).
 */
import { registerMigrations } from '../../store/migrations';
import type { ClinicStore, ProcessedEventStore } from '../../store/ports';

registerMigrations('webhook', [
	{
		id: 'webhook-001',
		sqlite:
			'CREATE TABLE IF NOT EXISTS clinic_processed_events (event_key TEXT PRIMARY KEY, claimed_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL);' +
			'CREATE INDEX IF NOT EXISTS clinic_processed_events_expiry ON clinic_processed_events (expires_at_ms);',
		postgres:
			'CREATE TABLE IF NOT EXISTS clinic_processed_events (event_key TEXT PRIMARY KEY, claimed_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL);' +
			'CREATE INDEX IF NOT EXISTS clinic_processed_events_expiry ON clinic_processed_events (expires_at_ms);',
	},
]);

const CHUNK = 400;

export class SqlProcessedEventStore implements ProcessedEventStore {
	constructor(
		private readonly store: ClinicStore,
		private readonly now: () => number = Date.now,
	) {}

	async claim(keys: readonly string[], ttlMs: number): Promise<boolean[]> {
		if (!keys.length) return [];
		if (!(ttlMs > 0))
			throw new Error('Deduplication window (ttlMs) must be a positive number of milliseconds');
		for (const k of keys) {
			if (typeof k !== 'string' || !k) throw new Error('Deduplication keys must be non-empty strings');
		}
		const now = this.now();
		const unique = [...new Set(keys)];
		const claimed = new Set<string>();
		await this.store.transaction(async (tx) => {
			// Expired claims for these keys are released first so a redelivery after the window is processed again.
			for (let i = 0; i < unique.length; i += CHUNK) {
				const part = unique.slice(i, i + CHUNK);
				const ph = part.map((_, j) => `$${j + 2}`).join(', ');
				await tx.query(
					`DELETE FROM clinic_processed_events WHERE expires_at_ms <= $1 AND event_key IN (${ph})`,
					[now, ...part],
				);
				const values = part.map((_, j) => `($${j * 3 + 1}, $${j * 3 + 2}, $${j * 3 + 3})`).join(', ');
				const params: unknown[] = [];
				for (const k of part) params.push(k, now, now + ttlMs);
				const rows = await tx.query<{ event_key: string }>(
					`INSERT INTO clinic_processed_events (event_key, claimed_at_ms, expires_at_ms) VALUES ${values} ON CONFLICT (event_key) DO NOTHING RETURNING event_key`,
					params,
				);
				for (const r of rows) claimed.add(r.event_key);
			}
			// Bounded housekeeping: drop a slice of expired rows on every claim.
			await tx.query(
				'DELETE FROM clinic_processed_events WHERE event_key IN (SELECT event_key FROM clinic_processed_events WHERE expires_at_ms <= $1 LIMIT 1000)',
				[now],
			);
		});
		const seen = new Set<string>();
		return keys.map((k) => {
			if (seen.has(k)) return false;
			seen.add(k);
			return claimed.has(k);
		});
	}

	async release(keys: readonly string[]): Promise<void> {
		for (let i = 0; i < keys.length; i += CHUNK) {
			const part = keys.slice(i, i + CHUNK);
			await this.store.query(
				`DELETE FROM clinic_processed_events WHERE event_key IN (${part.map((_, j) => `$${j + 1}`).join(', ')})`,
				[...part],
			);
		}
	}
}

export function createProcessedEventStore(store: ClinicStore): ProcessedEventStore {
	return new SqlProcessedEventStore(store);
}
