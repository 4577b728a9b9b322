/**
 * The booking WhatsApp Flow on the simulator's chat page, in headless Chromium, against real n8n: the stack
 * uploaded the Flow key and published the shipped Flow with workflow 09 as its endpoint (test/stack/flows.ts); the
 * WhatsApp Flow node lists it and sees the key at "Meta" matching its credential; Send Message → Send Flow (the
 * stack's "Send the booking Flow" workflow) sends it. Patient A opens it, picks specialty → practitioner → date →
 * a time from the live list → name, date of birth (date picker), phone, insurance → confirms: workflow 09 booked it,
 * the Flow closes and the nfm_reply reaches workflow 01 with the flow token. Patient B sees A's time missing from
 * the live list, picks another, which someone else books meanwhile: confirming shows the time screen again with
 * "just taken" and the alternatives (never an error screen). Texts are Portuguese. A Flow JSON with an unknown
 * component is refused by the simulator with Meta's validation error and cannot be published (139002).
 */
import type { Page } from 'playwright-core';

import { encryptFlowRequest } from '../../../core/flows/crypto';
import { flowTokenKey, issueFlowToken } from '../../../core/flows/flow-token';
import { signBody } from '../../../core/webhook/signature';
import { stackFlowKey } from '../../stack/credentials';
import { bookingFlowName, FLOW_BOOKING_WORKFLOW, SEND_FLOW_PATH } from '../../stack/flows';
import { SIM } from '../../stack/sim';
import { CLINIC_RULES } from '../../../scripts/workflows/clinic-settings';
import { assert, assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { launchChromium } from './chromium';
import {
	callWebhook,
	nodeOutput,
	patientPhone,
	runOnce,
	T,
	useWorkflow,
	webhookNode,
	WF,
	workflowId,
} from './util';

const WAIT = { timeout: 90_000 };
const FLOW_NAME = bookingFlowName('pt_BR');
/** One terminal screen whose first component is not a Flow JSON component. */
const INVALID_FLOW =
	'{"version":"7.3","screens":[{"id":"A","terminal":true,"layout":{"type":"SingleColumnLayout","children":[{"type":"Calendar3D"},{"type":"Footer","label":"OK","on-click-action":{"name":"complete","payload":{}}}]}}]}';

/** Opens the newest Flow message of the chat and answers the screens up to the time list. */
async function upToTimes(
	page: Page,
	choose: { date?: string } = {},
): Promise<{ date: string; options: string[] }> {
	const title = page.locator('#flow-title');
	await page.locator('[data-kind="open-flow"]').last().click();
	await title.filter({ hasText: 'Agendar consulta' }).waitFor(WAIT);
	assert(/especialidade/.test(await page.locator('#flow-body').innerText()), 'first screen in Portuguese');
	await page.selectOption('[data-flow-input="specialty"]', { index: 1 });
	await page.locator('#flow-footer', { hasText: 'Continuar' }).click();
	await title.filter({ hasText: 'Profissional' }).waitFor(WAIT);
	await page.selectOption('[data-flow-input="practitioner"]', { index: 1 });
	await page.locator('#flow-footer').click();
	for (let day = 1; day <= 14; day++) {
		await title.filter({ hasText: 'Data' }).waitFor(WAIT);
		const date = choose.date ?? new Date(Date.now() + day * 86_400_000).toISOString().slice(0, 10);
		await page.fill('[data-flow-input="date"]', date);
		await page.locator('#flow-footer').click();
		// Either the time list or DATE again with "no free times that day".
		await page.locator('#flow-title', { hasText: /Horário|Data/ }).waitFor(WAIT);
		await page.locator('#flow-footer:not([disabled])').waitFor(WAIT);
		if ((await title.innerText()) === 'Horário') {
			const options = await page
				.locator('[data-flow-input="slot"] [data-option-id]')
				.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-option-id') ?? ''));
			return { date, options };
		}
		assert(!choose.date, `no free times on ${date}`);
	}
	throw new Error('no day with free times in the next 14 days');
}

async function details(page: Page, name: string) {
	await page.locator('#flow-title', { hasText: 'Seus dados' }).waitFor(WAIT);
	await page.fill('[data-flow-input="name"]', name);
	await page.fill('[data-flow-input="birth_date"]', '1988-03-21');
	await page.fill('[data-flow-input="phone"]', '+5511999990000');
	await page.selectOption('[data-flow-input="insurance"]', 'bradesco');
	await page.locator('#flow-footer').click();
	await page.locator('#flow-footer', { hasText: 'Confirmar agendamento' }).waitFor(WAIT);
}

/** A patient with an open 24-hour window, the booking Flow sent to them, and their chat page. */
async function patientWithFlow(ctx: ScenarioContext, browserPage: Page, name: string): Promise<string> {
	const phone = patientPhone();
	await ctx.sim.inbound({ from: phone, name, type: 'text', text: 'Oi' });
	await callWebhook(ctx, SEND_FLOW_PATH, { to: phone, language: 'pt_BR' });
	await browserPage.goto(`${ctx.sim.url}/?phone=${phone}&name=${encodeURIComponent(name)}`);
	await browserPage.locator('[data-kind="open-flow"]', { hasText: 'Agendar consulta' }).last().waitFor(WAIT);
	return phone;
}

/** Someone else books `slot` straight through the endpoint (Meta's encryption, signed), as another phone would. */
async function bookElsewhere(ctx: ScenarioContext, url: string, data: Record<string, unknown>) {
	const token = issueFlowToken(flowTokenKey(SIM.appSecret), { reference: 'booking', language: 'pt_BR' });
	const payload = { version: '3.0', action: 'data_exchange', screen: 'SUMMARY', flow_token: token, data };
	const raw = JSON.stringify(encryptFlowRequest(payload, stackFlowKey().publicKeyPem).body);
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, SIM.appSecret) },
		body: raw,
	});
	assertEqual(res.status, 200, 'the other booking reached the endpoint');
}

