/**
 * Simulator contract for WhatsApp Flows: the Flows API (create with flow_json and publish, list, get with fields,
 * asset upload as the WhatsApp Flow node sends it, metadata update, publish checks, deprecate, 139001 on a
 * published Flow), Meta-shaped validation errors (unknown component, missing property, a screen that does not
 * exist, data_exchange without data_api_version), and the client side of the data endpoint: the simulator encrypts
 * to the uploaded public key and signs; a data endpoint written with core/flows/crypto.ts (the package's own
 * implementation) decrypts, answers, and the simulator reads the answer (flipped IV) — a crypto round trip both
 * ways — through the shipped booking Flow to the nfm_reply webhook. 427 and 432 end the Flow as the client does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	decryptFlowRequest,
	encryptFlowResponse,
	generateFlowKeyPair,
	loadPrivateKey,
} from '../../../core/flows/crypto';
import { verifySignature } from '../../../core/webhook/signature';
import type { Simulator, WebhookReceiver } from '../../../simulator';
import { startWebhookReceiver } from '../../../simulator';
import { hasChromium, startChromium } from '../../stack/chromium';
import { control, graph, PHONE_ID, start, WABA_ID } from './helpers';

const PATIENT = '5511977770001';
const BOOKING = readFileSync(join(__dirname, '../../../workflows/flows/appointment-booking.json'), 'utf8');
const PASS = 'flows contract test passphrase';
const keys = generateFlowKeyPair(PASS);
const privateKey = loadPrivateKey(keys.encryptedPrivateKeyPem, PASS);

/** What the endpoint saw and how it answers: a tiny version of workflow 09. */
const seen: Array<{ action: string; screen?: string; data?: any; flow_token?: string }> = [];
let mode: 'ok' | '427' | 'secret' = 'ok';
let taken = new Set<string>();

function answer(req: any): { status: number; body?: unknown } {
	if (req.action === 'ping') return { status: 200, body: { data: { status: 'active' } } };
	if (mode === '427') return { status: 427, body: { error_msg: 'Este link expirou.' } };
	if (req.action === 'INIT')
		return {
			status: 200,
			body: { screen: 'SPECIALTY', data: { specialties: [{ id: 'c', title: 'Clínica' }] } },
		};
	const d = req.data;
	const slots = ['s1|2030-01-02T09:00', 's2|2030-01-02T10:00', 's3|2030-01-02T11:00'].filter(
		(s) => !taken.has(s),
	);
	const times = slots.map((id) => ({ id, title: id.slice(-5) }));
	switch (d.step) {
		case 'specialty':
			return {
				status: 200,
				body: {
					screen: 'PRACTITIONER',
					data: { specialty: d.specialty, practitioners: [{ id: 'p', title: 'Dra. Ana' }] },
				},
			};
		case 'practitioner':
			return {
				status: 200,
				body: {
					screen: 'DATE',
					data: { ...d, min_date: '2030-01-01', max_date: '2030-01-30', no_times: false },
				},
			};
		case 'date':
			return { status: 200, body: { screen: 'TIME', data: { ...d, slots: times, slot_taken: false } } };
		case 'time':
			return {
				status: 200,
				body: {
					screen: 'DETAILS',
					data: { ...d, insurances: [{ id: 'x', title: 'Particular' }], max_birth_date: '2030-01-01' },
				},
			};
		case 'details':
			return {
				status: 200,
				body: {
					screen: 'SUMMARY',
					data: { ...d, when: 'qua., 02/01 às 09:00', practitioner_name: 'Dra. Ana' },
				},
			};
		default:
			if (taken.has(d.slot))
				return {
					status: 200,
					body: { screen: 'TIME', data: { ...d, date: '2030-01-02', slots: times, slot_taken: true } },
				};
			taken.add(d.slot);
			return {
				status: 200,
				body: {
					screen: 'SUCCESS',
					data: {
						extension_message_response: { params: { flow_token: req.flow_token, appointment_id: 'a1' } },
					},
				},
			};
	}
}

let endpoint: Server;
let endpointUrl: string;
let rx: WebhookReceiver;
let sim: Simulator;

