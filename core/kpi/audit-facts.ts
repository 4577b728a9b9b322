/**
 * Audit entries as the KPI report reads them, one page at a time in chain (seq) order, never decrypted: patients
 * are compared by their keyed digest, messages by the digest of their ID.
 *
 * The period's first and last seq are looked up once (time index); pages then walk the primary key between them
 * (filtering every page by time would make the database sort the whole period again for each page). An entry in
 * that seq range recorded outside the period (clocks of two n8n processes disagreeing) is skipped.
 *
 * On a clinic store (SQLite, Postgres) a page is a projection of the audit table: the lookup columns of the entries
 * a figure looks at, two 0/1 flags (a reminder: outbound, reminder purpose, with a template; failed: outcome other
 * than success; numbers instead of three strings a row, less for the garbage collector) and the details — taken out
 * of the sealed entry by the database's JSON functions — only of the entries whose details are counted, so a million
 * entries stay a few seconds (digests kept whole: shortening them in SQL measured slower). Any other
 * AuditRepository (memory) is read through the repository port.
 */
import { type AuditDirection, CANONICAL_VERSION, canonicalPositions, rowFromSealed } from '../audit/entry';
import { type AuditSource, auditRepository } from '../audit/repositories';
import type { AuditRepository, StoredRow } from '../audit/repositories/port';
import { AUDIT_TABLE } from '../audit/schema';
import { keysetPages, pagesInKeyOrder } from '../store/keyset-read';
import type { ClinicStore, PhiCipher } from '../store/ports';
import { DETAIL_EVENTS, KPI_EVENTS, REMINDER_PURPOSE } from './events';

/** The values an AuditFact is built from, in this order (a projected SQL row). */
const COLUMNS = [
	'seq',
	'ts',
	'direction',
	'event',
	'patient_digest',
	'user_id',
	'message_digest',
	'message_id',
	'reminder',
	'failed',
	'details',
] as const;
type Column = (typeof COLUMNS)[number];
const at = Object.fromEntries(COLUMNS.map((c, i) => [c, i])) as Record<Column, number>;

/**
 * Events the report counts whatever their direction; every outbound entry (a message sent, whatever the event) and
 * every system entry (their details tie patients to practitioners) is read too.
 */
const COUNTED_EVENTS: readonly string[] = [
	KPI_EVENTS.messageReceived,
	KPI_EVENTS.messageSent,
	KPI_EVENTS.statusDelivered,
	KPI_EVENTS.statusRead,
	...DETAIL_EVENTS,
];

const COUNTED = new Set(COUNTED_EVENTS);

/**
 * Epoch ms of an audit timestamp. The audit writes `Date.toISOString()` (`2026-03-02T12:00:00.000Z`): its day is
 * parsed once (entries come in time order) and the time of day from the digits, about 5 times cheaper than
 * Date.parse for a million entries; any other form goes through Date.parse.
 */
let dayPrefix = '';
let dayStartMs = NaN;
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
export function auditTimeMs(ts: string): number {
	if (ts.length !== 24 || ts.charCodeAt(10) !== 84 || ts.charCodeAt(23) !== 90) return Date.parse(ts);
	if (dayPrefix.length !== 11 || !ts.startsWith(dayPrefix)) {
		dayPrefix = ts.slice(0, 11);
		dayStartMs = Date.parse(`${dayPrefix}00:00:00.000Z`);
	}
	const h = digit(ts, 11) * 10 + digit(ts, 12);
	const m = digit(ts, 14) * 10 + digit(ts, 15);
	const sec = digit(ts, 17) * 10 + digit(ts, 18);
	const ms = digit(ts, 20) * 100 + digit(ts, 21) * 10 + digit(ts, 22);
	const inDay = ((h * 60 + m) * 60 + sec) * 1000 + ms;
	// Not digits where digits belong (or out of range): leave it to Date.parse.
	return inDay >= 0 && inDay < 86_400_000 && h < 24 && m < 60 && sec < 60
		? dayStartMs + inDay
		: Date.parse(ts);
}

/** A column value as text, or null. */
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export class AuditFact {
	readonly seq: number;
	readonly ms: number;
	readonly direction: AuditDirection;
	readonly event: string | null;
	/** The patient's keyed phone digest, else `user:` + their WhatsApp User ID, else null. */
	readonly patient: string | null;
	/** Keyed digest of the WhatsApp message ID, or null. */
	readonly message: string | null;
	/** A template sent with the reminder purpose. */
	readonly reminder: boolean;
	/** Outcome other than success. */
	readonly failed: boolean;
	private readonly detailsText: string | null;
	private parsedDetails?: Record<string, unknown> | null;

	/** `values` in COLUMNS order. */
	constructor(values: readonly unknown[], cipher: PhiCipher) {
		this.seq = Number(values[at.seq]);
		this.ms = auditTimeMs(String(values[at.ts]));
		this.direction = values[at.direction] as AuditDirection;
		this.event = text(values[at.event]);
		const userId = text(values[at.user_id]);
		this.patient = text(values[at.patient_digest]) ?? (userId ? `user:${userId}` : null);
		// Entries written before message IDs were encrypted keep the ID in clear: compare them by its digest too.
		const legacyId = text(values[at.message_id]);
		this.message = text(values[at.message_digest]) ?? (legacyId ? cipher.digest(legacyId) : null);
		this.reminder = Number(values[at.reminder]) === 1;
		this.failed = Number(values[at.failed]) === 1;
		this.detailsText = text(values[at.details]);
	}

	/** A stored row (the repository port's shape): template and details from its sealed entry when it has one. */
	static fromRow(row: StoredRow, cipher: PhiCipher): AuditFact {
		const r = row.entry ? rowFromSealed({ ...row, entry: row.entry }) : row;
		const flags: Partial<Record<Column, number>> = {
			reminder: r.direction === 'outbound' && r.purpose === REMINDER_PURPOSE && r.template != null ? 1 : 0,
			failed: r.outcome !== 'success' ? 1 : 0,
		};
		return new AuditFact(
			COLUMNS.map((c) => flags[c] ?? r[c as Exclude<Column, 'reminder' | 'failed'>] ?? null),
			cipher,
		);
	}

	/**
	 * A detail as text (numbers too), or null. Details whose text holds neither the name nor an escape cannot have
	 * it (a JSON key is spelled out unless escaped): answered without parsing them, most of the sent messages'.
	 */
	detail(name: string): string | null {
		if (this.parsedDetails === undefined) {
			const text = this.detailsText;
			if (text === null || (!text.includes(name) && !text.includes('\\'))) return null;
			this.parsedDetails = null;
			try {
				const parsed: unknown = text ? JSON.parse(text) : null;
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
					this.parsedDetails = parsed as Record<string, unknown>;
			} catch {
				// free text in details carries nothing the report counts
			}
		}
		const v = this.parsedDetails?.[name];
		return typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;
	}
}

