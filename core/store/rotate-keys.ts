/**
 * Rotate Keys: rewrites every PHI ciphertext that is not yet in the current format under the current key (older key
 * IDs, the old v1 format without place binding, the old passphrase derivation) and recomputes the keyed digests
 * stored beside them, table by table (phi-columns.ts), in batches of one transaction each.
 *
 * - Resumable: what is done stays done; a later run (or one stopped by `maxRows`) continues with what is left.
 * - Safe beside live traffic: each row is rewritten only if it still holds what was read (compare-and-set), so a row
 *   a workflow changed meanwhile is left for the next run instead of being overwritten.
 * - A digest that would collide with another row's in a UNIQUE column (two consent records for the same phone,
 *   made while a key was wrong) is left as it is and reported.
 * - Sealed tables (the audit log) are never rewritten; the report says how many of their rows still need which key.
 */
import { type KeyUsage, type PhiTable, existingPhiTables, keyUsage } from './phi-columns';
import { forgetLegacyDerivations } from './phi-keyring';
import type { ClinicStore, SqlTx } from './ports';

export interface RotateKeysOptions {
	/** Rows per transaction (default 200). */
	batchSize?: number;
	/** Stop after looking at this many rows (the next run continues). Default: no limit. */
	maxRows?: number;
	onProgress?: (progress: { table: string; rotated: number }) => void;
}

export interface RotationSkip {
	table: string;
	row: string;
	reason: 'duplicate' | 'unreadable' | 'changed';
	message: string;
}

export interface RotateKeysReport {
	currentKeyId: string;
	/** Rows rewritten by this run, per table. */
	rotated: Array<{ table: string; label: string; rows: number }>;
	/** Rows left as they were (first 100). */
	skipped: RotationSkip[];
	skippedCount: number;
	/** True when no rewritable row is left outside the current key and format. */
	finished: boolean;
	/** Rows still under an old key or the old format (per table, key ID and format), sealed ones included. */
	remaining: KeyUsage[];
	/** Key IDs that rows still need (keep them under Previous Keys). */
	keyIdsStillNeeded: string[];
	/** Configured previous key IDs nothing depends on any more: they can be removed from the credential. */
	removableKeyIds: string[];
}

const MAX_SKIPS_LISTED = 100;

type Row = Record<string, unknown> & { rk: string | number };

function sameValueSql(tx: SqlTx, column: string, param: string): string {
	return tx.dialect === 'sqlite' ? `${column} IS ${param}` : `${column} IS NOT DISTINCT FROM ${param}`;
}

class TableRotation {
	rotated = 0;
	private readonly columns: string[];

	constructor(
		private readonly store: ClinicStore,
		private readonly t: PhiTable,
		private readonly skip: (s: RotationSkip) => void,
	) {
		this.columns = t.encrypted.map((c) => c.column);
	}

	/** The next batch of rows holding at least one ciphertext that is not current, after row key `after`. */
	async next(after: string | number | null, limit: number): Promise<Row[]> {
		const prefix = `v2:${this.store.cipher.keyId}:`;
		const needs = this.columns.map((c) => `(${c} IS NOT NULL AND substr(${c}, 1, $2) <> $1)`).join(' OR ');
		const params: unknown[] = [prefix, prefix.length, limit];
		if (after !== null) params.push(after);
		return await this.store.query<Row>(
			`SELECT ${this.t.rowKey} AS rk, ${this.columns.join(', ')} FROM ${this.t.table} WHERE (${needs})` +
				(after !== null ? ` AND ${this.t.rowKey} > $4` : '') +
				` ORDER BY ${this.t.rowKey} LIMIT $3`,
			params,
		);
	}

	/** Re-encrypts one row's values under the current key; null when a value cannot be read. */
	private rewrite(row: Row): Record<string, string | null> | null {
		const cipher = this.store.cipher;
		const place = (column: string) => ({ table: this.t.table, column, row: row.rk });
		const plain: Record<string, string> = {};
		const next: Record<string, string | null> = {};
		for (const c of this.columns) {
			const stored = row[c];
			if (stored === null || stored === undefined) continue;
			try {
				plain[c] = cipher.decrypt(String(stored), place(c));
			} catch (error) {
				// A key that is not configured, a wrong key, an altered or malformed value: left as it is, reported.
				const message = error instanceof Error ? error.message : String(error);
				this.skip({ table: this.t.table, row: String(row.rk), reason: 'unreadable', message });
				return null;
			}
			next[c] = cipher.encrypt(plain[c], place(c));
		}
		for (const [digest, { from }] of Object.entries(this.t.digests)) {
			if (plain[from] !== undefined) next[digest] = cipher.digest(plain[from]);
		}
		return next;
	}

	private async collides(tx: SqlTx, row: Row, next: Record<string, string | null>): Promise<string | null> {
		for (const [digest, { unique }] of Object.entries(this.t.digests)) {
			if (!unique || !next[digest]) continue;
			const [other] = await tx.query<{ rk: unknown }>(
				`SELECT ${this.t.rowKey} AS rk FROM ${this.t.table} WHERE ${digest} = $1 AND ${this.t.rowKey} <> $2 LIMIT 1`,
				[next[digest], row.rk],
			);
			if (other) return `${digest} equals that of row ${String(other.rk)}: two records for the same value`;
		}
		return null;
	}

