/**
 * WaitlistService: the waitlist use cases over a WaitlistRepository (memory or the clinic store). Every change is
 * one repository transaction with its audit entries (core/waitlist/audit.ts).
 *
 * - join: adds a wish; the same patient asking again for the same practitioner and service updates the waiting
 *   entry instead of adding a second one.
 * - leave: by entry ID, or every waiting entry of a patient (phone / WhatsApp user ID), optionally one
 *   practitioner/service only.
 * - list: entries by status, practitioner, service, patient.
 * - offerFreedSlot / offerDueWaves: offers in waves (offers.ts).
 * - claim: the first to accept books the slot through the backend's Book (claim.ts).
 * - findFreedSlots: slots freed since the previous poll of a watch (freed-watch.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type { AuditEntryInput } from '../audit/entry';
import { WaitlistAudit, type WaitlistActor } from './audit';
import { type BookForEntry, type ClaimRequest, OfferClaims } from './claim';
import { type JoinInput, readWish, waitlistPhone } from './entries';
import { compareWithSeen, type FreedPoll, type PolledSlot } from './freed-watch';
import { nextWave, openRecord, type WaveContext, type WaveOptions } from './offers';
import type { EntryFilter, WaitlistRepository } from './repositories/port';
import {
	CLAIM_PAYLOAD_PREFIX,
	type ClaimOutcome,
	type FreedSlot,
	type OfferToSend,
	type WaitlistEntry,
	WaitlistInputError,
	type WaitlistPatient,
	type WaitlistStatus,
} from './types';

export interface WaitlistServiceOptions {
	repository: WaitlistRepository;
	/** Epoch ms (tests). */
	clock?: () => number;
	/** Who records the changes (audit actor). */
	actor?: WaitlistActor;
	newId?: (prefix: 'wl' | 'fs' | 'wo') => string;
}

export interface LeaveRequest {
	entryId?: string;
	patient?: Pick<WaitlistPatient, 'phone' | 'userId'>;
	practitionerId?: string;
	serviceId?: string;
}

export interface ListRequest {
	statuses?: WaitlistStatus[];
	practitionerId?: string;
	serviceId?: string;
	patient?: Pick<WaitlistPatient, 'phone' | 'userId'>;
	limit?: number;
}

/** Offer ids travel in button payloads: 128 random bits, so nobody guesses another patient's offer. */
function defaultId(prefix: 'wl' | 'fs' | 'wo'): string {
	return prefix === 'wo' ? `wo_${randomBytes(16).toString('base64url')}` : `${prefix}_${randomUUID()}`;
}

