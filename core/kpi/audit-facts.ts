/**
 * Audit entries as the KPI report reads them, through the audit log's repository port (SQLite, Postgres or memory),
 * one page at a time in chain order. Only the lookup columns are used for most entries; the sealed entry (template,
 * details) is parsed only when the report asks for it. Nothing is decrypted: patients are compared by their keyed
 * digest, messages by the digest of their ID.
 */
import { type AuditDirection, rowFromSealed } from '../audit/entry';
import { type AuditSource, auditRepository } from '../audit/repositories';
import type { StoredRow } from '../audit/repositories/port';
import type { PhiCipher } from '../store/ports';

export class AuditFact {
	readonly seq: number;
	readonly ms: number;
	readonly direction: AuditDirection;
	readonly event: string | null;
	/** The patient's keyed phone digest, else `user:` + their WhatsApp User ID, else null. */
	readonly patient: string | null;
	/** Keyed digest of the WhatsApp message ID, or null. */
	readonly message: string | null;
	readonly purpose: string | null;
	readonly outcome: string;
	private sealedFields?: { template: string | null; details: Record<string, unknown> | null };

	constructor(
		private readonly row: StoredRow,
		cipher: PhiCipher,
	) {
		this.seq = Number(row.seq);
		this.ms = Date.parse(row.ts);
		this.direction = row.direction;
		this.event = row.event;
		this.patient = row.patient_digest ?? (row.user_id ? `user:${row.user_id}` : null);
		// Entries written before message IDs were encrypted keep the ID in clear: compare them by its digest too.
		this.message = row.message_digest ?? (row.message_id ? cipher.digest(row.message_id) : null);
		this.purpose = row.purpose;
		this.outcome = row.outcome;
	}

	/** Template and details: from the sealed entry (parsed on first use), or the columns of a pre-seal row. */
	private sealed(): { template: string | null; details: Record<string, unknown> | null } {
		if (this.sealedFields) return this.sealedFields;
		const row = this.row.entry ? rowFromSealed({ ...this.row, entry: this.row.entry }) : this.row;
		let details: Record<string, unknown> | null = null;
		if (row.details) {
			try {
				const parsed: unknown = JSON.parse(row.details);
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
					details = parsed as Record<string, unknown>;
			} catch {
				details = null; // free text in details carries nothing the report counts
			}
		}
		return (this.sealedFields = { template: row.template, details });
	}

	get template(): string | null {
		return this.sealed().template;
	}

	/** A detail as text (numbers too), or null. */
	detail(name: string): string | null {
		const v = this.sealed().details?.[name];
		return typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;
	}
}

/**
 * Pages of the entries recorded in [fromIso, toIso), in chain (seq) order; purge anchors skipped. The period's
 * first and last seq are looked up once (time index); the pages then walk the primary key between them, which
 * stays fast however large the log (filtering every page by time would make the database sort the whole period
 * again for each page). An entry inside that seq range recorded outside the period (clocks of two n8n processes
 * disagreeing) is skipped.
 */
export async function* auditFacts(
	source: AuditSource,
	fromIso: string,
	toIso: string,
	pageSize = 5000,
): AsyncGenerator<AuditFact[]> {
	const repo = auditRepository(source);
	const period = { from: fromIso, to: toIso };
	const [first] = await repo.find(period, { order: 'asc', limit: 1 });
	if (!first) return;
	const [last] = await repo.find(period, { order: 'desc', limit: 1 });
	const end = Number(last.seq) + 1;
	let after = Number(first.seq) - 1;
	for (;;) {
		const rows = await repo.find({}, { order: 'asc', afterSeq: after, beforeSeq: end, limit: pageSize });
		const page: AuditFact[] = [];
		for (const row of rows)
			if (row.kind !== 'anchor' && row.ts >= fromIso && row.ts < toIso)
				page.push(new AuditFact(row, repo.cipher));
		if (page.length) yield page;
		if (rows.length < pageSize) return;
		after = Number(rows[rows.length - 1].seq);
	}
}
