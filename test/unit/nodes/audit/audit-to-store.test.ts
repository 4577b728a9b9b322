/**
 * "Audit to Store" on the WhatsApp Clinic Trigger and both Send nodes: entries land in a real SQLite clinic store
 * (temp file), the hash chain verifies, the option off never touches the store, and a missing credential is a
 * clear error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import { queryAuditEntries, verifyAuditChain, type AuditView } from '../../../../core/audit';
import { closeAllClinicStores, openClinicStore } from '../../../../core/store';
import type { ClinicStore } from '../../../../core/store/ports';
import { resetProcessDedupCaches } from '../../../../core/webhook/dedup';
import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { storeConfigFromCredential } from '../../../../nodes/shared/store';
import { WhatsAppClinicTrigger } from '../../../../nodes/WhatsAppClinicTrigger/WhatsAppClinicTrigger.node';
import { WhatsAppSendMessage } from '../../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { FIXTURE_NOW_MS, fixtureBytes } from '../../webhook/fixtures';
import { FakeGraph, metaError, rl, sendContext, STORE_REF } from '../send/fake-context';
import { CREDENTIALS, hookContext, webhookContext } from '../trigger/helpers';

const trigger = new WhatsAppClinicTrigger();
const sendTemplate = new WhatsAppSendTemplate();
const sendMessage = new WhatsAppSendMessage();

let dir: string;
let fileNo = 0;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'wac-audit-to-store-'));
});
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	resetProcessDedupCaches();
	resetSharedLimiters();
});

/** A fresh Clinic Store credential (own SQLite file) per test. */
function newStoreCredential() {
	return {
		backend: 'sqlite',
		sqlitePath: join(dir, `clinic-${++fileNo}.sqlite`),
		phiKey: 'a-long-test-passphrase-for-the-phi-key',
		phiKeyId: 'k1',
	};
}

async function storeOf(credential: Record<string, unknown>): Promise<ClinicStore> {
	// Same configuration (and so the same cached store) as the nodes open through getClinicStore().
	return await openClinicStore(storeConfigFromCredential(credential as never, { host: hostname() }));
}

async function entries(credential: Record<string, unknown>): Promise<AuditView[]> {
	const store = await storeOf(credential);
	return (await queryAuditEntries(store, { includeContent: true, order: 'asc' })).entries;
}

// ---------------------------------------------------------------------------------------------------------------