beforeAll(async () => {
	endpoint = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const secret = mode === 'secret' ? 'another-secret' : 'sim-secret';
			if (!verifySignature(raw, req.headers['x-hub-signature-256'] as string, secret).valid) {
				res.writeHead(432).end();
				return;
			}
			const { payload, aesKey, iv } = decryptFlowRequest(JSON.parse(raw.toString()), privateKey);
			seen.push(payload as any);
			const out = answer(payload);
			res.writeHead(out.status, { 'content-type': 'text/plain' });
			res.end(out.body === undefined ? '' : encryptFlowResponse(out.body, { aesKey, iv }));
		});
	});
	await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
	endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/flow`;
	rx = await startWebhookReceiver();
	sim = await start({ webhookUrl: rx.url });
});
afterAll(async () => {
	await sim.close();
	await rx.close();
	await new Promise((r) => endpoint.close(r));
});

const uploadKey = () =>
	graph(sim, 'POST', `${PHONE_ID}/whatsapp_business_encryption`, { business_public_key: keys.publicKeyPem });

let counter = 0;
async function createBooking(publish = true) {
	const res = await graph(sim, 'POST', `${WABA_ID}/flows`, {
		name: `booking_${++counter}`,
		categories: ['APPOINTMENT_BOOKING'],
		flow_json: BOOKING,
		endpoint_uri: endpointUrl,
		publish,
	});
	expect(res.status).toBe(200);
	return res.body.id as string;
}

async function sendFlow(flowId: string, extra: Record<string, unknown> = {}) {
	await control(sim, 'POST', 'inbound', { from: PATIENT, type: 'text', text: 'oi' });
	const res = await graph(sim, 'POST', `${PHONE_ID}/messages`, {
		messaging_product: 'whatsapp',
		to: PATIENT,
		type: 'interactive',
		interactive: {
			type: 'flow',
			body: { text: 'Agende pelo formulário' },
			action: {
				name: 'flow',
				parameters: {
					flow_message_version: '3',
					flow_token: 'tok-1',
					flow_id: flowId,
					flow_cta: 'Agendar',
					flow_action: 'data_exchange',
					...extra,
				},
			},
		},
	});
	expect(res.status).toBe(200);
	return res.body.messages[0].id as string;
}

const submit = async (sessionId: string, form: Record<string, unknown>) =>
	(await control(sim, 'POST', 'flows/submit', { sessionId, form })).body;

describe('Flows API', () => {
	test('publishing needs the business public key, then a healthy endpoint', async () => {
		const before = await graph(sim, 'POST', `${WABA_ID}/flows`, {
			name: 'no_key_yet',
			categories: ['OTHER'],
			flow_json: BOOKING,
			endpoint_uri: endpointUrl,
			publish: true,
		});
		expect(before.status).toBe(400);
		expect(before.body.error).toMatchObject({
			code: 139002,
			error_user_title: 'Missing Flows signed public key',
		});
		expect((await uploadKey()).status).toBe(200);
		const id = await createBooking();
		const got = await graph(
			sim,
			'GET',
			`${id}?fields=id,name,status,validation_errors,json_version,data_api_version,endpoint_uri,preview.invalidate(false)`,
		);
		expect(got.body).toMatchObject({
			id,
			status: 'PUBLISHED',
			validation_errors: [],
			json_version: '7.3',
			data_api_version: '3.0',
			endpoint_uri: endpointUrl,
		});
		expect(got.body.preview.preview_url).toContain(id);
		expect(seen.some((r) => r.action === 'ping')).toBe(true);
		const list = await graph(sim, 'GET', `${WABA_ID}/flows?fields=id,name,status&limit=1`);
		expect(list.body.data).toHaveLength(1);
		expect(list.body.paging.next).toContain('after=');
		// A published Flow cannot be edited (Meta: clone it), and deprecation needs PUBLISHED.
		const edit = await graph(sim, 'POST', `${id}/assets`, { asset_type: 'FLOW_JSON', file: BOOKING });
		expect(edit.body.error.code).toBe(139001);
		expect((await graph(sim, 'POST', `${id}/deprecate`)).body).toEqual({ success: true });
		expect((await graph(sim, 'POST', `${id}/deprecate`)).status).toBe(400);
		expect((await graph(sim, 'POST', `9${id}/publish`)).body.error.error_user_title).toBe(
			'Flow with specified ID does not exist',
		);
	});

	test('multipart asset upload (as the WhatsApp Flow node sends it), metadata update, publish', async () => {
		const created = await graph(sim, 'POST', `${WABA_ID}/flows`, {
			name: 'multipart',
			categories: ['OTHER'],
		});
		const id = created.body.id as string;
		const form = new FormData();
		form.append('name', 'flow.json');
		form.append('asset_type', 'FLOW_JSON');
		form.append('file', new Blob([BOOKING], { type: 'application/json' }), 'flow.json');
		const res = await fetch(`${sim.url}/v23.0/${id}/assets`, {
			method: 'POST',
			headers: { Authorization: 'Bearer sim-token' },
			body: form,
		});
		expect(await res.json()).toEqual({ success: true, validation_errors: [] });
		const noEndpoint = await graph(sim, 'POST', `${id}/publish`);
		expect(noEndpoint.body.error).toMatchObject({ code: 139002, error_user_title: 'No endpoint URI found' });
		expect((await graph(sim, 'POST', id, { endpoint_uri: endpointUrl })).body).toEqual({ success: true });
		expect((await graph(sim, 'POST', `${id}/publish`)).body).toEqual({ success: true });
		const dup = await graph(sim, 'POST', `${WABA_ID}/flows`, { name: 'multipart', categories: ['OTHER'] });
		expect(dup.body.error).toMatchObject({ code: 100, error_user_title: 'Flow name is not unique' });
	});

	test('validation errors like Meta: unknown component, missing property, unknown screen, data_exchange without endpoint', async () => {
		const flow = {
			version: '7.3',
			screens: [
				{
					id: 'A',
					terminal: true,
					layout: {
						type: 'SingleColumnLayout',
						children: [
							{ type: 'Carousel3D', text: 'x' },
							{ type: 'TextInput', name: 'n' },
							{
								type: 'Footer',
								label: 'Go',
								'on-click-action': { name: 'navigate', next: { name: 'NOPE' } },
							},
							{
								type: 'EmbeddedLink',
								text: 'more',
								'on-click-action': { name: 'data_exchange', payload: {} },
							},
						],
					},
				},
			],
		};
		const res = await graph(sim, 'POST', `${WABA_ID}/flows`, {
			name: 'invalid',
			categories: ['OTHER'],
			flow_json: JSON.stringify(flow, null, 2),
			publish: true,
		});
		expect(res.status).toBe(200);
		const errors = res.body.validation_errors;
		expect(errors[0]).toMatchObject({
			error: 'INVALID_PROPERTY_VALUE',
			error_type: 'FLOW_JSON_ERROR',
			message: "Invalid value found for property 'type'.",
			pointers: [{ path: 'screens[0].layout.children[0].type' }],
		});
		expect(errors[0].line_start).toBeGreaterThan(1);
		expect(errors.map((e: any) => e.error)).toEqual(
			expect.arrayContaining(['MISSING_REQUIRED_PROPERTY', 'INVALID_SCREEN_ID', 'INVALID_ACTION']),
		);
		const got = await graph(sim, 'GET', `${res.body.id}?fields=status`);
		expect(got.body.status).toBe('DRAFT');
		const pub = await graph(sim, 'POST', `${res.body.id}/publish`);
		expect(pub.body.error).toMatchObject({
			code: 139002,
			error_user_title: 'Publishing Flow with validation errors',
		});
		const version = await graph(sim, 'POST', `${WABA_ID}/flows`, {
			name: 'old',
			categories: ['OTHER'],
			flow_json: '{"version":"2.1","screens":[]}',
		});
		expect(version.body.error).toMatchObject({ code: 100, error_user_title: 'Invalid Flow JSON version' });
	});
});

describe('the patient plays the Flow (client side of the data endpoint)', () => {
	beforeAll(async () => {
		await uploadKey();
	});
	beforeEach(() => {
		mode = 'ok';
		rx.clear();
	});

	test('booking through every screen ends in the nfm_reply webhook; a taken slot shows the alternatives', async () => {
		taken = new Set();
		const flowId = await createBooking();
		const book = async (slot?: string) => {
			const messageId = await sendFlow(flowId);
			const messages = (await control(sim, 'GET', `messages?to=${PATIENT}`)).body.data;
			expect(messages.find((m: any) => m.id === messageId).rendered.buttons).toEqual([
				{ type: 'flow', text: 'Agendar' },
			]);
			let v = (await control(sim, 'POST', 'flows/open', { from: PATIENT, messageId })).body;
			expect(v.screen).toMatchObject({ id: 'SPECIALTY', title: 'Agendar consulta' });
			const dropdown = v.screen.components.find((c: any) => c.type === 'Dropdown');
			expect(dropdown['data-source']).toEqual([{ id: 'c', title: 'Clínica' }]);
			const missing = await submit(v.id, {});
			expect(missing.missing).toEqual(['specialty']);
			v = await submit(v.id, { specialty: 'c' });
			v = await submit(v.id, { practitioner: 'p' });
			expect(v.screen.id).toBe('DATE');
			expect(v.screen.components.map((c: any) => c.type)).toEqual(['DatePicker', 'Footer']); // the note is not visible
			v = await submit(v.id, { date: '2030-01-02' });
			expect(v.screen.id).toBe('TIME');
			const options = v.screen.components.find((c: any) => c.type === 'RadioButtonsGroup')['data-source'];
			v = await submit(v.id, { slot: slot ?? options[0].id });
			v = await submit(v.id, {
				name: 'Ana',
				birth_date: '1990-01-01',
				phone: '+5511977770001',
				insurance: 'x',
			});
			expect(v.screen.components.some((c: any) => c.text === 'qua., 02/01 às 09:00')).toBe(true);
			v = await submit(v.id, {});
			return { v, options };
		};
		const first = await book();
		expect(first.v.state).toBe('completed');
		const [hook] = await rx.waitFor(1, (w) => JSON.stringify(w.body).includes('nfm_reply'));
		const msg = hook.body.entry[0].changes[0].value.messages[0];
		expect(msg.interactive.type).toBe('nfm_reply');
		expect(JSON.parse(msg.interactive.nfm_reply.response_json)).toEqual({
			flow_token: 'tok-1',
			appointment_id: 'a1',
		});
		expect(msg.context.id).toBeTruthy();
		// The endpoint got Meta's request shape, INIT first.
		expect(seen.filter((r) => r.action !== 'ping')[0]).toMatchObject({
			version: '3.0',
			action: 'INIT',
			flow_token: 'tok-1',
		});
		expect(seen.at(-1)).toMatchObject({
			action: 'data_exchange',
			screen: 'SUMMARY',
			data: { step: 'confirm' },
		});
		// Someone else booked s2 meanwhile: the second patient picks the old list's s2 → TIME again, not an error.
		taken.add('s2|2030-01-02T10:00');
		const second = await book('s2|2030-01-02T10:00');
		expect(second.v.state).toBe('open');
		expect(second.v.error).toBeUndefined();
		expect(second.v.screen.id).toBe('TIME');
		expect(second.v.screen.components[0].text).toMatch(/reservado por outra pessoa/);
		const alternatives = second.v.screen.components.find((c: any) => c.type === 'RadioButtonsGroup')[
			'data-source'
		];
		expect(alternatives.map((o: any) => o.id)).toEqual(['s3|2030-01-02T11:00']);
	});

	test('427 shows the endpoint message and ends the Flow; 432 is "Something went wrong"; both recorded', async () => {
		const flowId = await createBooking();
		mode = '427';
		let v = (await control(sim, 'POST', 'flows/open', { from: PATIENT, messageId: await sendFlow(flowId) }))
			.body;
		expect(v).toMatchObject({ state: 'failed', error: { status: 427, message: 'Este link expirou.' } });
		mode = 'secret';
		v = (await control(sim, 'POST', 'flows/open', { from: PATIENT, messageId: await sendFlow(flowId) })).body;
		expect(v).toMatchObject({ state: 'failed', error: { status: 432, title: 'Something went wrong' } });
		const requests = (await control(sim, 'GET', `flows/requests?flowId=${flowId}`)).body.data;
		expect(requests.slice(-2).map((r: any) => r.status)).toEqual([427, 432]);
		expect(JSON.stringify(requests)).not.toContain('tok-1');
	});

	test('navigate mode opens the given screen with its data; back closes on the first screen; bad messages refused', async () => {
		const flowId = await createBooking();
		const messageId = await sendFlow(flowId, {
			flow_action: 'navigate',
			flow_action_payload: {
				screen: 'PRACTITIONER',
				data: { specialty: 'c', practitioners: [{ id: 'p', title: 'Dra. Ana' }] },
			},
		});
		let v = (await control(sim, 'POST', 'flows/open', { from: PATIENT, messageId })).body;
		expect(v.screen.id).toBe('PRACTITIONER');
		expect(v.canGoBack).toBe(false);
		v = (await control(sim, 'POST', 'flows/back', { sessionId: v.id })).body;
		expect(v.state).toBe('closed');
		const long = await graph(sim, 'POST', `${PHONE_ID}/messages`, {
			messaging_product: 'whatsapp',
			to: PATIENT,
			type: 'interactive',
			interactive: {
				type: 'flow',
				body: { text: 'x' },
				action: {
					name: 'flow',
					parameters: {
						flow_message_version: '3',
						flow_id: flowId,
						flow_cta: 'A very long button text here',
					},
				},
			},
		});
		expect(long.status).toBe(400);
		expect(long.body.error.code).toBe(100);
	});
});

(hasChromium ? test : test.skip)(
	'the chat page draws the Flow, posts the form and closes it with the reply (headless Chromium)',
	async () => {
		await uploadKey();
		mode = 'ok';
		taken = new Set();
		const flowId = await createBooking();
		const browser = await startChromium();
		try {
			const page = await browser.newPage();
			await page.goto(`${sim.url}/?phone=${PATIENT}&name=Ana`);
			// Earlier tests sent Flows to the same patient: wait for this one's button before taking the last.
			const buttons = page.locator('[data-kind="open-flow"]');
			await page.waitForLoadState('networkidle');
			const before = await buttons.count();
			await sendFlow(flowId);
			await buttons.nth(before).waitFor();
			await buttons.last().click();
			const title = page.locator('#flow-title');
			await title.filter({ hasText: 'Agendar consulta' }).waitFor();
			await page.locator('#flow-footer').click();
			await page.locator('.flow-missing[data-field="specialty"]').waitFor();
			await page.selectOption('[data-flow-input="specialty"]', 'c');
			await page.locator('#flow-footer').click();
			await title.filter({ hasText: 'Profissional' }).waitFor();
			await page.selectOption('[data-flow-input="practitioner"]', 'p');
			await page.locator('#flow-footer').click();
			await title.filter({ hasText: 'Data' }).waitFor();
			expect(await page.getAttribute('[data-flow-input="date"]', 'min')).toBe('2030-01-01');
			await page.fill('[data-flow-input="date"]', '2030-01-02');
			await page.locator('#flow-footer').click();
			await title.filter({ hasText: 'Horário' }).waitFor();
			await page.locator('[data-option-id="s2|2030-01-02T10:00"] input').check();
			await page.locator('#flow-footer').click();
			await title.filter({ hasText: 'Seus dados' }).waitFor();
			await page.fill('[data-flow-input="name"]', 'Ana Souza');
			await page.fill('[data-flow-input="birth_date"]', '1990-05-04');
			await page.fill('[data-flow-input="phone"]', '+5511977770001');
			await page.selectOption('[data-flow-input="insurance"]', 'x');
			await page.locator('#flow-footer').click();
			await page.locator('#flow-body', { hasText: 'Dra. Ana' }).waitFor();
			await page.locator('#flow-footer', { hasText: 'Confirmar agendamento' }).click();
			await page.locator('#flow-sheet').waitFor({ state: 'hidden' });
			await page.locator('[data-testid="patient-message"]', { hasText: 'Sent' }).last().waitFor();
			const details = seen.filter((r) => r.data?.step === 'details').at(-1);
			expect(details?.data).toMatchObject({
				name: 'Ana Souza',
				birth_date: '1990-05-04',
				slot: 's2|2030-01-02T10:00',
			});
		} finally {
			await browser.close();
		}
	},
	60_000,
);
