/**
 * Resolving sends whose outcome was unknown (core/whatsapp/send-outcome.ts) from their later status updates.
 *
 * A Send node with Audit to Store records such a send as `message.unknown`, with the item's idempotency key as the
 * entry's message reference (looked up through its keyed digest, like a message ID). Meta echoes the key in every
 * status update of the message (core/whatsapp/callback-data.ts); the WhatsApp Clinic Trigger with Audit to Store
 * records each status update with the key in its details. Whichever of the two is written SECOND appends, in the
 * same transaction and under the audit chain lock, ONE `message.resolved` entry linked to the unknown one
 * (`details.resolves` = its seq, `details.resolvesHash` = its hash), so a status that arrives before the send node's
 * audit write (the node writes after its last send) resolves the send as surely as one that arrives after:
 *
 * - trigger side (`statuses`): looks the keys up by digest; resolves each unknown entry that has no resolution yet;
 * - send side (`unknownSince`): scans the status entries recorded since the run started for the keys just written.
 *
 * A resolution says `resolvedAs: 'sent'` (Meta accepted the message: sent, delivered, read…) or `'failed'` (Meta
 * accepted it but could not deliver it), with the status and the keyed digest of the message ID (which links it to
 * the status entries; the ID itself is PHI and stays encrypted there). An unknown entry that is never resolved was
 * never accepted by Meta: no status update comes for it.
 */
import { appendToChain, prepareEntry, type AppendedEntry, type PreparedEntry } from './chain';
import { rowFromSealed, type AuditEntryInput } from './entry';
import { auditRepository, type AuditSource } from './repositories';
import type { AuditChainWriter, AuditRowFilter, StoredRow } from './repositories/port';

export const UNKNOWN_SEND_EVENT = 'message.unknown';
export const RESOLVED_SEND_EVENT = 'message.resolved';

/** A status update of a message sent with an idempotency key (as the trigger received it). */
export interface KeyedStatus {
	idempotencyKey: string;
	/** sent | delivered | read | failed | … */
	status: string;
	/** The message ID (wamid): only its keyed digest is recorded. */
	messageId: string;
	errorCode?: string | number | null;
}

export interface ReconcileRequest {
	/** Trigger: status updates that may resolve earlier unknown sends. */
	statuses?: readonly KeyedStatus[];
	/**
	 * Send node: ISO-8601 time from which status entries of this run's messages can have been recorded (the run's
	 * start, minus a margin for clocks of other processes). Unknown entries among the appended ones are resolved
	 * from status entries recorded since then.
	 */
	unknownSince?: string;
	/** Who resolves (the node appending). */
	actor?: AuditEntryInput['actor'];
	now?: () => Date;
}

interface UnknownRef {
	seq: number;
	hash: string;
	userId: string | null;
}

interface Resolution {
	key: string;
	status: string;
	messageDigest: string | null;
	errorCode: string | number | null;
}

const PAGE = 1000;

function sealedDetails(row: StoredRow): { event: string | null; details: Record<string, unknown> } {
	const full = row.entry ? rowFromSealed({ ...row, entry: row.entry }) : row;
	let details: Record<string, unknown> = {};
	try {
		details = full.details ? (JSON.parse(full.details) as Record<string, unknown>) : {};
	} catch {
		details = {};
	}
	return { event: full.event, details };
}

async function* rowsMatching(writer: AuditChainWriter, filter: AuditRowFilter): AsyncGenerator<StoredRow> {
	let afterSeq = 0;
	for (;;) {
		const rows = await writer.find(filter, { order: 'asc', afterSeq, limit: PAGE });
		yield* rows;
		if (rows.length < PAGE) return;
		afterSeq = Number(rows[rows.length - 1].seq);
	}
}

function resolutionEntry(
	unknown: UnknownRef,
	r: Resolution,
	actor: ReconcileRequest['actor'],
): AuditEntryInput {
	const failed = r.status === 'failed';
	const details: NonNullable<AuditEntryInput['details']> = {
		idempotencyKey: r.key,
		resolves: unknown.seq,
		resolvesHash: unknown.hash,
		resolvedAs: failed ? 'failed' : 'sent',
		status: r.status,
		messageDigest: r.messageDigest,
	};
	if (r.errorCode !== null && r.errorCode !== undefined) details.errorCode = r.errorCode;
	return {
		direction: 'status',
		event: RESOLVED_SEND_EVENT,
		messageId: r.key,
		userId: unknown.userId,
		outcome: failed ? 'serious-failure' : 'success',
		details,
		actor,
	};
}