describe('WhatsApp Clinic Trigger: Audit to Store', () => {
	// The fixtures are from June 2025: pin "now" inside Meta's retry window so that none is dropped as too old.
	let clock: jest.SpiedFunction<typeof Date.now>;
	beforeEach(() => {
		clock = jest.spyOn(Date, 'now').mockReturnValue(FIXTURE_NOW_MS);
	});
	afterEach(() => clock.mockRestore());

	function deliveryContext(
		fixture: string,
		params: Record<string, unknown>,
		storeCredential: Record<string, unknown> | null,
	) {
		const c = webhookContext({ body: fixtureBytes(fixture), params, staticData: {} });
		c.ctx.getNode.mockReturnValue({
			id: 'node-1',
			name: 'WhatsApp Clinic Trigger',
			type: 'n8n-nodes-whatsapp-clinic.whatsAppClinicTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: storeCredential
				? { whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' }, ...STORE_REF }
				: { whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' } },
		});
		c.ctx.getExecutionId.mockReturnValue('exec-42');
		c.ctx.getCredentials.mockImplementation((async (type: string) =>
			type === 'clinicStoreApi' ? storeCredential : CREDENTIALS) as never);
		return c;
	}

	it('records an inbound message (text encrypted) and a 131047 failed status, and the chain verifies', async () => {
		const cred = newStoreCredential();
		const params = { events: ['message', 'status.failed'], auditToStore: true };

		const inbound = deliveryContext('message-text', params, cred);
		const r1 = await trigger.webhook.call(inbound.ctx);
		expect(r1.workflowData![0]).toHaveLength(1);

		const failed = deliveryContext('status-failed-131047', params, cred);
		const r2 = await trigger.webhook.call(failed.ctx);
		const statusItem = r2.workflowData![0][0].json as { errors: Array<Record<string, unknown>> };
		expect(statusItem.errors[0]).toMatchObject({ code: 131047 });
		expect(String(statusItem.errors[0].hint)).toMatch(/WhatsApp Send Template/);

		const list = await entries(cred);
		expect(list).toHaveLength(2);
		expect(list[0]).toMatchObject({
			direction: 'inbound',
			event: 'message.received',
			patientPhone: '+16505551234',
			messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			outcome: 'success',
			content: 'Hello, I would like to book an appointment for next week.',
			actor: { workflowId: 'wf-1', executionId: 'exec-42', node: 'WhatsApp Clinic Trigger' },
		});
		expect(list[1]).toMatchObject({
			direction: 'status',
			event: 'status.failed',
			patientPhone: '+16505551234',
			outcome: 'serious-failure',
			details: expect.objectContaining({ status: 'failed', errorCode: '131047' }),
		});

		// The text is stored encrypted: the raw row never contains it.
		const store = await storeOf(cred);
		const raw = await store.query<Record<string, unknown>>('SELECT * FROM clinic_audit_log');
		expect(JSON.stringify(raw)).not.toContain('book an appointment');
		expect((await verifyAuditChain(store)).valid).toBe(true);
		// Nothing of the message reached the logs.
		expect(JSON.stringify(inbound.ctx.logger.error.mock.calls)).not.toContain('appointment');
	});

	it('off (default): the Clinic Store credential is never read', async () => {
		const c = deliveryContext('message-text', { events: ['message'] }, newStoreCredential());
		const r = await trigger.webhook.call(c.ctx);
		expect(r.workflowData![0]).toHaveLength(1);
		expect(c.ctx.getCredentials.mock.calls.map(([type]) => type)).not.toContain('clinicStoreApi');
		expect(existsSync(join(dir, `clinic-${fileNo}.sqlite`))).toBe(false);
	});

	it('on without a Clinic Store credential: no execution, 500 so Meta redelivers, clear log line', async () => {
		const c = deliveryContext('message-text', { events: ['message'], auditToStore: true }, null);
		const r = await trigger.webhook.call(c.ctx);
		expect(r).toEqual({ noWebhookResponse: true });
		expect(c.res.statusCode).toBe(500);
		expect(c.ctx.logger.error.mock.calls.flat().join(' ')).toContain(
			'"Audit to Store" needs a Clinic Store credential',
		);
		// The claim was released: once the credential is set, the redelivery is emitted and audited.
		const cred = newStoreCredential();
		const retry = deliveryContext('message-text', { events: ['message'], auditToStore: true }, cred);
		retry.ctx.getWorkflowStaticData.mockReturnValue(c.staticData as never);
		const again = await trigger.webhook.call(retry.ctx);
		expect(again.workflowData![0]).toHaveLength(1);
		expect(await entries(cred)).toHaveLength(1);
	});

	it('activation refuses "Audit to Store" (and Clinic Store deduplication) without the credential', async () => {
		const noHttp = () => ({ statusCode: 500 });
		const audit = hookContext({ auditToStore: true }, noHttp);
		await expect(trigger.webhookMethods.default.checkExists.call(audit.ctx)).rejects.toThrow(
			/"Audit to Store" needs a Clinic Store credential/,
		);
		const dedup = hookContext({ deduplicationStore: 'clinicStore' }, noHttp);
		await expect(trigger.webhookMethods.default.checkExists.call(dedup.ctx)).rejects.toBeInstanceOf(
			NodeOperationError,
		);
		const off = hookContext({}, noHttp);
		await expect(trigger.webhookMethods.default.checkExists.call(off.ctx)).resolves.toBe(true);
	});

	it('declares the Clinic Store credential optional and the option off by default', () => {
		const cred = trigger.description.credentials?.find((c) => c.name === 'clinicStoreApi');
		expect(cred?.required).toBe(false);
		expect(trigger.description.properties.find((p) => p.name === 'auditToStore')?.default).toBe(false);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('WhatsApp Send Template: Audit to Store', () => {
	const reminder = {
		header_1: 'Clínica Sol',
		body_1: 'Ana',
		body_2: '12/03',
		body_3: '09:30',
		button_0_payload: 'confirm:APPT-1',
	};
	const params = (extra: Record<string, unknown> = {}) => ({
		recipient: (i: number) => `+55119123456${10 + i}`,
		template: rl('appointment_reminder|pt_BR'),
		parameterSource: 'mapper',
		templateParameters: { mappingMode: 'defineBelow', value: reminder, matchingColumns: [], schema: [] },
		options: {},
		...extra,
	});
	const items = (n: number) => Array.from({ length: n }, () => ({ json: {} }));

	it('one outbound entry per item (success and Meta failure with its code), in ONE transaction', async () => {
		const cred = newStoreCredential();
		const store = await storeOf(cred);
		const transaction = jest.spyOn(store, 'transaction');
		const graph = new FakeGraph();
		graph.responder = (req) =>
			req.body?.to === '+5511912345611' ? metaError(131026, 'Message undeliverable') : undefined;
		const { ctx } = sendContext(
			{
				graph,
				items: items(3),
				continueOnFail: true,
				params: params({ auditToStore: true, auditPurpose: 'appointment-reminder' }),
			},
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(out.map((o) => Boolean(o.json.messageId))).toEqual([true, false, true]);
		expect(transaction).toHaveBeenCalledTimes(1);
		transaction.mockRestore();

		const list = await entries(cred);
		expect(list.map((e) => [e.direction, e.event, e.outcome, e.patientPhone])).toEqual([
			['outbound', 'message.sent', 'success', '+5511912345610'],
			['outbound', 'message.failed', 'serious-failure', '+5511912345611'],
			['outbound', 'message.sent', 'success', '+5511912345612'],
		]);
		for (const e of list) {
			expect(e).toMatchObject({
				template: 'appointment_reminder',
				purpose: 'appointment-reminder',
				actor: { workflowId: 'wf-send', executionId: 'exec-7', node: 'Send' },
			});
			expect(e.details).toMatchObject({ templateLanguage: 'pt_BR' });
		}
		expect(list[0].messageId).toBe(out[0].json.messageId);
		expect(list[1].details).toMatchObject({ errorCode: 131026 });
		expect((await verifyAuditChain(store)).valid).toBe(true);
	});

	it('off (default): the store is never touched', async () => {
		const graph = new FakeGraph();
		const { ctx, credentialTypes } = sendContext(
			{ graph, items: items(2), params: params() },
			newStoreCredential(),
		);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(out).toHaveLength(2);
		expect(credentialTypes).not.toContain('clinicStoreApi');
		expect(existsSync(join(dir, `clinic-${fileNo}.sqlite`))).toBe(false);
	});

	it('on without a Clinic Store credential: clear error and nothing is sent', async () => {
		const graph = new FakeGraph();
		const { ctx } = sendContext({ graph, items: items(2), params: params({ auditToStore: true }) }, null);
		const error = await sendTemplate.execute.call(ctx).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('"Audit to Store" needs a Clinic Store credential');
		expect(graph.messages).toHaveLength(0);
	});

	it('declares the Clinic Store credential optional (also read by Require Consent for Purpose)', () => {
		const cred = sendTemplate.description.credentials?.find((c) => c.name === 'clinicStoreApi');
		expect(cred).toMatchObject({ required: false });
		expect(sendTemplate.methods.credentialTest.clinicStoreConnectionTest).toBeInstanceOf(Function);
	});
});

describe('WhatsApp Send Message: Audit to Store', () => {
	it('records sent text messages as outbound entries (message type, no purpose when empty)', async () => {
		const cred = newStoreCredential();
		const graph = new FakeGraph();
		const { ctx } = sendContext(
			{
				graph,
				items: [{ json: {} }, { json: {} }],
				params: {
					operation: 'text',
					recipient: (i: number) => `+55119123456${80 + i}`,
					text: 'Your results are ready',
					options: {},
					auditToStore: true,
				},
			},
			cred,
		);
		const [out] = await sendMessage.execute.call(ctx);
		const list = await entries(cred);
		expect(list).toHaveLength(2);
		expect(list.map((e) => e.messageId)).toEqual(out.map((o) => o.json.messageId));
		for (const e of list) {
			expect(e).toMatchObject({
				direction: 'outbound',
				event: 'message.sent',
				purpose: null,
				template: null,
			});
			expect(e.details).toMatchObject({ messageType: 'text', recipientType: 'phone' });
		}
		expect((await verifyAuditChain(await storeOf(cred))).valid).toBe(true);
	});

	it('n8n offers the Clinic Store credential whenever a patient is messaged (never for Mark as Read)', () => {
		for (const d of [sendTemplate.description, sendMessage.description]) {
			const cred = d.credentials!.find((c) => c.name === 'clinicStoreApi')!;
			const node = { id: 'n', name: 'n', type: d.name, typeVersion: 1, position: [0, 0] as [number, number] };
			const shown = (params: Record<string, unknown>) => {
				// What the editor stores: defaults filled in, hidden parameters dropped.
				const stored = NodeHelpers.getNodeParameters(d.properties, params as never, true, false, node, d);
				return NodeHelpers.displayParameter(stored!, cred, node, d);
			};
			// Shown without either option too: n8n cannot show it for "Audit to Store OR Require Consent".
			expect(shown({ operation: 'text' })).toBe(true);
			expect(shown({ operation: 'text', auditToStore: true })).toBe(true);
			expect(shown({ operation: 'text', requireConsent: 'marketing' })).toBe(true);
			if (d.name === 'whatsAppSendMessage')
				expect(shown({ operation: 'markAsRead', auditToStore: true })).toBe(false);
		}
	});

	it('Mark as Read is never audited, even with the option set', async () => {
		const cred = newStoreCredential();
		const graph = new FakeGraph();
		const { ctx, credentialTypes } = sendContext(
			{ graph, params: { operation: 'markAsRead', messageId: 'wamid.IN1', auditToStore: true } },
			cred,
		);
		await sendMessage.execute.call(ctx);
		expect(credentialTypes).not.toContain('clinicStoreApi');
	});
});