const trimmed = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export class WaitlistService {
	private readonly repository: WaitlistRepository;
	private readonly clock: () => number;
	private readonly audit: WaitlistAudit;
	private readonly newId: (prefix: 'wl' | 'fs' | 'wo') => string;
	private readonly claims: OfferClaims;

	constructor(options: WaitlistServiceOptions) {
		this.repository = options.repository;
		this.clock = options.clock ?? Date.now;
		this.audit = new WaitlistAudit(options.actor);
		this.newId = options.newId ?? defaultId;
		this.claims = new OfferClaims(this.repository, this.audit, this.clock);
	}

	async join(listId: string, input: JoinInput): Promise<{ entry: WaitlistEntry; updated: boolean }> {
		const now = this.clock();
		const wish = readWish(input, now);
		let result: { entry: WaitlistEntry; updated: boolean } | undefined;
		return await this.repository.transaction(
			listId,
			async (tx) => {
				const [same] = await tx.findEntries({
					statuses: ['waiting'],
					practitionerId: wish.practitionerId,
					serviceId: wish.serviceId,
					patient: wish.patient,
					limit: 1,
				});
				if (same) {
					const patient = { ...same.patient, ...wish.patient };
					const { earliestMs, latestMs, timesOfDay, notes } = wish;
					await tx.updateEntries([same.id], {
						earliestMs,
						latestMs,
						timesOfDay,
						patient,
						...(notes ? { notes } : {}),
						updatedAtMs: now,
					});
					const entry = { ...same, earliestMs, latestMs, timesOfDay, patient, updatedAtMs: now };
					return (result = { entry: notes ? { ...entry, notes } : entry, updated: true });
				}
				const entry: WaitlistEntry = {
					id: this.newId('wl'),
					listId,
					status: 'waiting',
					...wish,
					createdAtMs: now,
					updatedAtMs: now,
				};
				await tx.insertEntry(entry);
				return (result = { entry, updated: false });
			},
			() => (result ? [this.audit.joined(result.entry, result.updated)] : []),
		);
	}

	async leave(listId: string, request: LeaveRequest): Promise<WaitlistEntry[]> {
		const filter = this.patientFilter(request, 'leave');
		const now = this.clock();
		let left: WaitlistEntry[] = [];
		return await this.repository.transaction(
			listId,
			async (tx) => {
				left = await tx.findEntries({ ...filter, statuses: ['waiting'] });
				await tx.updateEntries(
					left.map((e) => e.id),
					{ status: 'left', updatedAtMs: now },
				);
				return (left = left.map((e) => ({ ...e, status: 'left' as const, updatedAtMs: now })));
			},
			() => left.map((e) => this.audit.left(e)),
		);
	}

	async list(listId: string, request: ListRequest = {}): Promise<WaitlistEntry[]> {
		const phone = waitlistPhone(request.patient?.phone);
		const userId = trimmed(request.patient?.userId);
		return await this.repository.transaction(listId, async (tx) =>
			tx.findEntries({
				...(request.statuses?.length ? { statuses: request.statuses } : {}),
				...(trimmed(request.practitionerId) ? { practitionerId: trimmed(request.practitionerId) } : {}),
				...(trimmed(request.serviceId) ? { serviceId: trimmed(request.serviceId) } : {}),
				...(phone || userId ? { patient: { phone, userId } } : {}),
				limit: request.limit,
			}),
		);
	}

	/**
	 * Offers `freed` (its first wave, or its next wave when the previous one's window has passed). `stillFree` asks
	 * the scheduling backend whether the time is really free before a slot is offered for the first time (a repeated
	 * cancellation webhook must not offer a time the waitlist already refilled).
	 */
	async offerFreedSlot(
		listId: string,
		freed: FreedSlot,
		options: WaveOptions,
		stillFree?: (slot: FreedSlot) => Promise<boolean>,
	): Promise<OfferToSend[]> {
		if (stillFree) {
			const open = await this.repository.transaction(
				listId,
				async (tx) => await tx.openFreedSlot(freed.slotId),
			);
			if (!open && !(await stillFree(freed))) return [];
		}
		return await this.waves(listId, options, async (ctx) =>
			nextWave(ctx, await openRecord(ctx, listId, freed)),
		);
	}

	/** The next wave of every freed slot of the list whose offer window has passed (a schedule runs this). */
	async offerDueWaves(listId: string, options: WaveOptions, maxSlots = 100): Promise<OfferToSend[]> {
		return await this.waves(listId, options, async (ctx) => {
			const out: OfferToSend[] = [];
			for (const record of await ctx.tx.dueFreedSlots(ctx.nowMs, maxSlots))
				out.push(...(await nextWave(ctx, record)));
			return out;
		});
	}

	/**
	 * The slots of `poll` (the backend's free slots of one watch, read just before) that were not free at the
	 * previous poll of `watchKey`; remembers this poll for the next one. Each freed slot is returned once.
	 */
	async findFreedSlots<S extends PolledSlot>(
		listId: string,
		watchKey: string,
		poll: FreedPoll<S>,
	): Promise<S[]> {
		return await this.repository.transaction(listId, async (tx) => {
			const { freed, seen } = compareWithSeen(await tx.getSeenSlots(watchKey), poll, this.clock());
			await tx.putSeenSlots(watchKey, seen);
			return freed;
		});
	}

	async claim(listId: string, request: ClaimRequest, book: BookForEntry): Promise<ClaimOutcome> {
		const offerId = trimmed(request.offerId?.replace(CLAIM_PAYLOAD_PREFIX, ''));
		if (!offerId)
			throw new WaitlistInputError(
				'Offer ID is empty',
				'Offer ID',
				'Map the button payload of the offer, e.g. {{ $json.button.payload }} from the WhatsApp Clinic Trigger.',
			);
		const phone = waitlistPhone(request.tapper.phone, 'Tapped By (Patient Phone)');
		const userId = trimmed(request.tapper.userId);
		if (!phone && !userId)
			throw new WaitlistInputError(
				'Claim Offer needs the WhatsApp number (or user ID) of the patient who tapped',
				'Tapped By (Patient Phone)',
				'Map {{ $json.from }} from the WhatsApp Clinic Trigger: only the patient the offer was sent to can claim it.',
			);
		return await this.claims.claim(listId, { offerId, tapper: { phone, userId } }, book);
	}

	private async waves(
		listId: string,
		options: WaveOptions,
		run: (ctx: WaveContext) => Promise<OfferToSend[]>,
	): Promise<OfferToSend[]> {
		if (!Number.isInteger(options.waveSize) || options.waveSize < 1)
			throw new WaitlistInputError(
				`Patients per Wave must be a whole number of at least 1 (got ${options.waveSize})`,
				'Patients per Wave',
				'Use e.g. 3: the first three patients on the list get the offer first.',
			);
		if (!(options.windowMs >= 60_000))
			throw new WaitlistInputError(
				'Offer Window must be at least 1 minute',
				'Offer Window (Minutes)',
				'Use e.g. 30: each wave has 30 minutes to answer before the next patients are asked.',
			);
		const trail: AuditEntryInput[] = [];
		return await this.repository.transaction(
			listId,
			async (tx) =>
				await run({ tx, options, nowMs: this.clock(), newId: this.newId, audit: this.audit, trail }),
			() => trail,
		);
	}

	private patientFilter(request: LeaveRequest, what: 'leave'): EntryFilter {
		const entryId = trimmed(request.entryId);
		const phone = waitlistPhone(request.patient?.phone);
		const userId = trimmed(request.patient?.userId);
		if (!entryId && !phone && !userId)
			throw new WaitlistInputError(
				`Say whose waitlist entries to ${what}: an Entry ID or the patient's WhatsApp number`,
				'Patient Phone',
				'Map {{ $json.from }} from the WhatsApp Clinic Trigger (every waiting entry of that patient), or an Entry ID from Join / List.',
			);
		return {
			...(entryId ? { ids: [entryId] } : {}),
			...(phone || userId ? { patient: { phone, userId } } : {}),
			...(trimmed(request.practitionerId) ? { practitionerId: trimmed(request.practitionerId) } : {}),
			...(trimmed(request.serviceId) ? { serviceId: trimmed(request.serviceId) } : {}),
		};
	}
}
