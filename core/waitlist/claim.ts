/**
 * Claiming an offer ("Take this time"). The first to accept gets the slot through the scheduling backend's Book —
 * the same no-double-booking path as the Book operation (built-in: atomic check-and-insert; FHIR: version-checked
 * transaction; Cal.com: Cal.com's own check) — so even taps of different patients that race each other produce
 * exactly one booking. Everyone else gets `{claimed: false, reason: 'taken'}` and stays on the waitlist.
 *
 * Three steps: (1) in a waitlist transaction, check the offer (it exists in this waitlist, is the tapper's, is open,
 * not expired, its slot not claimed yet) and mark it `claiming`; (2) Book, outside any transaction (a remote call);
 * (3) in a transaction, record the result: claimed (entry booked, slot claimed, the slot's other offers `taken`) or
 * taken (the slot is closed: someone else booked it). A Book that throws puts the offer back to `open`.
 */
import { phoneDigits } from '../scheduling/patient-filter';
import { settle } from '../settle';
import type { BookOutcome } from '../scheduling/types';
import type { WaitlistAudit } from './audit';
import type { AuditEntryInput } from '../audit/entry';
import type { WaitlistRepository, WaitlistTx } from './repositories/port';
import type {
	ClaimOutcome,
	ClaimRefusal,
	FreedSlotRecord,
	WaitlistEntry,
	WaitlistOffer,
	WaitlistPatient,
} from './types';

export interface ClaimRequest {
	offerId: string;
	/** Who tapped (from the trigger): must be the patient the offer was sent to. */
	tapper: Pick<WaitlistPatient, 'phone' | 'userId'>;
}

/** Books the entry's patient into the freed slot (the node passes the backend's Book). */
export type BookForEntry = (entry: WaitlistEntry, slot: FreedSlotRecord) => Promise<BookOutcome>;

const MESSAGES: Record<ClaimRefusal, string> = {
	taken: 'Someone else took this time first. You stay on the waitlist for the next one.',
	expired: 'This offer has expired. You stay on the waitlist for the next free time.',
	not_found: 'This offer does not exist (any more) in this waitlist.',
	not_yours: 'This offer was sent to another patient.',
	already_claimed: 'You already have this time: your earlier answer booked it.',
	in_progress: 'This offer is being booked already (a second tap of the same button).',
};

type Checked =
	| { go: true; offer: WaitlistOffer; entry: WaitlistEntry; slot: FreedSlotRecord }
	| { go: false; outcome: ClaimOutcome };

function refuse(offerId: string, reason: ClaimRefusal, entry?: WaitlistEntry): Checked {
	return {
		go: false,
		outcome: { claimed: false, offerId, reason, message: MESSAGES[reason], ...(entry ? { entry } : {}) },
	};
}

function isTapper(entry: WaitlistEntry, tapper: ClaimRequest['tapper']): boolean {
	const phone = tapper.phone ? phoneDigits(tapper.phone) : '';
	return (
		(!!phone && !!entry.patient.phone && phoneDigits(entry.patient.phone) === phone) ||
		(!!tapper.userId && entry.patient.userId === tapper.userId)
	);
}

export class OfferClaims {
	constructor(
		private readonly repository: WaitlistRepository,
		private readonly audit: WaitlistAudit,
		private readonly clock: () => number,
	) {}

	async claim(listId: string, request: ClaimRequest, book: BookForEntry): Promise<ClaimOutcome> {
		const trail: AuditEntryInput[] = [];
		const checked = await this.repository.transaction(
			listId,
			async (tx) => await this.check(tx, request, trail),
			() => trail,
		);
		if (!checked.go) return checked.outcome;
		const { offer, entry, slot } = checked;
		const booking = await settle(async () => await book(entry, slot));
		if (!booking.ok) {
			await this.repository.transaction(listId, async (tx) => {
				await tx.updateOffers({ id: offer.id, statuses: ['claiming'] }, 'open');
			});
			throw booking.error;
		}
		const outcome = booking.value;
		const done: AuditEntryInput[] = [];
		return await this.repository.transaction(
			listId,
			async (tx) => await this.record(tx, checked, outcome, done),
			() => done,
		);
	}

	private async check(tx: WaitlistTx, request: ClaimRequest, trail: AuditEntryInput[]): Promise<Checked> {
		const now = this.clock();
		const offerId = request.offerId;
		const offer = await tx.getOffer(offerId);
		const entry = offer && (await tx.findEntries({ ids: [offer.entryId] }))[0];
		const slot = offer && (await tx.getFreedSlot(offer.freedSlotId));
		const refused = (reason: ClaimRefusal) => {
			trail.push(this.audit.refused(offerId, reason, entry));
			return refuse(offerId, reason, entry);
		};
		if (!offer || !entry || !slot || offer.status === 'excluded') return refused('not_found');
		if (!isTapper(entry, request.tapper)) return refused('not_yours');
		if (offer.status === 'claimed') return refuse(offerId, 'already_claimed', entry);
		if (offer.status === 'claiming') return refused('in_progress');
		if (offer.status === 'taken' || slot.status !== 'open') {
			if (offer.status === 'open') await tx.updateOffers({ id: offerId, statuses: ['open'] }, 'taken', now);
			return refused('taken');
		}
		if (offer.status === 'expired' || now >= offer.expiresAtMs) {
			if (offer.status === 'open') await tx.updateOffers({ id: offerId, statuses: ['open'] }, 'expired', now);
			return refused('expired');
		}
		await tx.updateOffers({ id: offerId, statuses: ['open'] }, 'claiming', now);
		return { go: true, offer, entry, slot };
	}

	private async record(
		tx: WaitlistTx,
		{ offer, entry, slot }: { offer: WaitlistOffer; entry: WaitlistEntry; slot: FreedSlotRecord },
		outcome: BookOutcome,
		trail: AuditEntryInput[],
	): Promise<ClaimOutcome> {
		const now = this.clock();
		const others = { freedSlotId: slot.id, statuses: ['open'] as const };
		if (outcome.booked) {
			const appointmentId = outcome.appointment.id;
			await tx.updateOffers({ id: offer.id, statuses: ['claiming'] }, 'claimed', now);
			await tx.updateOffers(others, 'taken');
			await tx.updateFreedSlot(slot.id, {
				status: 'claimed',
				appointmentId,
				claimedOfferId: offer.id,
				updatedAtMs: now,
			});
			await tx.updateEntries([entry.id], { status: 'booked', appointmentId, updatedAtMs: now });
			trail.push(this.audit.claimed(offer, entry, appointmentId));
			return {
				claimed: true,
				offerId: offer.id,
				appointment: outcome.appointment,
				entry: { ...entry, status: 'booked', appointmentId, updatedAtMs: now },
			};
		}
		// Book refused: another tap (or another booking path) got the time first, or it is no longer bookable.
		await tx.updateOffers({ id: offer.id, statuses: ['claiming'] }, 'taken', now);
		await tx.updateOffers(others, 'taken');
		const current = await tx.getFreedSlot(slot.id);
		if (current?.status === 'open') await tx.updateFreedSlot(slot.id, { status: 'closed', updatedAtMs: now });
		trail.push(this.audit.refused(offer.id, `taken (${outcome.reason})`, entry));
		return { claimed: false, offerId: offer.id, reason: 'taken', message: MESSAGES.taken, entry };
	}
}
