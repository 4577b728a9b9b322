/**
 * AuditRepository: the storage port of the audit log. The chain, verify, query, export and retention logic
 * (core/audit/*.ts) talks only to this port. Two adapters: `SqlAuditRepository` (the clinic store: SQLite or
 * Postgres) and `MemoryAuditRepository` (unit tests, demos). Both pass the same behaviour tests.
 *
 * Guarantees every adapter gives:
 * - `write(fn)` runs `fn` as ONE transaction under the audit chain lock: concurrent writers (executions, processes)
 *   extend one linear chain, and a batch is all-or-nothing (a throw rolls every change of `fn` back).
 * - Reads never cache: whatever was committed before the call is visible to it.
 * - Rows are returned as stored, including tampered ones: detecting tampering is the caller's job (verify.ts).
 */
import type { PhiCipher } from '../../store/ports';
import type { AuditDirection, AuditRow } from '../entry';

export interface ChainHead {
	seq: number;
	hash: string;
}

/** One stored link of the chain, as verify reads it. */
export interface StoredLink {
	seq: number;
	prevHash: string;
	hash: string;
	/** The sealed canonical entry (rebuilt from the columns for rows written before migration audit-002). */
	canonical: string;
	/** The adapter saw a lookup column differ from the sealed entry; confirm with `differingColumn(seq)`. */
	flagged: boolean;
}

/** A stored row with its sealed form (`entry` is null only for rows written before migration audit-002). */
export type StoredRow = AuditRow;

/** Row filter, already resolved to stored values (digests, ISO times). Absent fields do not filter. */
export interface AuditRowFilter {
	/** Keyed digests of the patient phone under every configured key. */
	patientDigests?: readonly string[];
	userId?: string;
	/** Keyed digests of the message ID under every configured key (v3 entries)… */
	messageDigests?: readonly string[];
	/** …and the message ID itself, for entries written before message IDs were encrypted (v2). */
	legacyMessageId?: string;
	/** ISO-8601 UTC; inclusive. */
	from?: string;
	/** ISO-8601 UTC; exclusive. */
	to?: string;
	direction?: AuditDirection;
	purpose?: string;
	event?: string;
}

export interface RowWindow {
	/** Only rows with seq > afterSeq (asc) or seq < beforeSeq (desc). */
	afterSeq?: number;
	beforeSeq?: number;
	order: 'asc' | 'desc';
	limit: number;
}

/** What a retention purge would remove: every entry before the first one recorded at or after the cutoff. */
export interface PurgeRange {
	/** The newest entry in the range. */
	last: ChainHead;
	count: number;
}

export interface AuditReader {
	/** Links with seq > afterSeq, in seq order, at most `limit`. */
	links(afterSeq: number, limit: number): Promise<StoredLink[]>;
	/** The first lookup column of row `seq` that differs from its sealed entry, or null. */
	differingColumn(seq: number): Promise<string | null>;
	/** The seq of the row whose hash is `hash`, or null. */
	seqOfHash(hash: string): Promise<number | null>;
	/** Every row of kind `anchor` (retention purge anchors), in seq order. */
	anchors(): Promise<StoredLink[]>;
	/** Rows matching `filter`, in `window` order. */
	find(filter: AuditRowFilter, window: RowWindow): Promise<StoredRow[]>;
}

export interface AuditChainWriter extends AuditReader {
	/** The newest entry (genesis when the log is empty). */
	head(): Promise<ChainHead>;
	/** Inserts sealed rows (seq, hash, prev_hash and `entry` set; PHI encrypted). */
	insert(rows: readonly StoredRow[]): Promise<void>;
	/** What a purge with this cutoff (ISO-8601) would remove, or null when nothing is older. */
	purgeRange(cutoff: string): Promise<PurgeRange | null>;
	/** Deletes every row with seq <= `seq`. */
	deleteThrough(seq: number): Promise<void>;
}

export interface AuditRepository extends AuditReader {
	/** Encrypts PHI on append, decrypts it for Query/Export, authenticates purge anchors. */
	readonly cipher: PhiCipher;
	/** Runs `fn` in one transaction under the audit chain lock. */
	write<T>(fn: (writer: AuditChainWriter) => Promise<T>): Promise<T>;
}
