/**
 * Find Freed Slots: times another system freed (a FHIR server staff edit directly, a front desk that cancels in the
 * EHR) are found by polling. Each poll reads the backend's free slots of one watch (practitioner + service) over a
 * window and compares them with what the previous poll of that watch saw (kept in the clinic store): a slot free
 * now that was not free then, inside the window the previous poll covered, was freed since. The first poll of a
 * watch only records what is free (it cannot tell freed from never booked).
 */
import type { SchedulingProvider } from '../scheduling/provider';
import { practitionerRef } from '../scheduling/providers/fhir-resources';
import type { FreeSlot, SlotLocale, WarningSink } from '../scheduling/types';
import type { SeenSlots } from './repositories/port';

/** What a poll needs of a free slot (a Find Free Slots item). */
export interface PolledSlot {
	slotId: string;
	/** ISO 8601 instant. */
	start: string;
}

export interface FreedPoll<S extends PolledSlot> {
	/** The window searched (epoch ms, end exclusive). */
	fromMs: number;
	toMs: number;
	free: readonly S[];
	/** The backend stopped at the result limit: the window really covered ends after the last slot returned. */
	truncated: boolean;
}

/** One watch per practitioner and service ('*' = any) of a waitlist. */
export function watchKey(practitionerId?: string | null, serviceId?: string | null): string {
	return `${practitionerId?.trim() || '*'}|${serviceId?.trim() || '*'}`;
}

/** The slots of `poll` freed since `previous`, and what to remember for the next poll. */
export function compareWithSeen<S extends PolledSlot>(
	previous: SeenSlots | undefined,
	poll: FreedPoll<S>,
	nowMs: number,
): { freed: S[]; seen: SeenSlots } {
	const starts = poll.free.map((s) => Date.parse(s.start));
	const toMs = poll.truncated && starts.length ? Math.max(...starts) + 1 : poll.toMs;
	const seen: SeenSlots = {
		fromMs: poll.fromMs,
		toMs,
		slotIds: poll.free.map((s) => s.slotId),
		updatedAtMs: nowMs,
	};
	if (!previous) return { freed: [], seen };
	const before = new Set(previous.slotIds);
	const freed = poll.free.filter((s, i) => {
		const start = starts[i]!;
		return (
			!before.has(s.slotId) &&
			start >= Math.max(previous.fromMs, nowMs) &&
			start < Math.min(previous.toMs, toMs)
		);
	});
	return { freed, seen };
}

export interface PollRequest {
	/** Built-in practitioner ID or FHIR Practitioner ID; empty = any (Cal.com: ignored). */
	practitionerId?: string;
	/** Built-in service ID or FHIR service-type code; empty = any (Cal.com: ignored). */
	serviceId?: string;
	daysAhead: number;
	/** Most free slots read by one poll. */
	limit: number;
	locale?: SlotLocale;
	onWarning?: WarningSink;
	/** Epoch ms (tests). */
	nowMs?: number;
}

/** Something that remembers polls (WaitlistService.findFreedSlots). */
export interface SeenSlotsKeeper {
	findFreedSlots<S extends PolledSlot>(listId: string, watchKey: string, poll: FreedPoll<S>): Promise<S[]>;
}

/**
 * One poll: the backend's free slots of the watch now, compared with the previous poll's. Returns the newly freed
 * ones (Find Free Slots items: what Offer Freed Slot takes).
 */
export async function pollFreedSlots(
	keeper: SeenSlotsKeeper,
	listId: string,
	provider: SchedulingProvider,
	request: PollRequest,
): Promise<FreeSlot[]> {
	const calcom = provider.backend === 'calcom';
	const practitionerId = calcom ? undefined : request.practitionerId?.trim() || undefined;
	const serviceId = calcom ? undefined : request.serviceId?.trim() || undefined;
	const fromMs = request.nowMs ?? Date.now();
	const toMs = fromMs + request.daysAhead * 86_400_000;
	let warned = false;
	const free = await provider.findFreeSlots({
		practitionerId,
		serviceId,
		from: new Date(fromMs).toISOString(),
		to: new Date(toMs).toISOString(),
		limit: request.limit,
		locale: request.locale,
		onWarning: (warning) => {
			warned = true;
			request.onWarning?.(warning);
		},
	});
	const practitioner =
		practitionerId && provider.backend === 'fhir' ? practitionerRef(practitionerId) : practitionerId;
	// A cut-off answer (limit reached, pages not read) covers only up to its last slot: later days are not compared.
	return await keeper.findFreedSlots(listId, watchKey(practitioner, serviceId), {
		fromMs,
		toMs,
		free,
		truncated: warned || free.length >= request.limit,
	});
}
