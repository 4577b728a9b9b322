/**
 * WaitlistRepository on the clinic store (SQLite or Postgres, same SQL text). A transaction holds the lock of its
 * waitlist (Postgres advisory lock; SQLite's single writer) and, when it has audit entries, the audit chain lock too
 * (taken last, as the consent module does), so a waitlist change and its audit entry commit together.
 * PHI columns go through the store's cipher; lookups by phone / user ID use keyed digests under every key.
 */
import { AUDIT_LOCK_KEY } from '../../audit';
import { appendPrepared, prepareEntry } from '../../audit/chain';
import type { AuditEntryInput } from '../../audit/entry';
import type { ClinicStore, SqlTx } from '../../store/ports';
import { waitlistLockKey } from '../schema';
import {
	type FreedSlotRecord,
	NO_END_MS,
	TIME_OF_DAY_BIT,
	TIMES_OF_DAY,
	type WaitlistEntry,
	type WaitlistOffer,
	type WaitlistPatient,
} from '../types';
import type {
	EntryPatch,
	FreedSlotPatch,
	OfferFilter,
	SeenSlots,
	WaitlistRepository,
	WaitlistTx,
} from './port';
import { readSeen, writeSeen } from './sql-seen';

const TABLE = 'clinic_waitlist';
const PATIENT_COLUMNS: Array<[keyof WaitlistPatient, string]> = [
	['name', 'patient_name_enc'],
	['phone', 'patient_phone_enc'],
	['userId', 'patient_user_id_enc'],
	['email', 'patient_email_enc'],
	['reference', 'patient_ref_enc'],
];

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v);

/** `$n, $m, …` for `values`, appended to `params`. */
function placeholders(params: unknown[], values: readonly unknown[]): string {
	return values.map((v) => (params.push(v), `$${params.length}`)).join(', ');
}

const mask = (times: readonly string[]) =>
	times.reduce((m, t) => m | (TIME_OF_DAY_BIT[t as keyof typeof TIME_OF_DAY_BIT] ?? 0), 0);

export class SqlWaitlistRepository implements WaitlistRepository {
	constructor(private readonly store: ClinicStore) {}

	async transaction<T>(
		listId: string,
		fn: (tx: WaitlistTx) => Promise<T>,
		audit?: (result: T) => readonly AuditEntryInput[],
	): Promise<T> {
		return await this.store.transaction(
			async (tx) => {
				const value = await fn(new SqlWaitlistTx(tx, this.store, listId));
				const inputs = audit?.(value) ?? [];
				if (inputs.length) {
					const prepared = inputs.map((i) => prepareEntry(i, this.store.cipher));
					if (tx.dialect === 'postgres')
						await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [AUDIT_LOCK_KEY]);
					await appendPrepared(tx, prepared, new Date());
				}
				return value;
			},
			{ lockKey: waitlistLockKey(listId) },
		);
	}
}

class SqlWaitlistTx implements WaitlistTx {
	constructor(
		private readonly tx: SqlTx,
		private readonly store: ClinicStore,
		private readonly listId: string,
	) {}

	private enc(value: string | undefined, column: string, id: string): string | null {
		return value ? this.store.cipher.encrypt(value, { table: TABLE, column, row: id }) : null;
	}

	private dec(value: unknown, column: string, id: string): string | undefined {
		return typeof value === 'string' && value
			? this.store.cipher.decrypt(value, { table: TABLE, column, row: id })
			: undefined;
	}

	private entry(r: Row): WaitlistEntry {
		const id = String(r.id);
		const patient: WaitlistPatient = {};
		for (const [key, column] of PATIENT_COLUMNS) {
			const value = this.dec(r[column], column, id);
			if (value) patient[key] = value;
		}
		const notes = this.dec(r.notes_enc, 'notes_enc', id);
		const latest = num(r.latest_ms);
		return {
			id,
			listId: String(r.list_id),
			status: r.status as WaitlistEntry['status'],
			practitionerId: r.practitioner_id ? String(r.practitioner_id) : null,
			serviceId: r.service_id ? String(r.service_id) : null,
			earliestMs: num(r.earliest_ms),
			latestMs: latest >= NO_END_MS ? null : latest,
			timesOfDay: TIMES_OF_DAY.filter((t) => (num(r.times_mask) & TIME_OF_DAY_BIT[t]) !== 0),
			patient,
			...(notes ? { notes } : {}),
			...(r.appointment_id ? { appointmentId: String(r.appointment_id) } : {}),
			createdAtMs: num(r.created_at_ms),
			updatedAtMs: num(r.updated_at_ms),
		};
	}

