/**
 * Retention purge: removes the oldest entries (a prefix of the chain, everything recorded before the cutoff) and
 * appends a sealed anchor entry (anchor.ts) carrying the removed range and the last removed hash, so the remaining
 * chain still verifies and nobody without the PHI key can pass a deletion off as a purge.
 * Default retention: 6 years (2190 days), the HIPAA documentation retention period.
 */
import { DateTime } from 'luxon';

import { ClinicError } from '../errors';
import { type AnchorDetails, coveredFrom, sealAnchor } from './anchor';
import { appendToChain, prepareEntry } from './chain';
import type { AuditEntryInput } from './entry';
import { type AuditSource, auditRepository } from './repositories';

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
	source: AuditSource,
	options: PurgeOptions = {},
): Promise<PurgeResult> {
	const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
	if (!Number.isFinite(days) || days < 1)
		throw new ClinicError('Retention (days) must be at least 1', {
			code: 'invalid_input',
			field: 'Keep Entries for (Days)',
			hint: 'Enter a whole number of days, e.g. 2190 (6 years).',
		});
	const now = (options.now ?? (() => new Date()))();
	const cutoff = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ days }).toISO() as string;
	const dryRun = !!options.dryRun;
	const repo = auditRepository(source);
	return await repo.write(async (w) => {
		const range = await w.purgeRange(cutoff);
		if (!range) return { cutoff, purgedCount: 0, purgedThroughSeq: null, anchorSeq: null, dryRun };
		const result = {
			cutoff,
			purgedCount: range.count,
			purgedThroughSeq: range.last.seq,
			anchorSeq: null,
			dryRun,
		};
		if (dryRun) return result;
		// The anchor continues the chain from the current head (which may itself be purged).
		const head = await w.head();
		const details: AnchorDetails = {
			purgedFromSeq: await coveredFrom(repo.cipher, w),
			purgedThroughSeq: range.last.seq,
			purgedLastHash: range.last.hash,
			purgedCount: range.count,
			cutoff,
			retentionDays: days,
		};
		details.seal = sealAnchor(
			repo.cipher,
			{ seq: head.seq + 1, prevHash: head.hash, ts: now.toISOString() },
			details,
		);
		await w.deleteThrough(range.last.seq);
		const anchor = prepareEntry(
			{
				direction: 'system',
				event: 'audit.retention-purge',
				actor: options.actor,
				details: details as unknown as AuditEntryInput['details'],
			},
			repo.cipher,
			'anchor',
		);
		const [appended] = await appendToChain(w, [anchor], now, head);
		return { ...result, anchorSeq: appended.seq };
	});
}
