/**
 * What the KPI report reads from the audit log: the event names it counts and the detail fields it looks at. Other
 * modules write these events (Trigger, Send, Consent, workflows 01/02/05, the waitlist); this file is where their
 * meaning for the report is stated once.
 *
 * Waitlist backfill (core/waitlist/audit.ts) writes, each with `details.freedSlotId` (the freed slot's record):
 * - `waitlist.slot-freed`: a freed time is offered to the waitlist for the first time (with `practitionerId`);
 * - `waitlist.offered`: one per patient offered it;
 * - `waitlist.claimed`: a waitlisted patient took it (`details.appointmentId` is the new booking).
 * The fill rate is freed slots with a claim ÷ freed slots.
 *
 * Calls (core/whatsapp/calling-audit.ts, from the trigger's `call` events) end with one of three entries, each with
 * `details.callDigest` (the call ID's keyed digest; `callId` in entries written before), `details.direction` (`USER_INITIATED`: the patient called; `BUSINESS_INITIATED`: the clinic did)
 * and, when the call was connected, `details.durationSeconds` / `startTime` / `endTime`:
 * - `call.completed`: Meta's terminate after the call was accepted and connected (a duration or a start time, status
 *   not `FAILED`): a call **handled**, either direction;
 * - `call.missed`: the terminate of a patient's call that was never connected — nobody accepted it, the clinic
 *   rejected it, or the patient hung up while it rang;
 * - `call.unanswered`: the terminate of a clinic call the patient did not take (rejected or not answered).
 * Ringing, accepted and rejected statuses come before the terminate and are not counted on their own.
 */
export const KPI_EVENTS = {
	messageReceived: 'message.received',
	messageSent: 'message.sent',
	statusDelivered: 'status.delivered',
	statusRead: 'status.read',
	appointmentConfirmed: 'appointment.confirmed',
	surveyAnswer: 'survey.csat',
	consentWithdrawn: 'consent.withdrawn',
	/** Meta's user preference webhook: the patient stopped marketing messages. */
	marketingStopped: 'user_preference.stop',
	slotFreed: 'waitlist.slot-freed',
	waitlistOffered: 'waitlist.offered',
	waitlistClaimed: 'waitlist.claimed',
	callCompleted: 'call.completed',
	callMissed: 'call.missed',
	callUnanswered: 'call.unanswered',
} as const;

/**
 * Outbound entries that are not a message the patient was sent. Every other outbound entry with a message ID is one,
 * whatever its event: workflow 01 records its answer to a reminder button as `appointment.confirmed` (the send
 * result of the reply, with the event set by the workflow).
 */
export const NOT_SENT_EVENTS: readonly string[] = [
	'message.failed',
	'message.blocked',
	'message.skipped',
	'message.unknown',
];

/** Events whose details the report reads (the others are counted from their lookup columns alone). */
export const DETAIL_EVENTS: readonly string[] = [
	KPI_EVENTS.appointmentConfirmed,
	KPI_EVENTS.surveyAnswer,
	KPI_EVENTS.consentWithdrawn,
	KPI_EVENTS.marketingStopped,
	KPI_EVENTS.slotFreed,
	KPI_EVENTS.waitlistOffered,
	KPI_EVENTS.waitlistClaimed,
	KPI_EVENTS.callCompleted,
	KPI_EVENTS.callMissed,
	KPI_EVENTS.callUnanswered,
];

/** Audit purpose of appointment reminders (workflow 02): a template sent with it is a reminder. */
export const REMINDER_PURPOSE = 'appointment-reminder';

/** Detail field naming the freed slot in the three waitlist events. */
export const FREED_SLOT_DETAIL = 'freedSlotId';

/**
 * Detail fields of the call entries: the call (a call counts once), who called, how long it lasted. The audit log
 * keeps the call ID only as its keyed digest (`callDigest`, core/audit/chain.ts: a call ID encodes the caller's
 * number); entries written before that have it in clear (`callId`).
 */
export const CALL_DETAILS = {
	id: 'callDigest',
	idInClear: 'callId',
	direction: 'direction',
	durationSeconds: 'durationSeconds',
	startTime: 'startTime',
	endTime: 'endTime',
} as const;
/** `details.direction` of a call the clinic placed (Meta's value; the patient's own calls are `USER_INITIATED`). */
export const CLINIC_CALL = 'BUSINESS_INITIATED';

/** Detail fields that tie an entry to a practitioner, directly or through an appointment. */
export const PRACTITIONER_DETAIL = 'practitionerId';
export const APPOINTMENT_DETAILS = ['appointmentId', 'bookingId'] as const;

/**
 * A survey answer counts as satisfied when it is the top-two answer: "Good" (workflow 05's buttons Good / OK / Bad,
 * also as their payload GOOD) or 4–5 on a 1–5 scale. Anything else is an answer that is not satisfied.
 */
export function isSatisfied(rating: unknown): boolean {
	if (typeof rating === 'number') return rating >= 4 && rating <= 5;
	const text = String(rating ?? '')
		.trim()
		.toUpperCase();
	if (/^[1-5]$/.test(text)) return Number(text) >= 4;
	return ['GOOD', 'GREAT', 'EXCELLENT', 'BOA', 'BUENA', 'ÓTIMA', 'OTIMA', 'EXCELENTE'].includes(text);
}
