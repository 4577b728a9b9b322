/**
 * In-memory BookingRepository (tests, benchmarks). Every check-and-write runs synchronously between two awaits,
 * so it is atomic within one process. Bookings vanish when the process stops: the node never uses it for Book.
 */
import type { BusyInterval } from '../busy-index';
import { contactMatches } from '../patient-filter';
import { ACTIVE_STATUSES, type AppointmentStatus } from '../types';
import type { BookingListQuery, BookingRepository, InsertResult, MoveResult, StoredBooking } from './port';

const isActive = (s: AppointmentStatus) => ACTIVE_STATUSES.includes(s);

export class MemoryBookingRepository implements BookingRepository {
	private readonly rows = new Map<string, StoredBooking>();

	constructor(seed: StoredBooking[] = []) {
		for (const b of seed) this.rows.set(b.id, { ...b });
	}

	get size(): number {
		return this.rows.size;
	}

	private overlaps(
		practitionerId: string,
		startMs: number,
		endMs: number,
		padMs: number,
		exceptId?: string,
	): boolean {
		for (const b of this.rows.values()) {
			if (b.id === exceptId || b.practitionerId !== practitionerId || !isActive(b.status)) continue;
			if (b.startMs - padMs < endMs && b.endMs + padMs > startMs) return true;
		}
		return false;
	}

	async listBusy(fromMs: number, toMs: number, practitionerIds?: readonly string[]): Promise<BusyInterval[]> {
		const wanted = practitionerIds ? new Set(practitionerIds) : null;
		const out: BusyInterval[] = [];
		for (const b of this.rows.values()) {
			if (!isActive(b.status) || b.startMs >= toMs || b.endMs <= fromMs) continue;
			if (wanted && !wanted.has(b.practitionerId)) continue;
			out.push({ practitionerId: b.practitionerId, startMs: b.startMs, endMs: b.endMs });
		}
		return out;
	}

	async insertIfFree(booking: StoredBooking, padMs: number): Promise<InsertResult> {
		if (this.rows.has(booking.id)) throw new Error(`booking id ${booking.id} already exists`);
		if (this.overlaps(booking.practitionerId, booking.startMs, booking.endMs, padMs))
			return { ok: false, reason: 'slot_taken' };
		this.rows.set(booking.id, { ...booking, patient: { ...booking.patient } });
		return { ok: true };
	}

	async get(id: string): Promise<StoredBooking | undefined> {
		const b = this.rows.get(id);
		return b ? { ...b, patient: { ...b.patient } } : undefined;
	}

	async list(query: BookingListQuery): Promise<StoredBooking[]> {
		const out: StoredBooking[] = [];
		for (const b of this.rows.values()) {
			if (b.startMs < query.fromMs || b.startMs >= query.toMs) continue;
			if (query.practitionerId && b.practitionerId !== query.practitionerId) continue;
			if (query.patientPhone && !contactMatches(b.patient, { phone: query.patientPhone })) continue;
			if (query.statuses?.length && !query.statuses.includes(b.status)) continue;
			out.push({ ...b, patient: { ...b.patient } });
		}
		out.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
		return query.limit ? out.slice(0, query.limit) : out;
	}

	async setStatus(id: string, status: AppointmentStatus, nowMs: number, reason?: string) {
		const b = this.rows.get(id);
		if (!b) return undefined;
		b.status = status;
		b.updatedAtMs = nowMs;
		if (reason !== undefined) b.cancelReason = reason;
		return { ...b, patient: { ...b.patient } };
	}

	async moveIfFree(
		id: string,
		change: { startMs: number; endMs: number; serviceId: string; practitionerId: string },
		nowMs: number,
		padMs: number,
	): Promise<MoveResult> {
		const b = this.rows.get(id);
		if (!b) return { ok: false, reason: 'not_found' };
		if (!isActive(b.status)) return { ok: false, reason: 'not_active' };
		if (this.overlaps(change.practitionerId, change.startMs, change.endMs, padMs, id))
			return { ok: false, reason: 'slot_taken' };
		const previous = { startMs: b.startMs, endMs: b.endMs };
		Object.assign(b, change, { updatedAtMs: nowMs });
		return { ok: true, booking: { ...b, patient: { ...b.patient } }, previous };
	}
}
