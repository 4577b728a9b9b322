/**
 * BookingRepository on the clinic store (SQLite or Postgres). Check-and-insert/move run in one transaction with a
 * per-practitioner lock key; the partial UNIQUE index on active (calendar, practitioner, start) is the last line
 * of defence. PHI columns go through the store's cipher.
 */
import '../schema';

import type { ClinicStore, SqlTx } from '../../store/ports';
import { settle } from '../../settle';
import type { BusyInterval } from '../busy-index';
import { phoneForms } from '../patient-filter';
import { ACTIVE_STATUSES, type AppointmentStatus } from '../types';
import type { BookingListQuery, BookingRepository, InsertResult, MoveResult, StoredBooking } from './port';

interface Row {
	id: string;
	practitioner_id: string;
	service_id: string;
	start_ms: number | string;
	end_ms: number | string;
	status: string;
	patient_name_enc: string | null;
	patient_phone_enc: string | null;
	patient_email_enc: string | null;
	patient_ref_enc: string | null;
	notes_enc: string | null;
	cancel_reason_enc: string | null;
	created_at_ms: number | string;
	updated_at_ms: number | string;
}

const active = (status: AppointmentStatus) => (ACTIVE_STATUSES.includes(status) ? 1 : 0);
const isUniqueViolation = (error: unknown) =>
	/UNIQUE constraint failed|duplicate key value|unique constraint/i.test(
		String((error as Error)?.message ?? error),
	);

class SlotTakenSignal extends Error {}

export class SqlBookingRepository implements BookingRepository {
	constructor(
		private readonly store: ClinicStore,
		/** Separates clinics/calendars that share one store. */
		private readonly calendarId = 'default',
	) {}

	/** PHI ciphertexts are bound to their place (clinic_bookings, column, booking id). */
	private enc(value: string | undefined, column: string, id: string): string | null {
		return value ? this.store.cipher.encrypt(value, { table: 'clinic_bookings', column, row: id }) : null;
	}

	private dec(value: string | null, column: string, id: string): string | undefined {
		return value
			? this.store.cipher.decrypt(value, { table: 'clinic_bookings', column, row: id })
			: undefined;
	}

	private fromRow(r: Row): StoredBooking {
		const patient: StoredBooking['patient'] = {};
		const name = this.dec(r.patient_name_enc, 'patient_name_enc', r.id);
		const phone = this.dec(r.patient_phone_enc, 'patient_phone_enc', r.id);
		const email = this.dec(r.patient_email_enc, 'patient_email_enc', r.id);
		const reference = this.dec(r.patient_ref_enc, 'patient_ref_enc', r.id);
		if (name) patient.name = name;
		if (phone) patient.phone = phone;
		if (email) patient.email = email;
		if (reference) patient.reference = reference;
		const notes = this.dec(r.notes_enc, 'notes_enc', r.id);
		const cancelReason = this.dec(r.cancel_reason_enc, 'cancel_reason_enc', r.id);
		return {
			id: r.id,
			practitionerId: r.practitioner_id,
			serviceId: r.service_id,
			startMs: Number(r.start_ms),
			endMs: Number(r.end_ms),
			status: r.status as AppointmentStatus,
			patient,
			...(notes ? { notes } : {}),
			...(cancelReason ? { cancelReason } : {}),
			createdAtMs: Number(r.created_at_ms),
			updatedAtMs: Number(r.updated_at_ms),
		};
	}

	private lockKey(practitionerId: string): string {
		return `scheduling:${this.calendarId}:${practitionerId}`;
	}

	private async overlaps(
		tx: SqlTx,
		practitionerId: string,
		startMs: number,
		endMs: number,
		padMs: number,
		exceptId?: string,
	): Promise<boolean> {
		const rows = await tx.query(
			`SELECT id FROM clinic_bookings WHERE calendar_id = $1 AND practitioner_id = $2 AND active = 1
			 AND start_ms < $3 AND end_ms > $4 AND id <> $5 LIMIT 1`,
			[this.calendarId, practitionerId, endMs + padMs, startMs - padMs, exceptId ?? ''],
		);
		return rows.length > 0;
	}

	async listBusy(fromMs: number, toMs: number, practitionerIds?: readonly string[]): Promise<BusyInterval[]> {
		const params: unknown[] = [this.calendarId, toMs, fromMs];
		let filter = '';
		if (practitionerIds?.length) {
			filter = ` AND practitioner_id IN (${practitionerIds.map((_, i) => `$${i + 4}`).join(', ')})`;
			params.push(...practitionerIds);
		}
		const rows = await this.store.query<{
			practitioner_id: string;
			start_ms: number | string;
			end_ms: number | string;
		}>(
			`SELECT practitioner_id, start_ms, end_ms FROM clinic_bookings
			 WHERE calendar_id = $1 AND active = 1 AND start_ms < $2 AND end_ms > $3${filter}`,
			params,
		);
		return rows.map((r) => ({
			practitionerId: r.practitioner_id,
			startMs: Number(r.start_ms),
			endMs: Number(r.end_ms),
		}));
	}

