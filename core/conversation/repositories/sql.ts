/**
 * ConversationRepository on the clinic store (SQLite or Postgres, same SQL). Patients are looked up by keyed digest
 * under every configured key (`cipher.lookupDigests`, so conversations written before a key rotation are found);
 * the patient and the context are encrypted bound to the row's random id (core/store/phi-columns.ts lists them, so
 * key checks and Rotate Keys cover them). Writes run in one transaction under CONVERSATION_LOCK_KEY and first remove
 * up to 500 expired rows.
 */
import { randomUUID } from 'node:crypto';

import type { Language } from '../../i18n/languages';
import type { ClinicStore, SqlTx } from '../../store/ports';
import { CONVERSATION_LOCK_KEY } from '../schema';
import type { StoredConversation } from '../types';
import type { ConversationRepository } from './port';

const TABLE = 'clinic_conversations';
/** Digests per statement (SQLite allows 32766 parameters; a patient has one digest per configured key). */
const CHUNK = 400;
const PURGE_BATCH = 500;

interface Row {
	id: string;
	patient_digest: string;
	patient_enc: string;
	step: string;
	context_enc: string | null;
	language: string | null;
	language_source: string | null;
	updated_at_ms: number | string;
	expires_at_ms: number | string;
}

const list = (params: unknown[], values: readonly unknown[]) =>
	values.map((v) => `$${params.push(v)}`).join(', ');

const chunks = <T>(values: readonly T[], size: number): T[][] =>
	Array.from({ length: Math.ceil(values.length / size) }, (_, i) => values.slice(i * size, (i + 1) * size));

export class SqlConversationRepository implements ConversationRepository {
	constructor(private readonly store: ClinicStore) {}

	private place(column: string, id: string) {
		return { table: TABLE, column, row: id };
	}

	/** Rows of these patients (expired ones too when `nowMs` is null), keyed by the decrypted patient. */
	private async rowsOf(
		tx: SqlTx,
		patients: readonly string[],
		nowMs: number | null,
	): Promise<Map<string, Row>> {
		const cipher = this.store.cipher;
		const digests = [...new Set(patients)].flatMap((p) => cipher.lookupDigests(p));
		const found = new Map<string, Row>();
		for (const part of chunks(digests, CHUNK)) {
			const params: unknown[] = [];
			let sql = `SELECT * FROM ${TABLE} WHERE patient_digest IN (${list(params, part)})`;
			if (nowMs !== null) sql += ` AND expires_at_ms > ${`$${params.push(nowMs)}`}`;
			for (const row of await tx.query<Row>(sql, params))
				found.set(cipher.decrypt(row.patient_enc, this.place('patient_enc', row.id)), row);
		}
		return found;
	}

	private fromRow(patient: string, row: Row): StoredConversation {
		const context = row.context_enc
			? (JSON.parse(this.store.cipher.decrypt(row.context_enc, this.place('context_enc', row.id))) as Record<
					string,
					unknown
				>)
			: {};
		return {
			patient,
			step: row.step,
			context,
			language: (row.language as Language | null) ?? null,
			languageSource: (row.language_source as StoredConversation['languageSource']) ?? null,
			updatedAtMs: Number(row.updated_at_ms),
			expiresAtMs: Number(row.expires_at_ms),
		};
	}

	async load(patients: readonly string[], nowMs: number): Promise<Array<StoredConversation | null>> {
		if (!patients.length) return [];
		const rows = await this.rowsOf(this.store, patients, nowMs);
		return patients.map((p) => {
			const row = rows.get(p);
			return row ? this.fromRow(p, row) : null;
		});
	}

	async save(conversations: readonly StoredConversation[], nowMs: number): Promise<void> {
		if (!conversations.length) return;
		const last = new Map(conversations.map((c) => [c.patient, c]));
		const cipher = this.store.cipher;
		await this.store.transaction(
			async (tx) => {
				await this.purge(tx, nowMs, PURGE_BATCH);
				const existing = await this.rowsOf(tx, [...last.keys()], null);
				for (const c of last.values()) {
					const id = existing.get(c.patient)?.id ?? randomUUID();
					const values = [
						cipher.digest(c.patient),
						cipher.encrypt(c.patient, this.place('patient_enc', id)),
						c.step,
						cipher.encrypt(JSON.stringify(c.context), this.place('context_enc', id)),
						c.language,
						c.languageSource,
						c.updatedAtMs,
						c.expiresAtMs,
						id,
					];
					if (existing.has(c.patient))
						await tx.query(
							`UPDATE ${TABLE} SET patient_digest = $1, patient_enc = $2, step = $3, context_enc = $4, language = $5, ` +
								'language_source = $6, updated_at_ms = $7, expires_at_ms = $8 WHERE id = $9',
							values,
						);
					else
						await tx.query(
							`INSERT INTO ${TABLE} (patient_digest, patient_enc, step, context_enc, language, language_source, ` +
								'updated_at_ms, expires_at_ms, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
							values,
						);
				}
			},
			{ lockKey: CONVERSATION_LOCK_KEY },
		);
	}

	async remove(patients: readonly string[]): Promise<number> {
		if (!patients.length) return 0;
		let removed = 0;
		for (const part of chunks(
			[...new Set(patients)].flatMap((p) => this.store.cipher.lookupDigests(p)),
			CHUNK,
		)) {
			const params: unknown[] = [];
			const rows = await this.store.query<{ id: string }>(
				`DELETE FROM ${TABLE} WHERE patient_digest IN (${list(params, part)}) RETURNING id`,
				params,
			);
			removed += rows.length;
		}
		return removed;
	}

	private async purge(tx: SqlTx, nowMs: number, limit: number): Promise<number> {
		const rows = await tx.query<{ id: string }>(
			`DELETE FROM ${TABLE} WHERE id IN (SELECT id FROM ${TABLE} WHERE expires_at_ms <= $1 LIMIT $2) RETURNING id`,
			[nowMs, limit],
		);
		return rows.length;
	}

	async purgeExpired(nowMs: number, limit = PURGE_BATCH): Promise<number> {
		return await this.store.transaction(async (tx) => await this.purge(tx, nowMs, limit), {
			lockKey: CONVERSATION_LOCK_KEY,
		});
	}
}
