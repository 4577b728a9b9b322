/**
 * One pass over the appointments and then the audit entries of the period, adding each to the counters of its week
 * and practitioner. Memory grows with what is counted (cells, messages awaiting a status, patients awaiting a reply,
 * freed slots), never with the number of entries read.
 *
 * Practitioner of an entry: `details.practitionerId`; else the practitioner of the appointment its details name
 * (`appointmentId`/`bookingId`); else the one the same patient's conversation was last tied to by such an entry;
 * else `unassigned`. Conversation entries (messages, statuses) take their patient's.
 */
import type { AppointmentFact } from './appointments';
import { ATTENDED_STATUSES, NOT_DUE_STATUSES, NO_SHOW_STATUSES } from './appointments';
import type { AuditFact } from './audit-facts';
import type { ReportCalendar } from './calendar';
import {
	APPOINTMENT_DETAILS,
	CALL_DETAILS,
	CLINIC_CALL,
	FREED_SLOT_DETAIL,
	KPI_EVENTS,
	NOT_SENT_EVENTS,
	PRACTITIONER_DETAIL,
	isSatisfied,
} from './events';
import { Tally } from './tally';

export const UNASSIGNED = 'unassigned';
/** Cell key = week × CELLS_PER_WEEK + practitioner index. */
const CELLS_PER_WEEK = 1_000_000;
const DELIVERED = 1;
const READ = 2;
const REMINDER = 4;
const FLAGS = 8;

export class KpiCollector {
	/** Practitioner IDs; index 0 is `unassigned`. */
	readonly practitioners: string[] = [UNASSIGNED];
	private readonly practitionerIndex = new Map<string, number>([[UNASSIGNED, 0]]);
	readonly cells = new Map<number, Tally>();
	/** Response times (seconds) per day × practitioner (same key layout as cells, by day). */
	readonly responses = new Map<number, number[]>();
	private readonly appointmentPractitioner = new Map<string, number>();
	private readonly patientPractitioner = new Map<string, number>();
	/** Sent message digest → cell key × FLAGS + flags. */
	private readonly sent = new Map<string, number>();
	/** Patient → instant of their first message not answered yet. */
	private readonly waiting = new Map<string, number>();
	/** Freed slot → cell key of the week it was freed in, or -1 once refilled. */
	private readonly freed = new Map<string, number>();
	private readonly confirmed = new Set<string>();
	/** Calls already counted (Meta may deliver a terminate twice). */
	private readonly calls = new Set<string>();
	entriesRead = 0;
	appointmentsRead = 0;

	constructor(
		private readonly calendar: ReportCalendar,
		private readonly nowMs: number,
	) {}

	static key(period: number, practitioner: number): number {
		return period * CELLS_PER_WEEK + practitioner;
	}

	static split(key: number): [period: number, practitioner: number] {
		return [Math.floor(key / CELLS_PER_WEEK), key % CELLS_PER_WEEK];
	}

	private practitioner(id: string | null): number {
		if (!id) return 0;
		let i = this.practitionerIndex.get(id);
		if (i === undefined) {
			i = this.practitioners.length;
			this.practitioners.push(id);
			this.practitionerIndex.set(id, i);
		}
		return i;
	}

	private cell(key: number): Tally {
		let t = this.cells.get(key);
		if (!t) this.cells.set(key, (t = new Tally()));
		return t;
	}

	/** An appointment: known for attribution; counted when it starts in the period. */
	addAppointment(a: AppointmentFact): void {
		this.appointmentsRead++;
		const p = this.practitioner(a.practitionerId);
		this.appointmentPractitioner.set(a.id, p);
		const week = this.calendar.weekIndex(a.startMs);
		if (week < 0) return;
		const t = this.cell(KpiCollector.key(week, p));
		const status = a.status;
		t.appointments++;
		if (status === 'cancelled') {
			t.cancellations++;
			if (a.updatedMs !== null) t.cancelLeadHours.push((a.startMs - a.updatedMs) / 3_600_000);
		} else if (NO_SHOW_STATUSES.includes(status)) t.noShows++;
		else if (ATTENDED_STATUSES.includes(status)) t.attended++;
		else if (a.startMs < this.nowMs && !NOT_DUE_STATUSES.includes(status)) t.unmarked++;
	}

	/** The practitioner an entry's details name (directly or through an appointment), or null. */
	private namedPractitioner(f: AuditFact): number | null {
		const direct = f.detail(PRACTITIONER_DETAIL);
		if (direct) return this.practitioner(direct);
		for (const name of APPOINTMENT_DETAILS) {
			const id = f.detail(name);
			const p = id === null ? undefined : this.appointmentPractitioner.get(id);
			if (p !== undefined) return p;
		}
		return null;
	}

	/** Practitioner of an entry that may name one; ties the patient's conversation to it. */
	private attribute(f: AuditFact): number {
		const named = this.namedPractitioner(f);
		if (named !== null && f.patient) this.patientPractitioner.set(f.patient, named);
		return named ?? this.conversationPractitioner(f);
	}

	private conversationPractitioner(f: AuditFact): number {
		return (f.patient && this.patientPractitioner.get(f.patient)) || 0;
	}

