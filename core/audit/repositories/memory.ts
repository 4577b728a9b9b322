/**
 * In-memory AuditRepository: same semantics as the SQL adapter, for unit tests and demos (not persistent).
 * `rows` is the stored table, open to tests that tamper with it the way someone with database access could.
 */
import { settle } from '../../settle';
import type { PhiCipher } from '../../store/ports';
import { GENESIS_HASH, canonicalEntryV2, differingLookupColumn } from '../entry';
import type {
	AuditChainWriter,
	AuditRepository,
	AuditRowFilter,
	ChainHead,
	PurgeRange,
	RowWindow,
	StoredLink,
	StoredRow,
} from './port';

function toLink(r: StoredRow): StoredLink {
	return {
		seq: Number(r.seq),
		prevHash: r.prev_hash,
		hash: r.hash,
		canonical: r.entry ?? canonicalEntryV2(r),
		flagged: r.entry ? differingLookupColumn({ ...r, entry: r.entry }) !== null : false,
	};
}

function matches(r: StoredRow, f: AuditRowFilter): boolean {
	if (f.patientDigests && !f.patientDigests.includes(r.patient_digest ?? '')) return false;
	if (f.userId !== undefined && r.user_id !== f.userId) return false;
	if (f.messageDigests || f.legacyMessageId !== undefined) {
		const byDigest = !!r.message_digest && !!f.messageDigests?.includes(r.message_digest);
		const byId = f.legacyMessageId !== undefined && r.message_id === f.legacyMessageId;
		if (!byDigest && !byId) return false;
	}
	if (f.from !== undefined && r.ts < f.from) return false;
	if (f.to !== undefined && r.ts >= f.to) return false;
	if (f.direction !== undefined && r.direction !== f.direction) return false;
	if (f.purpose !== undefined && r.purpose !== f.purpose) return false;
	if (f.event !== undefined && r.event !== f.event) return false;
	return true;
}

export class MemoryAuditRepository implements AuditRepository, AuditChainWriter {
	/** The stored table (any order; reads sort by seq). */
	readonly rows: StoredRow[] = [];
	private queue: Promise<unknown> = Promise.resolve();

	constructor(readonly cipher: PhiCipher) {}

	private sorted(): StoredRow[] {
		return [...this.rows].sort((a, b) => a.seq - b.seq);
	}

	async write<T>(fn: (writer: AuditChainWriter) => Promise<T>): Promise<T> {
		const run = this.queue.then(async () => {
			const snapshot = this.rows.map((r) => ({ ...r }));
			const res = await settle(async () => await fn(this));
			if (res.ok) return res.value;
			this.rows.splice(0, this.rows.length, ...snapshot); // rollback
			throw res.error;
		});
		this.queue = run.catch(() => undefined);
		return await run;
	}

	async links(afterSeq: number, limit: number): Promise<StoredLink[]> {
		return this.sorted()
			.filter((r) => r.seq > afterSeq)
			.slice(0, limit)
			.map(toLink);
	}

	async anchors(): Promise<StoredLink[]> {
		return this.sorted()
			.filter((r) => r.kind === 'anchor')
			.map(toLink);
	}

	async differingColumn(seq: number): Promise<string | null> {
		const row = this.rows.find((r) => r.seq === seq);
		return row?.entry ? differingLookupColumn({ ...row, entry: row.entry }) : null;
	}

	async seqOfHash(hash: string): Promise<number | null> {
		return this.rows.find((r) => r.hash === hash)?.seq ?? null;
	}

	async find(filter: AuditRowFilter, window: RowWindow): Promise<StoredRow[]> {
		const all = this.sorted().filter(
			(r) =>
				matches(r, filter) &&
				(window.afterSeq === undefined || r.seq > window.afterSeq) &&
				(window.beforeSeq === undefined || r.seq < window.beforeSeq),
		);
		if (window.order === 'desc') all.reverse();
		return all.slice(0, window.limit).map((r) => ({ ...r }));
	}

	async head(): Promise<ChainHead> {
		const last = this.sorted().at(-1);
		return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
	}

	async insert(rows: readonly StoredRow[]): Promise<void> {
		for (const r of rows) {
			if (this.rows.some((x) => x.seq === r.seq)) throw new Error(`Audit entry ${r.seq} already exists`);
			this.rows.push({ ...r });
		}
	}

	async purgeRange(cutoff: string): Promise<PurgeRange | null> {
		const sorted = this.sorted();
		const firstKeep = sorted.find((r) => r.ts >= cutoff);
		const through = firstKeep ? firstKeep.seq - 1 : (sorted.at(-1)?.seq ?? 0);
		const range = sorted.filter((r) => r.seq <= through);
		const last = range.at(-1);
		return last ? { last: { seq: last.seq, hash: last.hash }, count: range.length } : null;
	}

	async deleteThrough(seq: number): Promise<void> {
		const keep = this.rows.filter((r) => r.seq > seq);
		this.rows.splice(0, this.rows.length, ...keep);
	}
}
