/**
 * Queue mode, webhook deduplication across processes: a second webhook processor joins; Meta's retry of a delivery
 * lands on the other processor, and a fresh delivery reaches both processors at the same moment. With "Remember
 * Processed Events In: Clinic Store" (PostgreSQL) each event starts exactly one execution. The same deliveries to a
 * trigger remembering events only in the workflow (per process) are logged for contrast.
 */
import { randomUUID } from 'node:crypto';

import { CREDENTIAL_NAMES } from '../../stack/credentials';
import type { WorkflowJson } from '../../stack/n8n';
import { assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { patientPhone, settleCount, T, useCallback, useWorkflow } from './util';

function dedupWorkflow(webhookId: string, store: 'clinicStore' | 'workflow'): WorkflowJson {
	return {
		name: `E2E queue dedup ${store} ${webhookId.slice(0, 8)}`,
		nodes: [
			{
				name: 'WhatsApp Clinic Trigger',
				type: T('whatsAppClinicTrigger'),
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: {
					webhookRegistration: 'manual',
					events: ['message'],
					phoneNumberIds: '',
					deduplicationStore: store,
				},
				credentials: {
					whatsAppClinicApi: { name: CREDENTIAL_NAMES.whatsApp },
					...(store === 'clinicStore' ? { clinicStoreApi: { name: CREDENTIAL_NAMES.storePostgres } } : {}),
				},
			},
			{ name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
		],
		connections: { 'WhatsApp Clinic Trigger': { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
	};
}

/** Same production webhook path, served by another webhook processor. */
function onProcessor(url: string, port: number): string {
	const u = new URL(url);
	u.port = String(port);
	return u.toString();
}

/** A delivery body as the simulator sent it, with a new message ID (a fresh event). */
async function freshCopy(ctx: ScenarioContext, deliveryId: string): Promise<unknown> {
	const list = (await ctx.sim.control('GET', '/deliveries?includeBody=1')) as { data?: any[] } | any[];
	const all = Array.isArray(list) ? list : (list.data ?? []);
	const body = structuredClone(all.find((d: any) => d.id === deliveryId)?.body);
	body.entry[0].changes[0].value.messages[0].id = `wamid.QUEUE${randomUUID().replace(/-/g, '')}`;
	return body;
}

const status = (d: any) => d.statusCode ?? d.attempts?.[0]?.statusCode;

/** One message, its retry on the other processor, and a fresh message to both at once: executions started. */
async function deliverEverywhere(ctx: ScenarioContext, store: 'clinicStore' | 'workflow', ports: number[]) {
	const wf = dedupWorkflow(randomUUID(), store);
	const workflowId = await useWorkflow(ctx, wf);
	const url = ctx.n8n.webhookUrl(wf.name, 'WhatsApp Clinic Trigger', 'webhook');
	const urls = ports.map((port) => onProcessor(url, port));
	await useCallback(ctx, urls[0]);
	const sent = await ctx.sim.inbound({ from: patientPhone(), name: 'Ana Queue', type: 'text', text: 'oi' });
	assertEqual(sent.delivery?.statusCode, 200, 'first delivery (webhook-1)');
	await ctx.n8n.waitForExecutions(workflowId, 1, 60_000);
	const original = (await ctx.sim.control('GET', '/deliveries?includeBody=1')) as any;
	const body = (Array.isArray(original) ? original : original.data).find(
		(d: any) => d.id === sent.delivery.id,
	).body;
	const retry = await ctx.sim.deliverRaw(body, { url: urls[1] });
	const fresh = await freshCopy(ctx, sent.delivery.id);
	const both = await Promise.all(urls.map(async (u) => await ctx.sim.deliverRaw(fresh, { url: u })));
	return {
		count: await settleCount(ctx, workflowId, 6000),
		statuses: [status(retry), ...both.map(status)],
	};
}

export const queueDedupScenario: Scenario = {
	name: 'queue-dedup',
	description:
		"Queue mode: Meta's retry on another webhook processor and one event hitting two processors at once → one execution per event (Clinic Store dedup)",
	requires: { nodes: ['whatsAppClinicTrigger'], credentials: ['clinicStoreApi'] },
	async run(ctx) {
		const processors = ctx.n8n.processes.filter((p) => p.role === 'webhook');
		if (processors.length < 2) {
			ctx.log('starting a second webhook processor');
			processors.push(await ctx.n8n.addProcess('webhook'));
		}
		const ports = processors.slice(0, 2).map((p) => p.port);
		const shared = await deliverEverywhere(ctx, 'clinicStore', ports);
		ctx.log(`Clinic Store dedup: 2 events, 4 deliveries on 2 processors → ${shared.count} execution(s)`);
		assertEqual(shared.statuses, [200, 200, 200], 'answers to the retry and to both copies (acknowledged)');
		assertEqual(shared.count, 2, 'executions for 2 events delivered 4 times to 2 webhook processors');
		const local = await deliverEverywhere(ctx, 'workflow', ports);
		ctx.log(`per-process dedup ("This Workflow"), same deliveries → ${local.count} execution(s)`);
	},
};
