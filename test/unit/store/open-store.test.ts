import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import { applyMigrations } from '../../../core/store/migrations';
import type { SqliteStoreConfig } from '../../../core/store/ports';

const PHI = { key: 'ab'.repeat(32), keyId: 'k1' };

describe('openClinicStore (SQLite)', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'wac-open-'));
	});
	afterEach(async () => {
		await closeAllClinicStores();
		rmSync(dir, { recursive: true, force: true });
	});

	it('caches one store per configuration and applies the built-in migrations', async () => {
		const config: SqliteStoreConfig = { backend: 'sqlite', path: join(dir, 'a.sqlite'), phi: PHI };
		const a = await openClinicStore(config);
		const b = await openClinicStore({ ...config });
		const other = await openClinicStore({ ...config, path: join(dir, 'b.sqlite') });
		expect(b).toBe(a);
		expect(other).not.toBe(a);
		const ids = (await a.query<{ id: string }>('SELECT id FROM clinic_schema_migrations ORDER BY id')).map(
			(r) => r.id,
		);
		expect(ids).toEqual(expect.arrayContaining(['webhook-001']));
		const mode = await a.query<{ journal_mode: string }>('PRAGMA journal_mode');
		expect(mode[0].journal_mode).toBe('wal');
	});

	it('refuses a SQLite file that another machine used recently (queue-mode workers), naming PostgreSQL', async () => {
		const path = join(dir, 'shared.sqlite');
		const first = await openClinicStore(
			{ backend: 'sqlite', path, phi: PHI, opener: { host: 'worker-a' } },
			{ cache: false },
		);
		await first.close();
		await expect(
			openClinicStore({ backend: 'sqlite', path, phi: PHI, opener: { host: 'worker-b' } }, { cache: false }),
		).rejects.toThrow(
			/SQLite cannot be shared by queue-mode workers on different machines — use PostgreSQL.*"worker-a"/,
		);
		// The same host again is fine.
		const again = await openClinicStore(
			{ backend: 'sqlite', path, phi: PHI, opener: { host: 'worker-a' } },
			{ cache: false },
		);
		await again.close();
	});

	it('refuses an edited migration and leaves the database as it was', async () => {
		const store = await openClinicStore(
			{ backend: 'sqlite', path: join(dir, 'm.sqlite'), phi: PHI },
			{ cache: false },
		);
		const m = {
			id: 'unit-edit-001',
			module: 'unit',
			sqlite: 'CREATE TABLE u1 (id INTEGER)',
			postgres: 'CREATE TABLE u1 (id INTEGER)',
		};
		expect(await applyMigrations(store, [m])).toEqual(['unit-edit-001']);
		expect(await applyMigrations(store, [m])).toEqual([]);
		await expect(applyMigrations(store, [{ ...m, sqlite: 'CREATE TABLE u2 (id INTEGER)' }])).rejects.toThrow(
			/differs from the version already applied.*add a new migration/,
		);
		expect(await store.query("SELECT name FROM sqlite_master WHERE name = 'u2'")).toHaveLength(0);
		await store.close();
	});

	it('a failing migration rolls back completely (no half-applied schema, not recorded)', async () => {
		const store = await openClinicStore(
			{ backend: 'sqlite', path: join(dir, 'f.sqlite'), phi: PHI },
			{ cache: false },
		);
		const bad = {
			id: 'unit-bad-001',
			module: 'unit',
			sqlite: 'CREATE TABLE okay (id INTEGER); CREATE TABLE broken (',
			postgres: 'x',
		};
		await expect(applyMigrations(store, [bad])).rejects.toThrow();
		expect(await store.query("SELECT name FROM sqlite_master WHERE name = 'okay'")).toHaveLength(0);
		expect(
			await store.query("SELECT id FROM clinic_schema_migrations WHERE id = 'unit-bad-001'"),
		).toHaveLength(0);
		await store.close();
	});

	it('explains a missing file path or host', async () => {
		await expect(openClinicStore({ backend: 'sqlite', path: '', phi: PHI })).rejects.toThrow(
			/SQLite file path is empty/,
		);
		await expect(openClinicStore({ backend: 'postgres', phi: PHI })).rejects.toThrow(
			/PostgreSQL host is empty/,
		);
	});
});
