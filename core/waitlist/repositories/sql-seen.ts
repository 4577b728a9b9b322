/** What Find Freed Slots saw at its last poll, in the clinic store (clinic_waitlist_seen: slot IDs only, no PHI). */
import type { SqlTx } from '../../store/ports';
import type { SeenSlots } from './port';

export async function readSeen(tx: SqlTx, listId: string, watchKey: string): Promise<SeenSlots | undefined> {
	const [row] = await tx.query<Record<string, unknown>>(
		'SELECT from_ms, to_ms, slot_ids, updated_at_ms FROM clinic_waitlist_seen WHERE list_id = $1 AND watch_key = $2',
		[listId, watchKey],
	);
	if (!row) return undefined;
	const ids = JSON.parse(String(row.slot_ids)) as unknown;
	return {
		fromMs: Number(row.from_ms),
		toMs: Number(row.to_ms),
		slotIds: Array.isArray(ids) ? ids.map(String) : [],
		updatedAtMs: Number(row.updated_at_ms),
	};
}

export async function writeSeen(tx: SqlTx, listId: string, watchKey: string, seen: SeenSlots): Promise<void> {
	await tx.query(
		`INSERT INTO clinic_waitlist_seen (list_id, watch_key, from_ms, to_ms, slot_ids, updated_at_ms)
		 VALUES ($1, $2, $3, $4, $5, $6)
		 ON CONFLICT (list_id, watch_key) DO UPDATE SET from_ms = excluded.from_ms, to_ms = excluded.to_ms,
		 slot_ids = excluded.slot_ids, updated_at_ms = excluded.updated_at_ms`,
		[listId, watchKey, seen.fromMs, seen.toMs, JSON.stringify(seen.slotIds), seen.updatedAtMs],
	);
}
