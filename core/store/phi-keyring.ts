/**
 * The store's PHI key metadata and the checks made every time a store is opened, before any PHI is read or written:
 *
 * - `clinic_store_meta.phi_salt`: the store's random scrypt salt (16 bytes, made on first open).
 * - `clinic_phi_keys`: one row per key ID ever used in this store: its derivation (`kdf`, JSON KdfSpec), a key check
 *   value, and `legacy_kdf` when data in the old v1 format (made with that older derivation) may still exist.
 *
 * On open, every configured key must produce its recorded check value: a changed key under the same ID fails with
 * PhiKeyError instead of silently writing digests nobody can find again (an opt-out that stops counting). A key ID
 * the credential no longer has, while rows still depend on it, fails with the number of such rows. A key ID seen
 * for the first time is checked against one of its stored ciphertexts when there are any (stores from before this
 * metadata), then recorded.
 */
import { randomBytes } from 'node:crypto';

import { registerMigrations } from './migrations';
import { createPhiCipher, type PhiKeyMaterial } from './phi-cipher';
import { describeUsage, keyUsage, sampleCiphertext } from './phi-columns';
import { PhiKeyError, duplicateKeyId } from './phi-errors';
import {
	LEGACY_SCRYPT,
	checkKeyId,
	classifyKey,
	deriveRootKey,
	keyCheckValue,
	keyMismatch,
	newKdfSpec,
	parseKdfSpec,
	sameCheckValue,
	type KdfSpec,
} from './phi-kdf';
import type { ClinicStore, PhiCipher, PhiKeyConfig } from './ports';

const META = 'CREATE TABLE IF NOT EXISTS clinic_store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)';
const KEYS = `CREATE TABLE IF NOT EXISTS clinic_phi_keys (
	key_id TEXT PRIMARY KEY,
	kdf TEXT NOT NULL,
	check_value TEXT NOT NULL,
	legacy_kdf TEXT,
	created_at TEXT NOT NULL,
	retired_at TEXT
)`;

registerMigrations('store', [{ id: 'store-001', sqlite: `${META};${KEYS}`, postgres: `${META};${KEYS}` }]);

interface KeyRow {
	key_id: string;
	kdf: string;
	check_value: string;
	legacy_kdf: string | null;
	retired_at: string | null;
}

interface Configured {
	keyId: string;
	key: string;
	current: boolean;
}

const INVENTORY = 'phi_inventory';

export async function readMeta(store: ClinicStore, name: string): Promise<string | null> {
	const [row] = await store.query<{ value: string }>('SELECT value FROM clinic_store_meta WHERE name = $1', [
		name,
	]);
	return row ? row.value : null;
}

/** Sets `name` unless it is set already; returns the value that holds. */
async function ensureMeta(store: ClinicStore, name: string, value: string): Promise<string> {
	await store.query(
		'INSERT INTO clinic_store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
		[name, value],
	);
	return (await readMeta(store, name)) ?? value;
}

async function readKeyRows(store: ClinicStore): Promise<Map<string, KeyRow>> {
	const rows = await store.query<KeyRow>(
		'SELECT key_id, kdf, check_value, legacy_kdf, retired_at FROM clinic_phi_keys',
	);
	return new Map(rows.map((r) => [r.key_id, r]));
}

function configuredKeys(phi: PhiKeyConfig): Configured[] {
	checkKeyId(phi.keyId);
	const out: Configured[] = [{ keyId: phi.keyId, key: phi.key, current: true }];
	for (const prev of phi.previousKeys ?? []) {
		if (!prev.key) continue;
		checkKeyId(prev.keyId, 'Previous Keys');
		if (out.some((k) => k.keyId === prev.keyId)) throw duplicateKeyId(prev.keyId);
		out.push({ keyId: prev.keyId, key: prev.key, current: false });
	}
	// Malformed keys fail before any database work.
	for (const k of out) classifyKey(k.key, k.keyId);
	return out;
}

/** The derivation v1 data of this key was made with: the old scrypt for passphrases, the bytes themselves for raw keys. */
function legacySpecFor(k: Configured): KdfSpec {
	return classifyKey(k.key, k.keyId).kind === 'raw' ? { name: 'raw' } : LEGACY_SCRYPT;
}

async function checkedMaterial(store: ClinicStore, k: Configured, row: KeyRow): Promise<PhiKeyMaterial> {
	const root = await deriveRootKey(k.key, k.keyId, parseKdfSpec(row.kdf, k.keyId)).catch((error) => {
		throw error instanceof PhiKeyError && error.code === 'phi_key_mismatch'
			? keyMismatch(k.keyId, k.current)
			: error;
	});
	if (!sameCheckValue(keyCheckValue(root), row.check_value)) throw keyMismatch(k.keyId, k.current);
	const legacyRoot = row.legacy_kdf
		? await deriveRootKey(k.key, k.keyId, parseKdfSpec(row.legacy_kdf, k.keyId))
		: undefined;
	if (row.retired_at !== null)
		await store.query('UPDATE clinic_phi_keys SET retired_at = NULL WHERE key_id = $1', [k.keyId]);
	return { keyId: k.keyId, root, legacyRoot };
}