	private slot(r: Row): FreedSlotRecord {
		return {
			id: String(r.id),
			listId: String(r.list_id),
			slotId: String(r.slot_id),
			startMs: num(r.start_ms),
			endMs: num(r.end_ms),
			practitionerId: r.practitioner_id ? String(r.practitioner_id) : null,
			serviceId: r.service_id ? String(r.service_id) : null,
			timeBit: num(r.time_bit),
			status: r.status as FreedSlotRecord['status'],
			wave: num(r.wave),
			nextWaveAtMs: num(r.next_wave_at_ms),
			info: JSON.parse(String(r.info)) as FreedSlotRecord['info'],
			...(r.appointment_id ? { appointmentId: String(r.appointment_id) } : {}),
			...(r.claimed_offer_id ? { claimedOfferId: String(r.claimed_offer_id) } : {}),
			createdAtMs: num(r.created_at_ms),
			updatedAtMs: num(r.updated_at_ms),
		};
	}

	private offer(r: Row): WaitlistOffer {
		return {
			id: String(r.id),
			freedSlotId: String(r.freed_slot_id),
			entryId: String(r.entry_id),
			wave: num(r.wave),
			status: r.status as WaitlistOffer['status'],
			offeredAtMs: num(r.offered_at_ms),
			expiresAtMs: num(r.expires_at_ms),
			...(r.answered_at_ms !== null && r.answered_at_ms !== undefined
				? { answeredAtMs: num(r.answered_at_ms) }
				: {}),
		};
	}

	private digests(value: string | undefined): string[] {
		return value ? this.store.cipher.lookupDigests(value) : [];
	}

	async findEntries(filter: Parameters<WaitlistTx['findEntries']>[0]): Promise<WaitlistEntry[]> {
		const params: unknown[] = [this.listId];
		let sql = `SELECT * FROM ${TABLE} WHERE list_id = $1`;
		if (filter.ids) {
			if (!filter.ids.length) return [];
			sql += ` AND id IN (${placeholders(params, filter.ids)})`;
		}
		if (filter.statuses?.length) sql += ` AND status IN (${placeholders(params, filter.statuses)})`;
		if (filter.practitionerId !== undefined)
			sql += ` AND practitioner_id = ${placeholders(params, [filter.practitionerId ?? ''])}`;
		if (filter.serviceId !== undefined)
			sql += ` AND service_id = ${placeholders(params, [filter.serviceId ?? ''])}`;
		if (filter.patient) {
			const phones = this.digests(filter.patient.phone?.replace(/\D/g, ''));
			const users = this.digests(filter.patient.userId);
			const parts = [
				...(phones.length ? [`patient_phone_digest IN (${placeholders(params, phones)})`] : []),
				...(users.length ? [`patient_user_id_digest IN (${placeholders(params, users)})`] : []),
			];
			if (!parts.length) return [];
			sql += ` AND (${parts.join(' OR ')})`;
		}
		sql += ' ORDER BY created_at_ms, id';
		if (filter.limit) sql += ` LIMIT ${placeholders(params, [filter.limit])}`;
		return (await this.tx.query<Row>(sql, params)).map((r) => this.entry(r));
	}

