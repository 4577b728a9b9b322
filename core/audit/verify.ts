/**
 * Chain verification: walks `clinic_audit_log` in seq order, page by page, recomputing every hash and link.
 * Reports the first broken link with a reason:
 * - `modified`  an entry's content no longer matches its hash (or an entry was rewritten with a new hash)
 * - `deleted`   a gap in the sequence (or the chain ends before a known checkpoint)
 * - `inserted`  an entry that does not belong to the chain sits between two entries
 * - `reordered` entries were moved: an entry links to an entry that now comes after it
 * - `anchor-mismatch` the first entry after a purge does not match the purge anchor
 * - `checkpoint-mismatch` a known checkpoint (seq + hash from an earlier verify) differs
 */
import type { ClinicStore } from '../store/ports';
import { AUDIT_COLUMNS, type AuditRow, GENESIS_HASH, entryHash } from './entry';

export type BreakReason =
	| 'modified'
	| 'deleted'
	| 'inserted'
	| 'reordered'
	| 'anchor-mismatch'
	| 'checkpoint-mismatch';

export interface ChainBreak {
	seq: number;
	reason: BreakReason;
	message: string;
}

export interface VerifyResult {
	valid: boolean;
	/** Entries checked. */
	checked: number;
	firstSeq: number | null;
	/** Last seq and hash: keep them as a checkpoint outside the database to detect later truncation. */
	headSeq: number | null;
	headHash: string | null;
	/** Purge anchor the chain starts from (when older entries were purged). */
	anchor: { seq: number; purgedThroughSeq: number; purgedCount: number | null } | null;
	broken: ChainBreak | null;
}

export interface VerifyOptions {
	pageSize?: number;
	/** A checkpoint recorded earlier; the chain must still contain it unchanged. */
	checkpoint?: { seq: number; hash: string };
	/** Progress callback (entries checked so far). */
	onProgress?: (checked: number) => void;
}

interface AnchorDetails {
	purgedThroughSeq: number;
	purgedLastHash: string;
	purgedCount?: number;
}

function parseAnchor(details: string | null): AnchorDetails | null {
	if (!details) return null;
	try {
		const d = JSON.parse(details) as Partial<AnchorDetails>;
		if (typeof d.purgedThroughSeq === 'number' && typeof d.purgedLastHash === 'string')
			return d as AnchorDetails;
	} catch {
		return null;
	}
	return null;
}

const SELECT = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM clinic_audit_log`;

export async function verifyAuditChain(
	store: ClinicStore,
	options: VerifyOptions = {},
): Promise<VerifyResult> {
	const pageSize = options.pageSize ?? 5000;
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

	const seqOfHash = async (hash: string): Promise<number | null> => {
		const rows = await store.query<{ seq: number }>(
			'SELECT seq FROM clinic_audit_log WHERE hash = $1 LIMIT 1',
			[hash],
		);
		return rows.length ? Number(rows[0].seq) : null;
	};

	/** Explains why `row` does not link to `prev`. */
	const linkBreak = async (
		prev: { seq: number; hash: string } | null,
		row: AuditRow,
	): Promise<VerifyResult> => {
		const seq = Number(row.seq);
		const target = row.prev_hash === GENESIS_HASH ? 0 : await seqOfHash(row.prev_hash);
		if (target !== null && target > seq) {
			return fail(
				seq,
				'reordered',
				`Entry ${seq} links to entry ${target}, which now comes after it: entries were reordered`,
			);
		}
		if (target !== null && prev && target < prev.seq) {
			return fail(
				prev.seq,
				'inserted',
				`Entry ${prev.seq} does not belong to the chain: it was inserted between entries ${target} and ${seq}`,
			);
		}
		if (entryHash(row.prev_hash, row) === row.hash && prev) {
			return fail(
				prev.seq,
				'modified',
				`Entry ${prev.seq} was rewritten (its hash no longer matches what entry ${seq} recorded)`,
			);
		}
		return fail(seq, 'modified', `Entry ${seq} was modified: its link to the previous entry is wrong`);
	};

	let prev: { seq: number; hash: string } | null = null;
	let lastSeq = 0;
	let checkpointSeen = false;
	for (;;) {
		const page: AuditRow[] = await store.query<AuditRow>(`${SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
			lastSeq,
			pageSize,
		]);
		if (!page.length) break;
		for (const row of page) {
			const seq = Number(row.seq);
			if (prev === null) {
				result.firstSeq = seq;
				if (seq === 1) {
					if (row.prev_hash !== GENESIS_HASH) {
						if (entryHash(row.prev_hash, row) === row.hash) {
							return fail(
								seq,
								'inserted',
								'Entry 1 does not start from the genesis hash: entries were inserted before it',
							);
						}
						return fail(seq, 'modified', 'Entry 1 was modified: it no longer starts from the genesis hash');
					}
				} else {
					const anchors = await store.query<{ seq: number; details: string | null }>(
						"SELECT seq, details FROM clinic_audit_log WHERE kind = 'anchor' ORDER BY seq",
					);
					const parsed = anchors.map((a) => ({ seq: Number(a.seq), d: parseAnchor(a.details) }));
					const match = parsed.find(
						(a) => a.d && a.d.purgedThroughSeq === seq - 1 && a.d.purgedLastHash === row.prev_hash,
					);
					if (!match) {
						if (!parsed.length) {
							return fail(
								seq,
								'deleted',
								`Entries 1 to ${seq - 1} are missing and no purge anchor records their removal`,
							);
						}
						return fail(
							seq,
							'anchor-mismatch',
							`The chain starts at entry ${seq}, but no purge anchor ends at entry ${seq - 1} with this entry's previous hash: entries were removed outside a retention purge`,
						);
					}
					result.anchor = {
						seq: match.seq,
						purgedThroughSeq: seq - 1,
						purgedCount: match.d?.purgedCount ?? null,
					};
				}
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
				if (row.prev_hash !== prev.hash) return await linkBreak(prev, row);
			}
			if (entryHash(row.prev_hash, row) !== row.hash) {
				return fail(seq, 'modified', `Entry ${seq} was modified: its content no longer matches its hash`);
			}
			if (options.checkpoint && seq === options.checkpoint.seq) {
				checkpointSeen = true;
				if (row.hash !== options.checkpoint.hash) {
					return fail(
						seq,
						'checkpoint-mismatch',
						`Entry ${seq} differs from the checkpoint recorded earlier: the chain was rewritten`,
					);
				}
			}
			prev = { seq, hash: row.hash };
			result.checked++;
		}
		lastSeq = Number(page[page.length - 1].seq);
		options.onProgress?.(result.checked);
		if (page.length < pageSize) break;
	}
	if (prev) {
		result.headSeq = prev.seq;
		result.headHash = prev.hash;
	}
	if (options.checkpoint && !checkpointSeen) {
		const cp = options.checkpoint;
		if (!prev || cp.seq > prev.seq) {
			return fail(
				cp.seq,
				'deleted',
				`The chain ends at entry ${prev?.seq ?? 0}, before the checkpoint entry ${cp.seq}: newest entries were deleted`,
			);
		}
		if (result.firstSeq !== null && cp.seq < result.firstSeq && !result.anchor) {
			return fail(cp.seq, 'deleted', `Checkpoint entry ${cp.seq} is missing`);
		}
	}
	return result;
}