	async insertIfFree(b: StoredBooking, padMs: number): Promise<InsertResult> {
		const result = await settle(
			async () =>
				await this.store.transaction(
					async (tx) => {
						if (await this.overlaps(tx, b.practitionerId, b.startMs, b.endMs, padMs))
							throw new SlotTakenSignal();
						await tx.query(
							`INSERT INTO clinic_bookings (id, calendar_id, practitioner_id, service_id, start_ms, end_ms, status, active,
						 patient_name_enc, patient_phone_enc, patient_email_enc, patient_ref_enc, patient_phone_digest, notes_enc,
						 cancel_reason_enc, created_at_ms, updated_at_ms)
						 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
							[
								b.id,
								this.calendarId,
								b.practitionerId,
								b.serviceId,
								b.startMs,
								b.endMs,
								b.status,
								active(b.status),
								this.enc(b.patient.name, 'patient_name_enc', b.id),
								this.enc(b.patient.phone, 'patient_phone_enc', b.id),
								this.enc(b.patient.email, 'patient_email_enc', b.id),
								this.enc(b.patient.reference, 'patient_ref_enc', b.id),
								b.patient.phone ? this.store.cipher.digest(b.patient.phone) : null,
								this.enc(b.notes, 'notes_enc', b.id),
								this.enc(b.cancelReason, 'cancel_reason_enc', b.id),
								b.createdAtMs,
								b.updatedAtMs,
							],
						);
					},
					{ lockKey: this.lockKey(b.practitionerId) },
				),
		);
		if (result.ok) return { ok: true };
		if (result.error instanceof SlotTakenSignal || isUniqueViolation(result.error)) {
			return { ok: false, reason: 'slot_taken' };
		}
		throw result.error;
	}

	async get(id: string): Promise<StoredBooking | undefined> {
		const rows = await this.store.query<Row>(
			'SELECT * FROM clinic_bookings WHERE calendar_id = $1 AND id = $2',
			[this.calendarId, id],
		);
		return rows[0] ? this.fromRow(rows[0]) : undefined;
	}

	async list(query: BookingListQuery): Promise<StoredBooking[]> {
		const params: unknown[] = [this.calendarId, query.fromMs, query.toMs];
		let sql = 'SELECT * FROM clinic_bookings WHERE calendar_id = $1 AND start_ms >= $2 AND start_ms < $3';
		if (query.practitionerId) {
			params.push(query.practitionerId);
			sql += ` AND practitioner_id = $${params.length}`;
		}
		if (query.patientPhone) {
			// The digest column holds the phone as it was typed at booking: look up every usual form under every key.
			const digests = phoneForms(query.patientPhone).flatMap((f) => this.store.cipher.lookupDigests(f));
			sql += ` AND patient_phone_digest IN (${digests.map((d) => (params.push(d), `$${params.length}`)).join(', ')})`;
		}
		if (query.statuses?.length) {
			sql += ` AND status IN (${query.statuses.map((s) => (params.push(s), `$${params.length}`)).join(', ')})`;
		}
		sql += ' ORDER BY start_ms, id';
		if (query.limit) {
			params.push(query.limit);
			sql += ` LIMIT $${params.length}`;
		}
		const rows = await this.store.query<Row>(sql, params);
		return rows.map((r) => this.fromRow(r));
	}

	async setStatus(id: string, status: AppointmentStatus, nowMs: number, reason?: string) {
		const rows = await this.store.query<Row>(
			`UPDATE clinic_bookings SET status = $3, active = $4, updated_at_ms = $5,
			 cancel_reason_enc = CASE WHEN $6 = 1 THEN $7 ELSE cancel_reason_enc END
			 WHERE calendar_id = $1 AND id = $2 RETURNING *`,
			[
				this.calendarId,
				id,
				status,
				active(status),
				nowMs,
				reason !== undefined ? 1 : 0,
				this.enc(reason, 'cancel_reason_enc', id),
			],
		);
		return rows[0] ? this.fromRow(rows[0]) : undefined;
	}

	async moveIfFree(
		id: string,
		change: { startMs: number; endMs: number; serviceId: string; practitionerId: string },
		nowMs: number,
		padMs: number,
	): Promise<MoveResult> {
		const result = await settle(
			async () =>
				await this.store.transaction(
					async (tx): Promise<MoveResult> => {
						const rows = await tx.query<Row>(
							'SELECT * FROM clinic_bookings WHERE calendar_id = $1 AND id = $2',
							[this.calendarId, id],
						);
						if (!rows[0]) return { ok: false, reason: 'not_found' };
						const current = this.fromRow(rows[0]);
						if (!ACTIVE_STATUSES.includes(current.status)) return { ok: false, reason: 'not_active' };
						if (await this.overlaps(tx, change.practitionerId, change.startMs, change.endMs, padMs, id)) {
							return { ok: false, reason: 'slot_taken' };
						}
						const updated = await tx.query<Row>(
							`UPDATE clinic_bookings SET start_ms = $3, end_ms = $4, service_id = $5, practitioner_id = $6, updated_at_ms = $7
						 WHERE calendar_id = $1 AND id = $2 RETURNING *`,
							[
								this.calendarId,
								id,
								change.startMs,
								change.endMs,
								change.serviceId,
								change.practitionerId,
								nowMs,
							],
						);
						return {
							ok: true,
							booking: this.fromRow(updated[0]),
							previous: { startMs: current.startMs, endMs: current.endMs },
						};
					},
					{ lockKey: this.lockKey(change.practitionerId) },
				),
		);
		if (result.ok) return result.value;
		if (isUniqueViolation(result.error)) return { ok: false, reason: 'slot_taken' };
		throw result.error;
	}
}
