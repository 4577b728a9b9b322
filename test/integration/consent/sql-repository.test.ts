import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
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
	it('stores no plaintext phone, BSUID or evidence text', async () => {
		const store = await openClinicStore({ backend: 'sqlite', path: ':memory:', phi: PHI }, { cache: false });
		stores.push(store);
		const repo = new SqlConsentRepository(store);
		await repo.append(
			{ phone: '+5511912345678', bsuid: 'BR.55667788' },
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
