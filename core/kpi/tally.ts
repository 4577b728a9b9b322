/**
 * Counters of one report cell (a week × a practitioner), what a row shows once they are turned into rates, and how
 * cells add up into "all practitioners" and "whole period" rows.
 */
import { medianAndP90, percent, quantile, round1 } from './stats';

export class Tally {
	messagesReceived = 0;
	messagesSent = 0;
	/** Sent messages with a delivered (or read) status; read ones. */
	delivered = 0;
	read = 0;
	remindersSent = 0;
	remindersDelivered = 0;
	remindersRead = 0;
	confirmations = 0;
	appointments = 0;
	cancellations = 0;
	/** Hours between each cancellation and the appointment's start (negative: cancelled after the start). */
	cancelLeadHours: number[] = [];
	attended = 0;
	noShows = 0;
	/** Appointments whose start has passed still `booked`/`pending`: nobody recorded whether the patient came. */
	unmarked = 0;
	slotsFreed = 0;
	slotsRefilled = 0;
	waitlistOffers = 0;
	csatAnswers = 0;
	csatSatisfied = 0;
	optOuts = 0;
	/** Calls that ended (events.ts): patients' calls (answered or missed), the clinic's (taken or not). */
	callsFromPatients = 0;
	callsToPatients = 0;
	/** Calls connected and ended with a conversation (call.completed), both directions. */
	callsHandled = 0;
	/** Patients' calls never connected (call.missed); clinic calls the patient did not take (call.unanswered). */
	callsMissed = 0;
	callsUnanswered = 0;
	/** Seconds each handled call lasted (when Meta reported it). */
	callSeconds: number[] = [];
	/** Distinct patients (digests) sent at least one message. */
	patients = new Set<string>();

	add(other: Tally): this {
		for (const key of COUNTERS) this[key] += other[key];
		for (const h of other.cancelLeadHours) this.cancelLeadHours.push(h);
		for (const s of other.callSeconds) this.callSeconds.push(s);
		for (const p of other.patients) this.patients.add(p);
		return this;
	}
}

const COUNTERS = [
	'messagesReceived',
	'messagesSent',
	'delivered',
	'read',
	'remindersSent',
	'remindersDelivered',
	'remindersRead',
	'confirmations',
	'appointments',
	'cancellations',
	'attended',
	'noShows',
	'unmarked',
	'slotsFreed',
	'slotsRefilled',
	'waitlistOffers',
	'csatAnswers',
	'csatSatisfied',
	'optOuts',
	'callsFromPatients',
	'callsToPatients',
	'callsHandled',
	'callsMissed',
	'callsUnanswered',
] as const satisfies ReadonlyArray<keyof Tally>;

/** One row of the report (and of its CSV): a week (or `total`) and a practitioner (or `all`). */
export interface KpiRow {
	/** Monday (`yyyy-MM-dd`, clinic time) of the week, or `total` for the whole period. */
	week: string;
	/** Practitioner ID, `all`, or `unassigned` for entries that name no practitioner. */
	practitioner: string;
	messagesReceived: number;
	messagesSent: number;
	responses: number;
	responseMedianSeconds: number | null;
	responseP90Seconds: number | null;
	deliveryRatePct: number | null;
	readRatePct: number | null;
	remindersSent: number;
	remindersConfirmed: number;
	confirmationRatePct: number | null;
	appointments: number;
	cancellations: number;
	cancelLeadMedianHours: number | null;
	attended: number;
	noShows: number;
	unmarked: number;
	noShowRatePct: number | null;
	slotsFreed: number;
	slotsRefilled: number;
	waitlistOffers: number;
	fillRatePct: number | null;
	csatAnswers: number;
	csatPct: number | null;
	patientsMessaged: number;
	optOuts: number;
	optOutRatePct: number | null;
	/** Calls (added after the fields above; the CSV has them last): see events.ts for what each counts. */
	callsHandled: number;
	callsFromPatients: number;
	callsMissed: number;
	/** Patients' calls answered ÷ patients' calls. */
	callAnswerRatePct: number | null;
	callsToPatients: number;
	callsUnanswered: number;
	/** Duration of the handled calls, median and 90th percentile, in seconds. */
	callMedianSeconds: number | null;
	callP90Seconds: number | null;
}

/** The row of `tally`, with the response-time sample (ascending, seconds) of the same cell. */
export function toRow(week: string, practitioner: string, t: Tally, responses: Float64Array): KpiRow {
	const { median, p90 } = medianAndP90(responses);
	const leads = Float64Array.from(t.cancelLeadHours).sort();
	const calls = medianAndP90(Float64Array.from(t.callSeconds).sort());
	return {
		week,
		practitioner,
		messagesReceived: t.messagesReceived,
		messagesSent: t.messagesSent,
		responses: responses.length,
		responseMedianSeconds: median,
		responseP90Seconds: p90,
		deliveryRatePct: percent(t.delivered, t.messagesSent),
		readRatePct: percent(t.read, t.messagesSent),
		remindersSent: t.remindersSent,
		remindersConfirmed: t.confirmations,
		confirmationRatePct: percent(t.confirmations, t.remindersSent),
		appointments: t.appointments,
		cancellations: t.cancellations,
		cancelLeadMedianHours: round1(quantile(leads, 0.5)),
		attended: t.attended,
		noShows: t.noShows,
		unmarked: t.unmarked,
		noShowRatePct: percent(t.noShows, t.noShows + t.attended),
		slotsFreed: t.slotsFreed,
		slotsRefilled: t.slotsRefilled,
		waitlistOffers: t.waitlistOffers,
		fillRatePct: percent(t.slotsRefilled, t.slotsFreed),
		csatAnswers: t.csatAnswers,
		csatPct: percent(t.csatSatisfied, t.csatAnswers),
		patientsMessaged: t.patients.size,
		optOuts: t.optOuts,
		optOutRatePct: percent(t.optOuts, t.patients.size),
		callsHandled: t.callsHandled,
		callsFromPatients: t.callsFromPatients,
		callsMissed: t.callsMissed,
		callAnswerRatePct: percent(t.callsFromPatients - t.callsMissed, t.callsFromPatients),
		callsToPatients: t.callsToPatients,
		callsUnanswered: t.callsUnanswered,
		callMedianSeconds: calls.median,
		callP90Seconds: calls.p90,
	};
}

/** The call figures of a row, in CSV order (after every earlier column). */
export const CALL_COLUMNS = [
	'callsHandled',
	'callsFromPatients',
	'callsMissed',
	'callAnswerRatePct',
	'callsToPatients',
	'callsUnanswered',
	'callMedianSeconds',
	'callP90Seconds',
] as const satisfies ReadonlyArray<keyof KpiRow>;

/** Column order of the CSV (the row's keys). */
export const ROW_COLUMNS: ReadonlyArray<keyof KpiRow> = [
	'week',
	'practitioner',
	'messagesReceived',
	'messagesSent',
	'responses',
	'responseMedianSeconds',
	'responseP90Seconds',
	'deliveryRatePct',
	'readRatePct',
	'remindersSent',
	'remindersConfirmed',
	'confirmationRatePct',
	'appointments',
	'cancellations',
	'cancelLeadMedianHours',
	'attended',
	'noShows',
	'unmarked',
	'noShowRatePct',
	'slotsFreed',
	'slotsRefilled',
	'waitlistOffers',
	'fillRatePct',
	'csatAnswers',
	'csatPct',
	'patientsMessaged',
	'optOuts',
	'optOutRatePct',
	...CALL_COLUMNS,
];
