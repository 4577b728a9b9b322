/** In-memory ConsentRepository: same semantics as the SQL adapter, for unit tests and demos (not persistent). */
import type { ConsentEventSummary } from '../decision';
import type { PatientIdentity } from '../identity';
import type {
	AppendHook,
	ConsentHistoryRecord,
	ConsentRepository,
	NewConsentEvent,
	StoredConsentEvent,
} from './port';

interface Subject {
	id: number;
	phone: string | null;
	userId: string | null;
}

export class MemoryConsentRepository implements ConsentRepository {
	private subjects = new Map<number, Subject>();
	private byPhone = new Map<string, number>();
	private byUserId = new Map<string, number>();
	private events: Array<StoredConsentEvent & { subjectId: number }> = [];
	private nextSubject = 1;
	private nextEvent = 1;
	/** Number of reads served (tests assert one read per execution). */
	reads = 0;

	private subjectIdsFor(identity: PatientIdentity): number[] {
		const ids = new Set<number>();
		if (identity.phone !== null && this.byPhone.has(identity.phone))
			ids.add(this.byPhone.get(identity.phone)!);
		if (identity.userId !== null && this.byUserId.has(identity.userId))
			ids.add(this.byUserId.get(identity.userId)!);
		return [...ids];
	}

	async loadEvents(identities: readonly PatientIdentity[]): Promise<ConsentEventSummary[][]> {
		this.reads++;
		return identities.map((identity) => {
			const ids = new Set(this.subjectIdsFor(identity));
			return this.events
				.filter((e) => ids.has(e.subjectId))
				.map(({ action, purpose, recordedAt, expiresAt, sequence }) => ({
					action,
					purpose,
					recordedAt,
					expiresAt,
					sequence,
				}));
		});
	}

	/** Finds or creates the subject, linking phone and user ID (merging two subjects when both exist). */
	private link(identity: PatientIdentity): number {
		const phoneSubject = identity.phone !== null ? this.byPhone.get(identity.phone) : undefined;
		const userIdSubject = identity.userId !== null ? this.byUserId.get(identity.userId) : undefined;
		let id: number;
		if (phoneSubject !== undefined && userIdSubject !== undefined && phoneSubject !== userIdSubject) {
			// Merge the user ID's subject into the phone's subject.
			for (const e of this.events) if (e.subjectId === userIdSubject) e.subjectId = phoneSubject;
			const merged = this.subjects.get(userIdSubject)!;
			this.subjects.delete(userIdSubject);
			// Like the SQL adapter: the merged row's own phone (a number the user no longer has) is unlinked.
			if (merged.phone !== null) this.byPhone.delete(merged.phone);
			id = phoneSubject;
		} else {
			id = phoneSubject ?? userIdSubject ?? this.nextSubject++;
			if (!this.subjects.has(id)) this.subjects.set(id, { id, phone: null, userId: null });
		}
		const subject = this.subjects.get(id)!;
		if (identity.phone !== null) {
			if (subject.phone !== null && subject.phone !== identity.phone) this.byPhone.delete(subject.phone);
			subject.phone = identity.phone;
			this.byPhone.set(identity.phone, id);
		}
		if (identity.userId !== null) {
			if (subject.userId !== null && subject.userId !== identity.userId) this.byUserId.delete(subject.userId);
			subject.userId = identity.userId;
			this.byUserId.set(identity.userId, id);
		}
		return id;
	}

	async append(
		identity: PatientIdentity,
		events: readonly NewConsentEvent[],
		recordedAt: number,
		hook?: AppendHook,
	): Promise<StoredConsentEvent[]> {
		const subjectId = this.link(identity);
		const out = events.map((e) => {
			if (e.evidence.sourceMessageId) {
				const existing = this.events.find(
					(x) =>
						x.subjectId === subjectId &&
						x.evidence.sourceMessageId === e.evidence.sourceMessageId &&
						x.action === e.action &&
						x.purpose === e.purpose,
				);
				if (existing) return { ...strip(existing), duplicate: true };
			}
			const id = this.nextEvent++;
			const stored = {
				id,
				sequence: id,
				subjectId,
				action: e.action,
				purpose: e.purpose,
				recordedAt,
				expiresAt: e.action === 'opt_in' ? e.expiresAt : null,
				evidence: structuredClone(e.evidence),
			};
			this.events.push(stored);
			return strip(stored);
		});
		const fresh = out.filter((e) => !e.duplicate);
		if (hook && fresh.length) await hook(fresh, null);
		return out;
	}

	async history(identity: PatientIdentity): Promise<ConsentHistoryRecord> {
		const ids = new Set(this.subjectIdsFor(identity));
		let phone = identity.phone;
		let userId = identity.userId;
		for (const id of ids) {
			const s = this.subjects.get(id)!;
			phone = phone ?? s.phone;
			userId = userId ?? s.userId;
		}
		const events = this.events
			.filter((e) => ids.has(e.subjectId))
			.sort((a, b) => a.recordedAt - b.recordedAt || a.sequence - b.sequence)
			.map(strip);
		return { identity: { phone, userId }, events };
	}
}

function strip(e: StoredConsentEvent & { subjectId: number }): StoredConsentEvent {
	const { id, sequence, action, purpose, recordedAt, expiresAt, evidence } = e;
	return { id, sequence, action, purpose, recordedAt, expiresAt, evidence: structuredClone(evidence) };
}
