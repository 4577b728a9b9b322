/**
 * Rotate Keys on a real store (SQLite; PostgreSQL too with WAC_PG_URL): every table that holds PHI ciphertexts or
 * digests moves to the current key, in resumable batches, beside live writes; the report says what still needs an
 * old key; an old key nothing depends on any more can then be removed from the credential.
 */
import { appendAuditEntries } from '../../../core/audit';
import type { NewConsentEvent } from '../../../core/consent/repositories/port';
import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { closeAllClinicStores, openClinicStore, rotatePhiKeys, summarizeRotation } from '../../../core/store';
import type { ClinicStore, ClinicStoreConfig, PhiKeyConfig } from '../../../core/store/ports';
import { FIXTURE, v1Digest, v1Encrypt } from '../../unit/store/legacy-v1';
import { PHI, describeEachBackend } from './backends';

const K2: PhiKeyConfig = { key: 'cd'.repeat(32), keyId: 'k2', previousKeys: [PHI], testOnlyScryptLog2N: 10 };
const ONLY_K2: PhiKeyConfig = { key: 'cd'.repeat(32), keyId: 'k2', testOnlyScryptLog2N: 10 };
const PATIENTS = [
	{ phone: '+5511911110001', userId: 'BR.1111' },
	{ phone: '+5511911110002', userId: null },
	{ phone: '+5511911110003', userId: null },
];

const event = (id: string, text: string | null): NewConsentEvent => ({
	action: 'opt_out',
	purpose: '*',
	expiresAt: null,
	evidence: {
		sourceMessageId: id,
		textShown: text,
		channel: 'whatsapp',
		timestamp: 1_700_000_000_000,
		actor: { workflowId: 'w', executionId: 'e', node: 'n' },
	},
});

async function seed(store: ClinicStore, withAudit: boolean): Promise<void> {
	const consent = new SqlConsentRepository(store);
	for (const [i, p] of PATIENTS.entries())
		await consent.append(
			p,
			[event(`wamid.${i}a`, 'PARAR'), event(`wamid.${i}b`, null)],
			1_700_000_000_000 + i,
		);
	const bookings = new SqlBookingRepository(store);
	for (const id of ['b-1', 'b-2']) {
		await bookings.insertIfFree(
			{
				id,
				practitionerId: 'dr-a',
				serviceId: 'consult',
				startMs: id === 'b-1' ? 1_800_000_000_000 : 1_800_000_900_000,
				endMs: (id === 'b-1' ? 1_800_000_000_000 : 1_800_000_900_000) + 600_000,
				status: 'booked',
				patient: {
					name: 'Maria Silva',
					phone: PATIENTS[0].phone,
					email: 'maria@example.com',
					reference: 'MRN-1',
				},
				notes: 'first visit',
				createdAtMs: 1,
				updatedAtMs: 1,
			},
			0,
		);
	}
	if (withAudit)
		await appendAuditEntries(store, [
			{ direction: 'inbound', event: 'message.received', patientPhone: PATIENTS[0].phone, content: 'PARAR' },
			{ direction: 'outbound', event: 'message.sent', patientPhone: PATIENTS[1].phone, content: 'Lembrete' },
		]);
}

