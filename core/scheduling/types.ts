/**
 * Scheduling domain types. Vocabulary follows FHIR R4 (Slot `free`/`busy`, Appointment status codes) so the three
 * backends (built-in, FHIR, Cal.com) speak one language to the node.
 */
import { ClinicError } from '../errors';
import { schedulingFieldLabel } from './field-labels';

export type SchedulingBackend = 'builtin' | 'fhir' | 'calcom';

export type SlotLocale = 'pt-BR' | 'es' | 'en';

/** FHIR R4 appointmentstatus codes. */
export type AppointmentStatus =
	| 'proposed'
	| 'pending'
	| 'booked'
	| 'arrived'
	| 'fulfilled'
	| 'cancelled'
	| 'noshow'
	| 'entered-in-error'
	| 'checked-in'
	| 'waitlist';

/** Statuses the Update Status operation may set ("confirmed" is FHIR `booked`). */
export const UPDATABLE_STATUSES = ['booked', 'arrived', 'fulfilled', 'noshow'] as const;
export type UpdatableStatus = (typeof UPDATABLE_STATUSES)[number];

/** Statuses that hold the time in the calendar (a slot with one of these is not free). */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = [
	'pending',
	'booked',
	'arrived',
	'checked-in',
	'fulfilled',
];

export interface PractitionerRef {
	id: string;
	name?: string;
}

export interface ServiceRef {
	id: string;
	name?: string;
	durationMinutes?: number;
}

/** A bookable free slot, as returned by Find Free Slots. */
export interface FreeSlot {
	/** Opaque id that Book accepts (also valid as a WhatsApp list row id). */
	slotId: string;
	/** UTC instants, ISO 8601 with `Z`. */
	start: string;
	end: string;
	/** Same instants in the clinic's time zone, ISO 8601 with offset. */
	startLocal: string;
	endLocal: string;
	timeZone: string;
	practitioner: PractitionerRef;
	service?: ServiceRef;
	location?: string;
	/** Human label in the requested locale, e.g. "ter., 14 jan · 09:30". */
	label: string;
}

export interface PatientContact {
	name?: string;
	/** E.164 phone number (WhatsApp `wa_id` with `+`). */
	phone?: string;
	email?: string;
	/** FHIR reference of the patient, e.g. `Patient/123` (FHIR backend). */
	reference?: string;
}

export interface Appointment {
	id: string;
	backend: SchedulingBackend;
	status: AppointmentStatus;
	start: string;
	end: string;
	startLocal?: string;
	timeZone?: string;
	label?: string;
	practitioner?: PractitionerRef;
	service?: ServiceRef;
	location?: string;
	patient: PatientContact;
	notes?: string;
	/** Slot id of the booked time (built-in and Cal.com: re-encodable; FHIR: the Slot). */
	slotId?: string;
	createdAt?: string;
	updatedAt?: string;
}

/**
 * Something the caller must know about an answer that is otherwise valid, e.g. a server that reported more results
 * than it let us read. The node puts it on its output (`warnings`), so nothing is ever cut off silently.
 */
export interface SchedulingWarning {
	code: 'results_truncated';
	message: string;
	/** Results the remote system reported but that were not read (null: unknown how many). */
	unread?: number | null;
}

/** Receives the warnings of one call (see SchedulingWarning). */
export type WarningSink = (warning: SchedulingWarning) => void;

export interface SlotQuery {
	serviceId?: string;
	practitionerId?: string;
	/** FHIR only: search this Schedule directly instead of looking it up by practitioner. */
	scheduleId?: string;
	/** Window start and end (ISO instants). Defaults: now … now + horizon. */
	from?: string;
	to?: string;
	limit?: number;
	locale?: SlotLocale;
	onWarning?: WarningSink;
}

export interface BookRequest {
	slotId: string;
	patient: PatientContact;
	notes?: string;
}

export type NotBookedReason = 'slot_taken' | 'too_soon' | 'beyond_horizon' | 'not_available';

export type BookOutcome =
	| { booked: true; appointment: Appointment }
	| { booked: false; reason: NotBookedReason; message: string; alternatives: FreeSlot[] };

export interface CancelRequest {
	appointmentId: string;
	reason?: string;
}

export type CancelOutcome =
	| { cancelled: true; appointment: Appointment }
	| { cancelled: false; reason: 'not_found' | 'already_cancelled'; message: string };

export interface RescheduleRequest {
	appointmentId: string;
	newSlotId: string;
	reason?: string;
}

export type RescheduleOutcome =
	| {
			rescheduled: true;
			appointment: Appointment;
			/** The time the appointment left (now free): its slot ID lets Offer Freed Slot offer it to the waitlist. */
			previous: { start: string; end: string; slotId?: string };
	  }
	| {
			rescheduled: false;
			reason: NotBookedReason | 'not_found' | 'not_active';
			message: string;
			alternatives: FreeSlot[];
	  };

/**
 * Whose appointments to list ("my appointments"). Built-in: the phone (matched by its keyed digest, with or without
 * `+`); FHIR: the Patient reference (`patient=`), or the phone/email on the Appointment's Patient; Cal.com: the
 * attendee email (its API cannot filter by phone).
 */
export interface PatientFilter {
	phone?: string;
	email?: string;
	reference?: string;
}

export interface ListAppointmentsQuery {
	from: string;
	to: string;
	practitionerId?: string;
	patient?: PatientFilter;
	statuses?: AppointmentStatus[];
	limit?: number;
	locale?: SlotLocale;
	onWarning?: WarningSink;
}

export interface UpdateStatusRequest {
	appointmentId: string;
	status: UpdatableStatus;
}

/**
 * Thrown for bad input or configuration (the node turns it into a NodeOperationError naming the field). Without an
 * explicit hint, the hint names the field as the node shows it ("Field: Slot ID").
 */
export class SchedulingInputError extends ClinicError {
	constructor(message: string, field?: string, hint?: string) {
		super(message, {
			code: 'invalid_input',
			field,
			hint: hint ?? (field ? `Field: ${schedulingFieldLabel(field)}` : undefined),
			kind: 'input',
		});
		this.name = 'SchedulingInputError';
	}
}

/** Thrown when the remote scheduling system fails (the node turns it into a NodeApiError). */
export class SchedulingRemoteError extends ClinicError {
	constructor(
		message: string,
		httpStatus?: number,
		readonly detail?: unknown,
	) {
		super(message, { code: 'remote_error', httpStatus, kind: 'remote' });
		this.name = 'SchedulingRemoteError';
	}
}

/** The HTTP port injected into remote providers (core/http.ts; nodes adapt n8n's httpRequestWithAuthentication). */
export type { HttpRequest, HttpResponse, HttpSender } from '../http';

/** Injected clock (ms since epoch). */
export type Clock = () => number;
