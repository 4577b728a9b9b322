/**
 * The inventory of every place the clinic store keeps PHI ciphertexts and keyed digests. The key checks on open and
 * Rotate Keys work from this list only, so a new table or column with `_enc`/`_digest` data MUST be added here
 * (test/unit/store/phi-columns.test.ts fails until it is).
 *
 * Rules every listed table follows:
 * - each ciphertext is `cipher.encrypt(value, { table, column, row: <rowKey value> })`;
 * - each digest column is `cipher.digest(value)` of the same value as its source ciphertext column, written in the
 *   same statement, so the digest's key is the key ID of that ciphertext.
 * `sealed` tables (the audit log) hold ciphertexts inside a hash-chained record: rewriting them would break Verify
 * Chain and every checkpoint kept outside the database, so they are counted and reported but never rewritten.
 */
import type { ClinicStore, SqlDialect, SqlTx } from './ports';

export interface PhiColumn {
	column: string;
	/** Where the ciphertext is read from when that is not just the column (per dialect SQL expression). */
	expr?: Record<SqlDialect, string>;
	/** For ciphertexts inside the audit log's sealed entry: their position in the canonical JSON array. */
	sealedAt?: number;
}

export interface PhiTable {
	table: string;
	/** What a clinic admin calls these rows (plural, then one). */
	label: string;
	labelOne: string;
	/** Primary-key column: the row part of every ciphertext's place. */
	rowKey: string;
	encrypted: readonly PhiColumn[];
	/** Digest column → the ciphertext column holding the same value (`unique`: the column has a UNIQUE index). */
	digests: Readonly<Record<string, { from: string; unique?: boolean }>>;
	/** Why these ciphertexts are never rewritten (sealed in a tamper-evident record). */
	sealed?: string;
	/** `*_digest` columns that are plain hashes, not keyed with the PHI key (nothing to check or rotate). */
	unkeyedDigests?: readonly string[];
}

/**
 * Audit ciphertexts live inside the sealed canonical entry (a JSON array; core/audit/entry.ts), at `position`;
 * rows written before migration audit-002 also have them in a column of the same name (`legacyColumn`).
 */
const sealedJson = (column: string, position: number, legacyColumn: boolean): PhiColumn => ({
	column,
	sealedAt: position,
	expr: {
		sqlite: legacyColumn
			? `coalesce(${column}, json_extract(entry, '$[${position}]'))`
			: `json_extract(entry, '$[${position}]')`,
		postgres: legacyColumn
			? `coalesce(${column}, (entry::jsonb)->>${position})`
			: `(entry::jsonb)->>${position}`,
	},
});

/** Retention purge anchors carry a seal (a ciphertext under the PHI key) in their details (core/audit/anchor.ts). */
const AUDIT_DETAILS_POSITION = 18;
const anchorSeal: PhiColumn = {
	column: 'anchor_seal',
	sealedAt: AUDIT_DETAILS_POSITION,
	expr: {
		sqlite: `CASE WHEN kind = 'anchor' THEN json_extract(json_extract(entry, '$[${AUDIT_DETAILS_POSITION}]'), '$.seal') END`,
		postgres: `CASE WHEN kind = 'anchor' THEN (((entry::jsonb)->>${AUDIT_DETAILS_POSITION})::jsonb)->>'seal' END`,
	},
};

export const PHI_TABLES: readonly PhiTable[] = [
	{
		table: 'consent_subject',
		label: 'consent patients',
		labelOne: 'consent patient',
		rowKey: 'id',
		encrypted: [{ column: 'phone_enc' }, { column: 'bsuid_enc' }],
		digests: {
			phone_digest: { from: 'phone_enc', unique: true },
			bsuid_digest: { from: 'bsuid_enc', unique: true },
		},
	},
	{
		table: 'consent_event',
		label: 'consent events',
		labelOne: 'consent event',
		rowKey: 'id',
		encrypted: [{ column: 'text_enc' }],
		digests: {},
	},
	{
		table: 'clinic_bookings',
		label: 'bookings',
		labelOne: 'booking',
		rowKey: 'id',
		encrypted: [
			{ column: 'patient_name_enc' },
			{ column: 'patient_phone_enc' },
			{ column: 'patient_email_enc' },
			{ column: 'patient_ref_enc' },
			{ column: 'notes_enc' },
			{ column: 'cancel_reason_enc' },
		],
		digests: { patient_phone_digest: { from: 'patient_phone_enc' } },
	},
	{
		table: 'clinic_waitlist',
		label: 'waitlist entries',
		labelOne: 'waitlist entry',
		rowKey: 'id',
		encrypted: [
			{ column: 'patient_name_enc' },
			{ column: 'patient_phone_enc' },
			{ column: 'patient_user_id_enc' },
			{ column: 'patient_email_enc' },
			{ column: 'patient_ref_enc' },
			{ column: 'notes_enc' },
		],
		digests: {
			patient_phone_digest: { from: 'patient_phone_enc' },
			patient_user_id_digest: { from: 'patient_user_id_enc' },
		},
	},
	{
		table: 'clinic_conversations',
		label: 'conversations',
		labelOne: 'conversation',
		rowKey: 'id',
		encrypted: [{ column: 'patient_enc' }, { column: 'context_enc' }],
		digests: { patient_digest: { from: 'patient_enc', unique: true } },
	},
	{
		table: 'clinic_audit_log',
		label: 'audit entries',
		labelOne: 'audit entry',
		rowKey: 'seq',
		encrypted: [
			sealedJson('patient_enc', 16, true),
			sealedJson('content_enc', 17, true),
			sealedJson('message_enc', 19, false),
			anchorSeal,
		],
		digests: { patient_digest: { from: 'patient_enc' }, message_digest: { from: 'message_enc' } },
		// SHA-256 of the message text, sealed in the chain (core/audit/entry.ts contentDigest).
		unkeyedDigests: ['content_digest'],
		sealed:
			'audit entries are sealed in the hash chain; they stay readable with their key until Purge by Retention removes them',
	},
];

