/** Audit queries: by patient (phone digest or user id), message id, time range, direction, purpose; cursor-paginated. */
import type { ClinicStore } from '../store/ports';
import { AUDIT_COLUMNS, type AuditDirection, type AuditRow, normalisePhone, rowFromSealed } from './entry';

const SELECT_COLUMNS = [...AUDIT_COLUMNS, 'entry'].join(', ');

export interface AuditQuery {
	patientPhone?: string;
	userId?: string;
	messageId?: string;
	/** ISO date-times (inclusive from, exclusive to). */
	from?: string;
	to?: string;
	direction?: AuditDirection;
	purpose?: string;
	event?: string;
	/** 1..1000, default 100. */
	limit?: number;
	/** Opaque cursor from a previous page's `nextCursor`. */
	cursor?: string;
	order?: 'asc' | 'desc';
	/** Decrypt message content and phone number (PHI). Off by default. */
	includeContent?: boolean;
}

export interface AuditView {
	seq: number;
	recordedAt: string;
	kind: string;
	direction: AuditDirection;
	event: string | null;
	patientDigest: string | null;
	patientPhone?: string | null;
	userId: string | null;
	messageId: string | null;
	template: string | null;
	purpose: string | null;
	actor: { workflowId: string | null; executionId: string | null; node: string | null };
	outcome: string;
	contentDigest: string | null;
	content?: string | null;
	details: Record<string, unknown> | null;
	hash: string;
}

export interface AuditPage {
	entries: AuditView[];
	nextCursor: string | null;
}

export function encodeCursor(seq: number): string {
	return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
	const text = Buffer.from(cursor, 'base64url').toString('utf8');
	const m = /^seq:(\d+)$/.exec(text);
	if (!m) throw new Error('The cursor is invalid: pass the "nextCursor" value returned by the previous page');
	return Number(m[1]);
}

function isoOrThrow(value: string, field: string): string {
	const d = new Date(value);
	if (Number.isNaN(d.getTime()))
		throw new Error(`"${field}" is not a valid date/time: use ISO 8601, e.g. 2025-01-31T00:00:00Z`);
	return d.toISOString();
}

export function toView(stored: AuditRow, cipher: ClinicStore['cipher'], includeContent: boolean): AuditView {
	// The sealed form is what verify vouches for; legacy rows (before audit-002) only have columns.
	const row = stored.entry ? rowFromSealed(stored as AuditRow & { entry: string }) : stored;
	let details: Record<string, unknown> | null = null;
	if (row.details) {
		try {
			details = JSON.parse(row.details) as Record<string, unknown>;
		} catch {
			details = { raw: row.details };
		}
	}
	const view: AuditView = {
		seq: Number(row.seq),
		recordedAt: row.ts,
		kind: row.kind,
		direction: row.direction,
		event: row.event,
		patientDigest: row.patient_digest,
		userId: row.user_id,
		messageId: row.message_id,
		template: row.template,
		purpose: row.purpose,
		actor: { workflowId: row.workflow_id, executionId: row.execution_id, node: row.node },
		outcome: row.outcome,
		contentDigest: row.content_digest,
		details,
		hash: row.hash,
	};
	if (includeContent) {
		view.patientPhone = row.patient_enc ? `+${cipher.decrypt(row.patient_enc)}` : null;
		view.content = row.content_enc ? cipher.decrypt(row.content_enc) : null;
	}
	return view;
}

/** Builds the WHERE clause shared by query and export. */
export function buildFilter(store: ClinicStore, q: AuditQuery): { where: string[]; params: unknown[] } {
	const where: string[] = [];
	const params: unknown[] = [];
	const p = (v: unknown) => {
		params.push(v);
		return `$${params.length}`;
	};
	if (q.patientPhone) {
		const digests = store.cipher.lookupDigests(normalisePhone(q.patientPhone));
		where.push(`patient_digest IN (${digests.map((d) => p(d)).join(', ')})`);
	}
	if (q.userId) where.push(`user_id = ${p(q.userId)}`);
	if (q.messageId) where.push(`message_id = ${p(q.messageId)}`);
	if (q.from) where.push(`ts >= ${p(isoOrThrow(q.from, 'From'))}`);
	if (q.to) where.push(`ts < ${p(isoOrThrow(q.to, 'To'))}`);
	if (q.direction) where.push(`direction = ${p(q.direction)}`);
	if (q.purpose) where.push(`purpose = ${p(q.purpose)}`);
	if (q.event) where.push(`event = ${p(q.event)}`);
	return { where, params };
}

export async function queryAuditEntries(store: ClinicStore, q: AuditQuery = {}): Promise<AuditPage> {
	const limit = q.limit ?? 100;
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
		throw new Error('Limit must be a whole number from 1 to 1000');
	const order = q.order ?? 'asc';
	const { where, params } = buildFilter(store, q);
	if (q.cursor) {
		params.push(decodeCursor(q.cursor));
		where.push(`seq ${order === 'asc' ? '>' : '<'} $${params.length}`);
	}
	params.push(limit + 1);
	const sql =
		`SELECT ${SELECT_COLUMNS} FROM clinic_audit_log` +
		(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
		` ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${params.length}`;
	const rows = await store.query<AuditRow>(sql, params);
	const more = rows.length > limit;
	const page = more ? rows.slice(0, limit) : rows;
	return {
		entries: page.map((r) => toView(r, store.cipher, !!q.includeContent)),
		nextCursor: more ? encodeCursor(Number(page[page.length - 1].seq)) : null,
	};
}

/** Streams every matching row in seq order (export). */
export async function* iterateAuditRows(
	store: ClinicStore,
	q: AuditQuery,
	pageSize = 2000,
): AsyncGenerator<AuditRow> {
	let after = 0;
	for (;;) {
		const { where, params } = buildFilter(store, q);
		params.push(after);
		where.push(`seq > $${params.length}`);
		params.push(pageSize);
		const rows = await store.query<AuditRow>(
			`SELECT ${SELECT_COLUMNS} FROM clinic_audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`,
			params,
		);
		for (const r of rows) yield r;
		if (rows.length < pageSize) return;
		after = Number(rows[rows.length - 1].seq);
	}
}
