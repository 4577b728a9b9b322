/**
 * Issue 14 item 4 in a real n8n: WhatsApp Send Template sends N reminders (Continue On Fail, Audit to Store) while
 * the simulator, through its control API, resets or drops 20 % of the Graph API requests (lostResponse: Meta accepted
 * the message but the answer is lost; drop; error500). A WhatsApp Clinic Trigger with Audit to Store receives the
 * status webhooks. Afterwards the audit log (Audit Log → Query) must hold, for every message the simulator accepted,
 * exactly one message.sent, or one message.unknown with exactly one message.resolved; no message.failed for any of
 * them; and no patient got the reminder twice.
 */
import { randomUUID } from 'node:crypto';

import { decodeCallbackData } from '../../../core/whatsapp/callback-data';
import { CREDENTIAL_NAMES } from '../../stack/credentials';
import type { WorkflowJson } from '../../stack/n8n';
import { sleep } from '../../stack/proc';
import { assert, assertEqual, type Scenario } from '../scenario';
import {
	callWebhook,
	nodeOutput,
	patientPhone,
	runOnce,
	T,
	useCallback,
	useWorkflow,
	webhookNode,
} from './util';

const N = 60;
const SEND_PATH = 'e2e-send-faults';
const AUDIT_PATH = 'e2e-send-faults-audit';
const STORE = { clinicStoreApi: { name: CREDENTIAL_NAMES.store } };
const WHATSAPP = { whatsAppClinicApi: { name: CREDENTIAL_NAMES.whatsApp } };

