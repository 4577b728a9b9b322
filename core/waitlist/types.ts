/**
 * Waitlist domain: patients waiting for an earlier time (a practitioner and/or a service, a date range, preferred
 * times of day), slots that became free (cancel, reschedule, staff), offers of a freed slot made to waiting patients
 * in waves, and the claim of an offer (the first to accept gets it, through the scheduling backend's Book).
 */
import { ClinicError } from '../errors';
import type { Appointment } from '../scheduling/types';

export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

/** Bits of `times_mask` (0 = any time). Morning 00:00–12:00, afternoon 12:00–18:00, evening 18:00–24:00 (local). */
export const TIME_OF_DAY_BIT: Readonly<Record<TimeOfDay, number>> = { morning: 1, afternoon: 2, evening: 4 };

/** The patient of an entry. `phone` is kept as digits (WhatsApp's wa_id form). */
export interface WaitlistPatient {
	name?: string;
	phone?: string;
	userId?: string;
	email?: string;
	/** FHIR Patient reference (FHIR backend). */
	reference?: string;
}

export type WaitlistStatus = 'waiting' | 'booked' | 'left';

export interface WaitlistEntry {
	id: string;
	/** Which calendar the entry waits on (backend + calendar / server / event type). */
	listId: string;
	status: WaitlistStatus;
	/** null = any practitioner / any service. */
	practitionerId: string | null;
	serviceId: string | null;
	/** Earliest start accepted (epoch ms) and the end of the last day accepted (exclusive; null = no end). */
	earliestMs: number;
	latestMs: number | null;
	/** Empty = any time of day. */
	timesOfDay: TimeOfDay[];
	patient: WaitlistPatient;
	notes?: string;
	/** The appointment a claimed offer booked. */
	appointmentId?: string;
	createdAtMs: number;
	updatedAtMs: number;
}

/** Non-PHI display facts of a freed slot, carried to the offer items. */
export interface SlotDisplay {
	timeZone: string;
	label?: string;
	startLocal?: string;
	practitionerName?: string;
	serviceName?: string;
	location?: string;
}

/** What a freed slot is known by, from a Cancel / Reschedule output, an Appointment or a Find Free Slots item. */
export interface FreedSlot extends SlotDisplay {
	slotId: string;
	startMs: number;
	endMs: number;
	practitionerId: string | null;
	serviceId: string | null;
	/** The patient who freed it (never offered their own slot back). */
	freedBy?: { phone?: string; userId?: string };
}

export type FreedSlotStatus = 'open' | 'claimed' | 'closed';

export interface FreedSlotRecord {
	id: string;
	listId: string;
	slotId: string;
	startMs: number;
	endMs: number;
	practitionerId: string | null;
	serviceId: string | null;
	/** TIME_OF_DAY_BIT of the slot's local start. */
	timeBit: number;
	status: FreedSlotStatus;
	/** Waves offered so far. */
	wave: number;
	/** When the next wave may be offered. */
	nextWaveAtMs: number;
	info: SlotDisplay;
	appointmentId?: string;
	claimedOfferId?: string;
	createdAtMs: number;
	updatedAtMs: number;
}

/**
 * `open` until answered or expired; `claiming` while its Book runs; `claimed` (it got the slot); `taken` (someone
 * else got it); `expired` (answered after its window, or superseded by the next wave); `excluded` (the entry belongs
 * to the patient who freed the slot: never offered).
 */
export type OfferStatus = 'open' | 'claiming' | 'claimed' | 'taken' | 'expired' | 'excluded';

export interface WaitlistOffer {
	/** Unguessable id carried by the "Take this time" button payload. */
	id: string;
	freedSlotId: string;
	entryId: string;
	wave: number;
	status: OfferStatus;
	offeredAtMs: number;
	expiresAtMs: number;
	answeredAtMs?: number;
}

/** One patient to message about a freed slot (an output item of Offer Freed Slot). */
export interface OfferToSend {
	offer: WaitlistOffer;
	entry: WaitlistEntry;
	slot: FreedSlotRecord;
}

/**
 * `taken`: someone else got the time; `expired`: answered after the offer's window; `already_claimed`: this patient's
 * earlier tap booked it; `in_progress`: a second tap while the first is booking; `not_found` / `not_yours`: an offer
 * of another waitlist or sent to another patient.
 */
export type ClaimRefusal =
	| 'taken'
	| 'expired'
	| 'already_claimed'
	| 'in_progress'
	| 'not_found'
	| 'not_yours';

export type ClaimOutcome =
	| { claimed: true; offerId: string; appointment: Appointment; entry: WaitlistEntry }
	| { claimed: false; offerId: string; reason: ClaimRefusal; message: string; entry?: WaitlistEntry };

/** Bad waitlist input: names the field as the node shows it and says what to do. */
export class WaitlistInputError extends ClinicError {
	constructor(message: string, field: string, hint: string) {
		super(message, { code: 'invalid_input', field, hint, kind: 'input' });
		this.name = 'WaitlistInputError';
	}
}

/** The "Take this time" button payload is `WAITLIST_CLAIM:<offer ID>`; Claim Offer accepts either form. */
export const CLAIM_PAYLOAD_PREFIX = 'WAITLIST_CLAIM:';

/** Latest start stored for "no end" (year 9999): keeps the range check one comparison in SQL. */
export const NO_END_MS = 253_402_300_799_999;
