/** Shared clinic-store contract: the same tests against SQLite and a real PostgreSQL. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { appendAuditEntries, verifyAuditChain } from '../../../core/audit';
import { closeAllClinicStores, openClinicStore, registerMigrations } from '../../../core/store';
import type { ClinicStore } from '../../../core/store/ports';
import { createProcessedEventStore } from '../../../core/webhook/dedup/processed-events';
import { describeEachBackend } from './backends';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
let workerJs = '';
let workerDir = '';

beforeAll(() => {
	// Bundle the worker once (esbuild ships with tsx) so 8 child processes start in ~100 ms each.
	workerDir = mkdtempSync(join(tmpdir(), 'wac-worker-'));
	workerJs = join(workerDir, 'append-worker.js');
	const esbuild = require('esbuild') as typeof import('esbuild');
	esbuild.buildSync({
		entryPoints: [join(__dirname, 'append-worker.ts')],
		bundle: true,
		platform: 'node',
		target: 'node22',
		outfile: workerJs,
		external: ['pg-native'],
		logLevel: 'silent',
	});
});

afterAll(async () => {
	await closeAllClinicStores();
	rmSync(workerDir, { recursive: true, force: true });
});

describeEachBackend('clinic store contract', (backend, name) => {
	let store: ClinicStore;
	beforeEach(async () => {
		store = await openClinicStore(await backend().fresh(), { cache: false });
	});
	afterEach(async () => await store.close());

	it('runs $n placeholders and normalises booleans, dates and big integers the same way', async () => {
		await store.exec(
			'CREATE TABLE t_norm (id INTEGER PRIMARY KEY, flag INTEGER, at TEXT, big BIGINT, note TEXT)',
		);
		await store.query('INSERT INTO t_norm (id, flag, at, big, note) VALUES ($1, $2, $3, $4, $5)', [
			1,
			true,
			new Date('2025-03-01T10:00:00Z'),
			9007199254740991,
			"it's $2 literally",
		]);
		const rows = await store.query<Record<string, unknown>>(
			'SELECT id, flag, at, big, note FROM t_norm WHERE note = $1',
			["it's $2 literally"],
		);
		expect({ ...rows[0] }).toEqual({
			id: 1,
			flag: 1,
			at: '2025-03-01T10:00:00.000Z',
			big: 9007199254740991,
			note: "it's $2 literally",
		});
	});

	it('rolls a failed transaction back completely', async () => {
		await store.exec('CREATE TABLE t_tx (id INTEGER PRIMARY KEY)');
		await expect(
			store.transaction(async (tx) => {
				await tx.query('INSERT INTO t_tx (id) VALUES ($1)', [1]);
				throw new Error('boom');
			}),
		).rejects.toThrow('boom');
		expect(await store.query('SELECT id FROM t_tx')).toHaveLength(0);
		await store.transaction(async (tx) => await tx.query('INSERT INTO t_tx (id) VALUES ($1)', [2]), {
			lockKey: 'k',
		});
		expect((await store.query<{ id: number }>('SELECT id FROM t_tx')).map((r) => r.id)).toEqual([2]);
	});

	it('applies migrations registered after the store was cached, once, and refuses an edited migration', async () => {
		const config = await backend().fresh();
		const cached = await openClinicStore(config);
		// The registry is process-wide: every later store in this process gets this migration too, so it must be
		// idempotent and use its own table name.
		const table = `t_late_${backend().name}_${Date.now()}`;
		const id = `contract-${table}`;
		const ddl = `CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY)`;
		registerMigrations(`contract-${id}`, [{ id, sqlite: ddl, postgres: ddl }]);
		const again = await openClinicStore(config);
		expect(again).toBe(cached);
		await again.query(`INSERT INTO ${table} (id) VALUES ($1)`, [1]);
		const applied = await again.query<{ id: string }>(
			'SELECT id FROM clinic_schema_migrations WHERE id = $1',
			[id],
		);
		expect(applied).toHaveLength(1);
		// A second store on the same database sees it applied and does nothing.
		const other = await openClinicStore(config, { cache: false });
		expect(await other.query(`SELECT id FROM ${table}`)).toHaveLength(1);
		await other.close();
		// Same id, different SQL: refused with a clear message (a released migration must never change).
		expect(() =>
			registerMigrations(`contract-${id}`, [
				{ id, sqlite: 'CREATE TABLE t_late2 (id INTEGER)', postgres: 'CREATE TABLE t_late2 (id INTEGER)' },
			]),
		).toThrow(/registered twice/);
	});

	(name === 'postgres' ? it : it.skip)(
		'survives a connection dropped in the middle of a transaction (Postgres) and stays usable',
		async () => {
			const killer = await openClinicStore(await backend().fresh(), { cache: false });
			await store.exec('CREATE TABLE t_drop (id INTEGER PRIMARY KEY)');
			await expect(
				store.transaction(async (tx) => {
					await tx.query('INSERT INTO t_drop (id) VALUES ($1)', [1]);
					const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
					await killer.query('SELECT pg_terminate_backend($1)', [pid]);
					await new Promise((r) => setTimeout(r, 200)); // the 'error' event arrives while no query runs
					await tx.query('INSERT INTO t_drop (id) VALUES ($1)', [2]);
				}),
			).rejects.toThrow();
			expect(await store.query('SELECT id FROM t_drop')).toHaveLength(0);
			await store.transaction(async (tx) => await tx.query('INSERT INTO t_drop (id) VALUES ($1)', [3]));
			expect((await store.query<{ id: number }>('SELECT id FROM t_drop')).map((r) => r.id)).toEqual([3]);
			await killer.close();
		},
	);

	it('claims webhook event keys once, honours the TTL and release', async () => {
		let now = 1_000_000;
		const { SqlProcessedEventStore } = await import('../../../core/webhook/dedup/processed-events');
		const dedup = new SqlProcessedEventStore(store, () => now);
		expect(await dedup.claim(['wamid.A', 'wamid.B', 'wamid.A'], 60_000)).toEqual([true, true, false]);
		expect(await dedup.claim(['wamid.A', 'wamid.C'], 60_000)).toEqual([false, true]);
		now += 60_001;
		expect(await dedup.claim(['wamid.A'], 60_000)).toEqual([true]);
		await dedup.release(['wamid.C']);
		expect(await dedup.claim(['wamid.C'], 60_000)).toEqual([true]);
		// Parallel claims of the same keys from several executions: each key is granted exactly once.
		const stores = [
			createProcessedEventStore(store),
			createProcessedEventStore(store),
			createProcessedEventStore(store),
		];
		const keys = Array.from({ length: 50 }, (_, i) => `wamid.P${i}`);
		const results = await Promise.all(stores.map(async (s) => await s.claim(keys, 60_000)));
		for (let i = 0; i < keys.length; i++) expect(results.filter((r) => r[i]).length).toBe(1);
	});

	it('keeps one valid chain and applies migrations once with 8 concurrent appender processes', async () => {
		// A raw 32-byte key keeps process start-up cheap (no scrypt).
		const config = { ...(await backend().fresh()), phi: { key: 'ab'.repeat(32), keyId: 'k1' } };
		const workers = 8;
		const rounds = 4;
		const batch = 20;
		const outputs = await Promise.all(
			Array.from({ length: workers }, async (_, w) =>
				run(process.execPath, [workerJs, JSON.stringify(config), String(rounds), String(batch), String(w)], {
					cwd: ROOT,
					timeout: 40_000,
				}),
			),
		);
		for (const o of outputs) expect(o.stdout.trim()).toBe(`ok ${rounds * batch}`);
		const s = await openClinicStore(config, { cache: false });
		const result = await verifyAuditChain(s, { pageSize: 97 });
		expect(result.broken).toBeNull();
		expect(result.valid).toBe(true);
		expect(result.checked).toBe(workers * rounds * batch);
		expect(result.headSeq).toBe(workers * rounds * batch);
		// Each execution's batch is contiguous (one transaction per batch).
		const rows = await s.query<{ seq: number; execution_id: string }>(
			'SELECT seq, execution_id FROM clinic_audit_log ORDER BY seq',
		);
		for (let i = 0; i < rows.length; i += batch) {
			expect(new Set(rows.slice(i, i + batch).map((r) => r.execution_id)).size).toBe(1);
		}
		const migrations = await s.query<{ id: string; n: number }>(
			'SELECT id, COUNT(*) AS n FROM clinic_schema_migrations GROUP BY id',
		);
		expect(migrations.map((m) => m.id)).toEqual(expect.arrayContaining(['audit-001', 'webhook-001']));
		for (const m of migrations) expect(Number(m.n)).toBe(1);
		await s.close();
	}, 60_000);

	it('serialises concurrent in-process appends from separate executions', async () => {
		// Postgres: four separate pools (as four n8n processes would have); SQLite: the process's single connection.
		let stores = [store];
		if (backend().name === 'postgres') {
			const config = await backend().fresh();
			stores = await Promise.all(
				[1, 2, 3, 4].map(async () => await openClinicStore(config, { cache: false })),
			);
		}
		await Promise.all(
			Array.from({ length: 16 }, async (_, i) =>
				appendAuditEntries(stores[i % stores.length], [
					{ direction: 'inbound', messageId: `m${i}a`, content: 'a' },
					{ direction: 'status', messageId: `m${i}b`, details: { status: 'read' } },
				]),
			),
		);
		const result = await verifyAuditChain(stores[0]);
		expect(result.valid).toBe(true);
		expect(result.checked).toBe(32);
		if (stores[0] !== store) await Promise.all(stores.map(async (s) => await s.close()));
	});
});
