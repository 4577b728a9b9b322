/**
 * What the KPI report reads from the audit log: the event names it counts and the detail fields it looks at. Other
 * modules write these events (Trigger, Send, Consent, workflows 01/02/05, the waitlist); this file is where their
 * meaning for the report is stated once.
 *
 * Waitlist backfill (issue 18 part 1) writes three events, each with `details.slotId` (the freed time, as Book
 * accepts it) and, when known, `details.practitionerId` and `details.appointmentId`:
 * - `slot.freed`: a booked time became free (cancel or reschedule, from any path);
 * - `waitlist.offered`: the freed time was offered to a waitlisted patient (one entry per patient offered);
 * - `waitlist.claimed`: a waitlisted patient took it (`details.appointmentId` is the new booking).
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
	slotFreed: 'slot.freed',
	waitlistOffered: 'waitlist.offered',
	waitlistClaimed: 'waitlist.claimed',
} as const;

/** Events whose details the report reads (the others are counted from their lookup columns alone). */
export const DETAIL_EVENTS: readonly string[] = [
	KPI_EVENTS.appointmentConfirmed,
	KPI_EVENTS.surveyAnswer,
	KPI_EVENTS.consentWithdrawn,
	KPI_EVENTS.marketingStopped,
	KPI_EVENTS.slotFreed,
	KPI_EVENTS.waitlistOffered,
	KPI_EVENTS.waitlistClaimed,
];

/** Audit purpose of appointment reminders (workflow 02): a template sent with it is a reminder. */
export const REMINDER_PURPOSE = 'appointment-reminder';

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
