/**
 * Appending to the hash chain. One call = one transaction under the audit lock (Postgres advisory lock; SQLite write
 * lock), so concurrent executions and processes always extend one linear chain and a batch is all-or-nothing.
 */
import type { ClinicStore, PhiCipher, SqlTx } from '../store/ports';
import {
	INDEXED_COLUMNS,
	AUDIT_DIRECTIONS,
	AUDIT_OUTCOMES,
	type AuditEntryInput,
	type AuditKind,
	type AuditRow,
	GENESIS_HASH,
	canonicalDetails,
	canonicalEntry,
	contentDigest,
	hashCanonical,
	normalisePhone,
} from './entry';
import { AUDIT_LOCK_KEY } from './schema';

export interface AppendOptions {
	/** Clock (tests). */
	now?: () => Date;
}

const MAX_TEXT = 200;
/** Postgres: multi-row INSERTs. SQLite: one prepared single-row INSERT per entry (node:sqlite binds numbered
 * parameters in quadratic time, and single-row inserts inside one transaction are SQLite's fast path). */
const ROWS_PER_INSERT = { postgres: 200, sqlite: 1 } as const;
const INSERT_COLUMNS = [...INDEXED_COLUMNS, 'prev_hash', 'hash', 'entry'] as const;

function optText(value: unknown, field: string): string | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string' && typeof value !== 'number')
		throw new Error(`Audit field "${field}" must be text`);
	const s = String(value);
	if (s.length > MAX_TEXT) throw new Error(`Audit field "${field}" is longer than ${MAX_TEXT} characters`);
	return s;
}

/** Validates one input and turns it into a row without seq/hash (encrypts PHI). Throws a clear error on bad input. */
export function prepareEntry(input: AuditEntryInput, cipher: PhiCipher, kind: AuditKind = 'entry') {
	if (!AUDIT_DIRECTIONS.includes(input.direction)) {
		throw new Error(
			`Audit direction "${String(input.direction)}" is invalid: use one of ${AUDIT_DIRECTIONS.join(', ')}`,
		);
	}
	const outcome = input.outcome ?? 'success';
	if (!AUDIT_OUTCOMES.includes(outcome)) {
		throw new Error(`Audit outcome "${String(outcome)}" is invalid: use one of ${AUDIT_OUTCOMES.join(', ')}`);
	}
	let patientDigest: string | null = null;
	let patientEnc: string | null = null;
	if (input.patientPhone) {
		const phone = normalisePhone(String(input.patientPhone));
		patientDigest = cipher.digest(phone);
		patientEnc = cipher.encrypt(phone);
	}
	const content = input.content === undefined || input.content === null ? null : String(input.content);
	return {
		kind,
		direction: input.direction,
		event: optText(input.event, 'event'),
		patient_digest: patientDigest,
		patient_enc: patientEnc,
		user_id: optText(input.userId, 'userId'),
		message_id: optText(input.messageId, 'messageId'),
		template: optText(input.template, 'template'),
		purpose: optText(input.purpose, 'purpose'),
		workflow_id: optText(input.actor?.workflowId, 'actor.workflowId'),
		execution_id: optText(input.actor?.executionId, 'actor.executionId'),
		node: optText(input.actor?.node, 'actor.node'),
		outcome,
		content_digest: content === null ? null : contentDigest(content),
		content_enc: content === null ? null : cipher.encrypt(content),
		details: canonicalDetails(input.details),
	};
}

export type PreparedEntry = ReturnType<typeof prepareEntry>;

export interface AppendedEntry {
	seq: number;
	ts: string;
	hash: string;
	prevHash: string;
}

/** Reads the chain head inside a locked transaction. */
export async function readHead(tx: SqlTx): Promise<{ seq: number; hash: string }> {
	const rows = await tx.query<{ seq: number; hash: string }>(
		'SELECT seq, hash FROM clinic_audit_log ORDER BY seq DESC LIMIT 1',
	);
	return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Appends prepared entries inside an already-locked transaction (used by append and purge). */
export async function appendPrepared(
	tx: SqlTx,
	prepared: readonly PreparedEntry[],
	now: Date,
	head?: { seq: number; hash: string },
): Promise<AppendedEntry[]> {
	if (!prepared.length) return [];
	let { seq, hash } = head ?? (await readHead(tx));
	const ts = now.toISOString();
	const rows: AuditRow[] = [];
	for (const p of prepared) {
		seq += 1;
		const base = { ...p, seq, ts };
		const entry = canonicalEntry(base);
		const h = hashCanonical(hash, entry);
		rows.push({ ...base, prev_hash: hash, hash: h, entry });
		hash = h;
	}
	const per = ROWS_PER_INSERT[tx.dialect];
	for (let i = 0; i < rows.length; i += per) {
		const part = rows.slice(i, i + per);
		const params: unknown[] = [];
		const tuples = part.map((r, j) => {
			for (const c of INSERT_COLUMNS) params.push(r[c]);
			const off = j * INSERT_COLUMNS.length;
			return `(${INSERT_COLUMNS.map((_, k) => `$${off + k + 1}`).join(', ')})`;
		});
		await tx.query(
			`INSERT INTO clinic_audit_log (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
			params,
		);
	}
	return rows.map((r) => ({ seq: r.seq, ts: r.ts, hash: r.hash, prevHash: r.prev_hash }));
}

/**
 * Appends all `inputs` in one transaction (batched per execution). Every input is validated and encrypted before
 * the lock is taken, so bad input fails fast and nothing is written.
 */
export async function appendAuditEntries(
	store: ClinicStore,
	inputs: readonly AuditEntryInput[],
	options: AppendOptions = {},
): Promise<AppendedEntry[]> {
	if (!inputs.length) return [];
	return appendPreparedEntries(
		store,
		inputs.map((i) => prepareEntry(i, store.cipher)),
		options,
	);
}

/** Appends entries already validated/encrypted with `prepareEntry` (one transaction under the audit lock). */
export async function appendPreparedEntries(
	store: ClinicStore,
	prepared: readonly PreparedEntry[],
	options: AppendOptions = {},
): Promise<AppendedEntry[]> {
	if (!prepared.length) return [];
	const now = options.now ?? (() => new Date());
	return store.transaction(async (tx) => await appendPrepared(tx, prepared, now()), {
		lockKey: AUDIT_LOCK_KEY,
	});
}