	addEntry(f: AuditFact): void {
		this.entriesRead++;
		const week = this.calendar.weekIndex(f.ms);
		if (week < 0) return;
		if (f.direction === 'outbound' && !f.failed && f.message && !NOT_SENT_EVENTS.includes(f.event ?? ''))
			this.sentMessage(f, week);
		const e = KPI_EVENTS;
		switch (f.event) {
			case e.messageReceived:
				return this.received(f, week);
			case e.statusDelivered:
				return this.status(f, DELIVERED);
			case e.statusRead:
				return this.status(f, DELIVERED | READ);
			case e.appointmentConfirmed: {
				const id = f.detail('appointmentId');
				if (id !== null && this.confirmed.has(id)) return;
				if (id !== null) this.confirmed.add(id);
				this.cell(KpiCollector.key(week, this.attribute(f))).confirmations++;
				return;
			}
			case e.surveyAnswer: {
				const t = this.cell(KpiCollector.key(week, this.attribute(f)));
				t.csatAnswers++;
				if (isSatisfied(f.detail('rating'))) t.csatSatisfied++;
				return;
			}
			case e.consentWithdrawn:
			case e.marketingStopped:
				this.cell(KpiCollector.key(week, this.attribute(f))).optOuts++;
				return;
			case e.slotFreed:
				return this.slotFreed(f, week);
			case e.waitlistOffered: {
				const slot = f.detail(FREED_SLOT_DETAIL);
				const at = slot === null ? undefined : this.freed.get(slot);
				const key = at !== undefined && at >= 0 ? at : KpiCollector.key(week, this.attribute(f));
				this.cell(key).waitlistOffers++;
				return;
			}
			case e.waitlistClaimed: {
				const slot = f.detail(FREED_SLOT_DETAIL);
				const at = slot === null ? undefined : this.freed.get(slot);
				if (slot === null || at === undefined || at < 0) return;
				this.cell(at).slotsRefilled++;
				this.freed.set(slot, -1);
				return;
			}
			case e.callCompleted:
			case e.callMissed:
			case e.callUnanswered:
				return this.callEnded(f, week);
			default:
				if (f.direction === 'system' && f.patient) this.attribute(f);
		}
	}

	private received(f: AuditFact, week: number): void {
		this.cell(KpiCollector.key(week, this.conversationPractitioner(f))).messagesReceived++;
		if (f.patient && !this.waiting.has(f.patient)) this.waiting.set(f.patient, f.ms);
	}

	private sentMessage(f: AuditFact, week: number): void {
		const reminder = f.reminder;
		const p = this.attribute(f);
		const key = KpiCollector.key(week, p);
		const t = this.cell(key);
		t.messagesSent++;
		if (reminder) t.remindersSent++;
		if (f.patient) t.patients.add(f.patient);
		if (f.message) this.sent.set(f.message, key * FLAGS + (reminder ? REMINDER : 0));
		if (reminder || !f.patient) return;
		const since = this.waiting.get(f.patient);
		if (since === undefined) return;
		this.waiting.delete(f.patient);
		const day = this.calendar.dayIndex(since);
		if (day < 0) return;
		const cell = KpiCollector.key(day, p);
		let list = this.responses.get(cell);
		if (!list) this.responses.set(cell, (list = []));
		list.push((f.ms - since) / 1000);
	}

	private status(f: AuditFact, flags: number): void {
		const value = f.message === null ? undefined : this.sent.get(f.message);
		if (value === undefined) return;
		const had = value % FLAGS;
		const added = flags & ~had;
		if (!added) return;
		const key = Math.floor(value / FLAGS);
		const t = this.cell(key);
		const reminder = (had & REMINDER) !== 0;
		if (added & DELIVERED) {
			t.delivered++;
			if (reminder) t.remindersDelivered++;
		}
		if (added & READ) {
			t.read++;
			if (reminder) t.remindersRead++;
		}
		this.sent.set(f.message!, value + added);
	}

	/** A call's last entry: handled, missed or not taken, under the patient's practitioner (events.ts). */
	private callEnded(f: AuditFact, week: number): void {
		const id = f.detail(CALL_DETAILS.id) ?? f.detail(CALL_DETAILS.idInClear);
		if (id !== null) {
			if (this.calls.has(id)) return;
			this.calls.add(id);
		}
		const t = this.cell(KpiCollector.key(week, this.attribute(f)));
		const direction = f.detail(CALL_DETAILS.direction);
		const byClinic =
			f.event === KPI_EVENTS.callUnanswered ||
			(f.event !== KPI_EVENTS.callMissed &&
				(direction === null ? f.direction === 'outbound' : direction.toUpperCase() === CLINIC_CALL));
		if (byClinic) t.callsToPatients++;
		else t.callsFromPatients++;
		if (f.event === KPI_EVENTS.callMissed) t.callsMissed++;
		else if (f.event === KPI_EVENTS.callUnanswered) t.callsUnanswered++;
		else {
			t.callsHandled++;
			const seconds = callSeconds(f);
			if (seconds !== null) t.callSeconds.push(seconds);
		}
	}

	private slotFreed(f: AuditFact, week: number): void {
		const slot = f.detail(FREED_SLOT_DETAIL);
		if (slot !== null && (this.freed.get(slot) ?? -1) >= 0) return; // already free (a repeated event)
		const key = KpiCollector.key(week, this.attribute(f));
		this.cell(key).slotsFreed++;
		if (slot !== null) this.freed.set(slot, key);
	}
}

/** How long a handled call lasted: Meta's duration, else its end minus its start; null when neither is known. */
function callSeconds(f: AuditFact): number | null {
	const duration = Number(f.detail(CALL_DETAILS.durationSeconds) ?? NaN);
	if (Number.isFinite(duration) && duration >= 0) return duration;
	const start = Date.parse(f.detail(CALL_DETAILS.startTime) ?? '');
	const end = Date.parse(f.detail(CALL_DETAILS.endTime) ?? '');
	return Number.isFinite(start) && Number.isFinite(end) && end >= start ? (end - start) / 1000 : null;
}
