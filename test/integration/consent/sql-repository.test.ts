import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import { ConsentService } from '../../../core/consent/service';
import { settle } from '../../../core/settle';
import { type ClinicStore, openClinicStore } from '../../../core/store';
import { repositoryContract } from './repository-contract';

const PHI = { key: 'consent-test-passphrase', keyId: 'k1' };
const stores: ClinicStore[] = [];

afterAll(async () => {
	await Promise.all(stores.map((s) => s.close()));
});

repositoryContract('SQL on SQLite (clinic store)', async () => {
	const store = await openClinicStore({ backend: 'sqlite', path: ':memory:', phi: PHI }, { cache: false });
	stores.push(store);
	const repo = new SqlConsentRepository(store);
	return { repo, reads: () => repo.reads };
});

const PG = process.env.WAC_PG_URL;
(PG ? describe : describe.skip)('Postgres (WAC_PG_URL)', () => {
	let store: ClinicStore;
	beforeAll(async () => {
		store = await openClinicStore({ backend: 'postgres', connectionString: PG, phi: PHI }, { cache: false });
		stores.push(store);
	});
	repositoryContract('SQL on Postgres (clinic store)', async () => {
		await store.exec('DELETE FROM consent_event; DELETE FROM consent_subject;');
		const repo = new SqlConsentRepository(store);
		return { repo, reads: () => repo.reads };
	});
});

describe('SQL adapter storage', () => {
	it('stores no plaintext phone, user ID or evidence text', async () => {
		const store = await openClinicStore({ backend: 'sqlite', path: ':memory:', phi: PHI }, { cache: false });
		stores.push(store);
		const repo = new SqlConsentRepository(store);
		await repo.append(
			{ phone: '+5511912345678', userId: 'BR.55667788' },
			[
				{
					action: 'opt_out',
					purpose: '*',
					expiresAt: null,
					evidence: {
						sourceMessageId: 'wamid.X',
						textShown: 'PARAR de mandar lembretes',
						channel: 'whatsapp',
						timestamp: 1,
						actor: { workflowId: null, executionId: null, node: null },
					},
				},
			],
			2,
		);
		const dump = JSON.stringify([
			await store.query('SELECT * FROM consent_subject'),
			await store.query('SELECT * FROM consent_event'),
		]);
		expect(dump).not.toContain('5511912345678');
		expect(dump).not.toContain('55667788');
		expect(dump).not.toContain('lembretes');
		expect(dump).toContain(store.cipher.digest('+5511912345678'));
	});
});

describe('ConsentService on the SQLite store with the audit log', () => {
	it('each consent change is written to the audit log in the same transaction; audit failure rolls back', async () => {
		const { queryAuditEntries, verifyAuditChain } = await import('../../../core/audit');
		const { storeAuditSink } = await import('../../../core/consent/audit');
		const { ConsentService } = await import('../../../core/consent/service');
		const store = await openClinicStore({ backend: 'sqlite', path: ':memory:', phi: PHI }, { cache: false });
		stores.push(store);
		const repo = new SqlConsentRepository(store);
		const service = new ConsentService({ repository: repo, audit: storeAuditSink(store) });
		const identity = { phone: '+5511912345678', userId: 'BR.99' };
		const evidence = {
			sourceMessageId: 'wamid.STOP1',
			textShown: 'PARAR',
			channel: 'whatsapp',
			timestamp: Date.now(),
			actor: { workflowId: 'wf-1', executionId: '77', node: 'Consent Check' },
			keyword: 'PARAR',
		};
		await service.recordOptOut(identity, { purposes: ['*'], evidence });
		await service.recordOptOut(identity, { purposes: ['*'], evidence }); // replay: no second audit entry
		// The message ID is PHI (a wamid encodes the phone number): shown with includeContent only.
		const { entries } = await queryAuditEntries(store, {
			patientPhone: identity.phone,
			includeContent: true,
		});
		expect(
			entries.map((e) => [e.event, e.purpose, e.direction, e.userId, e.messageId, e.actor, e.details]),
		).toEqual([
			[
				'consent.withdrawn',
				'all',
				'system',
				'BR.99',
				'wamid.STOP1',
				{ workflowId: 'wf-1', executionId: '77', node: 'Consent Check' },
				expect.objectContaining({ action: 'opt_out', channel: 'whatsapp', keyword: 'PARAR' }),
			],
		]);
		expect((await verifyAuditChain(store)).valid).toBe(true);

		const failing = new ConsentService({
			repository: repo,
			audit: {
				consentChanged: async () => {
					throw new Error('audit down');
				},
			},
		});
		await expect(
			failing.recordOptIn(identity, {
				purposes: ['marketing'],
				evidence: { ...evidence, sourceMessageId: 'wamid.2' },
			}),
		).rejects.toThrow('audit down');
		const history = await repo.history(identity);
		expect(history.events.map((e) => e.action)).toEqual(['opt_out']);
	});
});

