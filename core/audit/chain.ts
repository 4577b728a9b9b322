/**
 * Appending to the hash chain. One call = one repository write (one transaction under the audit chain lock), so
 * concurrent executions and processes always extend one linear chain and a batch is all-or-nothing.
 *
 * Entries are validated and their lookup digests computed before the lock is taken (`prepareEntry`); PHI (phone,
 * message text, message ID) is encrypted once the entry has its seq, because every audit ciphertext is bound to
 * its place (table, column, seq).
 */
import { ClinicError } from '../errors';
import type { PhiCipher, SqlTx } from '../store/ports';
import {
	AUDIT_DIRECTIONS,
	AUDIT_OUTCOMES,
	type AuditEntryInput,
	type AuditKind,
	canonicalDetails,
	canonicalEntry,
	contentDigest,
	hashCanonical,
	normalisePhone,
} from './entry';
import { type AuditSource, auditRepository } from './repositories';
import type { AuditChainWriter, ChainHead, StoredRow } from './repositories/port';
import { SqlAuditWriter } from './repositories/sql';
import { auditPlace } from './schema';

export interface AppendOptions {
	/** Clock (tests). */
	now?: () => Date;
}

const MAX_TEXT = 200;

function invalid(message: string, field: string, hint: string): ClinicError {
	return new ClinicError(message, { code: 'invalid_input', field, hint });
}

function optText(value: unknown, field: string): string | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string' && typeof value !== 'number')
		throw invalid(`Audit field "${field}" must be text`, field, `Map "${field}" to a text value.`);
	const s = String(value);
	if (s.length > MAX_TEXT)
		throw invalid(
			`Audit field "${field}" is longer than ${MAX_TEXT} characters`,
			field,
			`Shorten "${field}" to at most ${MAX_TEXT} characters.`,
		);
	return s;
}

/**
 * Detail fields that hold an identifier encoding the patient's phone number are stored only as its keyed digest,
 * under another name: Meta's call ID (`wacid.HBgN…` carries the caller's number in base64, like a wamid). The KPI
 * report counts a call once by that digest (core/kpi/events.ts).
 */
export const DIGESTED_DETAILS: Readonly<Record<string, string>> = { callId: 'callDigest' };

function digestIdentifiers(
	details: AuditEntryInput['details'],
	cipher: PhiCipher,
): AuditEntryInput['details'] {
	if (!details || !Object.keys(DIGESTED_DETAILS).some((k) => details[k] !== undefined)) return details;
	const out: NonNullable<AuditEntryInput['details']> = {};
	for (const [key, value] of Object.entries(details)) {
		const digested = DIGESTED_DETAILS[key];
		if (digested === undefined) out[key] = value;
		else if (value !== undefined) out[digested] = value === null ? null : cipher.digest(String(value));
	}
	return out;
}

/**
 * Validates one input and turns it into an entry without seq/hash: lookup digests computed, PHI kept in clear until
 * the entry is sealed (`linkEntries`). Throws a clear error naming the field on bad input.
 */
export function prepareEntry(input: AuditEntryInput, cipher: PhiCipher, kind: AuditKind = 'entry') {
	if (!AUDIT_DIRECTIONS.includes(input.direction)) {
		throw invalid(
			`Audit direction "${String(input.direction)}" is invalid: use one of ${AUDIT_DIRECTIONS.join(', ')}`,
			'direction',
			`Set Direction to one of ${AUDIT_DIRECTIONS.join(', ')}.`,
		);
	}
	const outcome = input.outcome ?? 'success';
	if (!AUDIT_OUTCOMES.includes(outcome)) {
		throw invalid(
			`Audit outcome "${String(outcome)}" is invalid: use one of ${AUDIT_OUTCOMES.join(', ')}`,
			'outcome',
			`Set Outcome to one of ${AUDIT_OUTCOMES.join(', ')}.`,
		);
	}
	const phone = input.patientPhone ? normalisePhone(String(input.patientPhone)) : null;
	const messageId = optText(input.messageId, 'messageId');
	const content = input.content === undefined || input.content === null ? null : String(input.content);
	return {
		kind,
		direction: input.direction,
		event: optText(input.event, 'event'),
		patient_digest: phone === null ? null : cipher.digest(phone),
		user_id: optText(input.userId, 'userId'),
		message_digest: messageId === null ? null : cipher.digest(messageId),
		template: optText(input.template, 'template'),
		purpose: optText(input.purpose, 'purpose'),
		workflow_id: optText(input.actor?.workflowId, 'actor.workflowId'),
		execution_id: optText(input.actor?.executionId, 'actor.executionId'),
		node: optText(input.actor?.node, 'actor.node'),
		outcome,
		content_digest: content === null ? null : contentDigest(content),
		details: canonicalDetails(digestIdentifiers(input.details, cipher)),
		/** Encrypted when the entry gets its seq: ciphertexts are bound to (table, column, seq). */
		phi: { cipher, phone, content, messageId },
	};
}