/** The seq range [first, last] of the entries recorded in the period (time index), or null when there are none. */
const RANGE_SQL = `SELECT MIN(seq) AS first, MAX(seq) AS last FROM ${AUDIT_TABLE} WHERE ts >= $1 AND ts < $2`;

/** The same through the repository port (stores other than the clinic store). */
async function repoSeqRange(
	repo: AuditRepository,
	from: string,
	to: string,
): Promise<[number, number] | null> {
	const [first] = await repo.find({ from, to }, { order: 'asc', limit: 1 });
	if (!first) return null;
	const [last] = await repo.find({ from, to }, { order: 'desc', limit: 1 });
	return [Number(first.seq), Number(last.seq)];
}

/** Position of a field in the sealed entry (the same in every canonical version for template and details). */
function sealedPosition(column: 'template' | 'details'): number {
	return canonicalPositions(CANONICAL_VERSION).find(([c]) => c === column)![1];
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The SQL of a page: see the module comment. */
function projectionSql(dialect: ClinicStore['dialect']): string {
	const reminder = `direction = 'outbound' AND purpose = '${REMINDER_PURPOSE}'`;
	const withDetails = `direction = 'system' OR event IN (${list(DETAIL_EVENTS)}) OR (${reminder})`;
	/** The field out of the sealed entry when `when` holds; rows written before the seal keep it in its column. */
	const sealed = (column: 'template' | 'details', when: string) => {
		const i = sealedPosition(column);
		const value = dialect === 'sqlite' ? `json_extract(entry, '$[${i}]')` : `(entry::json ->> ${i})`;
		return `CASE WHEN ${when} THEN COALESCE(${value}, ${column}) ELSE NULL END`;
	};
	const template = sealed('template', reminder);
	const select = (c: Column) =>
		c === 'reminder'
			? `CASE WHEN ${template} IS NOT NULL THEN 1 ELSE 0 END`
			: c === 'failed'
				? `CASE WHEN outcome = 'success' THEN 0 ELSE 1 END`
				: c === 'details'
					? sealed('details', withDetails)
					: c;
	return (
		`SELECT ${COLUMNS.map(select).join(', ')} FROM ${AUDIT_TABLE}` +
		` WHERE seq > $1 AND seq < $2 AND kind <> 'anchor'` +
		` AND (direction IN ('outbound', 'system') OR event IN (${list(COUNTED_EVENTS)}))` +
		' ORDER BY seq LIMIT $3'
	);
}

function isStore(source: AuditSource): source is ClinicStore {
	return typeof (source as AuditRepository).write !== 'function';
}

/** Pages of the stored rows of the period, in seq order: projected value arrays on a clinic store, else facts. */
async function* rawPages(
	source: AuditSource,
	repo: AuditRepository,
	fromIso: string,
	toIso: string,
	pageSize: number,
): AsyncGenerator<AuditFact[]> {
	if (isStore(source)) {
		const read = {
			rangeSql: RANGE_SQL,
			rangeParams: [fromIso, toIso],
			pageSql: projectionSql(source.dialect),
			pageSize,
		};
		for await (const rows of keysetPages(source, read)) {
			const page = new Array<AuditFact>(rows.length);
			for (let i = 0; i < rows.length; i++) page[i] = new AuditFact(rows[i], repo.cipher);
			yield page;
		}
		return;
	}
	const pages = pagesInKeyOrder(
		await repoSeqRange(repo, fromIso, toIso),
		async (after, end) =>
			await repo.find({}, { order: 'asc', afterSeq: after, beforeSeq: end, limit: pageSize }),
		(row) => Number(row.seq),
	);
	for await (const rows of pages)
		yield rows.filter((r) => r.kind !== 'anchor').map((r) => AuditFact.fromRow(r, repo.cipher));
}

/** Pages of the entries recorded in [fromIso, toIso), in chain (seq) order; purge anchors skipped. */
export async function* auditFacts(
	source: AuditSource,
	fromIso: string,
	toIso: string,
	pageSize = 5000,
): AsyncGenerator<AuditFact[]> {
	const repo = auditRepository(source);
	const fromMs = Date.parse(fromIso);
	const toMs = Date.parse(toIso);
	for await (const page of rawPages(source, repo, fromIso, toIso, pageSize)) {
		const inPeriod = page.filter(
			(f) =>
				f.ms >= fromMs &&
				f.ms < toMs &&
				(f.direction === 'outbound' ||
					f.direction === 'system' ||
					(f.event !== null && COUNTED.has(f.event))),
		);
		if (inPeriod.length) yield inPeriod;
	}
}
