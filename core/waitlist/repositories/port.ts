/**
 * WaitlistRepository: the storage port of the waitlist. The service (core/waitlist/service.ts) composes every use
 * case from the primitive operations of one transaction (`WaitlistTx`); two adapters implement them and pass the
 * same contract tests (test/unit/waitlist/repository-contract.ts): `MemoryWaitlistRepository` (tests, benchmarks)
 * and `SqlWaitlistRepository` (the clinic store, SQLite or Postgres).
 *
 * Guarantees every adapter gives:
 * - `transaction(listId, fn, audit)` runs `fn` serialised with every other transaction of the same waitlist (across
 *   executions and processes for SQL: a lock keyed by the list), all-or-nothing, and appends `audit(result)` to the
 *   clinic audit log in the same transaction (a waitlist change is never stored without its audit entry).
 * - Reads never cache; patient data comes back decrypted, lookups by phone / user ID never need the plaintext
 *   (keyed digests in SQL).
 * - `matchEntries` returns the waiting entries a freed slot fits, oldest first, skipping entries that already had
 *   an offer (of any status) for that freed slot.
 */
import type { AuditEntryInput } from '../../audit/entry';
import type {
	FreedSlotRecord,
	OfferStatus,
	WaitlistEntry,
	WaitlistOffer,
	WaitlistPatient,
	WaitlistStatus,
} from '../types';

export interface EntryFilter {
	ids?: readonly string[];
	statuses?: readonly WaitlistStatus[];
	/** null = only entries for any practitioner / any service. */
	practitionerId?: string | null;
	serviceId?: string | null;
	/** The patient's phone (digits) and/or user ID; an entry matches either. */
	patient?: Pick<WaitlistPatient, 'phone' | 'userId'>;
	limit?: number;
}

export interface MatchQuery {
	freedSlotId: string;
	practitionerId: string | null;
	serviceId: string | null;
	startMs: number;
	timeBit: number;
	limit: number;
}

export type EntryPatch = Partial<
	Pick<WaitlistEntry, 'status' | 'earliestMs' | 'latestMs' | 'timesOfDay' | 'notes' | 'appointmentId'>
> & { patient?: WaitlistPatient; updatedAtMs: number };

export type FreedSlotPatch = Partial<
	Pick<FreedSlotRecord, 'status' | 'wave' | 'nextWaveAtMs' | 'appointmentId' | 'claimedOfferId'>
> & { updatedAtMs: number };

export interface OfferFilter {
	id?: string;
	freedSlotId?: string;
	statuses: readonly OfferStatus[];
	/** Only offers whose window ended at or before this time. */
	expiredAtMs?: number;
}

/**
 * The free slots one poll of Find Freed Slots saw for one watch (practitioner + service) of a waitlist: the window it
 * covered and the slot IDs free in it. Slot IDs only (no PHI).
 */
export interface SeenSlots {
	fromMs: number;
	toMs: number;
	slotIds: string[];
	updatedAtMs: number;
}

/** The primitive operations of one waitlist transaction. */
export interface WaitlistTx {
	findEntries(filter: EntryFilter): Promise<WaitlistEntry[]>;
	insertEntry(entry: WaitlistEntry): Promise<void>;
	updateEntries(ids: readonly string[], patch: EntryPatch): Promise<void>;
	matchEntries(query: MatchQuery): Promise<WaitlistEntry[]>;
	/** The open record of a slot ID, if it is being offered. */
	openFreedSlot(slotId: string): Promise<FreedSlotRecord | undefined>;
	getFreedSlot(id: string): Promise<FreedSlotRecord | undefined>;
	/** Open records whose next wave is due (`nextWaveAtMs <= nowMs`), oldest first. */
	dueFreedSlots(nowMs: number, limit: number): Promise<FreedSlotRecord[]>;
	insertFreedSlot(record: FreedSlotRecord): Promise<void>;
	updateFreedSlot(id: string, patch: FreedSlotPatch): Promise<void>;
	insertOffers(offers: readonly WaitlistOffer[]): Promise<void>;
	getOffer(id: string): Promise<WaitlistOffer | undefined>;
	/** Sets `status` (and the answer time) on the offers matching `filter`; returns the offers changed. */
	updateOffers(filter: OfferFilter, status: OfferStatus, answeredAtMs?: number): Promise<WaitlistOffer[]>;
	/** What the last poll of a watch saw (Find Freed Slots), and its replacement. */
	getSeenSlots(watchKey: string): Promise<SeenSlots | undefined>;
	putSeenSlots(watchKey: string, seen: SeenSlots): Promise<void>;
}

export interface WaitlistRepository {
	transaction<T>(
		listId: string,
		fn: (tx: WaitlistTx) => Promise<T>,
		audit?: (result: T) => readonly AuditEntryInput[],
	): Promise<T>;
}
