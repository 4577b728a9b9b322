/**
 * Which pacing a send gets (nodes/shared/send-budget.ts) and SQLite's refusal of queue mode (nodes/shared/store.ts):
 * one n8n instance keeps the process-wide limiter and never reads the Clinic Store for it; queue mode with a
 * PostgreSQL Clinic Store gets the budget every process shares; queue mode with SQLite is refused with an error
 * that names the backend and the fix, in the nodes and in the credential's Test button.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import type { ClinicStore } from '../../../../core/store/ports';
import { SharedSendBudget } from '../../../../core/whatsapp/send-budget';
import { sharedBudgetFor, sharedPacing } from '../../../../nodes/shared/send-budget';
import { QUEUE_MODE_SQLITE_MESSAGE, storeConfigFromCredential } from '../../../../nodes/shared/store';

const TARGET = { baseUrl: 'https://graph.facebook.com', phoneNumberId: '100000000000001', mps: 80 };

function ctxWith(store: ICredentialDataDecryptedObject | undefined) {
	const read: string[] = [];
	const ctx = {
		getNode: () => ({
			name: 'Send reminder',
			type: 'n8n-nodes-whatsapp-clinic.whatsAppSendTemplate',
			credentials: store ? { clinicStoreApi: { id: '1', name: 'Clinic Store' } } : {},
		}),
		getCredentials: async (type: string) => {
			read.push(type);
			return store ?? {};
		},
	} as unknown as IExecuteFunctions;
	return { ctx, read };
}

const fakePostgresStore = {
	dialect: 'postgres',
	cipher: { digest: (v: string) => `d(${v})` },
} as unknown as ClinicStore;

describe('send pacing: in process, or one budget for every process', () => {
	const mode = process.env.EXECUTIONS_MODE;
	afterEach(() => {
		if (mode === undefined) delete process.env.EXECUTIONS_MODE;
		else process.env.EXECUTIONS_MODE = mode;
	});

	it('one n8n instance: the process-wide limiter, and the Clinic Store credential is not even read', async () => {
		delete process.env.EXECUTIONS_MODE;
		const { ctx, read } = ctxWith({ backend: 'postgres', host: 'db', phiKey: 'k' });
		expect(await sharedPacing(ctx, TARGET)).toBeUndefined();
		expect(read).toEqual([]);
	});

	it('queue mode without a Clinic Store credential: each process paces alone (documented: cap ÷ processes)', async () => {
		process.env.EXECUTIONS_MODE = 'queue';
		const { ctx, read } = ctxWith(undefined);
		expect(await sharedPacing(ctx, TARGET)).toBeUndefined();
		expect(read).toEqual([]);
	});

	it('queue mode with a SQLite Clinic Store: refused, naming the backend and the fix', async () => {
		process.env.EXECUTIONS_MODE = 'queue';
		const { ctx } = ctxWith({ backend: 'sqlite', phiKey: 'k' });
		await expect(sharedPacing(ctx, TARGET)).rejects.toThrow(QUEUE_MODE_SQLITE_MESSAGE);
		expect(QUEUE_MODE_SQLITE_MESSAGE).toMatch(
			/queue mode.*Backend to PostgreSQL in the Clinic Store credential/s,
		);
		// Every node opening the store, and the credential's Test button, go through the same check.
		expect(() => storeConfigFromCredential({ backend: 'sqlite', phiKey: 'k' })).toThrow(
			QUEUE_MODE_SQLITE_MESSAGE,
		);
		expect(() => storeConfigFromCredential({ backend: 'postgres', host: 'db', phiKey: 'k' })).not.toThrow();
	});

	it('SQLite outside queue mode is fine', () => {
		delete process.env.EXECUTIONS_MODE;
		expect(
			storeConfigFromCredential({ backend: 'sqlite', sqlitePath: '/tmp/x.sqlite', phiKey: 'k' }),
		).toMatchObject({ backend: 'sqlite' });
	});

	it('one shared budget per store and number in a process; a new pace updates it', () => {
		const a = sharedBudgetFor(fakePostgresStore, TARGET);
		const b = sharedBudgetFor(fakePostgresStore, { ...TARGET, baseUrl: 'https://graph.facebook.com/' });
		const other = sharedBudgetFor(fakePostgresStore, { ...TARGET, phoneNumberId: '2' });
		expect(a.limiter).toBeInstanceOf(SharedSendBudget);
		expect(b).toBe(a);
		expect(other).not.toBe(a);
		expect(a.limiter.budgetKey).toBe('https://graph.facebook.com|100000000000001');
		sharedBudgetFor(fakePostgresStore, { ...TARGET, mps: 250 });
		expect(a.limiter.mps).toBe(250);
	});
});
