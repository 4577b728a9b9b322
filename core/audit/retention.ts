/**
 * Retention purge: removes the oldest entries (a prefix of the chain, everything recorded before the cutoff) and
 * appends an anchor entry carrying the last removed seq and hash, so the remaining chain still verifies.
 * Default retention: 6 years (2190 days), the HIPAA documentation retention period.
 */
import { DateTime } from 'luxon';

import type { ClinicStore } from '../store/ports';
import { appendPrepared, prepareEntry, readHead } from './chain';
import { AUDIT_LOCK_KEY } from './schema';

export const DEFAULT_RETENTION_DAYS = 2190;

export interface PurgeOptions {
	retentionDays?: number;
	now?: () => Date;
	/** Report what would be removed without removing it. */
	dryRun?: boolean;
	actor?: { workflowId?: string | null; executionId?: string | null; node?: string | null };
}

export interface PurgeResult {
	cutoff: string;
	purgedCount: number;
	purgedThroughSeq: number | null;
	anchorSeq: number | null;
	dryRun: boolean;
}

export async function purgeAuditEntries(
	store: ClinicStore,
	options: PurgeOptions = {},
): Promise<PurgeResult> {
	const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
	if (!Number.isFinite(days) || days < 1) throw new Error('Retention (days) must be at least 1');
	const now = (options.now ?? (() => new Date()))();
	const cutoff = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ days }).toISO() as string;
	return store.transaction(
		async (tx) => {
			const firstKeep = await tx.query<{ seq: number | null }>(
				'SELECT MIN(seq) AS seq FROM clinic_audit_log WHERE ts >= $1',
				[cutoff],
			);
			let through: number;
			if (firstKeep[0]?.seq !== null && firstKeep[0]?.seq !== undefined)
				through = Number(firstKeep[0].seq) - 1;
			else {
				const max = await tx.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM clinic_audit_log');
				through = Number(max[0]?.seq ?? 0);
			}
			const last = await tx.query<{ seq: number; hash: string }>(
				'SELECT seq, hash FROM clinic_audit_log WHERE seq <= $1 ORDER BY seq DESC LIMIT 1',
				[through],
			);
			if (!last.length)
				return { cutoff, purgedCount: 0, purgedThroughSeq: null, anchorSeq: null, dryRun: !!options.dryRun };
			const count = await tx.query<{ n: number }>(
				'SELECT COUNT(*) AS n FROM clinic_audit_log WHERE seq <= $1',
				[through],
			);
			const purgedCount = Number(count[0].n);
			if (options.dryRun)
				return { cutoff, purgedCount, purgedThroughSeq: Number(last[0].seq), anchorSeq: null, dryRun: true };
			// The anchor continues the chain from the current head (which may itself be purged).
			const head = await readHead(tx);
			await tx.query('DELETE FROM clinic_audit_log WHERE seq <= $1', [through]);
			const anchor = prepareEntry(
				{
					direction: 'system',
					event: 'audit.retention-purge',
					actor: options.actor,
					details: {
						purgedThroughSeq: Number(last[0].seq),
						purgedLastHash: last[0].hash,
						purgedCount,
						cutoff,
						retentionDays: days,
					},
				},
				store.cipher,
				'anchor',
			);
			const [appended] = await appendPrepared(tx, [anchor], now, head);
			return {
				cutoff,
				purgedCount,
				purgedThroughSeq: Number(last[0].seq),
				anchorSeq: appended.seq,
				dryRun: false,
			};
		},
		{ lockKey: AUDIT_LOCK_KEY },
	);
}
