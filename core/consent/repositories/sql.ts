/**
 * ConsentRepository on the clinic store (SQLite or Postgres, same SQL text except the array parameter).
 *
 * - loadEvents: ONE statement for all identities of an execution. Identifiers are looked up by keyed digest
 *   (`cipher.lookupDigests`, so entries written before a key rotation are still found).
 * - append: one transaction under the lock key `consent`, which serialises consent writers across executions and
 *   processes (Postgres advisory lock; SQLite's single writer), so linking/merging patients never races.
 */
import type { ClinicStore, PhiCipher, SqlTx } from '../../store';
import type { ConsentAction, ConsentEventSummary } from '../decision';
import type { PatientIdentity } from '../identity';
import '../schema';
import type {
	AppendHook,
	ConsentEvidence,
	ConsentHistoryRecord,
	ConsentRepository,
	NewConsentEvent,
	StoredConsentEvent,
} from './port';

export const CONSENT_LOCK_KEY = 'consent';

const DIGEST_MEMO_MAX = 200_000;
const digestMemo = new WeakMap<PhiCipher, Map<string, string[]>>();

interface SubjectRow {
	id: number;
	phone_digest: string | null;
	bsuid_digest: string | null;
	phone_enc?: string | null;
	bsuid_enc?: string | null;
}

interface EventRow {
	id: number;
	subject_id: number;
	action: ConsentAction;
	purpose: string;
	recorded_at: number;
	expires_at: number | null;
	evidence_at: number;
	channel: string;
	source_message_id: string | null;
	keyword: string | null;
	text_enc: string | null;
	actor_workflow_id: string | null;
	actor_execution_id: string | null;
	actor_node: string | null;
}

const EVENT_COLUMNS =
	'id, subject_id, action, purpose, recorded_at, expires_at, evidence_at, channel, source_message_id, keyword, ' +
	'text_enc, actor_workflow_id, actor_execution_id, actor_node';

