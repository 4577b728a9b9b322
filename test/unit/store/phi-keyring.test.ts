import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import type { NewConsentEvent } from '../../../core/consent/repositories/port';
import { closeAllClinicStores, openClinicStore, PhiKeyError } from '../../../core/store';
import type { ClinicStore, PhiKeyConfig, SqliteStoreConfig } from '../../../core/store/ports';
import { FIXTURE, v1Digest, v1Encrypt } from './legacy-v1';

const A = 'the first clinic passphrase';
const B = 'a completely different passphrase';
const PATIENT = { phone: '+5511987654321', userId: null };

/** Fast scrypt for tests (the production cost is checked in phi-kdf.test.ts). */
const phi = (p: Omit<PhiKeyConfig, 'testOnlyScryptLog2N'>): PhiKeyConfig => ({
	...p,
	testOnlyScryptLog2N: 10,
});

/** Edits the SQLite file directly and removes the key metadata, as a store written by an older version has none. */
function asBefore(path: string, edit: (db: DatabaseSync) => void): void {
	const db = new DatabaseSync(path);
	try {
		edit(db);
		db.exec('DELETE FROM clinic_phi_keys; DELETE FROM clinic_store_meta;');
	} finally {
		db.close();
	}
}

const optOut = (id: string): NewConsentEvent => ({
	action: 'opt_out',
	purpose: '*',
	expiresAt: null,
	evidence: {
		sourceMessageId: id,
		textShown: 'PARAR',
		channel: 'whatsapp',
		timestamp: 1_700_000_000_000,
		actor: { workflowId: 'w', executionId: 'e', node: 'n' },
		keyword: 'PARAR',
	},
});

