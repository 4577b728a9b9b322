/** Audit Log → Rotate Keys through the node (mocked IExecuteFunctions, real SQLite store, credential as n8n gives it). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { queryAuditEntries } from '../../../core/audit';
import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import { closeAllClinicStores } from '../../../core/store';
import { AuditLog } from '../../../nodes/AuditLog/AuditLog.node';
import { getClinicStore } from '../../../nodes/shared/store';

const KEY_1 = 'ab'.repeat(32);
const KEY_2 = 'cd'.repeat(32);
const PATIENT = { phone: '+5511987654321', userId: null };

let dir: string;
let credentials: ICredentialDataDecryptedObject;

function ctx(params: IDataObject): IExecuteFunctions {
	const node = {
		id: 'n1',
		name: 'Audit Log',
		type: 'auditLog',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return {
		getInputData: () => [{ json: {} }],
		getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
			name in params ? params[name] : fallback,
		getNode: () => node,
		getCredentials: async () => credentials,
		getWorkflow: () => ({ id: 'wf-keys', name: 'Key rotation', active: false }),
		getExecutionId: () => 'exec-1',
		getInstanceId: () => 'instance-1',
		getTimezone: () => 'UTC',
		continueOnFail: () => false,
	} as unknown as IExecuteFunctions;
}

const rotate = async (params: IDataObject = {}) => {
	const [[item]] = await new AuditLog().execute.call(ctx({ operation: 'rotateKeys', ...params }));
	return item.json as IDataObject & { summary: string; finished: boolean; removableKeyIds: string[] };
};

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'wac-rotate-node-'));
	credentials = { backend: 'sqlite', sqlitePath: join(dir, 'store.sqlite'), phiKey: KEY_1, phiKeyId: 'k1' };
	const store = await getClinicStore(ctx({}));
	const consent = new SqlConsentRepository(store);
	for (const [i, phone] of ['+5511987654321', '+5511900000001', '+5511900000002'].entries()) {
		await consent.append(
			{ phone, userId: null },
			[
				{
					action: 'opt_out',
					purpose: '*',
					expiresAt: null,
					evidence: {
						sourceMessageId: `wamid.${i}`,
						textShown: 'PARAR',
						channel: 'whatsapp',
						timestamp: 1_700_000_000_000,
						actor: { workflowId: null, executionId: null, node: null },
					},
				},
			],
			1_700_000_000_000,
		);
	}
});
afterEach(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

describe('Audit Log: Rotate Keys', () => {
	it('rotates in runs of Max Rows per Run, says what is left, then that the old key can go; the run is audited', async () => {
		credentials = {
			...credentials,
			phiKey: KEY_2,
			phiKeyId: 'k2',
			previousKeyList: { keys: [{ keyId: 'k1', key: KEY_1 }] },
		};
		const first = await rotate({ maxRows: 2 });
		expect(first.finished).toBe(false);
		expect(first.summary).toMatch(
			/^Rewrote 2 rows under key "k2" \(2 consent patients\)\. Still to do: .*Run Rotate Keys again/,
		);
		const last = await rotate({ options: { batchSize: 1 } });
		expect(last).toMatchObject({ finished: true, removableKeyIds: ['k1'], keyIdsStillNeeded: [] });
		expect(last.summary).toContain('Nothing needs "k1" any more: you can remove it from Previous Keys');

		// Without the old key the store opens and still finds the patient.
		credentials = { ...credentials, previousKeyList: {} };
		const store = await getClinicStore(ctx({}));
		expect((await new SqlConsentRepository(store).loadEvents([PATIENT]))[0]).toHaveLength(1);
		const audit = await queryAuditEntries(store, { event: 'store.keys-rotated' });
		expect(audit.entries.map((e) => e.details)).toEqual([
			expect.objectContaining({ currentKeyId: 'k2', rotatedRows: 2, finished: false }),
			expect.objectContaining({ currentKeyId: 'k2', rotatedRows: 4, finished: true }),
		]);
	});

	it('a changed key under the same ID stops the node with the fix in the description (item 1)', async () => {
		credentials = { ...credentials, phiKey: KEY_2 };
		const err = await rotate().catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect((err as NodeOperationError).message).toBe(
			'This PHI key does not match the data stored under key ID "k1"; restore it or add it under Previous Keys',
		);
		expect((err as NodeOperationError).description).toMatch(/give it a new PHI Key ID/);
	});
});