	async apply(rows: readonly Row[]): Promise<void> {
		const rewrites = rows.map((row) => ({ row, next: this.rewrite(row) }));
		await this.store.transaction(async (tx) => {
			for (const { row, next } of rewrites) {
				if (!next) continue;
				const collision = await this.collides(tx, row, next);
				if (collision) {
					this.skip({ table: this.t.table, row: String(row.rk), reason: 'duplicate', message: collision });
					continue;
				}
				const params: unknown[] = [];
				const p = (v: unknown) => (params.push(v), `$${params.length}`);
				const sets = Object.entries(next).map(([c, v]) => `${c} = ${p(v)}`);
				const where = [`${this.t.rowKey} = ${p(row.rk)}`];
				for (const c of this.columns) where.push(sameValueSql(tx, c, p(row[c] ?? null)));
				const done = await tx.query(
					`UPDATE ${this.t.table} SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING ${this.t.rowKey}`,
					params,
				);
				if (done.length) this.rotated++;
				else
					this.skip({
						table: this.t.table,
						row: String(row.rk),
						reason: 'changed',
						message: 'the row changed while it was being rotated: run Rotate Keys again',
					});
			}
		});
	}
}

export async function rotatePhiKeys(
	store: ClinicStore,
	options: RotateKeysOptions = {},
): Promise<RotateKeysReport> {
	const batchSize = options.batchSize ?? 200;
	if (!Number.isInteger(batchSize) || batchSize < 1)
		throw new Error('Batch size must be a whole number above 0');
	const cipher = store.cipher;
	const skipped: RotationSkip[] = [];
	let skippedCount = 0;
	const skip = (s: RotationSkip) => {
		skippedCount++;
		if (skipped.length < MAX_SKIPS_LISTED) skipped.push(s);
	};
	const rotated: RotateKeysReport['rotated'] = [];
	let budget = options.maxRows ?? Number.POSITIVE_INFINITY;
	for (const t of await existingPhiTables(store)) {
		if (t.sealed || budget <= 0) continue;
		const rotation = new TableRotation(store, t, skip);
		let after: string | number | null = null;
		while (budget > 0) {
			const rows = await rotation.next(after, Math.min(batchSize, budget));
			if (!rows.length) break;
			await rotation.apply(rows);
			budget -= rows.length;
			after = rows[rows.length - 1].rk;
			options.onProgress?.({ table: t.table, rotated: rotation.rotated });
		}
		if (rotation.rotated)
			rotated.push({
				table: t.table,
				label: rotation.rotated === 1 ? t.labelOne : t.label,
				rows: rotation.rotated,
			});
	}
	const usage = await keyUsage(store, { byVersion: true });
	const remaining = usage.filter((u) => u.keyId !== cipher.keyId || u.version === 'v1');
	await forgetLegacyDerivations(store, new Set(usage.filter((u) => u.version === 'v1').map((u) => u.keyId)));
	const needed = new Set(usage.map((u) => u.keyId).filter((id) => id !== cipher.keyId));
	return {
		currentKeyId: cipher.keyId,
		rotated,
		skipped,
		skippedCount,
		finished: !remaining.some((u) => !u.sealed),
		remaining,
		keyIdsStillNeeded: [...needed].sort(),
		removableKeyIds: cipher
			.keyIds()
			.slice(1)
			.filter((id) => !needed.has(id)),
	};
}

/** The report in a few sentences for a clinic admin: what was done, what is left, which keys can go. */
export function summarizeRotation(r: RotateKeysReport): string {
	const parts: string[] = [];
	const done = r.rotated.reduce((n, t) => n + t.rows, 0);
	parts.push(
		done
			? `Rewrote ${done} row${done === 1 ? '' : 's'} under key "${r.currentKeyId}" (${r.rotated.map((t) => `${t.rows} ${t.label}`).join(', ')}).`
			: `Nothing needed rewriting under key "${r.currentKeyId}".`,
	);
	const under = (u: KeyUsage) =>
		`${u.rows} ${u.label} under "${u.keyId}"${u.version === 'v1' ? ' (old format)' : ''}`;
	const open = r.remaining.filter((u) => !u.sealed);
	if (open.length) {
		parts.push(
			`Still to do: ${open.map(under).join(', ')}.` +
				(r.skippedCount
					? ` ${r.skippedCount} row${r.skippedCount === 1 ? ' was' : 's were'} left as ${r.skippedCount === 1 ? 'it was' : 'they were'} (see "skipped" for why).`
					: ' Run Rotate Keys again to continue.'),
		);
	} else parts.push(`Every row that can be rewritten is under key "${r.currentKeyId}".`);
	for (const u of r.remaining.filter((x) => x.sealed)) {
		parts.push(
			`${under(u)}: sealed in the tamper-evident chain, never rewritten; keep key "${u.keyId}" under Previous Keys until Purge by Retention has removed ${u.rows === 1 ? 'it' : 'them'}.`,
		);
	}
	if (r.removableKeyIds.length) {
		const ids = r.removableKeyIds.map((id) => `"${id}"`).join(', ');
		parts.push(
			`Nothing needs ${ids} any more: you can remove it from Previous Keys in the Clinic Store credential.`,
		);
	}
	return parts.join(' ');
}
