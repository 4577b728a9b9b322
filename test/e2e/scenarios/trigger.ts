/**
 * Issue 4 end to end: a patient message produces exactly one execution with the typed item; a forged POST is
 * answered 401 and starts nothing; a repeated delivery (Meta's retry) produces no second item.
 */
import { randomUUID } from 'node:crypto';

import type { WorkflowJson } from '../../stack/n8n';
import { assert, assertEqual, type Scenario } from '../scenario';
import { nodeOutput, patientPhone, settleCount, T, useCallback, useWorkflow } from './util';

function smokeWorkflow(webhookId: string): WorkflowJson {
	return {
		name: `E2E trigger smoke ${webhookId.slice(0, 8)}`,
		nodes: [
			{
				name: 'WhatsApp Clinic Trigger',
				type: T('whatsAppClinicTrigger'),
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { webhookRegistration: 'manual', events: ['message'], phoneNumberIds: '' },
				credentials: { whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' } },
			},
			{ name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
		],
		connections: { 'WhatsApp Clinic Trigger': { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
	};
}

export const triggerScenario: Scenario = {
	name: 'trigger-smoke',
	description:
		'Trigger: handshake, one typed item per message, forged POST → 401 and no execution, retry → no second item',
	requires: { nodes: ['whatsAppClinicTrigger'], credentials: ['whatsAppClinicApi'] },
	async run(ctx) {
		const { n8n, sim, log } = ctx;
		const webhookId = randomUUID();
		const wf = smokeWorkflow(webhookId);
		const workflowId = await useWorkflow(ctx, wf);
		const url = n8n.webhookUrl(wf.name, 'WhatsApp Clinic Trigger', 'webhook');
		// The simulator runs Meta's GET handshake (hub.verify_token) before accepting the callback.
		await useCallback(ctx, url);

		const from = patientPhone();
		const sent = await sim.inbound({
			from,
			name: 'Maria Souza',
			type: 'text',
			text: 'Olá, quero marcar uma consulta',
		});
		assertEqual(sent.delivery?.statusCode, 200, 'webhook answer to a signed delivery');
		const [execution] = await n8n.waitForExecutions(workflowId, 1);
		assertEqual(execution.status, 'success', 'execution status');
		const items = nodeOutput(execution, 'WhatsApp Clinic Trigger');
		assertEqual(items.length, 1, 'items emitted for one message');
		const item = items[0];
		assertEqual(item.event, 'message', 'item.event');
		assertEqual(item.type, 'text', 'item.type');
		assertEqual(item.messageId, sent.messageId, 'item.messageId');
		assertEqual(item.from, from, 'item.from');
		assertEqual(item.profileName, 'Maria Souza', 'item.profileName');
		assertEqual(item.phoneNumberId, '100000000000001', 'item.phoneNumberId');
		assert(String(item.text).includes('marcar uma consulta'), `item.text: ${JSON.stringify(item.text)}`);
		assert(
			typeof item.timestamp === 'string' && !Number.isNaN(Date.parse(item.timestamp)),
			'item.timestamp is ISO',
		);
		log(`typed item ok (${item.type}, ${item.messageId.slice(0, 20)}…)`);

		// Forged: same shape, signed with the wrong secret.
		const forged = await sim.deliverRaw(
			{
				object: 'whatsapp_business_account',
				entry: [
					{
						id: '200000000000001',
						changes: [
							{
								field: 'messages',
								value: {
									messaging_product: 'whatsapp',
									metadata: { display_phone_number: '15550100001', phone_number_id: '100000000000001' },
									contacts: [{ profile: { name: 'Mallory' }, wa_id: from }],
									messages: [
										{
											from,
											id: `wamid.FORGED${Date.now()}`,
											timestamp: String(Math.floor(Date.now() / 1000)),
											type: 'text',
											text: { body: 'forged' },
										},
									],
								},
							},
						],
					},
				],
			},
			{ url, wrongSecret: true },
		);
		const forgedStatus = (forged as any).statusCode ?? forged.attempts?.[0]?.statusCode;
		assertEqual(forgedStatus, 401, 'answer to a forged signature');

		// Meta's retry: the very same bytes again.
		assert(sent.delivery?.id, 'simulator returned the delivery id');
		const replay = await sim.replay(sent.delivery.id);
		const replayStatus = (replay as any).statusCode ?? replay.attempts?.[0]?.statusCode;
		assertEqual(replayStatus, 200, 'answer to a repeated delivery (acknowledged)');
		const count = await settleCount(ctx, workflowId);
		assertEqual(count, 1, 'executions after forged + repeated deliveries');
		log('forged → 401, repeated → 200 without a second execution');
	},
};
