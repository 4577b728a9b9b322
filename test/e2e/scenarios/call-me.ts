/**
 * Issue 16 part 2 end to end in real n8n: workflow 04's "Call me". A patient asks for a nurse (01 → 04); 04 asks for
 * call permission; the patient taps "Allow calls" on the simulator's chat page (headless Chromium); the permission
 * reply reaches workflow 04 through 01 (staff told, the patient gets a call button); the patient taps the call
 * button: the `calls` webhook (connect with an SDP offer) reaches 01's trigger as a typed `call` item; hanging up
 * (nobody answered) gives a terminate item; the audit log holds call_permission.granted, call.incoming and call.missed
 * for the patient; the Audit Log node's KPI Report counts the call as a patient's call missed (issue 16: "KPIs count
 * calls handled and missed").
 */

import type { WorkflowJson } from '../../stack/n8n';
import { waitUntil } from '../../stack/proc';
import { assert, assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { CHROMIUM, hasChromium, launchChromium } from './chromium';
import { Patient } from './patient';
import {
	T,
	WF,
	assertNoFailedExecutions,
	callWebhook,
	nodeOutput,
	nodeRan,
	patientPhone,
	useWorkflow,
	workflowId,
} from './util';

/** Webhook → Audit Log · Query (one page) for a patient and an event. */
function auditQuery(): WorkflowJson {
	return {
		name: 'E2E audit of calls',
		nodes: [
			{
				name: 'Query calls',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'e2e-call-audit-0000-0000-000000000001',
				parameters: { httpMethod: 'POST', path: 'e2e-call-audit', responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Audit entries',
				type: T('auditLog'),
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					operation: 'query',
					filters: { patientPhone: '={{ $json.body.patient }}', event: '={{ $json.body.event }}' },
					returnAll: false,
					limit: 50,
					options: { output: 'page' },
				},
				credentials: { clinicStoreApi: { name: 'Clinic Store (SQLite)' } },
			},
		],
		connections: { 'Query calls': { main: [[{ node: 'Audit entries', type: 'main', index: 0 }]] } },
	};
}

const KPI_PATH = 'e2e-call-kpi';

/** Webhook → Audit Log · KPI Report of the last day (audit log only), answering with the report item. */
function kpiReport(): WorkflowJson {
	return {
		name: 'E2E KPI report of calls',
		nodes: [
			{
				name: 'Report now',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${KPI_PATH}-0000-0000-000000000001`,
				parameters: { httpMethod: 'POST', path: KPI_PATH, responseMode: 'lastNode', options: {} },
			},
			{
				name: 'KPI report',
				type: T('auditLog'),
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					operation: 'kpiReport',
					from: '={{ $now.minus({ days: 1 }) }}',
					to: '={{ $now.plus({ minutes: 5 }) }}',
					appointmentSource: 'none',
					output: 'report',
					kpiOptions: { charts: false },
				},
				credentials: { clinicStoreApi: { name: 'Clinic Store (SQLite)' } },
			},
		],
		connections: { 'Report now': { main: [[{ node: 'KPI report', type: 'main', index: 0 }]] } },
	};
}

/** The call figures of the KPI report's whole period. */
async function callTotals(ctx: ScenarioContext): Promise<Record<string, number | null>> {
	const answer = await callWebhook(ctx, KPI_PATH, {});
	const totals = (Array.isArray(answer) ? answer[0] : answer)?.totals;
	assert(
		totals && typeof totals.callsMissed === 'number',
		`KPI report totals: ${JSON.stringify(answer).slice(0, 300)}`,
	);
	return totals;
}

export const callMeScenario: Scenario = {
	name: 'call-me',
	description:
		'Workflow 04 "Call me": permission request, the patient allows calls on the chat page → reaches 04 (call button sent), the patient calls → typed call webhook in 01, audited (granted, incoming, missed), counted by the KPI Report as a missed patient call',
	requires: { nodes: ['whatsAppCalling', 'whatsAppClinicTrigger', 'auditLog'] },
	async run(ctx) {
		assert(hasChromium, `${CHROMIUM} not found: apt-get install -y chromium`);
		const since = Date.now();
		const inbox = workflowId(ctx, WF.inbox);
		const desk = workflowId(ctx, WF.telemedicine);
		const lia = new Patient(ctx, patientPhone(), 'Lia Moreira');
		// The KPI report's call figures before this call (other scenarios may have recorded calls today).
		await useWorkflow(ctx, kpiReport());
		const before = await callTotals(ctx);

		// 1. The patient asks for a nurse: 04 asks for call permission.
		await lia.say('Olá');
		await lia.tapButton('NURSE', 'Falar com a enfermagem');
		const [request] = await waitUntil(
			'call permission request',
			async () => {
				const found = (await lia.messages()).filter(
					(m) => m.request?.interactive?.type === 'call_permission_request',
				);
				return found.length ? found : undefined;
			},
			30_000,
		);
		ctx.log(`permission request: "${String(request.request.interactive.body.text).slice(0, 60)}…"`);

		// 2. The patient allows calls on the chat page.
		const browser = await launchChromium(ctx);
		const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
		page.on('pageerror', (e) => ctx.log(`chat page error: ${e.message}`));
		await page.goto(`${ctx.sim.url}/?phone=${lia.phone}&name=Lia%20Moreira`, {
			waitUntil: 'domcontentloaded',
		});
		await page
			.locator('[data-testid="clinic-message"]')
			.first()
			.waitFor({ timeout: 45_000 })
			.catch(async () => ctx.log(`chat page: ${(await page.locator('body').innerText()).slice(0, 400)}`));
		await page.locator('button[data-kind="call-permission-accept"]').last().click({ timeout: 45_000 });

		// 3. The answer reaches workflow 04: staff told, call button sent.
		const granted = await waitUntil(
			'workflow 04 gets the permission',
			async () => {
				const runs = await ctx.n8n.executions({ workflowId: desk, includeData: true });
				return runs.find(
					(e) =>
						nodeOutput(e, 'Staff desk')[0]?.body?.callPermission === 'accept' &&
						nodeOutput(e, 'Staff desk')[0]?.body?.patient === lia.phone,
				);
			},
			45_000,
		);
		assert(nodeRan(granted, 'Tell staff: patient can be called'), 'staff told the patient can be called');
		const button = await waitUntil(
			'call button',
			async () =>
				(await lia.messages()).find((m) => m.request?.interactive?.type === 'voice_call') ?? undefined,
			30_000,
		);
		ctx.log(`call button: "${button.request.interactive.action.parameters.display_text}"`);

		// 4. The patient taps the call button: a typed call item in 01.
		await page.locator('button[data-kind="voice-call"]').last().click({ timeout: 45_000 });
		await page.locator('[data-testid="call-state"]').waitFor({ timeout: 45_000 });
		const callItem = await waitUntil(
			'typed call item in workflow 01',
			async () => {
				const runs = await ctx.n8n.executions({ workflowId: inbox, includeData: true });
				return runs
					.flatMap((e) => nodeOutput(e, 'WhatsApp Clinic Trigger'))
					.find((i) => i.event === 'call' && i.callEvent === 'connect' && i.from === lia.phone);
			},
			45_000,
		);
		assertEqual(
			[callItem.direction, callItem.from, callItem.sdpType],
			['USER_INITIATED', lia.phone, 'offer'],
			'typed call item (direction, from, sdpType)',
		);
		assert(/^v=0\r\n/.test(String(callItem.sdp)), 'the SDP offer is passed through');
		assert(/^wacid\./.test(String(callItem.callId)), `call ID: ${callItem.callId}`);

		// 5. Nobody answers; the patient hangs up: a missed call.
		await page.locator('button[data-kind="hang-up"]').click();
		await waitUntil(
			'terminate item in workflow 01',
			async () => {
				const runs = await ctx.n8n.executions({ workflowId: inbox, includeData: true });
				return runs
					.flatMap((e) => nodeOutput(e, 'WhatsApp Clinic Trigger'))
					.find((i) => i.callId === callItem.callId && i.callEvent === 'terminate');
			},
			30_000,
		);

		// 6. The audit log has the permission, the call and that it was missed.
		await useWorkflow(ctx, auditQuery());
		for (const event of ['call_permission.granted', 'call.incoming', 'call.missed']) {
			const page1 = await waitUntil(
				`audit entry ${event}`,
				async () => {
					const r = await callWebhook(ctx, 'e2e-call-audit', { patient: `+${lia.phone}`, event });
					return Number(r.count) > 0 ? r : undefined;
				},
				20_000,
			);
			ctx.log(`audit ${event}: ${JSON.stringify(page1.entries[0].details)}`);
		}

		// 7. The KPI report counts it: one more patient's call, missed; nothing handled or placed by the clinic.
		const after = await waitUntil(
			'the KPI report counts the missed call',
			async () => {
				const t = await callTotals(ctx);
				return Number(t.callsFromPatients) > Number(before.callsFromPatients) ? t : undefined;
			},
			20_000,
		);
		const delta = (k: string) => Number(after[k]) - Number(before[k]);
		assertEqual(
			['callsFromPatients', 'callsMissed', 'callsHandled', 'callsToPatients', 'callsUnanswered'].map(delta),
			[1, 1, 0, 0, 0],
			'KPI report: call figures added by this call (from patients, missed, handled, to patients, not taken)',
		);
		ctx.log(
			`KPI report: ${after.callsMissed} missed of ${after.callsFromPatients} patient calls, answer rate ${after.callAnswerRatePct}%`,
		);
		await assertNoFailedExecutions(ctx, [WF.inbox, WF.telemedicine], since);
	},
};
