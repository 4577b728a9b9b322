/**
 * Chain verification: walks the audit log in seq order, page by page, recomputing every hash and link.
 * Reports the first broken link with a reason:
 * - `modified`  an entry's content no longer matches its hash (or an entry was rewritten with a new hash)
 * - `deleted`   a gap in the sequence, missing oldest entries, or the chain ends before a known checkpoint
 * - `inserted`  an entry that does not belong to the chain sits between two entries
 * - `reordered` entries were moved: an entry links to an entry that now comes after it
 * - `anchor-mismatch` the chain starts after entry 1 and no purge anchor ends right before it with its hash
 * - `anchor-unsealed` the purge anchor that explains the start carries no seal (written before anchors were sealed)
 * - `anchor-forged` that anchor's seal does not open with the PHI key for its position and details (anchor.ts)
 * - `checkpoint-mismatch` a known checkpoint (seq + hash from an earlier verify) differs
 *
 * What a checkpoint (headSeq + headHash of an earlier Verify, kept outside the database) adds: deleting the newest
 * entries, or all of them, is seen (a hash chain alone cannot see a shorter chain), and a checkpoint older than
 * the first remaining entry is accepted only when the sealed anchor the chain starts from covers it.
 */
import { ClinicError } from '../errors';
import { checkAnchorSeal, findStartAnchor } from './anchor';
import { GENESIS_HASH, hashCanonical } from './entry';
import { type AuditSource, auditRepository } from './repositories';
import type { StoredLink } from './repositories/port';

export type BreakReason =
	| 'modified'
	| 'deleted'
	| 'inserted'
	| 'reordered'
	| 'anchor-mismatch'
	| 'anchor-unsealed'
	| 'anchor-forged'
	| 'checkpoint-mismatch';

export interface ChainBreak {
	seq: number;
	reason: BreakReason;
	message: string;
}

export class AuditChainBrokenError extends ClinicError {
	constructor(readonly broken: ChainBreak) {
		super(`Audit log chain is broken at entry ${broken.seq}: ${broken.reason}`, {
			code: `audit_${broken.reason.replace(/-/g, '_')}`,
			title: 'Audit log chain is broken',
			hint: `${broken.message}. Keep the database as it is for investigation, and restore the audit log from a backup or an export taken before that entry if you need a valid chain.`,
			kind: 'store',
		});
		this.name = 'AuditChainBrokenError';
	}
}

export interface VerifyResult {
	valid: boolean;
	/** Entries checked. */
	checked: number;
	firstSeq: number | null;
	/** Last seq and hash: keep them as a checkpoint outside the database to detect later truncation. */
	headSeq: number | null;
	headHash: string | null;
	/** The sealed purge anchor the chain starts from (when older entries were purged). */
	anchor: {
		seq: number;
		purgedFromSeq: number;
		purgedThroughSeq: number;
		purgedCount: number | null;
	} | null;
	broken: ChainBreak | null;
}

export interface VerifyOptions {
	pageSize?: number;
	/** A checkpoint recorded earlier; the chain must still contain it unchanged (or a sealed purge must cover it). */
	checkpoint?: { seq: number; hash: string };
	/** Progress callback (entries checked so far). */
	onProgress?: (checked: number) => void;
}

function checkCheckpoint(cp: { seq: number; hash: string }): void {
	if (!Number.isSafeInteger(cp.seq) || cp.seq < 1)
		throw new ClinicError(`Checkpoint Seq "${String(cp.seq)}" is not an entry number`, {
			code: 'invalid_input',
			field: 'Checkpoint Seq',
			hint: 'Use the headSeq of an earlier Verify Chain result (a whole number from 1).',
		});
	if (!/^[0-9a-f]{64}$/.test(cp.hash))
		throw new ClinicError('Checkpoint Hash is not an entry hash', {
			code: 'invalid_input',
			field: 'Checkpoint Hash',
			hint: 'Use the headHash of an earlier Verify Chain result (64 lowercase hex characters).',
		});
}

