/** Audit queries: by patient (phone digest or user id), message id, time range, direction, purpose; cursor-paginated. */
import { DateTime } from 'luxon';

import { ClinicError } from '../errors';
import type { PhiCipher } from '../store/ports';
import { type AuditDirection, normalisePhone, rowFromSealed } from './entry';
import { type AuditSource, auditRepository } from './repositories';
import type { AuditRowFilter, StoredRow } from './repositories/port';
import { auditPlace } from './schema';

export interface AuditQuery {
	patientPhone?: string;
	userId?: string;
	/** The WhatsApp message ID (wamid); matched through its keyed digest. */
	messageId?: string;
	/**
	 * Period: ISO-8601 text (e.g. `2025-01-31`, `2025-01-31T08:00:00-03:00`), a luxon/n8n DateTime or a JS Date.
	 * `from` is inclusive, `to` exclusive.
	 */
	from?: unknown;
	to?: unknown;
	/** IANA zone for ISO text without an offset (n8n passes the workflow's zone). Default: the server's zone. */
	timeZone?: string;
	direction?: AuditDirection;
	purpose?: string;
	event?: string;
	/** 1..1000, default 100. */
	limit?: number;
	/** Opaque cursor from a previous page's `nextCursor`. */
	cursor?: string;
	order?: 'asc' | 'desc';
	/** Decrypt the phone number, message ID and message text (PHI). Off by default. */
	includeContent?: boolean;
}

export interface AuditView {
	seq: number;
	recordedAt: string;
	kind: string;
	direction: AuditDirection;
	event: string | null;
	patientDigest: string | null;
	userId: string | null;
	/** Keyed digest of the message ID (compare with other entries; the ID itself is PHI). */
	messageDigest: string | null;
	template: string | null;
	purpose: string | null;
	actor: { workflowId: string | null; executionId: string | null; node: string | null };
	outcome: string;
	contentDigest: string | null;
	details: Record<string, unknown> | null;
	hash: string;
	/** Only with includeContent. */
	patientPhone?: string | null;
	messageId?: string | null;
	content?: string | null;
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
	if (!m)
		throw new ClinicError(
			'The cursor is invalid: pass the "nextCursor" value returned by the previous page',
			{
				code: 'invalid_input',
				field: 'Cursor',
				hint: 'Map Cursor to the nextCursor of the previous Query page, or leave it empty to start at the beginning.',
			},
		);
	return Number(m[1]);
}

interface LuxonLike {
	isLuxonDateTime: true;
	isValid: boolean;
	toJSDate(): Date;
}

/**
 * A From/To value as ISO-8601 UTC (the stored form). Accepts ISO-8601 text, n8n/luxon DateTime objects and JS Dates;
 * anything else — e.g. "Patient 12", which `new Date()` would read as 2001-12-01 — is refused, naming the field.
 */
export function parseQueryTime(value: unknown, field: string, timeZone?: string): string {
	let date: Date | null = null;
	if (value instanceof Date) date = value;
	else if (DateTime.isDateTime(value) || (value as LuxonLike | null)?.isLuxonDateTime === true) {
		const dt = value as LuxonLike;
		date = dt.isValid ? dt.toJSDate() : null;
	} else if (typeof value === 'string') {
		const dt = DateTime.fromISO(value.trim(), { zone: timeZone || 'local' });
		date = dt.isValid ? dt.toJSDate() : null;
	}
	if (date === null || Number.isNaN(date.getTime())) {
		const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
		throw new ClinicError(`"${field}" is not an ISO 8601 date/time: ${shown}`, {
			code: 'invalid_input',
			field,
			hint: `Write "${field}" as ISO 8601, e.g. 2025-01-31 or 2025-01-31T08:00:00-03:00, or use a date expression such as {{ $now.minus({ days: 7 }) }}.`,
		});
	}
	return date.toISOString();
}