/** Trigger side: unknown entries (by key digest) without a resolution, resolved by the first status per key. */
async function resolveFromStatuses(
	writer: AuditChainWriter,
	digestsOf: (key: string) => string[],
	digest: (value: string) => string,
	statuses: readonly KeyedStatus[],
	actor: ReconcileRequest['actor'],
): Promise<AuditEntryInput[]> {
	const keys = [...new Set(statuses.map((s) => s.idempotencyKey))];
	const unknown = new Map<string, UnknownRef>();
	const resolved = new Set<string>();
	for await (const row of rowsMatching(writer, { messageDigests: keys.flatMap(digestsOf) })) {
		const { event, details } = sealedDetails(row);
		const key = details.idempotencyKey;
		if (typeof key !== 'string' || !keys.includes(key)) continue;
		if (event === UNKNOWN_SEND_EVENT)
			unknown.set(key, { seq: Number(row.seq), hash: row.hash, userId: row.user_id });
		if (event === RESOLVED_SEND_EVENT) resolved.add(key);
	}
	const out: AuditEntryInput[] = [];
	for (const s of statuses) {
		const ref = unknown.get(s.idempotencyKey);
		if (!ref || resolved.has(s.idempotencyKey)) continue;
		resolved.add(s.idempotencyKey);
		out.push(
			resolutionEntry(
				ref,
				{
					key: s.idempotencyKey,
					status: s.status,
					messageDigest: s.messageId ? digest(s.messageId) : null,
					errorCode: s.errorCode ?? null,
				},
				actor,
			),
		);
	}
	return out;
}

/** Send side: status entries recorded since `since` that carry a key of an unknown entry just appended. */
async function resolveFromRecordedStatuses(
	writer: AuditChainWriter,
	unknown: ReadonlyMap<string, UnknownRef>,
	since: string,
	actor: ReconcileRequest['actor'],
): Promise<AuditEntryInput[]> {
	const out: AuditEntryInput[] = [];
	const done = new Set<string>();
	for await (const row of rowsMatching(writer, { direction: 'status', from: since })) {
		const { event, details } = sealedDetails(row);
		const key = details.idempotencyKey;
		if (typeof key !== 'string' || done.has(key) || event === RESOLVED_SEND_EVENT) continue;
		const ref = unknown.get(key);
		if (!ref) continue;
		done.add(key);
		const errorCode = details.errorCode;
		out.push(
			resolutionEntry(
				ref,
				{
					key,
					status: typeof details.status === 'string' ? details.status : 'unknown',
					messageDigest: row.message_digest ?? null,
					errorCode: typeof errorCode === 'string' || typeof errorCode === 'number' ? errorCode : null,
				},
				actor,
			),
		);
	}
	return out;
}

/** The unknown sends among `prepared` (their message reference is the idempotency key), by key. */
function unknownAmong(
	prepared: readonly PreparedEntry[],
	appended: readonly AppendedEntry[],
): Map<string, UnknownRef> {
	const out = new Map<string, UnknownRef>();
	prepared.forEach((p, i) => {
		if (p.event === UNKNOWN_SEND_EVENT && p.phi.messageId)
			out.set(p.phi.messageId, { seq: appended[i].seq, hash: appended[i].hash, userId: p.user_id });
	});
	return out;
}

/**
 * Appends `prepared` and, in the same transaction (audit chain lock held), one `message.resolved` entry per unknown
 * send that a status settles (see the module comment). Returns every appended entry, resolutions last.
 */
export async function appendReconciled(
	source: AuditSource,
	prepared: readonly PreparedEntry[],
	request: ReconcileRequest,
): Promise<AppendedEntry[]> {
	const repo = auditRepository(source);
	const cipher = repo.cipher;
	const now = (request.now ?? (() => new Date()))();
	return await repo.write(async (writer) => {
		const appended = await appendToChain(writer, prepared, now);
		const resolutions: AuditEntryInput[] = [];
		if (request.statuses?.length)
			resolutions.push(
				...(await resolveFromStatuses(
					writer,
					(key) => cipher.lookupDigests(key),
					(value) => cipher.digest(value),
					request.statuses,
					request.actor,
				)),
			);
		const unknown = unknownAmong(prepared, appended);
		if (request.unknownSince && unknown.size)
			resolutions.push(
				...(await resolveFromRecordedStatuses(writer, unknown, request.unknownSince, request.actor)),
			);
		if (!resolutions.length) return appended;
		const more = await appendToChain(
			writer,
			resolutions.map((r) => prepareEntry(r, cipher)),
			now,
		);
		return [...appended, ...more];
	});
}