export async function verifyAuditChain(
	source: AuditSource,
	options: VerifyOptions = {},
): Promise<VerifyResult> {
	const repo = auditRepository(source);
	const pageSize = options.pageSize ?? 5000;
	const cp = options.checkpoint;
	if (cp) checkCheckpoint(cp);
	const result: VerifyResult = {
		valid: true,
		checked: 0,
		firstSeq: null,
		headSeq: null,
		headHash: null,
		anchor: null,
		broken: null,
	};
	const fail = (seq: number, reason: BreakReason, message: string): VerifyResult => {
		result.valid = false;
		result.broken = { seq, reason, message };
		return result;
	};
	const selfConsistent = (l: StoredLink) => hashCanonical(l.prevHash, l.canonical) === l.hash;
	let purgedLastHash: string | null = null;

	/** Explains why `row` does not link to `prev`. */
	const linkBreak = async (prev: StoredLink, row: StoredLink): Promise<VerifyResult> => {
		const target = row.prevHash === GENESIS_HASH ? 0 : await repo.seqOfHash(row.prevHash);
		if (target !== null && target > row.seq) {
			return fail(
				row.seq,
				'reordered',
				`Entry ${row.seq} links to entry ${target}, which now comes after it: entries were reordered`,
			);
		}
		if (target !== null && target < prev.seq) {
			return fail(
				prev.seq,
				'inserted',
				`Entry ${prev.seq} does not belong to the chain: it was inserted between entries ${target} and ${row.seq}`,
			);
		}
		if (selfConsistent(row)) {
			return fail(
				prev.seq,
				'modified',
				`Entry ${prev.seq} was rewritten (its hash no longer matches what entry ${row.seq} recorded)`,
			);
		}
		return fail(
			row.seq,
			'modified',
			`Entry ${row.seq} was modified: its link to the previous entry is wrong`,
		);
	};

	/** The first entry present: entry 1 from genesis, or the entry after a sealed purge covering 1..seq-1. */
	const startBreak = async (row: StoredLink): Promise<VerifyResult | null> => {
		const seq = row.seq;
		if (seq === 1) {
			if (row.prevHash === GENESIS_HASH) return null;
			return selfConsistent(row)
				? fail(
						seq,
						'inserted',
						'Entry 1 does not start from the genesis hash: entries were inserted before it',
					)
				: fail(seq, 'modified', 'Entry 1 was modified: it no longer starts from the genesis hash');
		}
		const { anchors, match } = await findStartAnchor(repo, row);
		if (!match) {
			return anchors === 0
				? fail(
						seq,
						'deleted',
						`Entries 1 to ${seq - 1} are missing and no purge anchor records their removal`,
					)
				: fail(
						seq,
						'anchor-mismatch',
						`The chain starts at entry ${seq}, but no purge anchor ends at entry ${seq - 1} with this entry's previous hash: entries were removed outside a retention purge`,
					);
		}
		const { link, details } = match;
		const check = checkAnchorSeal(repo.cipher, link, details);
		if (check === 'unsealed') {
			return fail(
				link.seq,
				'anchor-unsealed',
				`The purge anchor at entry ${link.seq}, which says entries 1 to ${seq - 1} were purged, carries no seal (written before purge anchors were sealed, or by someone without the PHI key): the removal cannot be confirmed`,
			);
		}
		if (check === 'forged') {
			return fail(
				link.seq,
				'anchor-forged',
				`The purge anchor at entry ${link.seq} has no valid seal for its position and details: it was not written by Purge by Retention with this store's PHI key, so entries 1 to ${seq - 1} were removed outside a retention purge`,
			);
		}
		const from = details.purgedFromSeq ?? seq;
		if (from !== 1) {
			return fail(
				1,
				'deleted',
				`Entries 1 to ${from - 1} were already missing when the retention purge recorded at entry ${link.seq} ran: they were removed outside a purge`,
			);
		}
		result.anchor = {
			seq: link.seq,
			purgedFromSeq: from,
			purgedThroughSeq: seq - 1,
			purgedCount: details.purgedCount ?? null,
		};
		purgedLastHash = details.purgedLastHash;
		return null;
	};

	let prev: StoredLink | null = null;
	let lastSeq = 0;
	let checkpointSeen = false;
	for (;;) {
		const page = await repo.links(lastSeq, pageSize);
		if (!page.length) break;
		for (const row of page) {
			const seq = row.seq;
			if (prev === null) {
				result.firstSeq = seq;
				const broken = await startBreak(row);
				if (broken) return broken;
			} else {
				if (seq !== prev.seq + 1) {
					return fail(
						prev.seq + 1,
						'deleted',
						seq === prev.seq + 2
							? `Entry ${prev.seq + 1} is missing (deleted)`
							: `Entries ${prev.seq + 1} to ${seq - 1} are missing (deleted)`,
					);
				}
				if (row.prevHash !== prev.hash) return await linkBreak(prev, row);
			}
			if (!selfConsistent(row)) {
				return fail(seq, 'modified', `Entry ${seq} was modified: its content no longer matches its hash`);
			}
			if (row.flagged) {
				const column = await repo.differingColumn(seq);
				if (column) {
					return fail(
						seq,
						'modified',
						`Entry ${seq} was modified: column "${column}" differs from the sealed entry`,
					);
				}
			}
			if (cp && seq === cp.seq) {
				checkpointSeen = true;
				if (row.hash !== cp.hash) {
					return fail(
						seq,
						'checkpoint-mismatch',
						`Entry ${seq} differs from the checkpoint recorded earlier: the chain was rewritten`,
					);
				}
			}
			prev = row;
			result.checked++;
		}
		lastSeq = page[page.length - 1].seq;
		options.onProgress?.(result.checked);
		if (page.length < pageSize) break;
	}
	if (prev) {
		result.headSeq = prev.seq;
		result.headHash = prev.hash;
	}
	if (cp && !checkpointSeen) {
		if (!prev || cp.seq > prev.seq) {
			return fail(
				cp.seq,
				'deleted',
				prev
					? `The chain ends at entry ${prev.seq}, before the checkpoint entry ${cp.seq}: newest entries were deleted`
					: `The audit log is empty, but the checkpoint says it had ${cp.seq} entries: every entry was deleted`,
			);
		}
		// cp.seq is before the first entry: only a sealed purge covering it explains its absence.
		const a = result.anchor;
		if (!a || cp.seq < a.purgedFromSeq || cp.seq > a.purgedThroughSeq) {
			return fail(
				cp.seq,
				'deleted',
				`Checkpoint entry ${cp.seq} is missing and no sealed purge anchor covers it`,
			);
		}
		if (cp.seq === a.purgedThroughSeq && cp.hash !== purgedLastHash) {
			return fail(
				cp.seq,
				'checkpoint-mismatch',
				`Entry ${cp.seq} was purged with a different hash than the checkpoint recorded earlier: the chain was rewritten`,
			);
		}
	}
	return result;
}
