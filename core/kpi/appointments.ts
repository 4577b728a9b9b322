/**
 * Appointments as the KPI report sees them: id, practitioner, start, status and when the status last changed. No
 * patient data: the built-in scheduler's rows are read without their encrypted columns, a page at a time.
 */
import '../scheduling/schema';

import type { ClinicStore } from '../store/ports';

export interface AppointmentFact {
	id: string;
	practitionerId: string | null;
	startMs: number;
	/** FHIR R4 appointment status (`booked`, `fulfilled`, `noshow`, `cancelled`, …). */
	status: string;
	/** When the appointment last changed (for a cancelled one: when it was cancelled), when known. */
	updatedMs: number | null;
}

/** Pages of appointments starting in [fromMs, toMs), in start order. */
export type AppointmentSource = (fromMs: number, toMs: number) => AsyncIterable<AppointmentFact[]>;

/** Appointment statuses that say the patient came. */
export const ATTENDED_STATUSES: readonly string[] = ['arrived', 'checked-in', 'fulfilled'];
/** Statuses of an appointment that did not happen and was never expected to. */
export const NOT_DUE_STATUSES: readonly string[] = ['cancelled', 'entered-in-error', 'proposed', 'waitlist'];
export const NO_SHOW_STATUSES: readonly string[] = ['noshow', 'no-show', 'no_show'];

const PAGE = 5000;

/**
 * The built-in scheduler's appointments in the clinic store (table `clinic_bookings` of `calendarId`), read in
 * pages of 5,000 by (start, id); the encrypted patient columns are never selected.
 */
export function storedAppointments(
	store: ClinicStore,
	calendarId = 'default',
	pageSize = PAGE,
): AppointmentSource {
	return async function* (fromMs, toMs) {
		let after: [number, string] | null = null;
		for (;;) {
			const params: unknown[] = [calendarId, fromMs, toMs];
			let sql =
				'SELECT id, practitioner_id, start_ms, status, updated_at_ms FROM clinic_bookings' +
				' WHERE calendar_id = $1 AND start_ms >= $2 AND start_ms < $3';
			if (after) {
				params.push(after[0], after[1]);
				sql += ' AND (start_ms > $4 OR (start_ms = $4 AND id > $5))';
			}
			params.push(pageSize);
			sql += ` ORDER BY start_ms, id LIMIT $${params.length}`;
			const rows = store.queryArrays
				? await store.queryArrays(sql, params)
				: (await store.query<Record<string, unknown>>(sql, params)).map((r) => [
						r.id,
						r.practitioner_id,
						r.start_ms,
						r.status,
						r.updated_at_ms,
					]);
			if (rows.length)
				yield rows.map((r) => ({
					id: String(r[0]),
					practitionerId: r[1] === null || r[1] === undefined ? null : String(r[1]),
					startMs: Number(r[2]),
					status: String(r[3]),
					updatedMs: r[4] === null || r[4] === undefined ? null : Number(r[4]),
				}));
			if (rows.length < pageSize) return;
			const last = rows[rows.length - 1];
			after = [Number(last[2]), String(last[0])];
		}
	};
}

type Json = Record<string, unknown>;

const text = (v: unknown): string | null =>
	typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;

/** Epoch ms of an ISO-8601 text or epoch number, else null. */
function instant(v: unknown): number | null {
	if (typeof v === 'number' && Number.isFinite(v)) return v;
	if (typeof v !== 'string' || !v.trim()) return null;
	const ms = Date.parse(v);
	return Number.isNaN(ms) ? null : ms;
}

/**
 * An appointment from an item of Appointment Slot Lookup's List Appointments (any backend), or null when the item
 * is not one (no id, start or status).
 */
export function appointmentFromJson(json: Json): AppointmentFact | null {
	const id = text(json.id) ?? text(json.appointmentId);
	const startMs = instant(json.start);
	const status = text(json.status);
	if (!id || startMs === null || !status) return null;
	const practitioner = json.practitioner;
	const practitionerId =
		practitioner && typeof practitioner === 'object'
			? text((practitioner as Json).id)
			: (text(practitioner) ?? text(json.practitionerId));
	return { id, practitionerId, startMs, status: status.toLowerCase(), updatedMs: instant(json.updatedAt) };
}

/** Appointments given as items (e.g. from List Appointments of a FHIR or Cal.com backend). */
export function appointmentsFromItems(
	items: readonly Json[],
	pageSize = PAGE,
): { source: AppointmentSource; ignored: number } {
	const all: AppointmentFact[] = [];
	let ignored = 0;
	for (const json of items) {
		const a = appointmentFromJson(json ?? {});
		if (a) all.push(a);
		else ignored++;
	}
	all.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return {
		ignored,
		source: async function* (fromMs, toMs) {
			const inRange = all.filter((a) => a.startMs >= fromMs && a.startMs < toMs);
			for (let i = 0; i < inRange.length; i += pageSize) yield inRange.slice(i, i + pageSize);
		},
	};
}
