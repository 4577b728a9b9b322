/**
 * In-memory WaitlistRepository: the same contract as the SQL adapter, for tests, benchmarks and demos (not
 * persistent). Transactions of one repository run one at a time and roll back on a throw; audit entries go to the
 * injected sink (default: `audited`, open to tests).
 *
 * Matching is indexed like the SQL adapter: entries sit in buckets by (practitioner or any, service or any), each
 * bucket in join order, so one freed slot looks at 4 buckets instead of the whole list.
 */
import type { AuditEntryInput } from '../../audit/entry';
import { phoneDigits } from '../../scheduling/patient-filter';
import { settle } from '../../settle';
import { TIME_OF_DAY_BIT, type FreedSlotRecord, type WaitlistEntry, type WaitlistOffer } from '../types';
import type {
	EntryFilter,
	FreedSlotPatch,
	MatchQuery,
	OfferFilter,
	SeenSlots,
	WaitlistRepository,
	WaitlistTx,
} from './port';

const ANY = '*';
const bucketKey = (practitionerId: string | null, serviceId: string | null) =>
	`${practitionerId ?? ANY}|${serviceId ?? ANY}`;

function maskOf(entry: WaitlistEntry): number {
	return entry.timesOfDay.reduce((m, t) => m | TIME_OF_DAY_BIT[t], 0);
}

function copyEntry(e: WaitlistEntry): WaitlistEntry {
	return { ...e, patient: { ...e.patient }, timesOfDay: [...e.timesOfDay] };
}

interface ListState {
	entries: Map<string, WaitlistEntry>;
	/** bucket key → entry ids in join order. */
	buckets: Map<string, string[]>;
	slots: Map<string, FreedSlotRecord>;
	/** watch key → what the last Find Freed Slots poll saw. */
	seen: Map<string, SeenSlots>;
}

export class MemoryWaitlistRepository implements WaitlistRepository {
	private readonly lists = new Map<string, ListState>();
	private readonly offers = new Map<string, WaitlistOffer>();
	/** freed slot id → entry ids offered. */
	private readonly offered = new Map<string, Set<string>>();
	private queue: Promise<unknown> = Promise.resolve();
	/** Audit entries recorded (when no sink is given). */
	readonly audited: AuditEntryInput[] = [];

	constructor(private readonly auditSink?: (entries: readonly AuditEntryInput[]) => Promise<void>) {}

	private list(listId: string): ListState {
		let state = this.lists.get(listId);
		if (!state)
			this.lists.set(
				listId,
				(state = { entries: new Map(), buckets: new Map(), slots: new Map(), seen: new Map() }),
			);
		return state;
	}

	/** Number of entries of a list (benchmarks). */
	size(listId: string): number {
		return this.lists.get(listId)?.entries.size ?? 0;
	}

	async transaction<T>(
		listId: string,
		fn: (tx: WaitlistTx) => Promise<T>,
		audit?: (result: T) => readonly AuditEntryInput[],
	): Promise<T> {
		const run = this.queue.then(async () => {
			const undo: Array<() => void> = [];
			const result = await settle(async () => {
				const value = await fn(this.tx(listId, undo));
				const entries = audit?.(value) ?? [];
				if (entries.length) {
					if (this.auditSink) await this.auditSink(entries);
					else this.audited.push(...entries);
				}
				return value;
			});
			if (result.ok) return result.value;
			for (const step of undo.reverse()) step();
			throw result.error;
		});
		this.queue = run.catch(() => undefined);
		return await run;
	}

