/**
 * Offering a freed slot in waves. The first call for a slot opens its record and offers it to the first `waveSize`
 * matching waiting patients (oldest first) with a window of `windowMs`; a later call (the same freed slot again, or
 * the "due waves" run of a schedule) after that window expires the unanswered offers and offers the next
 * `waveSize`. A slot that was claimed, or whose start has come, is offered no more. Matching is the repository's
 * indexed query (practitioner or any, service or any, date range, time of day, not offered this slot before).
 */
import type { SlotLocale } from '../scheduling/types';
import { slotLabel } from '../scheduling/labels';
import type { WaitlistAudit } from './audit';
import type { AuditEntryInput } from '../audit/entry';
import { timeOfDayBit } from './freed-slot';
import type { WaitlistTx } from './repositories/port';
import type { FreedSlot, FreedSlotRecord, OfferToSend, WaitlistOffer } from './types';

export interface WaveOptions {
	/** Patients offered per wave. */
	waveSize: number;
	/** How long an offer can be claimed (ms); the next wave starts after it. */
	windowMs: number;
	/** Label language when the freed slot carries none. */
	locale: SlotLocale;
}

export interface WaveContext {
	tx: WaitlistTx;
	options: WaveOptions;
	nowMs: number;
	newId: (prefix: 'fs' | 'wo') => string;
	audit: WaitlistAudit;
	/** Audit entries of the transaction (appended by the repository). */
	trail: AuditEntryInput[];
}

/** Opens the record of a freed slot, unless it is open already (then that record). */
export async function openRecord(
	ctx: WaveContext,
	listId: string,
	freed: FreedSlot,
): Promise<FreedSlotRecord> {
	const existing = await ctx.tx.openFreedSlot(freed.slotId);
	if (existing) {
		// Freed again (booked outside the waitlist, then cancelled) while nobody has been offered it yet: nobody
		// fitted last time, so look for takers now instead of at the next wave time.
		if (existing.wave === 0 && existing.nextWaveAtMs > ctx.nowMs) {
			await ctx.tx.updateFreedSlot(existing.id, { nextWaveAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs });
			return { ...existing, nextWaveAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs };
		}
		return existing;
	}
	const record: FreedSlotRecord = {
		id: ctx.newId('fs'),
		listId,
		slotId: freed.slotId,
		startMs: freed.startMs,
		endMs: freed.endMs,
		practitionerId: freed.practitionerId,
		serviceId: freed.serviceId,
		timeBit: timeOfDayBit(freed.startMs, freed.timeZone),
		status: 'open',
		wave: 0,
		nextWaveAtMs: ctx.nowMs,
		info: {
			timeZone: freed.timeZone,
			label: freed.label ?? slotLabel(freed.startMs, freed.timeZone, ctx.options.locale),
			...(freed.startLocal ? { startLocal: freed.startLocal } : {}),
			...(freed.practitionerName ? { practitionerName: freed.practitionerName } : {}),
			...(freed.serviceName ? { serviceName: freed.serviceName } : {}),
			...(freed.location ? { location: freed.location } : {}),
		},
		createdAtMs: ctx.nowMs,
		updatedAtMs: ctx.nowMs,
	};
	await ctx.tx.insertFreedSlot(record);
	ctx.trail.push(ctx.audit.slotFreed(record));
	if (freed.freedBy) await excludeFreer(ctx, record, freed.freedBy);
	return record;
}

/** The patient who freed the slot is never offered it back (an `excluded` offer marks their entries). */
async function excludeFreer(
	ctx: WaveContext,
	record: FreedSlotRecord,
	freedBy: NonNullable<FreedSlot['freedBy']>,
): Promise<void> {
	const phone = freedBy.phone?.replace(/\D/g, '') || undefined;
	if (!phone && !freedBy.userId) return;
	const own = await ctx.tx.findEntries({ statuses: ['waiting'], patient: { phone, userId: freedBy.userId } });
	await ctx.tx.insertOffers(
		own.map((e) => ({
			id: ctx.newId('wo'),
			freedSlotId: record.id,
			entryId: e.id,
			wave: 0,
			status: 'excluded' as const,
			offeredAtMs: ctx.nowMs,
			expiresAtMs: ctx.nowMs,
		})),
	);
}

/** Offers the next wave of `record` when it is due; [] when it is not (or the slot is gone). */
export async function nextWave(ctx: WaveContext, record: FreedSlotRecord): Promise<OfferToSend[]> {
	const { tx, nowMs, options } = ctx;
	if (record.status !== 'open') return [];
	if (record.startMs <= nowMs) {
		await tx.updateOffers({ freedSlotId: record.id, statuses: ['open'] }, 'expired');
		await tx.updateFreedSlot(record.id, { status: 'closed', updatedAtMs: nowMs });
		return [];
	}
	if (nowMs < record.nextWaveAtMs) return [];
	await tx.updateOffers({ freedSlotId: record.id, statuses: ['open'], expiredAtMs: nowMs }, 'expired');
	const entries = await tx.matchEntries({
		freedSlotId: record.id,
		practitionerId: record.practitionerId,
		serviceId: record.serviceId,
		startMs: record.startMs,
		timeBit: record.timeBit,
		limit: options.waveSize,
	});
	const wave = entries.length ? record.wave + 1 : record.wave;
	// An offer never outlives the slot's start.
	const expiresAtMs = Math.min(nowMs + options.windowMs, record.startMs);
	const offers: WaitlistOffer[] = entries.map((e) => ({
		id: ctx.newId('wo'),
		freedSlotId: record.id,
		entryId: e.id,
		wave,
		status: 'open',
		offeredAtMs: nowMs,
		expiresAtMs,
	}));
	await tx.insertOffers(offers);
	await tx.updateFreedSlot(record.id, { wave, nextWaveAtMs: nowMs + options.windowMs, updatedAtMs: nowMs });
	const updated = { ...record, wave, nextWaveAtMs: nowMs + options.windowMs, updatedAtMs: nowMs };
	return offers.map((offer, i) => {
		ctx.trail.push(ctx.audit.offered(offer, entries[i]));
		return { offer, entry: entries[i], slot: updated };
	});
}
