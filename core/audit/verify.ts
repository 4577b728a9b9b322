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
import { ClinicError } from '../errors';
import type { ClinicStore } from '../store/ports';
import {
	AUDIT_COLUMNS,
	type AuditRow,
	DETAILS_POSITION,
	INDEXED_POSITIONS,
	CANONICAL_VERSION,
	GENESIS_HASH,
	canonicalEntry,
	hashCanonical,
} from './entry';

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

/** Thrown on request ("Fail When Broken") when the chain does not verify. */
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

const SELECT = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM clinic_audit_log`;

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

/** What the walk needs from a row: seq, hash and the sealed canonical form (prev_hash is read only on a break). */
interface Link {
	seq: number;
	prevHash?: string;
	hash: string;
	canonical: string;
	/** The database saw a lookup column differ from the sealed entry. */
	flagged?: boolean;
}

/**
 * SQL that is true when a row's lookup columns no longer equal its sealed canonical entry. INDEXED_POSITIONS are
 * canonical positions 1..10, so the sealed text starts with '["<version>",' followed by exactly those values; the
 * database rebuilds that prefix from the columns (no JSON parsing of `entry`). Flagged rows are confirmed in JS
 * (formatting differences between JSON writers are not tampering).
 */
function columnsDifferSql(store: ClinicStore): string {
	const cols = INDEXED_POSITIONS.map(([c]) => c);
	const prefix =
		store.dialect === 'sqlite'
			? `rtrim(json_array('${CANONICAL_VERSION}', ${cols.join(', ')}), ']') || ','`
			: `'["${CANONICAL_VERSION}",' || ${cols
					.map((c) => (c === 'seq' ? 'seq::text' : `coalesce(to_json(${c})::text, 'null')`))
					.join(" || ',' || ")} || ','`;
	return store.dialect === 'sqlite'
		? `(entry IS NOT NULL AND instr(entry, ${prefix}) IS NOT 1)`
		: `(entry IS NOT NULL AND NOT starts_with(entry, ${prefix}))`;
}

/** The first lookup column of row `seq` that differs from the sealed entry, or null (confirmation of a SQL flag). */
async function differingColumn(store: ClinicStore, seq: number): Promise<string | null> {
	const cols = INDEXED_POSITIONS.map(([c]) => c);
	const [row] = await store.query<Record<string, unknown>>(
		`SELECT ${cols.join(', ')}, entry FROM clinic_audit_log WHERE seq = $1`,
		[seq],
	);
	if (!row?.entry) return null;
	const sealed = JSON.parse(String(row.entry)) as unknown[];
	const norm = (v: unknown) => (v === null || v === undefined ? null : String(v));
	return INDEXED_POSITIONS.find(([c, i]) => norm(row[c]) !== norm(sealed[i]))?.[0] ?? null;
}

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
	const loadPrevHash = async (l: Link): Promise<string> => {
		if (l.prevHash === undefined) {
			const rows = await store.query<{ prev_hash: string }>(
				'SELECT prev_hash FROM clinic_audit_log WHERE seq = $1',
				[l.seq],
			);
			l.prevHash = String(rows[0]?.prev_hash ?? '');
		}
		return l.prevHash;
	};
	const selfConsistent = async (l: Link) => hashCanonical(await loadPrevHash(l), l.canonical) === l.hash;

	/** Explains why `row` does not link to `prev`. */
	const linkBreak = async (prev: Link | null, row: Link): Promise<VerifyResult> => {
		const prevHash = await loadPrevHash(row);
		const target = prevHash === GENESIS_HASH ? 0 : await seqOfHash(prevHash);
		if (target !== null && target > row.seq) {
			return fail(
				row.seq,
				'reordered',
				`Entry ${row.seq} links to entry ${target}, which now comes after it: entries were reordered`,
			);
		}
		if (target !== null && prev && target < prev.seq) {
			return fail(
				prev.seq,
				'inserted',
				`Entry ${prev.seq} does not belong to the chain: it was inserted between entries ${target} and ${row.seq}`,
			);
		}
		if (prev && (await selfConsistent(row))) {
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

	/** Rows written before audit-002 have no sealed form: rebuild it from the columns. */
	const legacyCanonical = async (seq: number): Promise<string> => {
		const [row] = await store.query<AuditRow>(`${SELECT} WHERE seq = $1`, [seq]);
		return canonicalEntry(row);
	};

	// One pass: each row comes with a flag saying whether its lookup columns still match the sealed entry.
	const pageSql = `SELECT seq, prev_hash, hash, entry, CASE WHEN ${columnsDifferSql(store)} THEN 1 ELSE 0 END AS flagged FROM clinic_audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`;
	const fetchPage = async (after: number): Promise<Link[]> => {
		const rows = store.queryArrays
			? await store.queryArrays(pageSql, [after, pageSize])
			: (await store.query<Record<string, unknown>>(pageSql, [after, pageSize])).map((r) => [
					r.seq,
					r.prev_hash,
					r.hash,
					r.entry,
					r.flagged,
				]);
		const links: Link[] = new Array(rows.length);
		for (let i = 0; i < rows.length; i++) {
			const r = rows[i];
			const seq = Number(r[0]);
			links[i] = {
				seq,
				prevHash: String(r[1]),
				hash: String(r[2]),
				canonical: r[3] === null || r[3] === undefined ? await legacyCanonical(seq) : String(r[3]),
				flagged: Number(r[4]) === 1,
			};
		}
		return links;
	};

	let prev: Link | null = null;
	let lastSeq = 0;
	let checkpointSeen = false;
	for (;;) {
		const page = await fetchPage(lastSeq);
		if (!page.length) break;
		for (const row of page) {
			const seq = row.seq;
			if (prev === null) {
				result.firstSeq = seq;
				if (seq === 1) {
					if (row.prevHash !== GENESIS_HASH) {
						if (await selfConsistent(row)) {
							return fail(
								seq,
								'inserted',
								'Entry 1 does not start from the genesis hash: entries were inserted before it',
							);
						}
						return fail(seq, 'modified', 'Entry 1 was modified: it no longer starts from the genesis hash');
					}
				} else {
					const anchors = await store.query<{ seq: number; details: string | null; entry: string | null }>(
						"SELECT seq, details, entry FROM clinic_audit_log WHERE kind = 'anchor' ORDER BY seq",
					);
					const parsed = anchors.map((a) => ({
						seq: Number(a.seq),
						// The sealed details (the anchor's own hash covers them); legacy rows keep them in the column.
						d: parseAnchor(
							a.entry ? ((JSON.parse(a.entry) as unknown[])[DETAILS_POSITION] as string | null) : a.details,
						),
					}));
					const match = parsed.find(
						(a) => a.d && a.d.purgedThroughSeq === seq - 1 && a.d.purgedLastHash === row.prevHash,
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
				if (row.prevHash !== prev.hash) return await linkBreak(prev, row);
			}
			if (hashCanonical(row.prevHash as string, row.canonical) !== row.hash) {
				return fail(seq, 'modified', `Entry ${seq} was modified: its content no longer matches its hash`);
			}
			if (row.flagged) {
				const column = await differingColumn(store, seq);
				if (column) {
					return fail(
						seq,
						'modified',
						`Entry ${seq} was modified: column "${column}" differs from the sealed entry`,
					);
				}
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