export function columnSql(dialect: SqlDialect, c: PhiColumn): string {
	return c.expr ? c.expr[dialect] : c.column;
}

/** SQL giving the key ID of the ciphertext in `expr` (`v2:<keyId>:…`). */
export function keyIdSql(dialect: SqlDialect, expr: string): string {
	return dialect === 'sqlite'
		? `substr(${expr}, 4, instr(substr(${expr}, 4), ':') - 1)`
		: `split_part(${expr}, ':', 2)`;
}

/** The listed tables that exist in this store (a module's tables appear once it was first used). */
export async function existingPhiTables(store: SqlTx): Promise<PhiTable[]> {
	const names = PHI_TABLES.map((t) => t.table);
	const rows =
		store.dialect === 'sqlite'
			? await store.query<{ name: string }>(
					`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
					names,
				)
			: await store.query<{ name: string }>(
					`SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NOT NULL`,
					[names],
				);
	const present = new Set(rows.map((r) => r.name));
	return PHI_TABLES.filter((t) => present.has(t.table));
}

export interface KeyUsage {
	table: string;
	/** What these rows are, plural (`rows` is never 1) or singular. */
	label: string;
	keyId: string;
	/** Set when counted per format: `v1` (old format, no place binding) or `v2`. */
	version?: 'v1' | 'v2';
	/** Rows holding at least one ciphertext under this key ID (and format). */
	rows: number;
	sealed: boolean;
}

/** How many rows of each PHI table depend on each key ID (optionally per ciphertext format). Full scans. */
export async function keyUsage(
	store: ClinicStore,
	options: { byVersion?: boolean } = {},
): Promise<KeyUsage[]> {
	const out: KeyUsage[] = [];
	const d = store.dialect;
	for (const t of await existingPhiTables(store)) {
		const parts = t.encrypted.map((c) => {
			const e = columnSql(d, c);
			return `SELECT ${t.rowKey} AS rk, ${keyIdSql(d, e)} AS kid, substr(${e}, 1, 2) AS ver FROM ${t.table} WHERE ${e} IS NOT NULL`;
		});
		const group = options.byVersion ? 'kid, ver' : 'kid';
		const rows = await store.query<{ kid: string; ver?: string; n: number }>(
			`SELECT ${group}, COUNT(DISTINCT rk) AS n FROM (${parts.join(' UNION ALL ')}) u GROUP BY ${group} ORDER BY ${group}`,
		);
		for (const r of rows) {
			out.push({
				table: t.table,
				label: Number(r.n) === 1 ? t.labelOne : t.label,
				keyId: r.kid,
				...(options.byVersion ? { version: r.ver as 'v1' | 'v2' } : {}),
				rows: Number(r.n),
				sealed: !!t.sealed,
			});
		}
	}
	return out;
}

/** One stored ciphertext under `prefix` (e.g. `v1:key-1:`) with its place, or null. Stops at the first hit. */
export async function sampleCiphertext(
	store: ClinicStore,
	prefix: string,
): Promise<{ ciphertext: string; table: string; column: string; row: string | number } | null> {
	const d = store.dialect;
	for (const t of await existingPhiTables(store)) {
		for (const c of t.encrypted) {
			const e = columnSql(d, c);
			const [hit] = await store.query<{ rk: string | number; ct: string }>(
				`SELECT ${t.rowKey} AS rk, ${e} AS ct FROM ${t.table} WHERE substr(${e}, 1, $1) = $2 LIMIT 1`,
				[prefix.length, prefix],
			);
			if (hit) return { ciphertext: hit.ct, table: t.table, column: c.column, row: hit.rk };
		}
	}
	return null;
}

export function describeUsage(usage: readonly KeyUsage[]): string {
	return usage.map((u) => `${u.rows} ${u.label}`).join(', ');
}
