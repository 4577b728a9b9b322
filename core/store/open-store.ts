/**
 * `openClinicStore(config)`: builds the backend, applies every registered migration (again whenever new ones were
 * registered), checks the configured PHI keys against the store's key metadata (phi-keyring.ts) and caches one store
 * per distinct configuration in this process. The store's cipher works only after those checks passed.
 */
import { createHash } from 'node:crypto';

import { applyMigrations, getRegistryVersion } from './migrations';
import { openPhiKeyring } from './phi-keyring';
import type { ClinicStore, ClinicStoreConfig, PhiCipher, PhiPlace } from './ports';
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

/** The store's cipher: unusable until the configured keys were checked against the store (`openClinicStore`). */
class CheckedCipher implements PhiCipher {
	private inner?: PhiCipher;

	set(cipher: PhiCipher): void {
		this.inner = cipher;
	}

	private get c(): PhiCipher {
		if (!this.inner)
			throw new Error(
				'The clinic store is not open yet: use openClinicStore(), which checks the PHI keys first',
			);
		return this.inner;
	}

	get keyId(): string {
		return this.c.keyId;
	}
	encrypt(plain: string, place: PhiPlace): string {
		return this.c.encrypt(plain, place);
	}
	decrypt(ciphertext: string, place: PhiPlace): string {
		return this.c.decrypt(ciphertext, place);
	}
	digest(value: string): string {
		return this.c.digest(value);
	}
	lookupDigests(value: string): string[] {
		return this.c.lookupDigests(value);
	}
	isCurrent(ciphertext: string): boolean {
		return this.c.isCurrent(ciphertext);
	}
	keyIds(): string[] {
		return this.c.keyIds();
	}
}

const pending = new WeakMap<ClinicStore, { cipher: CheckedCipher; config: ClinicStoreConfig }>();

/**
 * Builds a store without caching, migrations or key checks (tools). Its cipher refuses to work until the store went
 * through openClinicStore's checks; use openClinicStore.
 */
export function createClinicStore(config: ClinicStoreConfig): ClinicStore {
	const store = buildStore(config, new CheckedCipher());
	pending.set(store, { cipher: store.cipher as CheckedCipher, config });
	return store;
}

function buildStore(config: ClinicStoreConfig, cipher: CheckedCipher): ClinicStore {
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
	const keys = pending.get(store);
	if (keys) {
		keys.cipher.set(await openPhiKeyring(store, keys.config.phi));
		pending.delete(store);
	}
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