describe('PHI key checks when the store opens (item 1)', () => {
	let dir: string;
	let n = 0;
	const fresh = () => join(dir, `store-${++n}.sqlite`);
	const open = async (path: string, p: PhiKeyConfig) =>
		await openClinicStore({ backend: 'sqlite', path, phi: p } as SqliteStoreConfig, { cache: false });
	const withStore = async <T>(path: string, p: PhiKeyConfig, fn: (s: ClinicStore) => Promise<T>) => {
		const s = await open(path, p);
		try {
			return await fn(s);
		} finally {
			await s.close();
		}
	};

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'wac-keyring-'));
	});
	afterEach(async () => {
		await closeAllClinicStores();
		rmSync(dir, { recursive: true, force: true });
	});

	it('a changed key under the same key ID is refused with the fix, instead of silently losing an opt-out', async () => {
		const path = fresh();
		await withStore(path, phi({ key: A, keyId: 'k1' }), async (s) => {
			await new SqlConsentRepository(s).append(PATIENT, [optOut('wamid.1')], 1_700_000_000_000);
		});
		const err = await open(path, phi({ key: B, keyId: 'k1' })).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(PhiKeyError);
		expect(err).toMatchObject({
			code: 'phi_key_mismatch',
			field: 'PHI Encryption Key',
			kind: 'config',
			message:
				'This PHI key does not match the data stored under key ID "k1"; restore it or add it under Previous Keys',
			hint: expect.stringMatching(/new PHI Key ID.*Previous Keys/),
		});
		// The right key still finds the opt-out.
		const events = await withStore(path, phi({ key: A, keyId: 'k1' }), async (s) =>
			new SqlConsentRepository(s).loadEvents([PATIENT]),
		);
		expect(events[0]).toEqual([expect.objectContaining({ action: 'opt_out' })]);
	});

	it('a wrong previous key is refused naming Previous Keys; the right one reads and finds the old rows', async () => {
		const path = fresh();
		await withStore(path, phi({ key: A, keyId: 'k1' }), async (s) => {
			await new SqlConsentRepository(s).append(PATIENT, [optOut('wamid.1')], 1_700_000_000_000);
		});
		await expect(
			open(path, phi({ key: B, keyId: 'k2', previousKeys: [{ keyId: 'k1', key: `${A}!` }] })),
		).rejects.toMatchObject({ code: 'phi_key_mismatch', field: 'Previous Keys' });
		const history = await withStore(
			path,
			phi({ key: B, keyId: 'k2', previousKeys: [{ keyId: 'k1', key: A }] }),
			async (s) => await new SqlConsentRepository(s).history(PATIENT),
		);
		expect(history.events.map((e) => e.evidence.textShown)).toEqual(['PARAR']);
	});

	it('removing a key that rows still depend on is refused with the number of rows; a key nothing uses retires', async () => {
		const path = fresh();
		await withStore(path, phi({ key: A, keyId: 'k1' }), async (s) => {
			const repo = new SqlConsentRepository(s);
			await repo.append(PATIENT, [optOut('wamid.1'), optOut('wamid.2')], 1_700_000_000_000);
			await repo.append({ phone: '+5511900000000', userId: null }, [optOut('wamid.3')], 1_700_000_000_000);
		});
		const err = await open(path, phi({ key: B, keyId: 'k2' })).catch((e: unknown) => e);
		expect(err).toMatchObject({
			code: 'phi_key_missing',
			field: 'Previous Keys',
			message:
				'PHI key ID "k1" is no longer in the Clinic Store credential, but 5 stored rows still depend on it (2 consent patients, 3 consent events)',
			hint: expect.stringMatching(/Add the key with ID "k1" back under Previous Keys.*Rotate Keys/),
		});
		// A key ID that never encrypted anything can be dropped; it is recorded as retired.
		const empty = fresh();
		await withStore(
			empty,
			phi({ key: A, keyId: 'k1', previousKeys: [{ keyId: 'k0', key: B }] }),
			async () => {},
		);
		await withStore(empty, phi({ key: A, keyId: 'k1' }), async (s) => {
			const rows = await s.query<{ key_id: string; retired_at: string | null }>(
				'SELECT key_id, retired_at FROM clinic_phi_keys ORDER BY key_id',
			);
			expect(rows).toEqual([
				{ key_id: 'k0', retired_at: expect.any(String) },
				{ key_id: 'k1', retired_at: null },
			]);
		});
		// Retired keys are still checked when they come back.
		await expect(
			open(empty, phi({ key: A, keyId: 'k1', previousKeys: [{ keyId: 'k0', key: `${B}?` }] })),
		).rejects.toMatchObject({ code: 'phi_key_mismatch' });
	});

	it('every store gets its own random salt: the same passphrase gives different digests in two installations (item 9)', async () => {
		const [p1, p2] = [fresh(), fresh()];
		const digests = await Promise.all(
			[p1, p2].map(async (path) =>
				withStore(path, phi({ key: A, keyId: 'k1' }), async (s) => {
					const [meta] = await s.query<{ value: string }>(
						"SELECT value FROM clinic_store_meta WHERE name = 'phi_salt'",
					);
					expect(Buffer.from(meta.value, 'base64')).toHaveLength(16);
					const [key] = await s.query<{ kdf: string }>('SELECT kdf FROM clinic_phi_keys');
					expect(JSON.parse(key.kdf)).toEqual({ name: 'scrypt', log2N: 10, r: 8, p: 1, salt: meta.value });
					return s.cipher.digest('5511987654321');
				}),
			),
		);
		expect(digests[0]).not.toBe(digests[1]);
	});

	it('without the test-only option a new passphrase key is recorded with N = 2^17', async () => {
		const path = fresh();
		await withStore(path, { key: A, keyId: 'k1' }, async (s) => {
			const [key] = await s.query<{ kdf: string }>('SELECT kdf FROM clinic_phi_keys');
			expect(JSON.parse(key.kdf)).toMatchObject({ name: 'scrypt', log2N: 17, r: 8, p: 1 });
		});
	});

	it('a store from before key metadata keeps working: its keys are checked against their data and recorded', async () => {
		const path = fresh();
		// Build a store as older versions left it: v1 ciphertexts, legacy digests, no key metadata.
		await withStore(path, phi({ key: 'ab'.repeat(32), keyId: 'setup' }), async () => {});
		const { passphrase: key, passKeyId: id } = FIXTURE;
		asBefore(path, (db) => {
			db.prepare(
				'INSERT INTO consent_subject (id, phone_digest, phone_enc, created_at, updated_at) VALUES (1, ?, ?, 0, 0)',
			).run(v1Digest(key, id, PATIENT.phone), v1Encrypt(key, id, PATIENT.phone));
			db.prepare(
				"INSERT INTO consent_event (subject_id, action, purpose, recorded_at, evidence_at, channel, text_enc) VALUES (1, 'opt_out', '*', 1, 1, 'whatsapp', ?)",
			).run(v1Encrypt(key, id, 'PARAR'));
		});
		const legacyConfig = phi({ key: FIXTURE.passphrase, keyId: FIXTURE.passKeyId });
		await expect(open(path, phi({ key: B, keyId: FIXTURE.passKeyId }))).rejects.toMatchObject({
			code: 'phi_key_mismatch',
		});
		await withStore(path, legacyConfig, async (s) => {
			const repo = new SqlConsentRepository(s);
			expect((await repo.loadEvents([PATIENT]))[0]).toEqual([expect.objectContaining({ action: 'opt_out' })]);
			expect((await repo.history(PATIENT)).events[0].evidence.textShown).toBe('PARAR');
			const [row] = await s.query<{ kdf: string; legacy_kdf: string }>(
				'SELECT kdf, legacy_kdf FROM clinic_phi_keys WHERE key_id = $1',
				[FIXTURE.passKeyId],
			);
			expect(JSON.parse(row.legacy_kdf)).toEqual({ name: 'scrypt', log2N: 14, r: 8, p: 1, salt: 'legacy' });
			expect(JSON.parse(row.kdf)).toMatchObject({ name: 'scrypt', log2N: 10 });
		});
		// Data under a key ID the credential never had (changed before this version) is found on the first open.
		asBefore(path, () => undefined);
		await expect(open(path, phi({ key: A, keyId: 'k-new' }))).rejects.toMatchObject({
			code: 'phi_key_missing',
			message: expect.stringContaining(`"${FIXTURE.passKeyId}"`),
		});
	});
});