function statusWorkflow(webhookId: string): WorkflowJson {
	return {
		name: `E2E send-faults statuses ${webhookId.slice(0, 8)}`,
		nodes: [
			{
				name: 'Statuses',
				type: T('whatsAppClinicTrigger'),
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: {
					webhookRegistration: 'manual',
					events: ['status.sent', 'status.delivered', 'status.read', 'status.failed'],
					phoneNumberIds: '',
					auditToStore: true,
				},
				credentials: { ...WHATSAPP, ...STORE },
			},
			{ name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
		],
		connections: { Statuses: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
	};
}

function sendWorkflow(): WorkflowJson {
	return {
		name: 'E2E send-faults reminders',
		nodes: [
			webhookNode(SEND_PATH),
			{
				name: 'Patients',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					jsCode: "return $('Start').first().json.body.patients.map((phone) => ({ json: { phone } }));",
				},
			},
			{
				name: 'Reminder',
				type: T('whatsAppSendTemplate'),
				typeVersion: 1,
				position: [440, 0],
				onError: 'continueRegularOutput',
				parameters: {
					recipient: '={{ $json.phone }}',
					template: { __rl: true, mode: 'name', value: 'appointment_reminder|pt_BR' },
					parameterSource: 'json',
					parametersJson:
						'{"header_1": "Clínica Sol", "body_1": "Ana", "body_2": "12/03", "body_3": "09:30", "button_0_payload": "confirm:E2E"}',
					options: { bizOpaqueCallbackData: 'E2E-FAULTS' },
					auditToStore: true,
					auditPurpose: 'appointment-reminder',
				},
				credentials: { ...WHATSAPP, ...STORE },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Patients', type: 'main', index: 0 }]] },
			Patients: { main: [[{ node: 'Reminder', type: 'main', index: 0 }]] },
		},
	};
}

function auditWorkflow(): WorkflowJson {
	return {
		name: 'E2E send-faults audit query',
		nodes: [
			webhookNode(AUDIT_PATH),
			{
				name: 'Query',
				type: T('auditLog'),
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'query',
					returnAll: true,
					filters: { from: '={{ $json.body.since }}' },
					options: {},
				},
				credentials: STORE,
			},
		],
		connections: { Start: { main: [[{ node: 'Query', type: 'main', index: 0 }]] } },
	};
}

export const sendFaultsScenario: Scenario = {
	name: 'send-faults',
	description: `Send Template, ${N} reminders at a 20 % fault rate (lostResponse, drop, error500): every accepted message audited once as sent or unknown → resolved by its status webhook, none failed, none twice`,
	requires: {
		nodes: ['whatsAppSendTemplate', 'whatsAppClinicTrigger', 'auditLog'],
		credentials: ['whatsAppClinicApi', 'clinicStoreApi'],
	},
	async run(ctx) {
		const since = new Date(Date.now() - 1000).toISOString();
		const webhookId = randomUUID();
		const statuses = statusWorkflow(webhookId);
		await useWorkflow(ctx, statuses);
		await useCallback(ctx, ctx.n8n.webhookUrl(statuses.name, 'Statuses', 'webhook'));
		const senderId = await useWorkflow(ctx, sendWorkflow());
		await useWorkflow(ctx, auditWorkflow());

		await ctx.sim.control('POST', '/config', {
			faultRate: 0.2,
			faultKinds: ['lostResponse', 'drop', 'error500'],
			readDelayMs: 50,
		});
		ctx.defer(async () => {
			await ctx.sim.control('POST', '/config', { faultRate: 0, faultKinds: ['error500', 'drop'] });
		});

		const patients = Array.from({ length: N }, () => patientPhone());
		const { execution } = await runOnce(ctx, senderId, SEND_PATH, { patients: patients.map((p) => `+${p}`) });
		await ctx.sim.control('POST', '/config', { faultRate: 0 });
		const out = nodeOutput(execution, 'Reminder');
		assertEqual(out.length, N, 'one item per reminder');
		const byStatus: Record<string, number> = {};
		for (const o of out) byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
		ctx.log(`items: ${JSON.stringify(byStatus)}`);
		assert(
			!JSON.stringify(out).includes('retries automatically'),
			'no hint claims the node retries automatically',
		);

		// What the simulator accepted, and each message's status webhooks through the trigger into the audit log.
		const accepted = (await Promise.all(patients.map(async (p) => await ctx.sim.messages({ to: p })))).flat();
		const perPatient = patients.map(
			(p) => accepted.filter((m) => String(m.to).replace(/\D/g, '') === p).length,
		);
		assert(
			perPatient.every((n) => n <= 1),
			`no patient got the reminder twice (${perPatient.filter((n) => n > 1).length} did)`,
		);
		const keys = accepted.map((m) => decodeCallbackData(m.bizOpaqueCallbackData).idempotencyKey ?? '');
		let entries: Array<Record<string, any>> = [];
		const problems: string[] = [];
		for (let attempt = 0; attempt < 30; attempt++) {
			const answer = await callWebhook(ctx, AUDIT_PATH, { since });
			entries = Array.isArray(answer) ? answer : [answer];
			problems.length = 0;
			for (const key of keys) {
				const mine = entries.filter((e) => e.details?.idempotencyKey === key).map((e) => String(e.event));
				const events = mine.filter((e) => e.startsWith('message.')).sort();
				const ok =
					JSON.stringify(events) === JSON.stringify(['message.sent']) ||
					JSON.stringify(events) === JSON.stringify(['message.resolved', 'message.unknown']);
				if (!ok) problems.push(`${key}: ${JSON.stringify(events)}`);
			}
			if (!problems.length) break;
			await sleep(1000);
		}
		assertEqual(problems, [], 'accepted messages without exactly one sent or unknown → resolved entry');
		const resolved = entries.filter((e) => e.event === 'message.resolved').length;
		const unknown = entries.filter((e) => e.event === 'message.unknown').length;
		ctx.log(
			`${accepted.length}/${N} accepted by the simulator; audit: ${entries.filter((e) => e.event === 'message.sent').length} message.sent, ${unknown} message.unknown (${resolved} resolved), ${entries.filter((e) => e.event === 'message.failed').length} message.failed`,
		);
		assert(
			out.filter((o) => o.status === 'failed').every((o) => !keys.includes(String(o.idempotencyKey))),
			'no accepted message is called failed',
		);
	},
};
