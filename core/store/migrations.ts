/**
 * Migration registry + runner. Modules register their migrations at import time from `core/<module>/schema.ts`:
 *
 *   registerMigrations('consent', [{ id: 'consent-001', sqlite: 'CREATE TABLE …', postgres: 'CREATE TABLE …' }]);
 *
 * `openClinicStore()` applies every registered migration that the database has not seen yet, in registration order,
 * inside one locked transaction (Postgres advisory lock, SQLite `BEGIN IMMEDIATE`), so concurrent executions and
 * processes starting together apply each migration exactly once. Applied ids and checksums live in
 * `clinic_schema_migrations`; editing an applied migration is refused with a clear error.
 */
import { createHash } from 'node:crypto';

import { settle } from '../settle';
import type { ClinicStore, Migration, SqlTx } from './ports';

interface Registered extends Migration {
	module: string;
}

const registry: Registered[] = [];
let registryVersion = 0;

export const MIGRATION_LOCK_KEY = 'clinic-store:migrations';

/** Registers (idempotently) the migrations of one module. Ids must be unique across modules. */
export function registerMigrations(module: string, migrations: readonly Migration[]): void {
	for (const m of migrations) {
		if (!m.id || !m.sqlite || !m.postgres)
			throw new Error(`Migration of module "${module}" needs id, sqlite and postgres SQL`);
		const existing = registry.find((r) => r.id === m.id);
		if (existing) {
			if (existing.module !== module || existing.sqlite !== m.sqlite || existing.postgres !== m.postgres) {
				throw new Error(
					`Migration id "${m.id}" is registered twice with different content (modules ${existing.module}, ${module})`,
				);
			}
			continue;
		}
		registry.push({ ...m, module });
		registryVersion++;
	}
}

/** Increases whenever a migration is registered: stores re-run `applyMigrations` when it changed. */
export function getRegistryVersion(): number {
	return registryVersion;
}

export function getRegisteredMigrations(): readonly Registered[] {
	return registry;
}

function checksum(m: Migration): string {
	return createHash('sha256').update(`${m.sqlite}\u0000${m.postgres}`).digest('hex').slice(0, 16);
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS clinic_schema_migrations (
	id TEXT PRIMARY KEY,
	module TEXT NOT NULL,
	checksum TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`;

/** Applies pending migrations; returns the ids applied by this call. Safe to call concurrently from many processes. */
export async function applyMigrations(
	store: ClinicStore,
	migrations: readonly Registered[] = registry,
): Promise<string[]> {
	if (!migrations.length) return [];
	// The table itself is created outside the lock; IF NOT EXISTS makes the race harmless.
	// Two Postgres sessions racing on CREATE TABLE IF NOT EXISTS can hit a unique violation on pg_type; the table
	// exists afterwards either way.
	const created = await settle(async () => await store.exec(CREATE_TABLE));
	if (!created.ok && !/already exists|duplicate key/i.test((created.error as Error).message))
		throw created.error;
	const known = await store.query<{ id: string }>('SELECT id FROM clinic_schema_migrations');
	const knownIds = new Set(known.map((r) => r.id));
	if (migrations.every((m) => knownIds.has(m.id))) {
		await checkChecksums(store, migrations);
		return [];
	}
	return store.transaction(
		async (tx: SqlTx) => {
			const rows = await tx.query<{ id: string; checksum: string }>(
				'SELECT id, checksum FROM clinic_schema_migrations',
			);
			const applied = new Map(rows.map((r) => [r.id, r.checksum]));
			const done: string[] = [];
			for (const m of migrations) {
				const sum = checksum(m);
				const prior = applied.get(m.id);
				if (prior !== undefined) {
					if (prior !== sum) throw changedError(m);
					continue;
				}
				await tx.exec(tx.dialect === 'sqlite' ? m.sqlite : m.postgres);
				await tx.query(
					'INSERT INTO clinic_schema_migrations (id, module, checksum, applied_at) VALUES ($1, $2, $3, $4)',
					[m.id, m.module, sum, new Date().toISOString()],
				);
				done.push(m.id);
			}
			return done;
		},
		{ lockKey: MIGRATION_LOCK_KEY },
	);
}

async function checkChecksums(store: ClinicStore, migrations: readonly Registered[]): Promise<void> {
	const rows = await store.query<{ id: string; checksum: string }>(
		'SELECT id, checksum FROM clinic_schema_migrations',
	);
	const applied = new Map(rows.map((r) => [r.id, r.checksum]));
	for (const m of migrations) {
		const prior = applied.get(m.id);
		if (prior !== undefined && prior !== checksum(m)) throw changedError(m);
	}
}

function changedError(m: Registered): Error {
	return new Error(
		`Clinic store migration "${m.id}" (module ${m.module}) differs from the version already applied to this database. ` +
			'Released migrations must never change: add a new migration instead.',
	);
}
