/** Audit Log node and the shared store/audit glue, through a mocked IExecuteFunctions on a real SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { appendAuditEntries } from '../../../core/audit';
import { closeAllClinicStores } from '../../../core/store';
import { AuditLog } from '../../../nodes/AuditLog/AuditLog.node';
import { auditItems } from '../../../nodes/shared/audit';
import {
	clinicStoreConnectionTest,
	getClinicStore,
	storeConfigFromCredential,
} from '../../../nodes/shared/store';

let dir: string;
let credentials: ICredentialDataDecryptedObject;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'wac-auditnode-'));
	credentials = {
		backend: 'sqlite',
		sqlitePath: join(dir, 'store.sqlite'),
		phiKey: 'ab'.repeat(32),
		phiKeyId: 'k1',
	};
});
afterEach(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

function ctx(
	params: IDataObject,
	items: INodeExecutionData[],
	opts: { continueOnFail?: boolean; executionId?: string; timeZone?: string } = {},
): IExecuteFunctions & { binaries: unknown[] } {
	const binaries: unknown[] = [];
	const node = {
		id: 'n1',
		name: 'Audit Log',
		type: 'n8n-nodes-whatsapp-clinic.auditLog',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const c = {
		binaries,
		getInputData: () => items,
		getNodeParameter: (name: string, i: number, fallback?: unknown) => {
			const v = name in params ? params[name] : fallback;
			return typeof v === 'function' ? (v as (i: number) => unknown)(i) : v; // per-item values, like expressions
		},
		getNode: () => node,
		getCredentials: async () => credentials,
		getWorkflow: () => ({ id: 'wf-7', name: 'Reminders', active: true }),
		getExecutionId: () => opts.executionId ?? 'exec-1',
		getInstanceId: () => 'instance-1',
		getTimezone: () => opts.timeZone ?? 'UTC',
		continueOnFail: () => !!opts.continueOnFail,
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName: string, mimeType: string) => {
				binaries.push({ data, fileName, mimeType });
				return { data: data.toString('base64'), fileName, mimeType };
			},
		},
	};
	return c as unknown as IExecuteFunctions & { binaries: unknown[] };
}

const triggerItems: INodeExecutionData[] = [
	{
		json: {
			event: 'message',
			messageId: 'wamid.IN1',
			from: '5511987654321',
			userId: 'BR.1',
			type: 'text',
			text: 'Quero remarcar',
		},
	},
	{ json: { event: 'status', status: 'read', messageId: 'wamid.OUT0', recipient: '5511987654321' } },
	{
		json: {
			messageId: 'wamid.OUT1',
			waId: '14155550100',
			input: '+1 415 555 0100',
			messageStatus: 'accepted',
			template: 'appointment_reminder',
		},
	},
];

async function run(params: IDataObject, items: INodeExecutionData[], opts = {}) {
	const c = ctx(params, items, opts);
	const out = await new AuditLog().execute.call(c);
	return { out: out[0], c };
}

describe('Audit Log node', () => {
	it('describes itself for n8n: tool use, subtitle, themed icon, credential tested by the node', () => {
		const node = new AuditLog();
		expect(node.description.usableAsTool).toBe(true);
		expect(node.description.subtitle).toContain('verify');
		expect(node.description.credentials).toEqual([
			{ name: 'clinicStoreApi', required: true, testedBy: 'clinicStoreConnectionTest' },
		]);
		expect(node.methods.credentialTest.clinicStoreConnectionTest).toBe(clinicStoreConnectionTest);
	});

	it('appends every item in one transaction, detects fields, keeps inputs untouched and pairs outputs', async () => {
		const before = JSON.stringify(triggerItems);
		const { out } = await run(
			{
				operation: 'append',
				direction: 'auto',
				purpose: 'appointment-reminder',
				includeContent: true,
				fields: {},
			},
			triggerItems,
		);
		expect(JSON.stringify(triggerItems)).toBe(before);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out.map((o) => (o.json.audit as IDataObject).seq)).toEqual([1, 2, 3]);
		expect(out[0].json.text).toBe('Quero remarcar');
		const q = await run(
			{ operation: 'query', filters: {}, returnAll: true, options: { includeContent: true } },
			[{ json: {} }],
		);
		expect(q.out.map((o) => [o.json.direction, o.json.event, o.json.patientPhone, o.json.purpose])).toEqual([
			['inbound', 'message.received', '+5511987654321', 'appointment-reminder'],
			['status', 'status.read', '+5511987654321', 'appointment-reminder'],
			['outbound', 'message.sent', '+14155550100', 'appointment-reminder'],
		]);
		expect(q.out[0].json).toMatchObject({
			content: 'Quero remarcar',
			actor: { workflowId: 'wf-7', executionId: 'exec-1', node: 'Audit Log' },
		});
	});

	it('field overrides win; a bad item stops the run with its index and writes nothing', async () => {
		const items = [{ json: { anything: 1 } }, { json: { other: 2 } }];
		await expect(
			run(
				{
					operation: 'append',
					direction: 'system',
					fields: { patientPhone: '12', event: 'booking.created' },
				},
				items,
			),
		).rejects.toThrow(NodeOperationError);
		const err = await run(
			{ operation: 'append', direction: 'system', fields: { patientPhone: '12' } },
			items,
		).catch((e) => e);
		expect(err.message).toMatch(/not a valid international number/);
		expect(err.context.itemIndex).toBe(0);
		const q = await run({ operation: 'query', filters: {}, returnAll: true, options: {} }, [{ json: {} }]);
		expect(q.out).toHaveLength(0);
		const ok = await run(
			{
				operation: 'append',
				direction: 'system',
				fields: { event: 'booking.created', details: '{"appointmentId":"A-12"}', outcome: 'success' },
			},
			items,
		);
		const q2 = await run(
			{ operation: 'query', filters: { event: 'booking.created' }, returnAll: true, options: {} },
			[{ json: {} }],
		);
		expect(ok.out).toHaveLength(2);
		expect(q2.out.map((o) => o.json.details)).toEqual([{ appointmentId: 'A-12' }, { appointmentId: 'A-12' }]);
	});

	it('with Continue On Fail, bad items become paired error items and the good ones are appended', async () => {
		const items = [
			{ json: { event: 'message', messageId: 'a', from: '5511987654321', text: 'ok' } },
			{ json: {} },
		];
		const fields = (i: number) => (i === 1 ? { details: '[1,2]' } : {});
		const c = ctx({ operation: 'append', direction: 'auto', fields }, items, { continueOnFail: true });
		const [out] = await new AuditLog().execute.call(c);
		expect(out[0].json.audit).toMatchObject({ seq: 1 });
		expect(out[1]).toEqual({
			json: {
				error: expect.objectContaining({
					message: expect.stringMatching(/must be a JSON object/),
					code: 'invalid_input',
					field: 'Details (JSON)',
					hint: expect.stringContaining('{"appointmentId": "A-12"'),
				}),
			},
			pairedItem: { item: 1 },
		});
		const q = await run({ operation: 'query', filters: {}, returnAll: true, options: {} }, [{ json: {} }]);
		expect(q.out).toHaveLength(1);
	});

	it('errors leave through the shared translator: a PHI key error names the fix, Continue On Fail gives the one error item', async () => {
		await run({ operation: 'append', direction: 'auto', fields: {} }, triggerItems);
		// Someone moved entry 2's phone ciphertext into entry 1: it no longer decrypts there (bound to its entry).
		const store = await getClinicStore(ctx({}, []));
		const [one, two] = await store.query<{ entry: string }>(
			'SELECT entry FROM clinic_audit_log ORDER BY seq',
		);
		const moved = JSON.parse(one.entry);
		moved[16] = JSON.parse(two.entry)[16];
		await store.query('UPDATE clinic_audit_log SET entry = $1 WHERE seq = 1', [JSON.stringify(moved)]);
		const params = { operation: 'query', filters: {}, returnAll: true, options: { includeContent: true } };
		const err = await run(params, [{ json: {} }]).catch((e) => e);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toMatch(/does not match key id "k1"/);
		expect(err.description).toMatch(/Previous Keys/);
		expect(err.context.itemIndex).toBe(0);
		const { out } = await run(params, [{ json: {} }], { continueOnFail: true });
		expect(out).toEqual([
			{
				json: {
					error: expect.objectContaining({ code: 'phi_key', hint: expect.stringMatching(/Previous Keys/) }),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('queries by patient with pagination and without decrypting by default', async () => {
		await run({ operation: 'append', direction: 'auto', fields: {} }, [...triggerItems, ...triggerItems]);
		const page = await run(
			{
				operation: 'query',
				filters: { patientPhone: '+55 11 98765-4321' },
				returnAll: false,
				limit: 3,
				options: { output: 'page' },
			},
			[{ json: {} }],
		);
		expect(page.out).toHaveLength(1);
		const json = page.out[0].json as { entries: IDataObject[]; nextCursor: string };
		expect(json.entries.map((e) => e.seq)).toEqual([1, 2, 4]);
		expect(json.entries[0].content).toBeUndefined();
		const next = await run(
			{
				operation: 'query',
				filters: { patientPhone: '+5511987654321' },
				returnAll: false,
				limit: 3,
				options: { cursor: json.nextCursor },
			},
			[{ json: {} }],
		);
		expect(next.out.map((o) => o.json.seq)).toEqual([5]);
	});

	it('verifies the chain, reports tampering and can fail the workflow', async () => {
		await run({ operation: 'append', direction: 'auto', fields: {} }, triggerItems);
		const ok = await run({ operation: 'verify', options: {} }, [{ json: {} }, { json: {} }]);
		expect(ok.out[0].json).toMatchObject({ valid: true, checked: 3, headSeq: 3 });
		expect(ok.out[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		const store = await getClinicStore(ctx({}, []));
		await store.query("UPDATE clinic_audit_log SET message_id = 'wamid.other' WHERE seq = 2");
		const broken = await run({ operation: 'verify', options: {} }, [{ json: {} }]);
		expect(broken.out[0].json).toMatchObject({ valid: false, broken: { seq: 2, reason: 'modified' } });
		const failed = await run({ operation: 'verify', failWhenBroken: true, options: {} }, [
			{ json: {} },
		]).catch((e) => e);
		expect(failed).toBeInstanceOf(NodeOperationError);
		expect(failed.message).toMatch(/chain is broken at entry 2: modified/);
		expect(failed.description).toMatch(/Entry 2 was modified/);
	});

	it('exports CSV and a FHIR bundle as binary files', async () => {
		await run({ operation: 'append', direction: 'auto', fields: {} }, triggerItems);
		const csv = await run({ operation: 'export', format: 'csv', filters: {}, binaryPropertyName: 'report' }, [
			{ json: {} },
		]);
		expect(csv.out[0].json).toMatchObject({ format: 'csv', entries: 3 });
		expect(csv.out[0].binary?.report).toMatchObject({ mimeType: 'text/csv' });
		const fhir = await run(
			{ operation: 'export', format: 'fhir', filters: { direction: 'outbound' }, binaryPropertyName: 'data' },
			[{ json: {} }],
		);
		const bundle = JSON.parse(Buffer.from(String(fhir.out[0].binary?.data.data), 'base64').toString('utf8'));
		expect(bundle.entry.map((e: { resource: { action: string } }) => e.resource.action)).toEqual(['E']);
	});

	it('purges by retention (dry run first) and the chain still verifies', async () => {
		const store = await getClinicStore(ctx({}, []));
		const longAgo = new Date(Date.now() - 3000 * 86_400_000);
		await appendAuditEntries(store, [{ direction: 'inbound' }, { direction: 'outbound' }], {
			now: () => longAgo,
		});
		await run({ operation: 'append', direction: 'auto', fields: {} }, triggerItems);
		const dry = await run({ operation: 'purge', retentionDays: 2190, dryRun: true }, [{ json: {} }]);
		expect(dry.out[0].json).toMatchObject({ purgedCount: 2, dryRun: true, anchorSeq: null });
		const done = await run({ operation: 'purge', retentionDays: 2190, dryRun: false }, [{ json: {} }]);
		expect(done.out[0].json).toMatchObject({ purgedCount: 2, purgedThroughSeq: 2, anchorSeq: 6 });
		const v = await run({ operation: 'verify', options: {} }, [{ json: {} }]);
		expect(v.out[0].json).toMatchObject({
			valid: true,
			firstSeq: 3,
			headSeq: 6,
			anchor: { seq: 6, purgedThroughSeq: 2 },
		});
	});
});

describe('shared store and audit glue', () => {
	it('maps the credential: default file in the n8n user folder, relative paths inside it, clear errors', () => {
		const sqlite = storeConfigFromCredential({ phiKey: 'ab'.repeat(32) });
		expect(sqlite).toMatchObject({ backend: 'sqlite', phi: { keyId: 'key-1' } });
		expect((sqlite as { path: string }).path).toMatch(/\.n8n[\\/]clinic-store\.sqlite$/);
		expect(
			(storeConfigFromCredential({ phiKey: 'x'.repeat(20), sqlitePath: 'x.sqlite' }) as { path: string })
				.path,
		).toMatch(/\.n8n[\\/]x\.sqlite$/);
		expect(
			storeConfigFromCredential({
				backend: 'postgres',
				host: 'db',
				port: 5433,
				database: 'c',
				user: 'u',
				password: 'p',
				ssl: 'require',
				phiKey: 'k'.repeat(20),
				previousKeys: 'old=abcdefabcdefabcdef\nolder=zzzzzzzzzzzzzzzzzz',
			}),
		).toMatchObject({
			backend: 'postgres',
			host: 'db',
			port: 5433,
			ssl: 'require',
			phi: { previousKeys: [{ keyId: 'old' }, { keyId: 'older' }] },
		});
		expect(() => storeConfigFromCredential({})).toThrow(/"PHI Encryption Key" is empty/);
		expect(() => storeConfigFromCredential({ backend: 'postgres', phiKey: 'k'.repeat(20) })).toThrow(
			/"Host" is empty/,
		);
		expect(() =>
			storeConfigFromCredential({ phiKey: 'k'.repeat(20), previousKeys: 'no-equals-sign' }),
		).toThrow(/keyId=key/);
	});

	it('credential test: OK for a working store, the reason otherwise', async () => {
		const ok = await clinicStoreConnectionTest.call({} as never, {
			id: '1',
			name: 'c',
			type: 'clinicStoreApi',
			data: credentials,
		});
		expect(ok).toEqual({ status: 'OK', message: expect.stringContaining('Connected to sqlite:') });
		const bad = await clinicStoreConnectionTest.call({} as never, {
			id: '1',
			name: 'c',
			type: 'clinicStoreApi',
			data: { ...credentials, phiKey: 'short' },
		});
		expect(bad).toEqual({ status: 'Error', message: expect.stringMatching(/too short/) });
		const pg = await clinicStoreConnectionTest.call({} as never, {
			id: '1',
			name: 'c',
			type: 'clinicStoreApi',
			data: { backend: 'postgres', host: '127.0.0.1', port: 1, phiKey: 'ab'.repeat(32) },
		});
		expect(pg).toEqual({
			status: 'Error',
			message: expect.stringMatching(/Cannot reach the PostgreSQL clinic store/),
		});
	});

	it('auditItems (Audit to Store) writes one entry per item with the node as actor', async () => {
		const c = ctx({}, [], { executionId: 'exec-9' });
		const appended = await auditItems(c, triggerItems, 'auto', { purpose: 'support' });
		expect(appended.map((a) => a.seq)).toEqual([1, 2, 3]);
		const { out } = await run(
			{ operation: 'query', filters: { purpose: 'support' }, returnAll: true, options: {} },
			[{ json: {} }],
		);
		expect(out.map((o) => (o.json.actor as IDataObject).executionId)).toEqual(['exec-9', 'exec-9', 'exec-9']);
		await expect(auditItems(c, [{ json: { patientPhone: 'x' } }], 'sideways' as never)).rejects.toThrow(
			/Audit to Store: item 0: Audit direction "sideways" is invalid/,
		);
	});
});
