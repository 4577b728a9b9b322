/**
 * AuditRepository on the clinic store (`clinic_audit_log`, SQLite or Postgres, same SQL text except the
 * column/seal comparison). Writes run in one transaction under AUDIT_LOCK_KEY (Postgres advisory lock; SQLite's
 * write lock), so every process extends one linear chain.
 */
import type { ClinicStore, PhiCipher, SqlTx } from '../../store/ports';
import {
	AUDIT_COLUMNS,
	type AuditRow,
	GENESIS_HASH,
	INDEXED_COLUMNS,
	VERSION_PREFIX_LENGTH,
	canonicalEntryV2,
	differingLookupColumn,
} from '../entry';
import { AUDIT_LOCK_KEY, AUDIT_TABLE } from '../schema';
import type {
	AuditChainWriter,
	AuditReader,
	AuditRepository,
	AuditRowFilter,
	ChainHead,
	PurgeRange,
	RowWindow,
	StoredLink,
	StoredRow,
} from './port';

/** Postgres: multi-row INSERTs. SQLite: one prepared single-row INSERT per entry (node:sqlite binds numbered
 * parameters in quadratic time, and single-row inserts inside one transaction are SQLite's fast path). */
const ROWS_PER_INSERT = { postgres: 200, sqlite: 1 } as const;
const INSERT_COLUMNS = [...INDEXED_COLUMNS, 'prev_hash', 'hash', 'entry'] as const;
const SELECT_COLUMNS = [...AUDIT_COLUMNS, 'entry'].join(', ');
const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** SQL: this row's sealed entry is a v2 entry (the version digit sits at a fixed offset of `["wac-audit-vN",`). */
const IS_V2 = `substr(entry, ${VERSION_PREFIX_LENGTH - 2}, 1) = '2'`;

/**
 * SQL that is true when a row's lookup columns no longer equal its sealed canonical entry, or when the message
 * column its version does not use is set. The lookup columns are canonical positions 1..10, so the sealed text starts
 * with its 16-character version prefix followed by exactly those values; the database rebuilds that from the columns
 * (no JSON parsing of `entry`). Flagged rows are confirmed in JS (formatting differences between JSON writers are not
 * tampering).
 */
export function columnsDifferSql(dialect: SqlTx['dialect']): string {
	const cols = INDEXED_COLUMNS.map((c) =>
		c === 'message_digest' ? `(CASE WHEN ${IS_V2} THEN message_id ELSE message_digest END)` : c,
	);
	const unused = `(CASE WHEN ${IS_V2} THEN message_digest ELSE message_id END) IS NOT NULL`;
	const start = `substr(entry, 1, ${VERSION_PREFIX_LENGTH})`;
	if (dialect === 'sqlite') {
		const prefix = `${start} || substr(rtrim(json_array(${cols.join(', ')}), ']'), 2) || ','`;
		return `(entry IS NOT NULL AND (instr(entry, ${prefix}) IS NOT 1 OR ${unused}))`;
	}
	const values = cols
		.map((c) => (c === 'seq' ? 'seq::text' : `coalesce(to_json(${c})::text, 'null')`))
		.join(" || ',' || ");
	return `(entry IS NOT NULL AND (NOT starts_with(entry, ${start} || ${values} || ',') OR ${unused}))`;
}

/** Reads on a store or on a transaction. */
export class SqlAuditReader implements AuditReader {
	private readonly linkSql: string;

	constructor(protected readonly db: SqlTx & Pick<ClinicStore, 'queryArrays'>) {
		this.linkSql = `SELECT seq, prev_hash, hash, entry, CASE WHEN ${columnsDifferSql(db.dialect)} THEN 1 ELSE 0 END AS flagged FROM ${AUDIT_TABLE}`;
	}

	/** Rows written before audit-002 have no sealed form: rebuild it from the columns. */
	private async legacyCanonical(seq: number): Promise<string> {
		const [row] = await this.db.query<AuditRow>(
			`SELECT ${SELECT_COLUMNS} FROM ${AUDIT_TABLE} WHERE seq = $1`,
			[seq],
		);
		return canonicalEntryV2(row);
	}

	private async toLinks(rows: unknown[][]): Promise<StoredLink[]> {
		const links: StoredLink[] = new Array(rows.length);
		for (let i = 0; i < rows.length; i++) {
			const r = rows[i];
			const seq = Number(r[0]);
			links[i] = {
				seq,
				prevHash: String(r[1]),
				hash: String(r[2]),
				canonical: r[3] === null || r[3] === undefined ? await this.legacyCanonical(seq) : String(r[3]),
				flagged: Number(r[4]) === 1,
			};
		}
		return links;
	}

	private async arrays(sql: string, params: unknown[]): Promise<unknown[][]> {
		if (this.db.queryArrays) return await this.db.queryArrays(sql, params);
		const rows = await this.db.query<Record<string, unknown>>(sql, params);
		return rows.map((r) => [r.seq, r.prev_hash, r.hash, r.entry, r.flagged]);
	}

