/**
 * Audit entry model and its canonical form. The canonical form is a JSON array with a fixed field order (so it is
 * unambiguous and fast to rebuild while verifying); `hash = SHA-256(prev_hash + canonical)` in lowercase hex.
 *
 * Two canonical versions exist side by side in one chain (a sealed entry is never rewritten):
 * - `wac-audit-v3` (written now): position 8 is the keyed digest of the WhatsApp message ID (`message_digest`), the
 *   message ID itself is encrypted at position 19 (`message_enc`): a wamid encodes the patient's phone number.
 * - `wac-audit-v2` (entries written before): position 8 is the message ID in clear (`message_id`), no position 19.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';

import { ClinicError } from '../errors';

export const AUDIT_DIRECTIONS = ['inbound', 'outbound', 'status', 'system'] as const;
export type AuditDirection = (typeof AUDIT_DIRECTIONS)[number];

/** FHIR AuditEvent.outcome semantics: success 0, minor failure 4, serious failure 8, major failure 12. */
export const AUDIT_OUTCOMES = ['success', 'minor-failure', 'serious-failure', 'major-failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditKind = 'entry' | 'anchor';

export const GENESIS_HASH = '0'.repeat(64);
/** The canonical version of new entries. */
export const CANONICAL_VERSION = 'wac-audit-v3';
/** Entries written before message IDs were encrypted. */
export const CANONICAL_V2 = 'wac-audit-v2';
/** Both version strings have this length, so every sealed entry starts with 16 fixed characters `["wac-audit-vN",`. */
export const VERSION_PREFIX_LENGTH = CANONICAL_VERSION.length + 4;

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
	/** v2 entries only: the message ID in clear. */
	message_id?: string | null;
	/** v3 entries: keyed digest (HMAC-SHA-256) of the message ID, for lookups. */
	message_digest?: string | null;
	/** v3 entries: the message ID, encrypted (only inside the sealed entry). */
	message_enc?: string | null;
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
	'message_digest',
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

type Positions = ReadonlyArray<readonly [column: keyof AuditRow & string, index: number]>;

/** v2: column ↔ position in the canonical array (position 0 is the version). */
const V2_POSITIONS: Positions = [
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

/** v3: as v2, with the message ID's digest at 8 and its ciphertext appended at 19. */
const V3_POSITIONS: Positions = [
	...V2_POSITIONS.map(([c, i]) =>
		c === 'message_id' ? (['message_digest', i] as const) : ([c, i] as const),
	),
	['message_enc', 19],
];

export const DETAILS_POSITION = 18;
/** Position of the lookup value of the message ID (v2: clear, v3: digest). */
export const MESSAGE_POSITION = 8;

export function canonicalPositions(version: string): Positions {
	return version === CANONICAL_V2 ? V2_POSITIONS : V3_POSITIONS;
}

function canonicalArray(version: string, r: Partial<AuditRow>): string {
	const out: unknown[] = [version];
	for (const [c, i] of canonicalPositions(version)) out[i] = c === 'seq' ? Number(r.seq) : (r[c] ?? null);
	return JSON.stringify(out);
}

/**
 * Canonical JSON (v3) of everything an entry says except its own hash (prev_hash is prepended separately). Lookup
 * fields come first (contiguous), so verify can compare them with the columns as one string prefix in SQL.
 */
export function canonicalEntry(r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
	return canonicalArray(CANONICAL_VERSION, r);
}

/** The v2 canonical form: only to rebuild the seal of rows written before migration audit-002. */
export function canonicalEntryV2(r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
	return canonicalArray(CANONICAL_V2, r);
}

export function entryHash(prevHash: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
	return hashCanonical(prevHash, canonicalEntry(r));
}

/** SHA-256(prev_hash + canonical) in hex. */
export function hashCanonical(prevHash: string, canonical: string): string {
	return oneShotHash('sha256', prevHash + canonical, 'hex');
}

/** The version string a sealed entry starts with. */
export function sealedVersion(entry: string): string {
	return entry.slice(2, VERSION_PREFIX_LENGTH - 2);
}

export function contentDigest(content: string): string {
	return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Phone numbers are digested in one form: digits only (E.164 without '+', as WhatsApp's wa_id). */
export function normalisePhone(phone: string): string {
	const digits = phone.replace(/\D/g, '');
	if (digits.length < 6 || digits.length > 15) {
		throw new ClinicError(
			`Patient phone "${phone.replace(/\d(?=\d{2})/g, '•')}" is not a valid international number: use E.164, e.g. +5511987654321`,
			{
				code: 'invalid_input',
				field: 'Patient Phone',
				hint: 'Write the number with its country code, e.g. +5511987654321.',
			},
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
 * Columns kept beside the sealed `entry` for lookups and filters (verify checks each against the seal), in canonical
 * order (positions 1..10). Everything else (ciphertexts, actor, template, content digest, details) lives only inside
 * `entry` for rows written after audit-002.
 */
export const INDEXED_COLUMNS = [
	'seq',
	'ts',
	'kind',
	'direction',
	'event',
	'patient_digest',
	'user_id',
	'message_digest',
	'purpose',
	'outcome',
] as const;

/** The lookup column of the message ID a row of `version` must leave NULL (the other version's column). */
export function unusedMessageColumn(version: string): 'message_id' | 'message_digest' {
	return version === CANONICAL_V2 ? 'message_digest' : 'message_id';
}

/**
 * The first lookup column of a stored row that differs from its sealed entry (or the message column its version
 * does not use, when it is set), else null. Formatting differences between JSON writers are not differences.
 */
export function differingLookupColumn(row: Partial<AuditRow> & { entry: string }): string | null {
	const sealed = JSON.parse(row.entry) as unknown[];
	const version = String(sealed[0]);
	const norm = (v: unknown) => (v === null || v === undefined ? null : String(v));
	const indexed = canonicalPositions(version).filter(([, i]) => i <= INDEXED_COLUMNS.length);
	const differs = indexed.find(([c, i]) => norm(row[c]) !== norm(sealed[i]));
	if (differs) return differs[0];
	const unused = unusedMessageColumn(version);
	return norm(row[unused]) === null ? null : unused;
}

/** Rebuilds a full row from its sealed canonical form (either version). */
export function rowFromSealed(r: { seq: number; prev_hash: string; hash: string; entry: string }): AuditRow {
	const v = JSON.parse(r.entry) as unknown[];
	const out: Record<string, unknown> = { prev_hash: r.prev_hash, hash: r.hash, entry: r.entry };
	for (const [c, i] of canonicalPositions(String(v[0]))) out[c] = v[i] ?? null;
	out.seq = Number(out.seq);
	return out as unknown as AuditRow;
}
