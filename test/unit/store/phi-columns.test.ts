/**
 * The PHI inventory (core/store/phi-columns.ts) must list every column that holds ciphertexts or keyed digests:
 * the key checks and Rotate Keys only know what is listed. This reads every module's migrations (every
 * core/<module>/schema.ts) and fails when a `*_enc` / `*_digest` column is missing from the inventory.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { CANONICAL_VERSION, DETAILS_POSITION, canonicalPositions } from '../../../core/audit/entry';
import { getRegisteredMigrations } from '../../../core/store/migrations';
import { PHI_TABLES } from '../../../core/store/phi-columns';

const CORE = join(__dirname, '../../../core');

beforeAll(async () => {
	for (const dir of readdirSync(CORE, { withFileTypes: true })) {
		const schema = join(CORE, dir.name, 'schema.ts');
		if (dir.isDirectory() && existsSync(schema)) await import(schema);
	}
});

/** table → columns named *_enc or *_digest, from CREATE TABLE and ALTER TABLE … ADD COLUMN statements. */
function phiColumnsInMigrations(): Map<string, Set<string>> {
	const found = new Map<string, Set<string>>();
	const add = (table: string, column: string) => {
		if (!found.has(table)) found.set(table, new Set());
		found.get(table)!.add(column);
	};
	for (const m of getRegisteredMigrations()) {
		for (const sql of [m.sqlite, m.postgres]) {
			for (const statement of sql.split(';')) {
				const table = /CREATE TABLE (?:IF NOT EXISTS )?(\w+)/.exec(statement)?.[1];
				if (table)
					for (const [, column] of statement.matchAll(/\b(\w+_(?:enc|digest))\s+TEXT\b/g)) add(table, column);
			}
			for (const [, table, column] of sql.matchAll(
				/ALTER TABLE (\w+) ADD COLUMN (?:IF NOT EXISTS )?(\w+_(?:enc|digest))\b/g,
			))
				add(table, column);
		}
	}
	return found;
}

describe('PHI inventory', () => {
	it('lists every *_enc / *_digest column of every registered migration', () => {
		const found = phiColumnsInMigrations();
		expect([...found.keys()]).toEqual(expect.arrayContaining(['consent_subject', 'clinic_bookings']));
		const missing: string[] = [];
		for (const [table, columns] of found) {
			const entry = PHI_TABLES.find((t) => t.table === table);
			const listed = new Set([
				...(entry?.encrypted.map((c) => c.column) ?? []),
				...Object.keys(entry?.digests ?? {}),
				...(entry?.unkeyedDigests ?? []),
			]);
			for (const c of columns) if (!listed.has(c)) missing.push(`${table}.${c}`);
		}
		expect(missing).toEqual([]);
	});

	it('every digest names a listed ciphertext column of the same value', () => {
		for (const t of PHI_TABLES) {
			for (const { from } of Object.values(t.digests))
				expect(t.encrypted.map((c) => c.column)).toContain(from);
		}
	});

	it('audit ciphertexts are read where the audit log seals them (core/audit/entry.ts positions)', () => {
		const audit = PHI_TABLES.find((t) => t.table === 'clinic_audit_log')!;
		expect(audit.sealed).toBeTruthy();
		const positions = new Map(canonicalPositions(CANONICAL_VERSION).map(([c, i]) => [c as string, i]));
		for (const c of audit.encrypted) {
			if (c.column === 'anchor_seal') expect(c.sealedAt).toBe(DETAILS_POSITION);
			else expect([c.column, c.sealedAt]).toEqual([c.column, positions.get(c.column)]);
		}
	});
});