export type PreparedEntry = ReturnType<typeof prepareEntry>;

export interface AppendedEntry {
	seq: number;
	ts: string;
	hash: string;
	prevHash: string;
}

/** The prepared entry as row `seq` stores it: PHI encrypted for its place. */
function sealPhi({ phi, ...fields }: PreparedEntry, seq: number) {
	const enc = (value: string | null, column: string) =>
		value === null ? null : phi.cipher.encrypt(value, auditPlace(column, seq));
	return {
		...fields,
		patient_enc: enc(phi.phone, 'patient_enc'),
		content_enc: enc(phi.content, 'content_enc'),
		message_enc: enc(phi.messageId, 'message_enc'),
	};
}

/** Numbers, encrypts, seals and links `prepared` after `head`, all recorded at `ts`. */
export function linkEntries(head: ChainHead, prepared: readonly PreparedEntry[], ts: string): StoredRow[] {
	let { seq, hash } = head;
	const rows: StoredRow[] = [];
	for (const p of prepared) {
		seq += 1;
		const base = { ...sealPhi(p, seq), seq, ts };
		const entry = canonicalEntry(base);
		const h = hashCanonical(hash, entry);
		rows.push({ ...base, prev_hash: hash, hash: h, entry });
		hash = h;
	}
	return rows;
}

/** Appends prepared entries through a writer that holds the chain lock (used by append and purge). */
export async function appendToChain(
	writer: AuditChainWriter,
	prepared: readonly PreparedEntry[],
	now: Date,
	head?: ChainHead,
): Promise<AppendedEntry[]> {
	if (!prepared.length) return [];
	const rows = linkEntries(head ?? (await writer.head()), prepared, now.toISOString());
	await writer.insert(rows);
	return rows.map((r) => ({ seq: r.seq, ts: r.ts, hash: r.hash, prevHash: r.prev_hash }));
}

/**
 * Appends prepared entries inside a clinic-store transaction that already holds the audit chain lock (a consent
 * change and its audit entry commit together).
 */
export async function appendPrepared(
	tx: SqlTx,
	prepared: readonly PreparedEntry[],
	now: Date,
	head?: ChainHead,
): Promise<AppendedEntry[]> {
	return await appendToChain(new SqlAuditWriter(tx), prepared, now, head);
}

/**
 * Appends all `inputs` in one transaction (batched per execution). Every input is validated before the lock is
 * taken, so bad input fails fast and nothing is written.
 */
export async function appendAuditEntries(
	source: AuditSource,
	inputs: readonly AuditEntryInput[],
	options: AppendOptions = {},
): Promise<AppendedEntry[]> {
	if (!inputs.length) return [];
	const repo = auditRepository(source);
	return await appendPreparedEntries(
		repo,
		inputs.map((i) => prepareEntry(i, repo.cipher)),
		options,
	);
}

/** Appends entries already validated with `prepareEntry` (one transaction under the audit lock). */
export async function appendPreparedEntries(
	source: AuditSource,
	prepared: readonly PreparedEntry[],
	options: AppendOptions = {},
): Promise<AppendedEntry[]> {
	if (!prepared.length) return [];
	const now = options.now ?? (() => new Date());
	return await auditRepository(source).write(async (w) => await appendToChain(w, prepared, now()));
}