describeEachBackend('Rotate Keys', (backend) => {
	let config: ClinicStoreConfig;
	const open = async (phi: PhiKeyConfig) => await openClinicStore({ ...config, phi }, { cache: false });
	const using = async <T>(phi: PhiKeyConfig, fn: (s: ClinicStore) => Promise<T>) => {
		const s = await open(phi);
		try {
			return await fn(s);
		} finally {
			await s.close();
		}
	};

	beforeEach(async () => {
		config = await backend().fresh();
	});
	afterAll(async () => await closeAllClinicStores());

	it('moves consent and booking rows to the current key in resumable batches; sealed audit rows are reported', async () => {
		await using(PHI, async (s) => await seed(s, true));
		await using(K2, async (s) => {
			const first = await rotatePhiKeys(s, { batchSize: 2, maxRows: 3 });
			expect(first.finished).toBe(false);
			expect(first.rotated.reduce((n, r) => n + r.rows, 0)).toBe(3);
			const rest = await rotatePhiKeys(s, { batchSize: 2 });
			expect(rest).toMatchObject({
				currentKeyId: 'k2',
				finished: true,
				skippedCount: 0,
				keyIdsStillNeeded: ['test-2025'],
				removableKeyIds: [],
			});
			const total = (r: typeof first, t: string) => r.rotated.find((x) => x.table === t)?.rows ?? 0;
			expect(total(first, 'consent_subject') + total(rest, 'consent_subject')).toBe(3);
			expect(total(first, 'consent_event') + total(rest, 'consent_event')).toBe(3); // events with text only
			expect(total(rest, 'clinic_bookings')).toBe(2);
			expect(rest.remaining).toEqual([
				expect.objectContaining({
					table: 'clinic_audit_log',
					keyId: 'test-2025',
					version: 'v2',
					rows: 2,
					sealed: true,
				}),
			]);
			// Every ciphertext is v2 under k2 and every digest is k2's.
			const subjects = await s.query<{
				id: number;
				phone_digest: string;
				phone_enc: string;
				bsuid_enc: string | null;
			}>('SELECT id, phone_digest, phone_enc, bsuid_enc FROM consent_subject ORDER BY id');
			for (const [i, row] of subjects.entries()) {
				expect(row.phone_enc).toMatch(/^v2:k2:/);
				expect(row.phone_digest).toBe(s.cipher.digest(PATIENTS[i].phone));
			}
			expect(subjects[0].bsuid_enc).toMatch(/^v2:k2:/);
			const bookings = await s.query<{ patient_phone_digest: string; notes_enc: string }>(
				'SELECT patient_phone_digest, notes_enc FROM clinic_bookings',
			);
			expect(bookings.every((b) => b.notes_enc.startsWith('v2:k2:'))).toBe(true);
			expect(bookings.every((b) => b.patient_phone_digest === s.cipher.digest(PATIENTS[0].phone))).toBe(true);
			expect(summarizeRotation(rest)).toContain(
				'2 audit entries under "test-2025": sealed in the tamper-evident chain, never rewritten; keep key "test-2025" under Previous Keys until Purge by Retention has removed them.',
			);
			// Nothing is left to do.
			const idle = await rotatePhiKeys(s);
			expect(idle.rotated).toEqual([]);
			expect(summarizeRotation(idle)).toMatch(
				/^Nothing needed rewriting under key "k2"\. Every row that can be rewritten/,
			);
		});
		// The audit log still needs the old key, so it cannot be removed yet.
		await expect(open(ONLY_K2)).rejects.toMatchObject({
			code: 'phi_key_missing',
			message: expect.stringContaining('2 audit entries'),
		});
	});

	it('after a finished rotation the old key can be removed: everything reads and is found with the new key alone', async () => {
		await using(PHI, async (s) => await seed(s, false));
		await expect(open(ONLY_K2)).rejects.toMatchObject({
			code: 'phi_key_missing',
			message: expect.stringContaining('3 consent patients, 3 consent events, 2 bookings'),
		});
		const report = await using(K2, async (s) => await rotatePhiKeys(s));
		expect(report).toMatchObject({
			finished: true,
			remaining: [],
			keyIdsStillNeeded: [],
			removableKeyIds: ['test-2025'],
		});
		await using(ONLY_K2, async (s) => {
			const consent = new SqlConsentRepository(s);
			const found = await consent.loadEvents(PATIENTS);
			expect(found.map((events) => events.length)).toEqual([2, 2, 2]);
			const history = await consent.history({ phone: null, userId: 'BR.1111' });
			expect(history.identity.phone).toBe(PATIENTS[0].phone);
			expect(history.events.map((e) => e.evidence.textShown)).toEqual(['PARAR', null]);
			expect((await new SqlBookingRepository(s).get('b-2'))?.patient).toEqual({
				name: 'Maria Silva',
				phone: PATIENTS[0].phone,
				email: 'maria@example.com',
				reference: 'MRN-1',
			});
		});
	});

	it('upgrades old v1 values of the current key (no place binding, old scrypt) and then forgets the old derivation', async () => {
		const legacy: PhiKeyConfig = {
			key: FIXTURE.passphrase,
			keyId: FIXTURE.passKeyId,
			testOnlyScryptLog2N: 10,
		};
		const { passphrase: key, passKeyId: id } = FIXTURE;
		await using({ ...ONLY_K2, keyId: 'setup' }, async (s) => {
			new SqlConsentRepository(s);
			const [subject] = await s.query<{ id: number }>(
				'INSERT INTO consent_subject (phone_digest, phone_enc, created_at, updated_at) VALUES ($1, $2, 0, 0) RETURNING id',
				[v1Digest(key, id, PATIENTS[1].phone), v1Encrypt(key, id, PATIENTS[1].phone)],
			);
			await s.query(
				"INSERT INTO consent_event (subject_id, action, purpose, recorded_at, evidence_at, channel, text_enc) VALUES ($1, 'opt_out', '*', 1, 1, 'whatsapp', $2)",
				[subject.id, v1Encrypt(key, id, 'PARAR')],
			);
			// A store written before key metadata existed has none.
			await s.query('DELETE FROM clinic_phi_keys');
			await s.query('DELETE FROM clinic_store_meta');
		});
		await using(legacy, async (s) => {
			expect(s.cipher.lookupDigests(PATIENTS[1].phone)).toHaveLength(2); // new and old derivation
			const report = await rotatePhiKeys(s);
			expect(report).toMatchObject({ finished: true, remaining: [] });
			const [row] = await s.query<{ phone_enc: string; legacy_kdf: string | null }>(
				'SELECT s.phone_enc, k.legacy_kdf FROM consent_subject s, clinic_phi_keys k WHERE k.key_id = $1',
				[FIXTURE.passKeyId],
			);
			expect(row.phone_enc).toMatch(new RegExp(`^v2:${FIXTURE.passKeyId}:`));
			expect(row.legacy_kdf).toBeNull();
		});
		await using(legacy, async (s) => {
			expect(s.cipher.lookupDigests(PATIENTS[1].phone)).toHaveLength(1);
			const history = await new SqlConsentRepository(s).history({ phone: PATIENTS[1].phone, userId: null });
			expect(history.events.map((e) => e.evidence.textShown)).toEqual(['PARAR']);
		});
	});

	it('leaves a row whose digest would collide, and a row a workflow changed meanwhile, for the admin / the next run', async () => {
		await using(PHI, async (s) => await seed(s, false));
		await using(K2, async (s) => {
			// A second record for patient 3 made under k2 (as when a wrong key made the first one unfindable).
			const [dup] = await s.query<{ id: number }>(
				'INSERT INTO consent_subject (phone_digest, created_at, updated_at) VALUES ($1, 0, 0) RETURNING id',
				[s.cipher.digest(PATIENTS[2].phone)],
			);
			const place = { table: 'consent_subject', column: 'phone_enc', row: dup.id };
			await s.query('UPDATE consent_subject SET phone_enc = $1 WHERE id = $2', [
				s.cipher.encrypt(PATIENTS[2].phone, place),
				dup.id,
			]);
			// A workflow rewrites an event's text between the read and the write of its batch.
			const [ev] = await s.query<{ id: number }>(
				'SELECT MIN(id) AS id FROM consent_event WHERE text_enc IS NOT NULL',
			);
			// Batches run table by table (consent_subject, then consent_event): race the second one.
			let batches = 0;
			const racing = new Proxy(s, {
				get(target, prop, receiver) {
					if (prop === 'transaction') {
						return async (...args: Parameters<ClinicStore['transaction']>) => {
							if (++batches === 2) {
								const at = { table: 'consent_event', column: 'text_enc', row: ev.id };
								await target.query('UPDATE consent_event SET text_enc = $1 WHERE id = $2', [
									target.cipher.encrypt('STOP', at),
									ev.id,
								]);
							}
							return await target.transaction(...args);
						};
					}
					const value: unknown = Reflect.get(target, prop, receiver);
					return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
				},
			});
			const report = await rotatePhiKeys(racing, { batchSize: 100 });
			expect(report.finished).toBe(false);
			expect(report.skipped).toEqual(
				expect.arrayContaining([
					expect.objectContaining({ table: 'consent_subject', reason: 'duplicate' }),
					expect.objectContaining({ table: 'consent_event', row: String(ev.id), reason: 'changed' }),
				]),
			);
			expect(report.remaining).toEqual([
				expect.objectContaining({ table: 'consent_subject', keyId: 'test-2025', rows: 1 }),
			]);
			const [text] = await s.query<{ text_enc: string }>('SELECT text_enc FROM consent_event WHERE id = $1', [
				ev.id,
			]);
			expect(
				s.cipher.decrypt(text.text_enc, { table: 'consent_event', column: 'text_enc', row: ev.id }),
			).toBe('STOP');
			// The next run has nothing new to do but the duplicate.
			const again = await rotatePhiKeys(s);
			expect(again.skipped).toEqual([expect.objectContaining({ reason: 'duplicate' })]);
		});
	});
});
