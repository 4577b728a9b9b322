/**
 * Storage port of the built-in scheduler. Implementations: memory (tests, single process) and SQL on the clinic
 * store (SQLite/Postgres). The overlap-check-and-insert must be atomic: that is what makes double booking
 * impossible.
 */
import type { BusyInterval } from '../busy-index';
import type { AppointmentStatus, PatientContact } from '../types';

export interface StoredBooking {
	id: string;
	practitionerId: string;
	serviceId: string;
	startMs: number;
	endMs: number;
	status: AppointmentStatus;
	patient: PatientContact;
	notes?: string;
	cancelReason?: string;
	createdAtMs: number;
	updatedAtMs: number;
}

export interface BookingListQuery {
	fromMs: number;
	toMs: number;
	practitionerId?: string;
	/** Only this patient's bookings: matched by the keyed digest of the phone (SQL), as typed or digits (± `+`). */
	patientPhone?: string;
	statuses?: AppointmentStatus[];
	limit?: number;
}

export type InsertResult = { ok: true } | { ok: false; reason: 'slot_taken' };

export type MoveResult =
	| { ok: true; booking: StoredBooking; previous: { startMs: number; endMs: number } }
	| { ok: false; reason: 'not_found' | 'not_active' | 'slot_taken' };

export interface BookingRepository {
	/** Active bookings (pending/booked/arrived/checked-in/fulfilled) overlapping [fromMs, toMs). */
	listBusy(fromMs: number, toMs: number, practitionerIds?: readonly string[]): Promise<BusyInterval[]>;
	/**
	 * Atomically inserts `booking` unless an active booking of the same practitioner overlaps
	 * [startMs − padMs, endMs + padMs).
	 */
	insertIfFree(booking: StoredBooking, padMs: number): Promise<InsertResult>;
	get(id: string): Promise<StoredBooking | undefined>;
	list(query: BookingListQuery): Promise<StoredBooking[]>;
	/** Sets the status (and cancel reason); returns the updated booking or undefined when not found. */
	setStatus(
		id: string,
		status: AppointmentStatus,
		nowMs: number,
		reason?: string,
	): Promise<StoredBooking | undefined>;
	/** Atomically moves an active booking to a new time if no other active booking overlaps (padded). */
	moveIfFree(
		id: string,
		change: { startMs: number; endMs: number; serviceId: string; practitionerId: string },
		nowMs: number,
		padMs: number,
	): Promise<MoveResult>;
}