/** `col IN <list>` for an array parameter: json_each on SQLite, ANY(text[]) on Postgres. */
function inList(tx: SqlTx, column: string, param: string, pgType: 'text' | 'bigint' = 'text'): string {
	return tx.dialect === 'sqlite'
		? `${column} IN (SELECT value FROM json_each(${param}))`
		: `${column} = ANY(${param}::${pgType}[])`;
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export class SqlConsentRepository implements ConsentRepository {
	/** Number of statements run by loadEvents (benchmarks/tests assert one per call). */
	reads = 0;

	constructor(private readonly store: ClinicStore) {}

	/**
	 * Lookup digests of an identifier. Memoised per cipher (a keyed hash is a pure function of key and value; this
	 * caches no consent state): a reminder batch re-checks the same patients every day.
	 */
	private digests(value: string | null): string[] {
		if (value === null) return [];
		const cipher = this.store.cipher;
		let memo = digestMemo.get(cipher);
		if (!memo) digestMemo.set(cipher, (memo = new Map()));
		let digests = memo.get(value);
		if (!digests) {
			if (memo.size >= DIGEST_MEMO_MAX) memo.clear();
			digests = cipher.lookupDigests(value);
			memo.set(value, digests);
		}
		return digests;
	}

	async loadEvents(identities: readonly PatientIdentity[]): Promise<ConsentEventSummary[][]> {
		const n = identities.length;
		if (n === 0) return [];
		// Digest lists in input order (duplicates allowed: a repeated patient is simply looked up twice). Each identity's
		// slots are kept flat (CSR: slots[start[i]..start[i+1])): phone digest p → slot p, user ID digest b → slot -1 - b.
		const phoneList: string[] = [];
		const userIdList: string[] = [];
		const slots: number[] = [];
		const start = new Int32Array(n + 1);
		for (let i = 0; i < n; i++) {
			start[i] = slots.length;
			const identity = identities[i];
			if (identity.phone !== null)
				for (const d of this.digests(identity.phone)) slots.push(phoneList.push(d) - 1);
			if (identity.userId !== null)
				for (const d of this.digests(identity.userId)) slots.push(-userIdList.push(d));
		}
		start[n] = slots.length;
		const s = this.store;
		// ONE statement: (slot, subject, event) rows for phone matches, then user ID matches.
		const sqlite = s.dialect === 'sqlite';
		const branch = (param: string, column: string, slot: string) =>
			`SELECT ${slot} AS slot, s.id AS subject_id, e.id, e.action, e.purpose, e.recorded_at, e.expires_at FROM ` +
			(sqlite ? `json_each(${param}) j` : `unnest(${param}::text[]) WITH ORDINALITY AS j(value, key)`) +
			` JOIN consent_subject s ON s.${column} = j.value LEFT JOIN consent_event e ON e.subject_id = s.id`;
		const sql =
			`${branch('$1', 'phone_digest', sqlite ? 'j.key' : 'j.key - 1')} UNION ALL ` +
			branch('$2', 'bsuid_digest', sqlite ? '-1 - j.key' : '-j.key');
		this.reads++;
		const rows = await s.query<{
			slot: number;
			subject_id: number;
			id: number | null;
			action: ConsentAction | null;
			purpose: string | null;
			recorded_at: number | null;
			expires_at: number | null;
		}>(sql, [phoneList, userIdList]);
		// Typed arrays (not sparse JS arrays): positions arrive in any order.
		const subjectOfPhone = new Float64Array(phoneList.length).fill(-1);
		const subjectOfUserId = new Float64Array(userIdList.length).fill(-1);
		const eventsBySubject = new Map<number, ConsentEventSummary[]>();
		// A subject can come back under several slots (repeated patient, or matched by phone AND user ID): its events
		// are taken from the first slot that brought it only.
		const ownerSlot = new Map<number, number>();
		for (const row of rows) {
			const subjectId = num(row.subject_id);
			const slot = num(row.slot);
			if (slot >= 0) subjectOfPhone[slot] = subjectId;
			else subjectOfUserId[-1 - slot] = subjectId;
			let owner = ownerSlot.get(subjectId);
			if (owner === undefined) {
				ownerSlot.set(subjectId, (owner = slot));
				eventsBySubject.set(subjectId, []);
			}
			if (owner !== slot || row.id === null || row.id === undefined) continue;
			const id = num(row.id);
			eventsBySubject.get(subjectId)!.push({
				action: row.action as ConsentAction,
				purpose: row.purpose as string,
				recordedAt: num(row.recorded_at),
				expiresAt: numOrNull(row.expires_at),
				sequence: id,
			});
		}
		const out: ConsentEventSummary[][] = new Array(n);
		for (let i = 0; i < n; i++) {
			let first = -1;
			let more: Set<number> | undefined;
			for (let k = start[i]; k < start[i + 1]; k++) {
				const slot = slots[k];
				const id = slot >= 0 ? subjectOfPhone[slot] : subjectOfUserId[-1 - slot];
				if (id < 0 || id === first) continue;
				if (first < 0) first = id;
				else (more ??= new Set([first])).add(id);
			}
			if (first < 0) out[i] = [];
			else if (!more) out[i] = eventsBySubject.get(first) ?? [];
			else out[i] = [...more].flatMap((id) => eventsBySubject.get(id) ?? []);
		}
		return out;
	}

	private async findSubjects(
		tx: SqlTx,
		identity: PatientIdentity,
	): Promise<{ byPhone?: SubjectRow; byUserId?: SubjectRow }> {
		const phones = this.digests(identity.phone);
		const userIds = this.digests(identity.userId);
		const rows = await tx.query<SubjectRow>(
			'SELECT id, phone_digest, bsuid_digest, phone_enc, bsuid_enc FROM consent_subject ' +
				`WHERE ${inList(tx, 'phone_digest', '$1')} OR ${inList(tx, 'bsuid_digest', '$2')}`,
			[phones, userIds],
		);
		const norm = rows.map((r) => ({ ...r, id: num(r.id) }));
		return {
			byPhone: norm.find((r) => r.phone_digest !== null && phones.includes(r.phone_digest)),
			byUserId: norm.find((r) => r.bsuid_digest !== null && userIds.includes(r.bsuid_digest)),
		};
	}

	/** Finds or creates the patient row and links the identifiers; returns its id. Runs inside the write lock. */
	private async link(tx: SqlTx, identity: PatientIdentity, now: number): Promise<number> {
		const { byPhone, byUserId } = await this.findSubjects(tx, identity);
		const cipher = this.store.cipher;
		let id: number;
		if (byPhone && byUserId && byPhone.id !== byUserId.id) {
			// The user ID's patient and the phone's patient are the same person: move the timeline and drop the row.
			await tx.query('UPDATE consent_event SET subject_id = $1 WHERE subject_id = $2', [
				byPhone.id,
				byUserId.id,
			]);
			await tx.query('DELETE FROM consent_subject WHERE id = $1', [byUserId.id]);
			id = byPhone.id;
		} else if (byPhone || byUserId) {
			id = (byPhone ?? byUserId)!.id;
		} else {
			// The ciphertexts are bound to the row id, so they are written just below, once the id exists.
			const inserted = await tx.query<{ id: number }>(
				'INSERT INTO consent_subject (created_at, updated_at) VALUES ($1, $1) RETURNING id',
				[now],
			);
			id = num(inserted[0].id);
		}
		// Set/refresh identifiers (new row, new link, changed user ID, digest under a rotated key).
		const at = (column: string) => ({ table: 'consent_subject', column, row: id });
		if (identity.phone !== null) {
			await tx.query(
				'UPDATE consent_subject SET phone_digest = $1, phone_enc = $2, updated_at = $3 WHERE id = $4',
				[cipher.digest(identity.phone), cipher.encrypt(identity.phone, at('phone_enc')), now, id],
			);
		}
		if (identity.userId !== null) {
			await tx.query(
				'UPDATE consent_subject SET bsuid_digest = $1, bsuid_enc = $2, updated_at = $3 WHERE id = $4',
				[cipher.digest(identity.userId), cipher.encrypt(identity.userId, at('bsuid_enc')), now, id],
			);
		}
		return id;
	}

	async append(
		identity: PatientIdentity,
		events: readonly NewConsentEvent[],
		recordedAt: number,
		hook?: AppendHook,
	): Promise<StoredConsentEvent[]> {
		const cipher = this.store.cipher;
		return this.store.transaction(
			async (tx) => {
				const subjectId = await this.link(tx, identity, recordedAt);
				const out: StoredConsentEvent[] = [];
				for (const e of events) {
					if (e.evidence.sourceMessageId) {
						const existing = await tx.query<EventRow>(
							`SELECT ${EVENT_COLUMNS} FROM consent_event WHERE subject_id = $1 AND source_message_id = $2 ` +
								'AND action = $3 AND purpose = $4 ORDER BY id LIMIT 1',
							[subjectId, e.evidence.sourceMessageId, e.action, e.purpose],
						);
						if (existing.length) {
							out.push({ ...this.toStored(existing[0]), duplicate: true });
							continue;
						}
					}
					const a = e.evidence.actor;
					const rows = await tx.query<EventRow>(
						'INSERT INTO consent_event (subject_id, action, purpose, recorded_at, expires_at, evidence_at, channel, ' +
							'source_message_id, keyword, text_enc, actor_workflow_id, actor_execution_id, actor_node) ' +
							`VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${EVENT_COLUMNS}`,
						[
							subjectId,
							e.action,
							e.purpose,
							recordedAt,
							e.action === 'opt_in' ? e.expiresAt : null,
							e.evidence.timestamp,
							e.evidence.channel,
							e.evidence.sourceMessageId,
							e.evidence.keyword ?? null,
							null, // text_enc: bound to the event id, set below
							a.workflowId,
							a.executionId,
							a.node,
						],
					);
					const row = rows[0];
					if (e.evidence.textShown !== null) {
						row.text_enc = cipher.encrypt(e.evidence.textShown, {
							table: 'consent_event',
							column: 'text_enc',
							row: num(row.id),
						});
						await tx.query('UPDATE consent_event SET text_enc = $1 WHERE id = $2', [row.text_enc, row.id]);
					}
					out.push(this.toStored(row));
				}
				const fresh = out.filter((e) => !e.duplicate);
				if (hook && fresh.length) await hook(fresh, tx);
				return out;
			},
			{ lockKey: CONSENT_LOCK_KEY },
		);
	}

	private toStored(row: EventRow): StoredConsentEvent {
		const evidence: ConsentEvidence = {
			sourceMessageId: row.source_message_id,
			textShown:
				row.text_enc === null
					? null
					: this.store.cipher.decrypt(row.text_enc, {
							table: 'consent_event',
							column: 'text_enc',
							row: num(row.id),
						}),
			channel: row.channel,
			timestamp: num(row.evidence_at),
			actor: { workflowId: row.actor_workflow_id, executionId: row.actor_execution_id, node: row.actor_node },
			keyword: row.keyword,
		};
		const id = num(row.id);
		return {
			id,
			sequence: id,
			action: row.action,
			purpose: row.purpose,
			recordedAt: num(row.recorded_at),
			expiresAt: numOrNull(row.expires_at),
			evidence,
		};
	}

	async history(identity: PatientIdentity): Promise<ConsentHistoryRecord> {
		const { byPhone, byUserId } = await this.findSubjects(this.store, identity);
		const subjects = [byPhone, byUserId].filter((s): s is SubjectRow => s !== undefined);
		const ids = [...new Set(subjects.map((s) => s.id))];
		let phone = identity.phone;
		let userId = identity.userId;
		for (const s of subjects) {
			const at = (column: string) => ({ table: 'consent_subject', column, row: s.id });
			if (phone === null && s.phone_enc) phone = this.store.cipher.decrypt(s.phone_enc, at('phone_enc'));
			if (userId === null && s.bsuid_enc) userId = this.store.cipher.decrypt(s.bsuid_enc, at('bsuid_enc'));
		}
		if (ids.length === 0) return { identity: { phone, userId }, events: [] };
		const rows = await this.store.query<EventRow>(
			`SELECT ${EVENT_COLUMNS} FROM consent_event WHERE ${inList(this.store, 'subject_id', '$1', 'bigint')} ORDER BY recorded_at, id`,
			[ids],
		);
		return { identity: { phone, userId }, events: rows.map((r) => this.toStored(r)) };
	}
}