	async insertEntry(e: WaitlistEntry): Promise<void> {
		const cipher = this.store.cipher;
		await this.tx.query(
			`INSERT INTO ${TABLE} (id, list_id, status, practitioner_id, service_id, earliest_ms, latest_ms, times_mask,
			 patient_name_enc, patient_phone_enc, patient_phone_digest, patient_user_id_enc, patient_user_id_digest,
			 patient_email_enc, patient_ref_enc, notes_enc, appointment_id, created_at_ms, updated_at_ms)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			[
				e.id,
				this.listId,
				e.status,
				e.practitionerId ?? '',
				e.serviceId ?? '',
				e.earliestMs,
				e.latestMs ?? NO_END_MS,
				mask(e.timesOfDay),
				this.enc(e.patient.name, 'patient_name_enc', e.id),
				this.enc(e.patient.phone, 'patient_phone_enc', e.id),
				e.patient.phone ? cipher.digest(e.patient.phone) : null,
				this.enc(e.patient.userId, 'patient_user_id_enc', e.id),
				e.patient.userId ? cipher.digest(e.patient.userId) : null,
				this.enc(e.patient.email, 'patient_email_enc', e.id),
				this.enc(e.patient.reference, 'patient_ref_enc', e.id),
				this.enc(e.notes, 'notes_enc', e.id),
				e.appointmentId ?? null,
				e.createdAtMs,
				e.updatedAtMs,
			],
		);
	}

	async updateEntries(ids: readonly string[], patch: EntryPatch): Promise<void> {
		for (const id of ids) {
			const params: unknown[] = [this.listId, id];
			const set: string[] = [];
			const put = (column: string, value: unknown) =>
				set.push(`${column} = ${placeholders(params, [value])}`);
			if (patch.status !== undefined) put('status', patch.status);
			if (patch.earliestMs !== undefined) put('earliest_ms', patch.earliestMs);
			if (patch.latestMs !== undefined) put('latest_ms', patch.latestMs ?? NO_END_MS);
			if (patch.timesOfDay !== undefined) put('times_mask', mask(patch.timesOfDay));
			if (patch.notes !== undefined) put('notes_enc', this.enc(patch.notes, 'notes_enc', id));
			if (patch.appointmentId !== undefined) put('appointment_id', patch.appointmentId);
			if (patch.patient) {
				// Name, email and reference may change; phone and user ID (the lookup keys) stay as joined.
				put('patient_name_enc', this.enc(patch.patient.name, 'patient_name_enc', id));
				put('patient_email_enc', this.enc(patch.patient.email, 'patient_email_enc', id));
				put('patient_ref_enc', this.enc(patch.patient.reference, 'patient_ref_enc', id));
			}
			put('updated_at_ms', patch.updatedAtMs);
			await this.tx.query(`UPDATE ${TABLE} SET ${set.join(', ')} WHERE list_id = $1 AND id = $2`, params);
		}
	}

	/**
	 * One index range per bucket — (practitioner, service), (practitioner, any), (any, service), (any, any) — read in
	 * join order and stopped after `limit` matches each (SQLite and Postgres both stop a `LIMIT` scan early), then
	 * merged. One big bucket of "any" entries therefore costs a few rows, not a sort of the whole bucket.
	 */
	async matchEntries(q: Parameters<WaitlistTx['matchEntries']>[0]): Promise<WaitlistEntry[]> {
		const practitioners = [...new Set([q.practitionerId ?? '', ''])];
		const services = [...new Set([q.serviceId ?? '', ''])];
		const params: unknown[] = [this.listId, q.startMs, q.timeBit, q.freedSlotId, q.limit];
		const branches = practitioners.flatMap((p) =>
			services.map(
				(sv) =>
					`SELECT * FROM (SELECT w.* FROM ${TABLE} w
					 WHERE w.list_id = $1 AND w.status = 'waiting'
					 AND w.practitioner_id = ${placeholders(params, [p])} AND w.service_id = ${placeholders(params, [sv])}
					 AND w.earliest_ms <= $2 AND w.latest_ms > $2
					 AND (w.times_mask = 0 OR (w.times_mask & $3) <> 0)
					 AND NOT EXISTS (SELECT 1 FROM clinic_waitlist_offers o WHERE o.freed_slot_id = $4 AND o.entry_id = w.id)
					 ORDER BY w.created_at_ms, w.id LIMIT $5) b`,
			),
		);
		const rows = await this.tx.query<Row>(
			`SELECT * FROM (${branches.join(' UNION ALL ')}) m ORDER BY created_at_ms, id LIMIT $5`,
			params,
		);
		return rows.map((r) => this.entry(r));
	}

	async openFreedSlot(slotId: string): Promise<FreedSlotRecord | undefined> {
		const [row] = await this.tx.query<Row>(
			`SELECT * FROM clinic_waitlist_slots WHERE list_id = $1 AND slot_id = $2 AND status = 'open'`,
			[this.listId, slotId],
		);
		return row ? this.slot(row) : undefined;
	}

	async getFreedSlot(id: string): Promise<FreedSlotRecord | undefined> {
		const [row] = await this.tx.query<Row>(
			'SELECT * FROM clinic_waitlist_slots WHERE list_id = $1 AND id = $2',
			[this.listId, id],
		);
		return row ? this.slot(row) : undefined;
	}

	async dueFreedSlots(nowMs: number, limit: number): Promise<FreedSlotRecord[]> {
		const rows = await this.tx.query<Row>(
			`SELECT * FROM clinic_waitlist_slots WHERE list_id = $1 AND status = 'open' AND next_wave_at_ms <= $2
			 ORDER BY next_wave_at_ms, id LIMIT $3`,
			[this.listId, nowMs, limit],
		);
		return rows.map((r) => this.slot(r));
	}

	async insertFreedSlot(s: FreedSlotRecord): Promise<void> {
		await this.tx.query(
			`INSERT INTO clinic_waitlist_slots (id, list_id, slot_id, practitioner_id, service_id, start_ms, end_ms, time_bit,
			 status, wave, next_wave_at_ms, info, appointment_id, claimed_offer_id, created_at_ms, updated_at_ms)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			[
				s.id,
				this.listId,
				s.slotId,
				s.practitionerId ?? '',
				s.serviceId ?? '',
				s.startMs,
				s.endMs,
				s.timeBit,
				s.status,
				s.wave,
				s.nextWaveAtMs,
				JSON.stringify(s.info),
				s.appointmentId ?? null,
				s.claimedOfferId ?? null,
				s.createdAtMs,
				s.updatedAtMs,
			],
		);
	}

