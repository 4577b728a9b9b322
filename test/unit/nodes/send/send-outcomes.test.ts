/**
 * Sent, failed or unknown (issue 14 item 4): a send whose answer was lost after the request was written is an
 * `unknown` item (never retried, never called failed), audited as message.unknown with its idempotency key, in both
 * Continue On Fail modes; every settled message is audited even when the run throws; and a later status update
 * delivered to the WhatsApp Clinic Trigger with Audit to Store resolves it (message.resolved, linked to the unknown
 * entry, exactly once), whichever of the two is written first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { queryAuditEntries, verifyAuditChain, type AuditView } from '../../../../core/audit';
import { closeAllClinicStores, openClinicStore } from '../../../../core/store';
import { resetProcessDedupCaches } from '../../../../core/webhook/dedup';
import { decodeCallbackData } from '../../../../core/whatsapp/callback-data';
import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { storeConfigFromCredential } from '../../../../nodes/shared/store';
import { WhatsAppClinicTrigger } from '../../../../nodes/WhatsAppClinicTrigger/WhatsAppClinicTrigger.node';
import { WhatsAppSendTemplate } from '../../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { webhookContext } from '../trigger/helpers';
import { FakeGraph, metaError, rl, sendContext, STORE_REF, type SentRequest } from './fake-context';

const sendTemplate = new WhatsAppSendTemplate();
const trigger = new WhatsAppClinicTrigger();

let dir: string;
let fileNo = 0;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'wac-send-outcomes-'));
});
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	resetSharedLimiters();
	resetProcessDedupCaches();
});

function newStoreCredential() {
	return {
		backend: 'sqlite',
		sqlitePath: join(dir, `clinic-${++fileNo}.sqlite`),
		phiKey: 'a-long-test-passphrase-for-the-phi-key',
		phiKeyId: 'k1',
	};
}

async function auditLog(credential: Record<string, unknown>): Promise<AuditView[]> {
	const store = await openClinicStore(storeConfigFromCredential(credential as never, { host: hostname() }));
	expect((await verifyAuditChain(store)).valid).toBe(true);
	return (await queryAuditEntries(store, { includeContent: true, order: 'asc', limit: 1000 })).entries;
}

const PHONE = (i: number) => `+55119123456${10 + i}`;
const params = (extra: Record<string, unknown> = {}) => ({
	recipient: (i: number) => PHONE(i),
	template: rl('appointment_reminder|pt_BR'),
	parameterSource: 'json',
	parametersJson: { header_1: 'Clínica Sol', body_1: 'Ana', body_2: '12/03', body_3: '09:30' },
	options: { bizOpaqueCallbackData: 'APPT-7' },
	...extra,
});
const items = (n: number): INodeExecutionData[] => Array.from({ length: n }, () => ({ json: {} }));

/** A Graph whose message to `to` is written but whose answer is lost (the simulator's lostResponse). */
function graphWith(
	faults: Record<string, 'reset' | 'refuse'>,
	beforeReset?: (req: SentRequest) => Promise<void>,
) {
	const graph = new FakeGraph();
	const accepted: SentRequest[] = [];
	const handle = graph.handle.bind(graph);
	graph.handle = async (options) => {
		const body = options.body as IDataObject | undefined;
		const fault = typeof body?.to === 'string' ? faults[body.to] : undefined;
		if (fault === 'refuse') {
			graph.requests.push({ method: 'POST', path: 'messages', body });
			const r = metaError(131026, 'Message undeliverable');
			return { statusCode: r.status, body: r.body, headers: {} };
		}
		const res = await handle(options);
		if (body?.to) accepted.push(graph.requests[graph.requests.length - 1]);
		if (fault === 'reset') {
			await beforeReset?.(graph.requests[graph.requests.length - 1]);
			throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		}
		return res;
	};
	return { graph, accepted };
}

/** One signed status webhook for `request` (as Meta would send it) delivered to the trigger with Audit to Store. */
async function deliverStatus(
	credential: Record<string, unknown>,
	request: SentRequest,
	status: string,
	wamid: string,
): Promise<IDataObject[]> {
	const body = Buffer.from(
		JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '102290129340398',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
								statuses: [
									{
										id: wamid,
										status,
										timestamp: String(Math.floor(Date.now() / 1000)),
										recipient_id: String(request.body.to).replace('+', ''),
										biz_opaque_callback_data: request.body.biz_opaque_callback_data,
									},
								],
							},
						},
					],
				},
			],
		}),
	);
	const { ctx } = webhookContext({
		body,
		params: {
			events: ['status.sent', 'status.delivered', 'status.read', 'status.failed'],
			auditToStore: true,
		},
		staticData: {},
	});
	ctx.getNode.mockReturnValue({
		id: 'node-t',
		name: 'WhatsApp Clinic Trigger',
		type: 'n8n-nodes-whatsapp-clinic.whatsAppClinicTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' }, ...STORE_REF },
	});
	ctx.getExecutionId.mockReturnValue(`exec-trigger-${status}`);
	const whatsapp = ctx.getCredentials.getMockImplementation();
	ctx.getCredentials.mockImplementation((async (type: string) =>
		type === 'clinicStoreApi' ? credential : await whatsapp?.(type)) as never);
	const result = await trigger.webhook.call(ctx);
	return (result.workflowData?.[0] ?? []).map((i) => i.json);
}