export const flowChatPageScenario: Scenario = {
	name: 'flow-chat-page',
	description:
		'Booking WhatsApp Flow on the chat page (Chromium): published by the stack, sent with Send Flow, live times, date pickers, nfm_reply to 01; a slot taken meanwhile shows the alternatives; an invalid Flow JSON is refused',
	requires: {
		nodes: ['whatsAppFlowTrigger', 'whatsAppFlow', 'whatsAppSendMessage', 'appointmentSlotLookup'],
		credentials: ['whatsAppFlowKeyApi'],
	},
	async run(ctx) {
		const flows = (await ctx.sim.control('GET', '/flows')).data as Array<Record<string, any>>;
		const flow = flows.find((f) => f.name === FLOW_NAME);
		const endpoint = ctx.n8n.webhookUrl(FLOW_BOOKING_WORKFLOW, 'Flow endpoint', 'flow');
		assertEqual(
			flow?.status,
			'PUBLISHED',
			`${FLOW_NAME} published by the stack (${JSON.stringify(flow)?.slice(0, 300)})`,
		);
		assertEqual(flow?.endpoint_uri, endpoint, 'endpoint_uri = workflow 09 production URL');

		// The WhatsApp Flow node sees the same at "Meta": the Flow in List Flows, the key matching its credential.
		const nodeCheck = await useWorkflow(ctx, {
			name: 'E2E Flow node against the simulator',
			nodes: [
				webhookNode('e2e-flow-node'),
				{
					name: 'List Flows',
					type: T('whatsAppFlow'),
					typeVersion: 1,
					position: [220, 0],
					parameters: { operation: 'list' },
					credentials: { whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' } },
				},
				{
					name: 'Key status',
					type: T('whatsAppFlow'),
					typeVersion: 1,
					position: [440, 0],
					parameters: { operation: 'getPublicKey' },
					executeOnce: true,
					credentials: {
						whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' },
						whatsAppFlowKeyApi: { name: 'WhatsApp Flow Key' },
					},
				},
			],
			connections: {
				Start: { main: [[{ node: 'List Flows', type: 'main', index: 0 }]] },
				'List Flows': { main: [[{ node: 'Key status', type: 'main', index: 0 }]] },
			},
		});
		const { execution } = await runOnce(ctx, nodeCheck, 'e2e-flow-node', {});
		const listed = nodeOutput(execution, 'List Flows').find((f) => f.name === FLOW_NAME);
		assertEqual(listed?.status, 'PUBLISHED', 'List Flows shows the booking Flow');
		assertEqual(
			nodeOutput(execution, 'Key status')[0]?.matchesCredential,
			true,
			'public key at Meta = credential',
		);

		const browser = await launchChromium(ctx);
		const page = await browser.newPage();
		const requestsBefore = (await ctx.sim.control('GET', '/flows/requests')).data.length as number;

		// Patient A books the first free time.
		const ana = await patientWithFlow(ctx, page, 'Ana Paula');
		const a = await upToTimes(page);
		assert(a.options.length > 1, `live times on ${a.date}: ${a.options.length}`);
		await page.locator(`[data-option-id="${a.options[0]}"] input`).check();
		await page.locator('#flow-footer').click();
		await details(page, 'Ana Paula Souza');
		assert(/às/.test(await page.locator('#flow-body').innerText()), 'summary date in Portuguese');
		await page.locator('#flow-footer').click();
		await page.locator('#flow-sheet').waitFor({ state: 'hidden', ...WAIT });
		const sessionsA = (await ctx.sim.control('GET', `/flows/sessions?user=${ana}`)).data;
		assertEqual(sessionsA.at(-1)?.state, 'completed', 'the Flow closed after booking');
		// The Flow closed with workflow 09's SUCCESS params: the nfm_reply the patient's phone sent carries them.
		const inbound = (await ctx.sim.control('GET', `/inbound?from=${ana}`)).data as Array<Record<string, any>>;
		const nfm = inbound.map((m) => m.message.interactive?.nfm_reply).find(Boolean);
		const params = JSON.parse(nfm?.response_json ?? '{}');
		assert(params.appointment_id && params.flow_token, `nfm_reply response_json: ${nfm?.response_json}`);
		// … and the appointment is in the clinic store (Appointment Slot Lookup → List Appointments of that day).
		const storeCheck = await useWorkflow(ctx, {
			name: 'E2E Flow booking in the store',
			nodes: [
				webhookNode('e2e-flow-store'),
				{
					name: 'Appointments that day',
					type: T('appointmentSlotLookup'),
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						operation: 'listAppointments',
						backend: 'builtin',
						rulesSource: 'json',
						rulesJson: CLINIC_RULES,
						windowStart: `={{ $json.body.date }}T00:00:00`,
						windowEnd: `={{ $json.body.date }}T23:59:59`,
						// Other scenarios of the same stack (reminders-paged: 300) book on the same days.
						listLimit: 1000,
					},
					credentials: { clinicStoreApi: { name: 'Clinic Store (SQLite)' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Appointments that day', type: 'main', index: 0 }]] } },
		});
		const stored = await runOnce(ctx, storeCheck, 'e2e-flow-store', { date: a.date });
		const listedIds = nodeOutput(stored.execution, 'Appointments that day').map((x) => x.id);
		assert(
			listedIds.includes(params.appointment_id),
			`${params.appointment_id} is in the clinic store (${listedIds.length} that day)`,
		);
		// The completion reached workflow 01 through WhatsApp Clinic Trigger as interactive.flowReply.
		const inbox = workflowId(ctx, WF.inbox);
		let reply = '';
		for (let i = 0; i < 60 && !reply; i++) {
			const runs = await ctx.n8n.executions({ workflowId: inbox, includeData: true });
			reply =
				runs
					.map((e) => JSON.stringify(e.data ?? {}))
					.find((t) => t.includes('flowReply') && t.includes(String(params.appointment_id))) ?? '';
			if (!reply) await new Promise((r) => setTimeout(r, 1000));
		}
		assert(
			reply.includes('"flowTokenReference":"booking"'),
			'nfm_reply reached 01, parsed with the flow token',
		);

		// Patient B: A's time is gone from the live list; B's pick is booked by someone else before B confirms.
		await patientWithFlow(ctx, page, 'Bruno Lima');
		const b = await upToTimes(page, { date: a.date });
		assert(!b.options.includes(a.options[0]), `the time booked by A is not offered to B (${a.options[0]})`);
		const pick = b.options[0];
		await page.locator(`[data-option-id="${pick}"] input`).check();
		await page.locator('#flow-footer').click();
		await details(page, 'Bruno Lima');
		await bookElsewhere(ctx, endpoint, {
			step: 'confirm',
			slot: pick,
			name: 'Carla Dias',
			birth_date: '1970-01-01',
			phone: '+5511988887777',
			insurance: 'particular',
		});
		await page.locator('#flow-footer').click();
		await page.locator('#flow-body', { hasText: 'reservado por outra pessoa' }).waitFor(WAIT);
		assertEqual(await page.locator('#flow-error').count(), 0, 'no error screen');
		assertEqual(await page.locator('#flow-title').innerText(), 'Horário', 'back on the time screen');
		const alternatives = await page
			.locator('[data-flow-input="slot"] [data-option-id]')
			.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-option-id')));
		assert(alternatives.length > 0 && !alternatives.includes(pick), 'alternatives without the taken time');
		const errors = (await ctx.sim.control('GET', '/flows/requests')).data
			.slice(requestsBefore)
			.filter((r: { status?: number }) => r.status !== 200);
		assertEqual(errors.length, 0, `endpoint errors during the booking: ${JSON.stringify(errors)}`);

		// A Flow JSON with an unknown component: Meta's validation error, stays DRAFT, publishing refused.
		const bad = await ctx.sim.graph('POST', `/${SIM.wabaId}/flows`, {
			name: `invalid_${Date.now()}`,
			categories: ['OTHER'],
			flow_json: INVALID_FLOW,
			publish: true,
		});
		assertEqual(
			bad.body.validation_errors?.[0]?.error,
			'INVALID_PROPERTY_VALUE',
			'unknown component refused',
		);
		assertEqual(
			bad.body.validation_errors[0].pointers[0].path,
			'screens[0].layout.children[0].type',
			'pointer',
		);
		const publish = await ctx.sim.graph('POST', `/${bad.body.id}/publish`);
		assertEqual(publish.body.error?.code, 139002, 'publishing a Flow with validation errors');
	},
};
