/**
 * What the waitlist writes to the clinic audit log (direction `system`, committed in the same transaction as the
 * change). Events: `waitlist.joined`, `waitlist.updated`, `waitlist.left`, `waitlist.slot-freed` (a freed slot is
 * offered for the first time), `waitlist.offered` (one per patient offered), `waitlist.claimed` (the offer booked the
 * slot), `waitlist.claim-refused` (taken, expired, not the patient's offer…). The patient's phone / user ID go to the
 * audit module (encrypted + digested there); details hold ids and times only, never PHI. Fill rate =
 * `waitlist.claimed` / `waitlist.slot-freed`.
 */
import type { AuditEntryInput } from '../audit/entry';
import type { FreedSlotRecord, WaitlistEntry, WaitlistOffer } from './types';

export interface WaitlistActor {
	workflowId?: string | null;
	executionId?: string | null;
	node?: string | null;
}

/** Consent purpose the waitlist's messages and audit entries are filed under. */
export const WAITLIST_PURPOSE = 'appointment_reminders';

type Details = Record<string, string | number | boolean | null>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class WaitlistAudit {
	constructor(private readonly actor: WaitlistActor = {}) {}

	private entry(
		event: string,
		patient: WaitlistEntry['patient'] | undefined,
		details: Details,
		outcome: AuditEntryInput['outcome'] = 'success',
	): AuditEntryInput {
		return {
			direction: 'system',
			event,
			patientPhone: patient?.phone ?? null,
			userId: patient?.userId ?? null,
			purpose: WAITLIST_PURPOSE,
			actor: this.actor,
			outcome,
			details,
		};
	}

	joined(entry: WaitlistEntry, updated: boolean): AuditEntryInput {
		return this.entry(updated ? 'waitlist.updated' : 'waitlist.joined', entry.patient, {
			entryId: entry.id,
			listId: entry.listId,
			practitionerId: entry.practitionerId,
			serviceId: entry.serviceId,
			earliest: iso(entry.earliestMs),
			latest: iso(entry.latestMs),
			timesOfDay: entry.timesOfDay.join(',') || 'any',
		});
	}

	left(entry: WaitlistEntry): AuditEntryInput {
		return this.entry('waitlist.left', entry.patient, { entryId: entry.id, listId: entry.listId });
	}

	slotFreed(slot: FreedSlotRecord): AuditEntryInput {
		return this.entry('waitlist.slot-freed', undefined, {
			freedSlotId: slot.id,
			listId: slot.listId,
			slotId: slot.slotId,
			start: iso(slot.startMs),
			practitionerId: slot.practitionerId,
			serviceId: slot.serviceId,
		});
	}

	offered(offer: WaitlistOffer, entry: WaitlistEntry): AuditEntryInput {
		return this.entry('waitlist.offered', entry.patient, {
			offerId: offer.id,
			entryId: entry.id,
			freedSlotId: offer.freedSlotId,
			wave: offer.wave,
			expiresAt: iso(offer.expiresAtMs),
		});
	}

	claimed(offer: WaitlistOffer, entry: WaitlistEntry, appointmentId: string): AuditEntryInput {
		return this.entry('waitlist.claimed', entry.patient, {
			offerId: offer.id,
			entryId: entry.id,
			freedSlotId: offer.freedSlotId,
			appointmentId,
		});
	}

	refused(offerId: string, reason: string, entry: WaitlistEntry | undefined): AuditEntryInput {
		return this.entry(
			'waitlist.claim-refused',
			entry?.patient,
			{ offerId, entryId: entry?.id ?? null, reason },
			'minor-failure',
		);
	}
}
