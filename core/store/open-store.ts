/**
 * `openClinicStore(config)`: builds the backend, applies every registered migration (again whenever new ones were
 * registered), and caches one store per distinct configuration in this process.
 */
import { createHash } from 'node:crypto';

import { applyMigrations, getRegistryVersion } from './migrations';
import { createPhiCipher } from './phi-cipher';
import type { ClinicStore, ClinicStoreConfig } from './ports';
import { PostgresClinicStore } from './postgres';
import { SqliteClinicStore } from './sqlite';
import { settle } from '../settle';
// Core modules whose tables the store always carries.
import '../webhook/dedup/processed-events';

interface CacheEntry {
	store: Promise<ClinicStore>;
	migratedVersion: number;
	migrating?: Promise<void>;
	lastOpenerCheck: number;
}

const cache = new Map<string, CacheEntry>();
const OPENER_REFRESH_MS = 60 * 1000;

function cacheKey(config: ClinicStoreConfig): string {
	// Secrets only enter the key through a hash.
	return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/** Builds a store without caching or migrations (tests, tools). */
export function createClinicStore(config: ClinicStoreConfig): ClinicStore {
	const cipher = createPhiCipher(config.phi);
	if (config.backend === 'sqlite') {
		if (!config.path)
			throw new Error('SQLite file path is empty: set "SQLite File" in the Clinic Store credential');
		return new SqliteClinicStore(config, cipher);
	}
	if (config.backend === 'postgres') {
		if (!config.connectionString && !config.host)
			throw new Error('PostgreSQL host is empty: set "Host" in the Clinic Store credential');
		return new PostgresClinicStore(config, cipher);
	}
	throw new Error(
		`Unknown clinic store backend "${(config as { backend: string }).backend}": use sqlite or postgres`,
	);
}

async function prepare(store: ClinicStore): Promise<void> {
	if (store instanceof SqliteClinicStore) await store.checkSharedFile();
	await applyMigrations(store);
}

async function prepareOrClose(store: ClinicStore): Promise<ClinicStore> {
	const res = await settle(async () => await prepare(store));
	if (!res.ok) {
		await store.close().catch(() => undefined);
		throw res.error;
	}
	return store;
}

/** Opens (or reuses) the store for `config`, with all registered migrations applied. */
export async function openClinicStore(
	config: ClinicStoreConfig,
	options: { cache?: boolean } = {},
): Promise<ClinicStore> {
	if (options.cache === false) {
		return await prepareOrClose(createClinicStore(config));
	}
	const key = cacheKey(config);
	let entry = cache.get(key);
	if (!entry) {
		const version = getRegistryVersion();
		const created: CacheEntry = {
			store: (async () => await prepareOrClose(createClinicStore(config)))(),
			migratedVersion: version,
			lastOpenerCheck: Date.now(),
		};
		entry = created;
		cache.set(key, created);
		created.store.catch(() => {
			if (cache.get(key) === created) cache.delete(key);
		});
		return created.store;
	}
	const store = await entry.store;
	const current = entry;
	if (current.migratedVersion !== getRegistryVersion()) {
		if (!current.migrating) {
			const version = getRegistryVersion();
			current.migrating = applyMigrations(store)
				.then(() => {
					current.migratedVersion = version;
				})
				.finally(() => {
					current.migrating = undefined;
				});
		}
		await current.migrating;
	}
	if (store instanceof SqliteClinicStore && Date.now() - current.lastOpenerCheck > OPENER_REFRESH_MS) {
		current.lastOpenerCheck = Date.now();
		await store.checkSharedFile();
	}
	return store;
}

/** Closes every cached store (tests, shutdown). */
export async function closeAllClinicStores(): Promise<void> {
	const entries = [...cache.values()];
	cache.clear();
	await Promise.all(entries.map(async (e) => (await e.store.catch(() => undefined))?.close()));
}
