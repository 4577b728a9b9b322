/**
 * Reading a freed slot from what a workflow has at hand: the output item of Cancel (`{cancelled, appointment}`), of
 * Reschedule (`{rescheduled, appointment, previous}`: the previous time is the freed one), an Appointment, or a Find
 * Free Slots item (staff offering a time by hand). Also the local time-of-day of a start.
 */
import { DateTime } from 'luxon';

import { decodeSlotId } from '../scheduling/slot-id';
import { type FreedSlot, TIME_OF_DAY_BIT, type TimeOfDay, WaitlistInputError } from './types';

type Json = Record<string, unknown>;

const FIELD = 'Freed Slot';
const HINT =
	'Map the output item of Cancel or Reschedule ({{ $json }}), an appointment, or a Find Free Slots item: it needs slotId, start and end.';

function isRecord(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function idOf(value: unknown): string | undefined {
	return isRecord(value) ? text(value.id) : text(value);
}

function instant(value: unknown, what: string): number {
	const ms = typeof value === 'string' ? Date.parse(value) : NaN;
	if (!Number.isFinite(ms))
		throw new WaitlistInputError(`The freed slot has no valid ${what} (ISO 8601 date-time)`, FIELD, HINT);
	return ms;
}

/** The local time of day of `ms` in `zone`. */
export function timeOfDay(ms: number, zone: string): TimeOfDay {
	const hour = DateTime.fromMillis(ms, { zone }).hour;
	return hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
}

export function timeOfDayBit(ms: number, zone: string): number {
	return TIME_OF_DAY_BIT[timeOfDay(ms, zone)];
}

/**
 * The freed slot an item describes. `defaultZone` is the clinic's time zone when the item carries none. A
 * Reschedule output frees its `previous` time; a Cancel output that did not cancel anything frees nothing (null).
 */
export function readFreedSlot(value: unknown, defaultZone: string): FreedSlot | null {
	if (typeof value === 'string') value = parseJson(value);
	if (!isRecord(value)) throw new WaitlistInputError('The freed slot is not a JSON object', FIELD, HINT);
	if (value.cancelled === false || value.rescheduled === false) return null;
	const appointment = isRecord(value.appointment) ? value.appointment : undefined;
	const previous = isRecord(value.previous) ? value.previous : undefined;
	// Reschedule: the old time is free now; the practitioner and service are the appointment's.
	const source = previous && appointment ? { ...appointment, ...previous } : (appointment ?? value);
	const slotId = text(source.slotId);
	if (!slotId)
		throw new WaitlistInputError(
			previous
				? 'The Reschedule output has no previous.slotId: update the node, or pass the freed slot by hand'
				: 'The freed slot has no slotId',
			FIELD,
			HINT,
		);
	const startMs = instant(source.start, 'start');
	const endMs = source.end ? instant(source.end, 'end') : startMs;
	const patient = isRecord(appointment?.patient) ? appointment.patient : undefined;
	const practitioner = source.practitioner;
	const service = source.service;
	const fromId = builtinIds(slotId);
	const timeZone = text(source.timeZone) ?? defaultZone;
	return {
		slotId,
		startMs,
		endMs: Math.max(endMs, startMs),
		practitionerId: idOf(practitioner) ?? text(source.practitionerId) ?? fromId?.practitionerId ?? null,
		serviceId: idOf(service) ?? text(source.serviceId) ?? fromId?.serviceId ?? null,
		timeZone,
		...optional('label', previous ? undefined : text(source.label)),
		...optional('startLocal', previous ? undefined : text(source.startLocal)),
		...optional('practitionerName', isRecord(practitioner) ? text(practitioner.name) : undefined),
		...optional('serviceName', isRecord(service) ? text(service.name) : undefined),
		...optional('location', text(source.location)),
		...(patient && (text(patient.phone) || text(patient.userId))
			? { freedBy: { phone: text(patient.phone), userId: text(patient.userId) } }
			: {}),
	};
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
	return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** Built-in slot ids carry the practitioner and service. */
function builtinIds(slotId: string): { practitionerId: string; serviceId: string } | undefined {
	try {
		const ref = decodeSlotId(slotId);
		return ref.backend === 'builtin' ? ref : undefined;
	} catch {
		return undefined;
	}
}