/** The query's filters as stored values: digests under every configured key, times in UTC. */
export function resolveFilter(cipher: PhiCipher, q: AuditQuery): AuditRowFilter {
	const f: AuditRowFilter = {};
	if (q.patientPhone) f.patientDigests = cipher.lookupDigests(normalisePhone(q.patientPhone));
	if (q.userId) f.userId = q.userId;
	if (q.messageId) {
		f.messageDigests = cipher.lookupDigests(q.messageId);
		f.legacyMessageId = q.messageId;
	}
	if (q.from !== undefined && q.from !== null && q.from !== '')
		f.from = parseQueryTime(q.from, 'From', q.timeZone);
	if (q.to !== undefined && q.to !== null && q.to !== '') f.to = parseQueryTime(q.to, 'To', q.timeZone);
	if (q.direction) f.direction = q.direction;
	if (q.purpose) f.purpose = q.purpose;
	if (q.event) f.event = q.event;
	return f;
}

export function toView(stored: StoredRow, cipher: PhiCipher, includeContent: boolean): AuditView {
	// The sealed form is what verify vouches for; legacy rows (before audit-002) only have columns.
	const row = stored.entry ? rowFromSealed(stored as StoredRow & { entry: string }) : stored;
	const seq = Number(row.seq);
	let details: Record<string, unknown> | null = null;
	if (row.details) {
		try {
			details = JSON.parse(row.details) as Record<string, unknown>;
		} catch {
			details = { raw: row.details };
		}
	}
	const legacyMessageId = row.message_id ?? null;
	const view: AuditView = {
		seq,
		recordedAt: row.ts,
		kind: row.kind,
		direction: row.direction,
		event: row.event,
		patientDigest: row.patient_digest,
		userId: row.user_id,
		messageDigest: row.message_digest ?? (legacyMessageId === null ? null : cipher.digest(legacyMessageId)),
		template: row.template,
		purpose: row.purpose,
		actor: { workflowId: row.workflow_id, executionId: row.execution_id, node: row.node },
		outcome: row.outcome,
		contentDigest: row.content_digest,
		details,
		hash: row.hash,
	};
	if (includeContent) {
		const open = (value: string | null | undefined, column: string) =>
			value ? cipher.decrypt(value, auditPlace(column, seq)) : null;
		const phone = open(row.patient_enc, 'patient_enc');
		view.patientPhone = phone === null ? null : `+${phone}`;
		view.messageId = open(row.message_enc, 'message_enc') ?? legacyMessageId;
		view.content = open(row.content_enc, 'content_enc');
	}
	return view;
}

export async function queryAuditEntries(source: AuditSource, q: AuditQuery = {}): Promise<AuditPage> {
	const limit = q.limit ?? 100;
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
		throw new ClinicError('Limit must be a whole number from 1 to 1000', {
			code: 'invalid_input',
			field: 'Limit',
			hint: 'Set Limit between 1 and 1000, or turn on Return All.',
		});
	const repo = auditRepository(source);
	const order = q.order ?? 'asc';
	const filter = resolveFilter(repo.cipher, q);
	const after = q.cursor ? decodeCursor(q.cursor) : undefined;
	const rows = await repo.find(filter, {
		order,
		limit: limit + 1,
		...(after === undefined ? {} : order === 'asc' ? { afterSeq: after } : { beforeSeq: after }),
	});
	const more = rows.length > limit;
	const page = more ? rows.slice(0, limit) : rows;
	return {
		entries: page.map((r) => toView(r, repo.cipher, !!q.includeContent)),
		nextCursor: more ? encodeCursor(Number(page[page.length - 1].seq)) : null,
	};
}

/** Every matching entry in seq order, as views (export). */
export async function* iterateAuditViews(
	source: AuditSource,
	q: AuditQuery,
	pageSize = 2000,
): AsyncGenerator<AuditView> {
	const repo = auditRepository(source);
	const filter = resolveFilter(repo.cipher, q);
	let after = 0;
	for (;;) {
		const rows = await repo.find(filter, { order: 'asc', afterSeq: after, limit: pageSize });
		for (const r of rows) yield toView(r, repo.cipher, !!q.includeContent);
		if (rows.length < pageSize) return;
		after = Number(rows[rows.length - 1].seq);
	}
}