describe('no cache across executions or processes', () => {
	const evidence = {
		sourceMessageId: null,
		textShown: null,
		channel: 'whatsapp',
		timestamp: 1,
		actor: { workflowId: null, executionId: null, node: null },
	};

	async function scenario(openA: () => Promise<ClinicStore>, openB: () => Promise<ClinicStore>) {
		const a = await openA();
		const b = await openB();
		const writer = new ConsentService({ repository: new SqlConsentRepository(a) });
		const reader = new ConsentService({ repository: new SqlConsentRepository(b) });
		const req = [{ identity: { phone: '+5511944440000', userId: null }, purpose: 'appointment_reminders' }];
		expect((await reader.check(req))[0].allowed).toBe(true);
		await writer.recordOptOut(req[0].identity, { purposes: ['*'], evidence });
		// The very next check through ANOTHER connection (another n8n process) sees the opt-out.
		expect((await reader.check(req))[0]).toMatchObject({ allowed: false, reason: 'opted_out' });
		await writer.recordOptIn(req[0].identity, { purposes: ['appointment_reminders'], evidence });
		expect((await reader.check(req))[0]).toMatchObject({ allowed: true, basis: 'opt_in' });
	}

	it('SQLite: two store instances on one file', async () => {
		const { mkdtempSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const path = join(mkdtempSync(join(tmpdir(), 'consent-x-')), 'store.sqlite');
		const open = async () => {
			const s = await openClinicStore({ backend: 'sqlite', path, phi: PHI }, { cache: false });
			stores.push(s);
			return s;
		};
		await scenario(open, open);
	});

	(PG ? it : it.skip)('Postgres: two pools', async () => {
		const open = async () => {
			const s = await openClinicStore(
				{ backend: 'postgres', connectionString: PG, phi: PHI },
				{ cache: false },
			);
			stores.push(s);
			return s;
		};
		const first = await open();
		await first.exec('DELETE FROM consent_event; DELETE FROM consent_subject;');
		await scenario(async () => first, open);
	});

	it('concurrent first-time records for one patient create one linked patient (SQLite)', async () => {
		const store = await openClinicStore({ backend: 'sqlite', path: ':memory:', phi: PHI }, { cache: false });
		stores.push(store);
		await concurrentLinking(store);
	});

	(PG ? it : it.skip)(
		'concurrent first-time records for one patient create one linked patient (Postgres)',
		async () => {
			const store = await openClinicStore(
				{ backend: 'postgres', connectionString: PG, phi: PHI },
				{ cache: false },
			);
			stores.push(store);
			await store.exec('DELETE FROM consent_event; DELETE FROM consent_subject;');
			await concurrentLinking(store);
		},
	);

	async function concurrentLinking(store: ClinicStore) {
		const repo = new SqlConsentRepository(store);
		const identities = [
			{ phone: '+5511955550000', userId: null },
			{ phone: null, userId: 'BR.5555' },
			{ phone: '+5511955550000', userId: 'BR.5555' },
		];
		await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				repo.append(
					identities[i % 3],
					[{ action: 'opt_in', purpose: `p${i}`, expiresAt: null, evidence }],
					100 + i,
				),
			),
		);
		const subjects = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM consent_subject');
		const [viaPhone, viaUserId] = await repo.loadEvents([identities[0], identities[1]]);
		expect(viaPhone).toHaveLength(12);
		expect(viaUserId).toHaveLength(12);
		expect(Number(subjects[0].n)).toBe(1);
	}
});