	async updateFreedSlot(id: string, patch: FreedSlotPatch): Promise<void> {
		const params: unknown[] = [this.listId, id];
		const columns: Array<[keyof FreedSlotPatch, string]> = [
			['status', 'status'],
			['wave', 'wave'],
			['nextWaveAtMs', 'next_wave_at_ms'],
			['appointmentId', 'appointment_id'],
			['claimedOfferId', 'claimed_offer_id'],
			['updatedAtMs', 'updated_at_ms'],
		];
		const set = columns
			.filter(([key]) => patch[key] !== undefined)
			.map(([key, column]) => `${column} = ${placeholders(params, [patch[key]])}`);
		await this.tx.query(
			`UPDATE clinic_waitlist_slots SET ${set.join(', ')} WHERE list_id = $1 AND id = $2`,
			params,
		);
	}

	async insertOffers(offers: readonly WaitlistOffer[]): Promise<void> {
		for (const o of offers) {
			await this.tx.query(
				`INSERT INTO clinic_waitlist_offers (id, freed_slot_id, entry_id, wave, status, offered_at_ms, expires_at_ms, answered_at_ms)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				[
					o.id,
					o.freedSlotId,
					o.entryId,
					o.wave,
					o.status,
					o.offeredAtMs,
					o.expiresAtMs,
					o.answeredAtMs ?? null,
				],
			);
		}
	}

	async getOffer(id: string): Promise<WaitlistOffer | undefined> {
		const [row] = await this.tx.query<Row>(
			`SELECT o.* FROM clinic_waitlist_offers o JOIN clinic_waitlist_slots s ON s.id = o.freed_slot_id
			 WHERE o.id = $1 AND s.list_id = $2`,
			[id, this.listId],
		);
		return row ? this.offer(row) : undefined;
	}

	async updateOffers(filter: OfferFilter, status: string, answeredAtMs?: number): Promise<WaitlistOffer[]> {
		const params: unknown[] = [this.listId, status, answeredAtMs ?? null];
		let where = `freed_slot_id IN (SELECT id FROM clinic_waitlist_slots WHERE list_id = $1)`;
		if (filter.id !== undefined) where += ` AND id = ${placeholders(params, [filter.id])}`;
		if (filter.freedSlotId !== undefined)
			where += ` AND freed_slot_id = ${placeholders(params, [filter.freedSlotId])}`;
		where += ` AND status IN (${placeholders(params, filter.statuses)})`;
		if (filter.expiredAtMs !== undefined)
			where += ` AND expires_at_ms <= ${placeholders(params, [filter.expiredAtMs])}`;
		const rows = await this.tx.query<Row>(
			`UPDATE clinic_waitlist_offers SET status = $2, answered_at_ms = COALESCE($3, answered_at_ms)
			 WHERE ${where} RETURNING *`,
			params,
		);
		return rows.map((r) => this.offer(r));
	}

	async getSeenSlots(watchKey: string): Promise<SeenSlots | undefined> {
		return await readSeen(this.tx, this.listId, watchKey);
	}

	async putSeenSlots(watchKey: string, seen: SeenSlots): Promise<void> {
		await writeSeen(this.tx, this.listId, watchKey, seen);
	}
}
