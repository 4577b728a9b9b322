/**
 * Join input → a waitlist entry: the patient (name + a phone or WhatsApp user ID to message them), what they wait
 * for (practitioner and/or service), the date range in the clinic's time zone and the preferred times of day.
 * Errors name the field as Appointment Slot Lookup shows it.
 */
import { DateTime } from 'luxon';

import { phoneDigits } from '../scheduling/patient-filter';
import { TIMES_OF_DAY, type TimeOfDay, type WaitlistPatient, WaitlistInputError } from './types';

export interface JoinInput {
	patient: WaitlistPatient;
	practitionerId?: string;
	serviceId?: string;
	/** ISO date (whole day, clinic time) or date-time; empty = now. */
	earliest?: string;
	/** ISO date (that whole day is included) or date-time; empty = no end. */
	latest?: string;
	timesOfDay?: readonly string[];
	notes?: string;
	/** The clinic's IANA time zone (dates without offset are read in it). */
	timeZone: string;
}

export interface EntryWish {
	patient: WaitlistPatient;
	practitionerId: string | null;
	serviceId: string | null;
	earliestMs: number;
	latestMs: number | null;
	timesOfDay: TimeOfDay[];
	notes?: string;
}

const trimmed = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

/** Phone as digits, 6–15 of them (E.164 without `+`); undefined when empty. */
export function waitlistPhone(phone: string | undefined, field = 'Patient Phone'): string | undefined {
	const text = trimmed(phone);
	if (!text) return undefined;
	const digits = phoneDigits(text);
	if (digits.length < 6 || digits.length > 15)
		throw new WaitlistInputError(
			`"${text.replace(/\d(?=\d{2})/g, '•')}" is not an international phone number`,
			field,
			'Write the WhatsApp number with its country code, e.g. +5511987654321 (from the trigger: {{ $json.from }}).',
		);
	return digits;
}

function instant(value: string, field: string, zone: string, endOfDay: boolean): number {
	const text = value.trim();
	const dt = DateTime.fromISO(text, { zone });
	if (!dt.isValid)
		throw new WaitlistInputError(
			`"${text}" is not a date (ISO 8601, e.g. 2030-01-31)`,
			field,
			'Use a date such as 2030-01-31 (the whole day, clinic time) or a date and time.',
		);
	const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
	return (endOfDay && dateOnly ? dt.plus({ days: 1 }) : dt).toMillis();
}

export function parseTimesOfDay(values: readonly string[] | undefined): TimeOfDay[] {
	const out: TimeOfDay[] = [];
	for (const raw of values ?? []) {
		const t = String(raw).trim().toLowerCase();
		if (!t) continue;
		if (!(TIMES_OF_DAY as readonly string[]).includes(t))
			throw new WaitlistInputError(
				`"${raw}" is not a time of day`,
				'Preferred Times',
				`Use ${TIMES_OF_DAY.join(', ')} (morning before 12:00, afternoon 12:00–18:00, evening after 18:00), or none for any time.`,
			);
		if (!out.includes(t as TimeOfDay)) out.push(t as TimeOfDay);
	}
	return TIMES_OF_DAY.filter((t) => out.includes(t));
}

/** Validates a Join input. `nowMs` is the default earliest time. */
export function readWish(input: JoinInput, nowMs: number): EntryWish {
	const name = trimmed(input.patient.name);
	const phone = waitlistPhone(input.patient.phone);
	const userId = trimmed(input.patient.userId);
	if (!phone && !userId)
		throw new WaitlistInputError(
			'A waitlisted patient needs a WhatsApp number (or WhatsApp user ID) to receive the offer',
			'Patient Phone',
			'Map the patient’s number, e.g. {{ $json.from }} from the WhatsApp Clinic Trigger.',
		);
	if (!name)
		throw new WaitlistInputError(
			'Patient Name is required to join the waitlist (the booking of a claimed slot needs it)',
			'Patient Name',
			'Map the patient’s name, e.g. {{ $json.profileName }} from the WhatsApp Clinic Trigger.',
		);
	const earliestMs = trimmed(input.earliest)
		? Math.max(nowMs, instant(input.earliest!, 'Earliest Date', input.timeZone, false))
		: nowMs;
	const latestMs = trimmed(input.latest) ? instant(input.latest!, 'Latest Date', input.timeZone, true) : null;
	if (latestMs !== null && latestMs <= earliestMs)
		throw new WaitlistInputError(
			`Latest Date (${input.latest}) is not after Earliest Date${trimmed(input.earliest) ? ` (${input.earliest})` : ' (now)'}`,
			'Latest Date',
			'Give a Latest Date after the Earliest Date (and in the future), or leave it empty for no end.',
		);
	return {
		patient: {
			name,
			...(phone ? { phone } : {}),
			...(userId ? { userId } : {}),
			...(trimmed(input.patient.email) ? { email: trimmed(input.patient.email) } : {}),
			...(trimmed(input.patient.reference) ? { reference: trimmed(input.patient.reference) } : {}),
		},
		practitionerId: trimmed(input.practitionerId) ?? null,
		serviceId: trimmed(input.serviceId) ?? null,
		earliestMs,
		latestMs,
		timesOfDay: parseTimesOfDay(input.timesOfDay),
		...(trimmed(input.notes) ? { notes: trimmed(input.notes) } : {}),
	};
}