describe('PHI key rotation', () => {
	it('patients recorded under the previous key are still found, and re-keyed on their next change', async () => {
		const { mkdtempSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const path = join(mkdtempSync(join(tmpdir(), 'consent-rot-')), 'store.sqlite');
		const evidence = {
			sourceMessageId: null,
			textShown: 'PARAR',
			channel: 'whatsapp',
			timestamp: 1,
			actor: { workflowId: null, executionId: null, node: null },
		};
		const identity = { phone: '+5511966660000', userId: null };
		const oldStore = await openClinicStore({ backend: 'sqlite', path, phi: PHI }, { cache: false });
		stores.push(oldStore);
		await new SqlConsentRepository(oldStore).append(
			identity,
			[{ action: 'opt_out', purpose: '*', expiresAt: null, evidence }],
			10,
		);
		const rotated = await openClinicStore(
			{ backend: 'sqlite', path, phi: { key: 'a-brand-new-passphrase', keyId: 'k2', previousKeys: [PHI] } },
			{ cache: false },
		);
		stores.push(rotated);
		const repo = new SqlConsentRepository(rotated);
		const [events] = await repo.loadEvents([identity]);
		expect(events.map((e) => e.action)).toEqual(['opt_out']);
		const history = await repo.history(identity);
		expect(history.events[0].evidence.textShown).toBe('PARAR'); // old ciphertext still readable
		await repo.append(identity, [{ action: 'opt_in', purpose: 'marketing', expiresAt: null, evidence }], 20);
		const rows = await rotated.query<{ phone_digest: string }>('SELECT phone_digest FROM consent_subject');
		expect(rows).toEqual([{ phone_digest: rotated.cipher.digest(identity.phone) }]);
	});
});

describe('a consent lookup that cannot be trusted is an error, never Allowed (issue 14 item 1)', () => {
	it('a PHI key changed under the same key ID, or dropped while patients depend on it: the opted-out patient is not Allowed', async () => {
		const { mkdtempSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const path = join(mkdtempSync(join(tmpdir(), 'consent-key-')), 'store.sqlite');
		const patient = { phone: '+5511955551234', userId: null };
		const original = await openClinicStore({ backend: 'sqlite', path, phi: PHI }, { cache: false });
		stores.push(original);
		await new ConsentService({ repository: new SqlConsentRepository(original) }).recordOptOut(patient, {
			purposes: ['*'],
			evidence: {
				sourceMessageId: null,
				textShown: 'PARAR',
				channel: 'whatsapp',
				timestamp: 1,
				actor: { workflowId: null, executionId: null, node: null },
			},
		});
		// Appointment reminders are allowed unless the patient opted out: a lookup that finds nobody would allow.
		const request = [{ identity: patient, purpose: 'appointment_reminders' }];
		for (const phi of [
			{ key: 'another-passphrase-entirely', keyId: PHI.keyId },
			{ key: 'another-passphrase-entirely', keyId: 'k9' },
		]) {
			const outcome = await settle(async () => {
				const store = await openClinicStore({ backend: 'sqlite', path, phi }, { cache: false });
				stores.push(store);
				return await new ConsentService({ repository: new SqlConsentRepository(store) }).check(request);
			});
			expect(outcome.ok).toBe(false);
			expect(outcome.ok ? null : outcome.error).toMatchObject({ kind: 'config' });
		}
	});
});

describe('race: checks running while the opt-out is recorded', () => {
	async function race(writerStore: ClinicStore, readerStore: ClinicStore) {
		const evidence = {
			sourceMessageId: 'wamid.RACE',
			textShown: 'PARAR',
			channel: 'whatsapp',
			timestamp: Date.now(),
			actor: { workflowId: 'inbound', executionId: '1', node: 'Consent Check' },
			keyword: 'PARAR',
		};
		const writer = new ConsentService({ repository: new SqlConsentRepository(writerStore) });
		const reader = new ConsentService({ repository: new SqlConsentRepository(readerStore) });
		const patient = { phone: '+5511977770000', userId: null };
		const batch = Array.from({ length: 50 }, (_, i) => ({
			identity: i === 25 ? patient : { phone: `+55119880${String(i).padStart(5, '0')}`, userId: null },
			purpose: 'appointment_reminders',
		}));
		const results: Array<{ startedAt: number; allowed: boolean }> = [];
		let committedAt = Infinity;
		const readerLoop = (async () => {
			for (let k = 0; k < 40; k++) {
				const startedAt = performance.now();
				const decisions = await reader.check(batch);
				results.push({ startedAt, allowed: decisions[25].allowed });
				await new Promise((r) => setImmediate(r));
			}
		})();
		const writerTask = (async () => {
			while (results.length < 3) await new Promise((r) => setTimeout(r, 1)); // a reminder batch is running
			await writer.recordOptOut(patient, { purposes: ['*'], evidence });
			committedAt = performance.now();
		})();
		await Promise.all([readerLoop, writerTask]);
		const after = results.filter((r) => r.startedAt > committedAt);
		expect(after.length).toBeGreaterThan(0);
		expect(after.every((r) => !r.allowed)).toBe(true);
		expect(results.some((r) => r.allowed)).toBe(true); // some checks ran before the opt-out
	}

	it('SQLite file, two store instances', async () => {
		const { mkdtempSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const path = join(mkdtempSync(join(tmpdir(), 'consent-race-')), 'store.sqlite');
		const open = async () => {
			const s = await openClinicStore({ backend: 'sqlite', path, phi: PHI }, { cache: false });
			stores.push(s);
			return s;
		};
		await race(await open(), await open());
	});

	(PG ? it : it.skip)('Postgres, two pools', async () => {
		const open = async () => {
			const s = await openClinicStore(
				{ backend: 'postgres', connectionString: PG, phi: PHI },
				{ cache: false },
			);
			stores.push(s);
			return s;
		};
		const a = await open();
		await a.exec('DELETE FROM consent_event; DELETE FROM consent_subject;');
		await race(a, await open());
	});
});