	async links(afterSeq: number, limit: number): Promise<StoredLink[]> {
		return await this.toLinks(
			await this.arrays(`${this.linkSql} WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]),
		);
	}

	async anchors(): Promise<StoredLink[]> {
		return await this.toLinks(await this.arrays(`${this.linkSql} WHERE kind = $1 ORDER BY seq`, ['anchor']));
	}

	async differingColumn(seq: number): Promise<string | null> {
		const [row] = await this.db.query<AuditRow & { entry: string | null }>(
			`SELECT ${[...INDEXED_COLUMNS, 'message_id', 'entry'].join(', ')} FROM ${AUDIT_TABLE} WHERE seq = $1`,
			[seq],
		);
		return row?.entry ? differingLookupColumn({ ...row, entry: row.entry }) : null;
	}

	async seqOfHash(hash: string): Promise<number | null> {
		const rows = await this.db.query<{ seq: number }>(
			`SELECT seq FROM ${AUDIT_TABLE} WHERE hash = $1 LIMIT 1`,
			[hash],
		);
		return rows.length ? Number(rows[0].seq) : null;
	}

	async find(filter: AuditRowFilter, window: RowWindow): Promise<StoredRow[]> {
		const { where, params } = filterSql(filter);
		const p = (v: unknown) => {
			params.push(v);
			return `$${params.length}`;
		};
		if (window.afterSeq !== undefined) where.push(`seq > ${p(window.afterSeq)}`);
		if (window.beforeSeq !== undefined) where.push(`seq < ${p(window.beforeSeq)}`);
		const sql =
			`SELECT ${SELECT_COLUMNS} FROM ${AUDIT_TABLE}` +
			(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
			` ORDER BY seq ${window.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${p(window.limit)}`;
		return await this.db.query<StoredRow>(sql, params);
	}
}

/** The WHERE clause of a row filter. */
function filterSql(f: AuditRowFilter): { where: string[]; params: unknown[] } {
	const where: string[] = [];
	const params: unknown[] = [];
	const p = (v: unknown) => {
		params.push(v);
		return `$${params.length}`;
	};
	const list = (values: readonly string[]) => values.map((v) => p(v)).join(', ');
	if (f.patientDigests) where.push(`patient_digest IN (${list(f.patientDigests)})`);
	if (f.userId !== undefined) where.push(`user_id = ${p(f.userId)}`);
	if (f.messageDigests || f.legacyMessageId !== undefined) {
		const either: string[] = [];
		if (f.messageDigests?.length) either.push(`message_digest IN (${list(f.messageDigests)})`);
		if (f.legacyMessageId !== undefined) either.push(`message_id = ${p(f.legacyMessageId)}`);
		where.push(either.length ? `(${either.join(' OR ')})` : '1 = 0');
	}
	if (f.from !== undefined) where.push(`ts >= ${p(f.from)}`);
	if (f.to !== undefined) where.push(`ts < ${p(f.to)}`);
	if (f.direction !== undefined) where.push(`direction = ${p(f.direction)}`);
	if (f.purpose !== undefined) where.push(`purpose = ${p(f.purpose)}`);
	if (f.event !== undefined) where.push(`event = ${p(f.event)}`);
	return { where, params };
}

/** Writes inside a transaction that already holds the audit chain lock. */
export class SqlAuditWriter extends SqlAuditReader implements AuditChainWriter {
	async head(): Promise<ChainHead> {
		const rows = await this.db.query<{ seq: number; hash: string }>(
			`SELECT seq, hash FROM ${AUDIT_TABLE} ORDER BY seq DESC LIMIT 1`,
		);
		return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash } : GENESIS;
	}

	async insert(rows: readonly StoredRow[]): Promise<void> {
		const per = ROWS_PER_INSERT[this.db.dialect];
		for (let i = 0; i < rows.length; i += per) {
			const part = rows.slice(i, i + per);
			const params: unknown[] = [];
			const tuples = part.map((r, j) => {
				for (const c of INSERT_COLUMNS) params.push(r[c] ?? null);
				const off = j * INSERT_COLUMNS.length;
				return `(${INSERT_COLUMNS.map((_, k) => `$${off + k + 1}`).join(', ')})`;
			});
			await this.db.query(
				`INSERT INTO ${AUDIT_TABLE} (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
				params,
			);
		}
	}

	async purgeRange(cutoff: string): Promise<PurgeRange | null> {
		const [firstKeep] = await this.db.query<{ seq: number | null }>(
			`SELECT MIN(seq) AS seq FROM ${AUDIT_TABLE} WHERE ts >= $1`,
			[cutoff],
		);
		let through: number;
		if (firstKeep?.seq !== null && firstKeep?.seq !== undefined) through = Number(firstKeep.seq) - 1;
		else {
			const [max] = await this.db.query<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM ${AUDIT_TABLE}`);
			through = Number(max?.seq ?? 0);
		}
		const [last] = await this.db.query<{ seq: number; hash: string }>(
			`SELECT seq, hash FROM ${AUDIT_TABLE} WHERE seq <= $1 ORDER BY seq DESC LIMIT 1`,
			[through],
		);
		if (!last) return null;
		const [count] = await this.db.query<{ n: number }>(
			`SELECT COUNT(*) AS n FROM ${AUDIT_TABLE} WHERE seq <= $1`,
			[through],
		);
		return { last: { seq: Number(last.seq), hash: last.hash }, count: Number(count.n) };
	}

	async deleteThrough(seq: number): Promise<void> {
		await this.db.query(`DELETE FROM ${AUDIT_TABLE} WHERE seq <= $1`, [seq]);
	}
}

export class SqlAuditRepository extends SqlAuditReader implements AuditRepository {
	constructor(private readonly store: ClinicStore) {
		super(store);
	}

	get cipher(): PhiCipher {
		return this.store.cipher;
	}

	async write<T>(fn: (writer: AuditChainWriter) => Promise<T>): Promise<T> {
		return await this.store.transaction(async (tx) => await fn(new SqlAuditWriter(tx)), {
			lockKey: AUDIT_LOCK_KEY,
		});
	}
}