	/** The operations of one transaction; every change pushes its inverse on `undo` (rollback on a throw). */
	private tx(listId: string, undo: Array<() => void>): WaitlistTx {
		const state = this.list(listId);
		const offers = this.offers;
		const offered = this.offered;
		const matchesPatient = (e: WaitlistEntry, p: EntryFilter['patient']) =>
			(!!p?.phone && !!e.patient.phone && phoneDigits(e.patient.phone) === phoneDigits(p.phone)) ||
			(!!p?.userId && e.patient.userId === p.userId);
		const offerMatches = (o: WaitlistOffer, f: OfferFilter) =>
			(f.id === undefined || o.id === f.id) &&
			(f.freedSlotId === undefined || o.freedSlotId === f.freedSlotId) &&
			f.statuses.includes(o.status) &&
			(f.expiredAtMs === undefined || o.expiresAtMs <= f.expiredAtMs) &&
			state.slots.has(o.freedSlotId);
		return {
			async findEntries(filter) {
				const pool = filter.ids ? filter.ids.map((id) => state.entries.get(id)) : [...state.entries.values()];
				const out: WaitlistEntry[] = [];
				for (const e of pool) {
					if (!e) continue;
					if (filter.statuses && !filter.statuses.includes(e.status)) continue;
					if (filter.practitionerId !== undefined && e.practitionerId !== filter.practitionerId) continue;
					if (filter.serviceId !== undefined && e.serviceId !== filter.serviceId) continue;
					if (filter.patient && !matchesPatient(e, filter.patient)) continue;
					out.push(copyEntry(e));
				}
				out.sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
				return filter.limit ? out.slice(0, filter.limit) : out;
			},
			async insertEntry(entry) {
				if (state.entries.has(entry.id)) throw new Error(`waitlist entry ${entry.id} already exists`);
				state.entries.set(entry.id, copyEntry(entry));
				const key = bucketKey(entry.practitionerId, entry.serviceId);
				const bucket = state.buckets.get(key) ?? [];
				state.buckets.set(key, bucket);
				bucket.push(entry.id);
				undo.push(() => {
					state.entries.delete(entry.id);
					bucket.splice(bucket.lastIndexOf(entry.id), 1);
				});
			},
			async updateEntries(ids, patch) {
				for (const id of ids) {
					const e = state.entries.get(id);
					if (!e) continue;
					const before = copyEntry(e);
					undo.push(() => state.entries.set(id, before));
					const { patient, ...rest } = patch;
					Object.assign(e, rest, patient ? { patient: { ...patient } } : {});
				}
			},
			async matchEntries(q: MatchQuery) {
				const seen = offered.get(q.freedSlotId);
				const keys = new Set([
					bucketKey(q.practitionerId, q.serviceId),
					bucketKey(q.practitionerId, null),
					bucketKey(null, q.serviceId),
					bucketKey(null, null),
				]);
				const found: WaitlistEntry[] = [];
				for (const key of keys) {
					let taken = 0;
					for (const id of state.buckets.get(key) ?? []) {
						if (taken >= q.limit) break;
						const e = state.entries.get(id)!;
						if (e.status !== 'waiting' || seen?.has(id)) continue;
						if (e.earliestMs > q.startMs || (e.latestMs !== null && e.latestMs <= q.startMs)) continue;
						const mask = maskOf(e);
						if (mask !== 0 && (mask & q.timeBit) === 0) continue;
						found.push(e);
						taken++;
					}
				}
				found.sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
				return found.slice(0, q.limit).map(copyEntry);
			},
			async openFreedSlot(slotId) {
				for (const s of state.slots.values())
					if (s.slotId === slotId && s.status === 'open') return { ...s, info: { ...s.info } };
				return undefined;
			},
			async getFreedSlot(id) {
				const s = state.slots.get(id);
				return s ? { ...s, info: { ...s.info } } : undefined;
			},
			async dueFreedSlots(nowMs, limit) {
				return [...state.slots.values()]
					.filter((s) => s.status === 'open' && s.nextWaveAtMs <= nowMs)
					.sort((a, b) => a.nextWaveAtMs - b.nextWaveAtMs || a.id.localeCompare(b.id))
					.slice(0, limit)
					.map((s) => ({ ...s, info: { ...s.info } }));
			},
			async insertFreedSlot(record) {
				state.slots.set(record.id, { ...record, info: { ...record.info } });
				undo.push(() => state.slots.delete(record.id));
			},
			async updateFreedSlot(id, patch: FreedSlotPatch) {
				const s = state.slots.get(id);
				if (!s) return;
				const before = { ...s };
				undo.push(() => Object.assign(s, before));
				Object.assign(s, patch);
			},
			async insertOffers(list) {
				for (const o of list) {
					const seen = offered.get(o.freedSlotId) ?? new Set<string>();
					if (seen.has(o.entryId) || offers.has(o.id)) throw new Error(`offer ${o.id} already exists`);
					seen.add(o.entryId);
					offered.set(o.freedSlotId, seen);
					offers.set(o.id, { ...o });
					undo.push(() => {
						seen.delete(o.entryId);
						offers.delete(o.id);
					});
				}
			},
			async getOffer(id) {
				const o = offers.get(id);
				return o && state.slots.has(o.freedSlotId) ? { ...o } : undefined;
			},
			async updateOffers(filter, status, answeredAtMs) {
				const changed: WaitlistOffer[] = [];
				for (const o of offers.values()) {
					if (!offerMatches(o, filter)) continue;
					const before = { ...o };
					undo.push(() => Object.assign(o, before));
					o.status = status;
					if (answeredAtMs !== undefined) o.answeredAtMs = answeredAtMs;
					changed.push({ ...o });
				}
				return changed;
			},
			async getSeenSlots(watchKey) {
				const seen = state.seen.get(watchKey);
				return seen ? { ...seen, slotIds: [...seen.slotIds] } : undefined;
			},
			async putSeenSlots(watchKey, seen) {
				const before = state.seen.get(watchKey);
				undo.push(() => (before ? state.seen.set(watchKey, before) : state.seen.delete(watchKey)));
				state.seen.set(watchKey, { ...seen, slotIds: [...seen.slotIds] });
			},
		};
	}
}
