/**
 * Audit entry model and its canonical form. The canonical form is a JSON array with a fixed field order (so it is
 * unambiguous and fast to rebuild while verifying); `hash = SHA-256(prev_hash + canonical)` in lowercase hex.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';

export const AUDIT_DIRECTIONS = ['inbound', 'outbound', 'status', 'system'] as const;
export type AuditDirection = (typeof AUDIT_DIRECTIONS)[number];

/** FHIR AuditEvent.outcome semantics: success 0, minor failure 4, serious failure 8, major failure 12. */
export const AUDIT_OUTCOMES = ['success', 'minor-failure', 'serious-failure', 'major-failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditKind = 'entry' | 'anchor';

export const GENESIS_HASH = '0'.repeat(64);
export const CANONICAL_VERSION = 'wac-audit-v2';

/** What a caller appends. Only `direction` is required. */
export interface AuditEntryInput {
	direction: AuditDirection;
	/** Short event name, e.g. `message.received`, `message.sent`, `status.delivered`, `consent.granted`, `booking.created`. */
	event?: string | null;
	/** Patient phone (any format; non-digits are stripped before digesting). Stored encrypted + as keyed digest. */
	patientPhone?: string | null;
	/** WhatsApp business-scoped user id (BSUID) or wa_id alias; stored as given (pseudonymous identifier). */
	userId?: string | null;
	messageId?: string | null;
	template?: string | null;
	purpose?: string | null;
	actor?: { workflowId?: string | null; executionId?: string | null; node?: string | null };
	outcome?: AuditOutcome;
	/** Message text / caption / other PHI. Stored encrypted; its SHA-256 is kept in the chain. */
	content?: string | null;
	/** Non-PHI extra facts (status, error code, consent scope, booking id…). Stored in clear. */
	details?: Record<string, string | number | boolean | null> | null;
}

/** One stored row (column names as in the table). */
export interface AuditRow {
	seq: number;
	ts: string;
	kind: AuditKind;
	direction: AuditDirection;
	event: string | null;
	patient_digest: string | null;
	patient_enc: string | null;
	user_id: string | null;
	message_id: string | null;
	template: string | null;
	purpose: string | null;
	workflow_id: string | null;
	execution_id: string | null;
	node: string | null;
	outcome: AuditOutcome;
	content_digest: string | null;
	content_enc: string | null;
	details: string | null;
	prev_hash: string;
	hash: string;
	/** The canonical form as sealed at append time (null only for rows written before migration audit-002). */
	entry?: string | null;
}

export const AUDIT_COLUMNS = [
	'seq',
	'ts',
	'kind',
	'direction',
	'event',
	'patient_digest',
	'patient_enc',
	'user_id',
	'message_id',
	'template',
	'purpose',
	'workflow_id',
	'execution_id',
	'node',
	'outcome',
	'content_digest',
	'content_enc',
	'details',
	'prev_hash',
	'hash',
] as const;

/** Canonical JSON of everything an entry says except its own hash (prev_hash is prepended separately). */
export function canonicalEntry(r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
	// Lookup fields first (contiguous), so verify can compare them with the columns as one string prefix in SQL.
	return JSON.stringify([
		CANONICAL_VERSION,
		Number(r.seq),
		r.ts,
		r.kind,
		r.direction,
		r.event ?? null,
		r.patient_digest ?? null,
		r.user_id ?? null,
		r.message_id ?? null,
		r.purpose ?? null,
		r.outcome,
		r.template ?? null,
		r.workflow_id ?? null,
		r.execution_id ?? null,
		r.node ?? null,
		r.content_digest ?? null,
		r.patient_enc ?? null,
		r.content_enc ?? null,
		r.details ?? null,
	]);
}

export function entryHash(prevHash: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
	return hashCanonical(prevHash, canonicalEntry(r));
}

/** SHA-256(prev_hash + canonical) in hex. */
export function hashCanonical(prevHash: string, canonical: string): string {
	return oneShotHash('sha256', prevHash + canonical, 'hex');
}

/**
 * Column ↔ position in the canonical array. Verify checks in SQL that every column still equals its sealed value
 * (SQLite `json_extract(entry, '$[i]')`, Postgres `(entry::jsonb)->>i`).
 */
export const CANONICAL_POSITIONS: ReadonlyArray<readonly [column: string, index: number]> = [
	['seq', 1],
	['ts', 2],
	['kind', 3],
	['direction', 4],
	['event', 5],
	['patient_digest', 6],
	['user_id', 7],
	['message_id', 8],
	['purpose', 9],
	['outcome', 10],
	['template', 11],
	['workflow_id', 12],
	['execution_id', 13],
	['node', 14],
	['content_digest', 15],
	['patient_enc', 16],
	['content_enc', 17],
	['details', 18],
];

export const DETAILS_POSITION = 18;

export function contentDigest(content: string): string {
	return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Phone numbers are digested in one form: digits only (E.164 without '+', as WhatsApp's wa_id). */
export function normalisePhone(phone: string): string {
	const digits = phone.replace(/\D/g, '');
	if (digits.length < 6 || digits.length > 15) {
		throw new Error(
			`Patient phone "${phone.replace(/\d(?=\d{2})/g, '•')}" is not a valid international number: use E.164, e.g. +5511987654321`,
		);
	}
	return digits;
}

/** Serialises details with sorted keys, so equal details always give equal text. */
export function canonicalDetails(details: AuditEntryInput['details']): string | null {
	if (!details) return null;
	const keys = Object.keys(details)
		.filter((k) => details[k] !== undefined)
		.sort();
	if (!keys.length) return null;
	const out: Record<string, string | number | boolean | null> = {};
	for (const k of keys) {
		const v = details[k];
		if (v !== null && typeof v === 'object')
			throw new Error(`Audit detail "${k}" must be a string, number, boolean or null`);
		out[k] = v;
	}
	return JSON.stringify(out);
}

/**
 * Columns kept beside the sealed `entry` for lookups and filters (verify checks each against the seal). Everything
 * else (ciphertexts, actor, template, digests, details) lives only inside `entry` for rows written after audit-002.
 */
export const INDEXED_COLUMNS = [
	'seq',
	'ts',
	'kind',
	'direction',
	'event',
	'patient_digest',
	'user_id',
	'message_id',
	'purpose',
	'outcome',
] as const;

export const INDEXED_POSITIONS = CANONICAL_POSITIONS.filter(([c]) =>
	(INDEXED_COLUMNS as readonly string[]).includes(c),
);

/** Rebuilds a full row from its sealed canonical form. */
export function rowFromSealed(r: { seq: number; prev_hash: string; hash: string; entry: string }): AuditRow {
	const v = JSON.parse(r.entry) as unknown[];
	const out: Record<string, unknown> = { prev_hash: r.prev_hash, hash: r.hash, entry: r.entry };
	for (const [c, i] of CANONICAL_POSITIONS) out[c] = v[i] ?? null;
	out.seq = Number(out.seq);
	return out as unknown as AuditRow;
}