/** First use of a key ID in this store: check it against its data (stores from before key metadata), record it. */
async function adoptKey(
	store: ClinicStore,
	k: Configured,
	salt: string,
	testOnlyLog2N: number | undefined,
	now: string,
): Promise<PhiKeyMaterial> {
	const spec = newKdfSpec(k.key, k.keyId, salt, testOnlyLog2N);
	const root = await deriveRootKey(k.key, k.keyId, spec);
	const v1 = await sampleCiphertext(store, `v1:${k.keyId}:`);
	const legacySpec = v1 ? legacySpecFor(k) : null;
	const legacyRoot = legacySpec ? await deriveRootKey(k.key, k.keyId, legacySpec) : undefined;
	const sample = v1 ?? (await sampleCiphertext(store, `v2:${k.keyId}:`));
	if (sample) {
		const probe = createPhiCipher({ keyId: k.keyId, root, legacyRoot });
		try {
			probe.decrypt(sample.ciphertext, sample);
		} catch {
			throw keyMismatch(k.keyId, k.current);
		}
	}
	await store.query(
		'INSERT INTO clinic_phi_keys (key_id, kdf, check_value, legacy_kdf, created_at) VALUES ($1, $2, $3, $4, $5) ' +
			'ON CONFLICT (key_id) DO NOTHING',
		[k.keyId, JSON.stringify(spec), keyCheckValue(root), legacySpec ? JSON.stringify(legacySpec) : null, now],
	);
	// Another process may have recorded this key ID first: its record is the one that holds.
	const row = (await readKeyRows(store)).get(k.keyId);
	if (!row) throw new Error(`Could not record PHI key id "${k.keyId}" in the clinic store`);
	return await checkedMaterial(store, k, row);
}

/** Refuses when rows depend on a key ID the credential no longer has; retires recorded key IDs nothing uses. */
async function checkNothingDependsOnRemovedKeys(
	store: ClinicStore,
	configured: ReadonlySet<string>,
	rows: Map<string, KeyRow>,
	now: string,
): Promise<void> {
	const removed = [...rows.values()].filter((r) => !configured.has(r.key_id) && r.retired_at === null);
	if (!removed.length && (await readMeta(store, INVENTORY)) !== null) return;
	const missing = (await keyUsage(store)).filter((u) => !configured.has(u.keyId));
	if (missing.length) {
		const keyId = missing[0].keyId;
		const usage = missing.filter((u) => u.keyId === keyId);
		const total = usage.reduce((n, u) => n + u.rows, 0);
		throw new PhiKeyError(
			`PHI key ID "${keyId}" is no longer in the Clinic Store credential, but ${total} stored row${total === 1 ? '' : 's'} still depend on it (${describeUsage(usage)})`,
			keyId,
			{
				code: 'phi_key_missing',
				field: 'Previous Keys',
				hint: `Add the key with ID "${keyId}" back under Previous Keys. To retire it, keep it there, run the Audit Log node's Rotate Keys operation until it reports nothing under "${keyId}", then remove it. Nothing was changed.`,
			},
		);
	}
	for (const r of removed)
		await store.query('UPDATE clinic_phi_keys SET retired_at = $1 WHERE key_id = $2', [now, r.key_id]);
	await ensureMeta(store, INVENTORY, now);
}

/**
 * Checks the configured PHI keys against the store (see the file comment) and returns the cipher for them.
 * Migrations must be applied first (`store-001`).
 */
export async function openPhiKeyring(
	store: ClinicStore,
	phi: PhiKeyConfig,
	clock: () => Date = () => new Date(),
): Promise<PhiCipher> {
	const keys = configuredKeys(phi);
	const now = clock().toISOString();
	const salt = await ensureMeta(store, 'phi_salt', randomBytes(16).toString('base64'));
	const rows = await readKeyRows(store);
	const materials: PhiKeyMaterial[] = [];
	for (const k of keys) {
		const row = rows.get(k.keyId);
		materials.push(
			row
				? await checkedMaterial(store, k, row)
				: await adoptKey(store, k, salt, phi.testOnlyScryptLog2N, now),
		);
	}
	await checkNothingDependsOnRemovedKeys(store, new Set(keys.map((k) => k.keyId)), rows, now);
	return createPhiCipher(materials[0], materials.slice(1));
}

/** After a rotation: key IDs whose v1 data is gone no longer need their old derivation. */
export async function forgetLegacyDerivations(
	store: ClinicStore,
	v1KeyIdsInUse: ReadonlySet<string>,
): Promise<void> {
	const rows = await readKeyRows(store);
	for (const r of rows.values()) {
		if (r.legacy_kdf !== null && !v1KeyIdsInUse.has(r.key_id))
			await store.query('UPDATE clinic_phi_keys SET legacy_kdf = NULL WHERE key_id = $1', [r.key_id]);
	}
}