describe('unknown outcome: an item of its own, not a failure', () => {
	it('Continue On Fail on: sent / unknown / failed / sent, in order; the unknown one was sent once and never retried', async () => {
		const { graph } = graphWith({ [PHONE(1)]: 'reset', [PHONE(2)]: 'refuse' });
		const cred = newStoreCredential();
		const { ctx } = sendContext(
			{ graph, items: items(4), continueOnFail: true, params: params({ auditToStore: true }) },
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(out.map((o) => o.json.status)).toEqual(['sent', 'unknown', 'failed', 'sent']);
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(graph.messages.filter((m) => m.to === PHONE(1))).toHaveLength(1);

		const unknown = out[1].json;
		expect(unknown).toMatchObject({
			status: 'unknown',
			messageId: null,
			recipient: PHONE(1),
			templateName: 'appointment_reminder',
			bizOpaqueCallbackData: 'APPT-7',
			idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
			code: 'ECONNRESET',
		});
		expect(unknown).not.toHaveProperty('error');
		expect(String(unknown.reason)).toMatch(
			/connection was lost \(ECONNRESET\) after the message was handed over/,
		);
		expect(String(unknown.hint)).toMatch(/Do not send it again now/);
		// The key the patient's status updates will carry is the item's key.
		const sent = graph.messages.find((m) => m.to === PHONE(1));
		expect(decodeCallbackData(sent.biz_opaque_callback_data)).toEqual({
			userValue: 'APPT-7',
			idempotencyKey: unknown.idempotencyKey,
		});
		expect(JSON.stringify(out)).not.toMatch(/retries automatically/);
		expect(out[2].json).toMatchObject({ status: 'failed', error: { code: 131026 } });

		const log = await auditLog(cred);
		expect(log.map((e) => [e.event, e.outcome])).toEqual([
			['message.sent', 'success'],
			['message.unknown', 'minor-failure'],
			['message.failed', 'serious-failure'],
			['message.sent', 'success'],
		]);
		// The unknown entry's message reference is the idempotency key (Audit Log Query by Message ID finds it).
		expect(log[1]).toMatchObject({
			messageId: unknown.idempotencyKey,
			patientPhone: PHONE(1),
			details: expect.objectContaining({
				idempotencyKey: unknown.idempotencyKey,
				sent: 'unknown',
				errorCode: 'ECONNRESET',
			}),
		});
		expect(log[0].details).toMatchObject({ idempotencyKey: out[0].json.idempotencyKey });
	});

	it('Continue On Fail off: an unknown does not stop the run; it is output like the sent ones', async () => {
		const { graph } = graphWith({ [PHONE(1)]: 'reset' });
		const { ctx } = sendContext({ graph, items: items(3), params: params() }, null);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(out.map((o) => o.json.status)).toEqual(['sent', 'unknown', 'sent']);
		expect(graph.messages).toHaveLength(3);
	});

	it('Continue On Fail off: a refusal throws, and every message that was or may have been sent is audited', async () => {
		const { graph, accepted } = graphWith({ [PHONE(1)]: 'reset', [PHONE(2)]: 'refuse' });
		const cred = newStoreCredential();
		const { ctx } = sendContext({ graph, items: items(5), params: params({ auditToStore: true }) }, cred);
		const error = (await sendTemplate.execute.call(ctx).catch((e: unknown) => e)) as Error & {
			description?: string;
		};
		expect(error.message).toMatch(/#131026/);
		expect(error.description).toMatch(/message\(s\) of this run were already accepted by WhatsApp/);
		expect(error.description).toMatch(/1 message\(s\) have an unknown outcome .* do not resend them blindly/);
		const log = await auditLog(cred);
		// Every message the Graph accepted (including the one whose answer was lost) has exactly one entry.
		for (const request of accepted) {
			const { idempotencyKey } = decodeCallbackData(request.body.biz_opaque_callback_data);
			const mine = log.filter((e) => e.details?.idempotencyKey === idempotencyKey);
			expect(mine.map((e) => e.event)).toEqual([
				request.body.to === PHONE(1) ? 'message.unknown' : 'message.sent',
			]);
		}
		expect(log.filter((e) => e.event === 'message.failed')).toHaveLength(1);
	});
});

describe('reconciliation: a later status update resolves the unknown send', () => {
	it('status after the send: the trigger appends ONE message.resolved linked to the unknown entry', async () => {
		const { graph, accepted } = graphWith({ [PHONE(0)]: 'reset' });
		const cred = newStoreCredential();
		const { ctx } = sendContext(
			{ graph, items: items(1), continueOnFail: true, params: params({ auditToStore: true }) },
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		const key = out[0].json.idempotencyKey;

		const emitted = await deliverStatus(cred, accepted[0], 'sent', 'wamid.LOST1');
		// The trigger shows the user's own callback data, the key apart.
		expect(emitted[0]).toMatchObject({ bizOpaqueCallbackData: 'APPT-7', idempotencyKey: key });
		await deliverStatus(cred, accepted[0], 'delivered', 'wamid.LOST1');
		await deliverStatus(cred, accepted[0], 'read', 'wamid.LOST1');

		const log = await auditLog(cred);
		expect(log.map((e) => e.event)).toEqual([
			'message.unknown',
			'status.sent',
			'message.resolved',
			'status.delivered',
			'status.read',
		]);
		const [unknown, , resolved] = log;
		expect(resolved).toMatchObject({
			direction: 'status',
			outcome: 'success',
			messageId: key,
			details: expect.objectContaining({
				idempotencyKey: key,
				resolves: unknown.seq,
				resolvesHash: unknown.hash,
				resolvedAs: 'sent',
				status: 'sent',
				messageDigest: log[1].messageDigest,
			}),
		});
		expect(log[1].details).toMatchObject({ idempotencyKey: key, status: 'sent' });
	});

	it('status BEFORE the send node writes its audit: the send node resolves it in the same transaction', async () => {
		const cred = newStoreCredential();
		// The status webhook arrives while the node is still sending (it writes its audit after the last send).
		const { graph } = graphWith({ [PHONE(0)]: 'reset' }, async (request) => {
			await deliverStatus(cred, request, 'sent', 'wamid.EARLY1');
		});
		const { ctx } = sendContext(
			{ graph, items: items(2), continueOnFail: true, params: params({ auditToStore: true }) },
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(out.map((o) => o.json.status)).toEqual(['unknown', 'sent']);
		const log = await auditLog(cred);
		expect(log.map((e) => e.event)).toEqual([
			'status.sent',
			'message.unknown',
			'message.sent',
			'message.resolved',
		]);
		expect(log[3].details).toMatchObject({
			idempotencyKey: out[0].json.idempotencyKey,
			resolves: log[1].seq,
			resolvedAs: 'sent',
			messageDigest: log[0].messageDigest,
		});
		// A later status does not resolve it a second time.
		await deliverStatus(
			cred,
			graph.requests.find((r) => r.body?.to === PHONE(0))!,
			'delivered',
			'wamid.EARLY1',
		);
		expect((await auditLog(cred)).filter((e) => e.event === 'message.resolved')).toHaveLength(1);
	});

	it('a failed status resolves it as failed (Meta accepted it but could not deliver it)', async () => {
		const { graph, accepted } = graphWith({ [PHONE(0)]: 'reset' });
		const cred = newStoreCredential();
		const { ctx } = sendContext(
			{ graph, items: items(1), continueOnFail: true, params: params({ auditToStore: true }) },
			cred,
		);
		await sendTemplate.execute.call(ctx);
		await deliverStatus(cred, accepted[0], 'failed', 'wamid.F1');
		const resolved = (await auditLog(cred)).find((e) => e.event === 'message.resolved');
		expect(resolved).toMatchObject({
			outcome: 'serious-failure',
			details: expect.objectContaining({ resolvedAs: 'failed', status: 'failed' }),
		});
	});

	it('status updates of messages sent without a key (other tools) resolve nothing', async () => {
		const cred = newStoreCredential();
		const request: SentRequest = {
			method: 'POST',
			path: 'messages',
			body: { to: PHONE(0), biz_opaque_callback_data: 'appointment-4711' },
		};
		const emitted = await deliverStatus(cred, request, 'sent', 'wamid.OTHER');
		expect(emitted[0]).toMatchObject({ bizOpaqueCallbackData: 'appointment-4711', idempotencyKey: null });
		expect((await auditLog(cred)).map((e) => e.event)).toEqual(['status.sent']);
	});
});
