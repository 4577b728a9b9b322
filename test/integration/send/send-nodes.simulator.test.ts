/**
 * Send nodes against the WhatsApp Cloud API simulator (real HTTP, real GraphClient, real limiter): templates with
 * named and positional parameters, a document header uploaded from an n8n binary, a list from slot-lookup output,
 * 131047 outside the window, throughput pacing at the cap and retries of transient faults.
 */
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { WhatsAppSendMessage } from '../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { startSimulator, type Simulator } from '../../../simulator';
import { fakeContext, httpForwarder, rl } from '../../unit/nodes/send/fake-context';

let sim: Simulator;
const templateNode = new WhatsAppSendTemplate();
const messageNode = new WhatsAppSendMessage();

/** HTTP statuses seen by the nodes (to prove faults really happened). */
let statuses: number[] = [];

function ctx(options: Omit<Parameters<typeof fakeContext>[0], 'graph' | 'credential'>) {
	const forward = httpForwarder(sim.accessToken);
	return fakeContext({
		...options,
		graph: {
			handle: async (o) => {
				const res = await forward.handle(o);
				statuses.push(res.statusCode);
				return res;
			},
		},
		credential: { baseUrl: sim.url, phoneNumberId: sim.phoneNumberId, businessAccountId: sim.wabaId },
	});
}

const mapper = (value: Record<string, unknown>) => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema: [],
});

beforeAll(async () => {
	sim = await startSimulator({ port: 0, quiet: true, deliveryErrors: 'sync', readDelayMs: 5 });
});
afterAll(async () => await sim.close());
beforeEach(async () => {
	sim.reset();
	statuses = [];
	resetSharedLimiters();
	await sim.configure({ mps: 80, faultRate: 0, latencyMs: 0 });
});

describe('templates against the simulator', () => {
	it('sends positional and named templates; the simulator renders every placeholder', async () => {
		const items = [{ json: {} }, { json: {} }];
		const [out] = await templateNode.execute.call(
			ctx({
				items,
				params: {
					recipient: (i: number) => (i === 0 ? '+5511912340001' : '(11) 91234-0002'),
					template: (i: number) =>
						rl(i === 0 ? 'appointment_reminder|pt_BR' : 'appointment_confirmation|en_US'),
					parameterSource: 'json',
					parametersJson: (i: number) =>
						i === 0
							? {
									header_1: 'Clínica Sol',
									body_1: 'Ana',
									body_2: '12/03',
									body_3: '09:30',
									button_0_payload: 'confirm:A1',
								}
							: {
									first_name: 'Rui',
									doctor_name: 'Dr. Lima',
									appointment_date: 'March 3',
									appointment_time: '10:00',
								},
					options: { defaultCountry: 'BR', bizOpaqueCallbackData: 'APPT-1' },
				},
			}),
		);
		expect(out.map((o) => o.json.error)).toEqual([undefined, undefined]);
		const sent = sim.messages({ type: 'template' });
		expect(sent).toHaveLength(2);
		expect(sent.map((m) => m.templateName)).toEqual(['appointment_reminder', 'appointment_confirmation']);
		expect(JSON.stringify(sent[0].rendered)).toContain('Olá Ana');
		expect(JSON.stringify(sent[1].rendered)).toContain('Hi Rui, your appointment with Dr. Lima');
		// What Meta receives: the Callback Data plus the item's idempotency key (core/whatsapp/callback-data.ts).
		expect(sent[0].bizOpaqueCallbackData).toBe(`APPT-1|wac:${String(out[0].json.idempotencyKey)}`);
		expect(out[0].json.messageId).toBe(sent[0].id);
	});

	it('uploads a binary PDF and sends it as the document header', async () => {
		const pdf = Buffer.from('%PDF-1.4\n%lab results\n%%EOF\n');
		const [out] = await templateNode.execute.call(
			ctx({
				items: [
					{
						json: {},
						binary: {
							data: { data: pdf.toString('base64'), mimeType: 'application/pdf', fileName: 'lab.pdf' },
						},
					},
				],
				params: {
					recipient: '+5511912340003',
					template: rl('lab_results_ready|en_US'),
					parameterSource: 'mapper',
					templateParameters: mapper({ body_1: 'Ana', body_2: 'March 10' }),
					options: { headerBinaryProperty: 'data' },
				},
			}),
		);
		expect(out[0].json.error).toBeUndefined();
		const [sent] = sim.messages({ template: 'lab_results_ready' });
		const header = (sent.request as any).template.components[0];
		expect(header).toEqual({
			type: 'header',
			parameters: [{ type: 'document', document: { id: out[0].json.headerMediaId, filename: 'lab.pdf' } }],
		});
	});

	it('a template missing its document header never reaches the simulator', async () => {
		await expect(
			templateNode.execute.call(
				ctx({
					params: {
						recipient: '+5511912340004',
						template: rl('lab_results_ready|en_US'),
						parameterSource: 'mapper',
						templateParameters: mapper({ body_1: 'Ana', body_2: 'March 10' }),
						options: {},
					},
				}),
			),
		).rejects.toThrow(/^header DOCUMENT is missing\. /);
		expect(sim.messages()).toHaveLength(0);
	});
});

describe('session messages against the simulator', () => {
	it('sends a list built by Appointment Slot Lookup inside the window', async () => {
		const patient = '5511912340010';
		await sim.inbound({ from: patient, text: 'Quero marcar' });
		const whatsappList = {
			type: 'list',
			body: { text: 'Choose a time' },
			action: {
				button: 'Times',
				sections: [
					{
						title: 'Tue 12',
						rows: [
							{ id: 'slot:1', title: '09:00' },
							{ id: 'slot:2', title: '09:30' },
						],
					},
				],
			},
		};
		const [out] = await messageNode.execute.call(
			ctx({
				params: {
					operation: 'list',
					recipient: patient,
					listSource: 'object',
					listObject: whatsappList,
					options: {},
				},
			}),
		);
		expect(out[0].json.error).toBeUndefined();
		expect(sim.messages({ type: 'interactive' })).toHaveLength(1);
	});

	it('explains 131047 when the 24-hour window is closed', async () => {
		const [out] = await messageNode.execute.call(
			fakeContextWithCof({
				params: { operation: 'text', recipient: '+5511912340011', text: 'Hello', options: {} },
			}),
		);
		expect(out[0].json.error).toMatchObject({ code: 131047, title: 'Outside the 24-hour window' });
		expect(String((out[0].json.error as any).hint)).toContain('WhatsApp Send Template');
	});
});

function fakeContextWithCof(options: Omit<Parameters<typeof fakeContext>[0], 'graph' | 'credential'>) {
	return ctx({ ...options, continueOnFail: true });
}

describe('bulk behaviour against the simulator', () => {
	const bulk = (n: number, mps: number) =>
		ctx({
			items: Array.from({ length: n }, () => ({ json: {} })),
			continueOnFail: true,
			params: {
				recipient: (i: number) => `+55119${String(20000000 + i)}`,
				template: rl('post_visit_follow_up|en_US'),
				parameterSource: 'json',
				parametersJson: { body_1: 'Ana', body_2: 'Dr. Lima' },
				options: { messagesPerSecond: mps },
			},
		});

	it('paces a burst to the number’s cap: nothing rejected with 130429, order kept', async () => {
		await sim.configure({ mps: 40 });
		const [out] = await templateNode.execute.call(bulk(60, 40));
		expect(out.filter((o) => o.json.error)).toEqual([]);
		// Unpaced, 20 of the 60 would be refused at once (and more on retry). Paced, at most a few sends are
		// refused when network jitter makes two requests granted 1,020 ms apart arrive < 1 s apart; they are
		// retried and never surface.
		expect(statuses.filter((s) => s === 400).length).toBeLessThan(15);
		expect(sim.messages()).toHaveLength(60);
		expect(new Set(sim.messages().map((m) => m.to)).size).toBe(60);
		expect(out.map((o) => o.json.recipient)).toEqual(
			Array.from({ length: 60 }, (_, i) => `+55119${20000000 + i}`),
		);
	});

	it('retries transient 5xx faults so every message is accepted exactly once', async () => {
		await sim.configure({ faultRate: 0.2, faultKinds: ['error500'] });
		const [out] = await templateNode.execute.call(bulk(40, 80));
		expect(out.filter((o) => o.json.error)).toEqual([]);
		const sent = sim.messages();
		expect(statuses.filter((s) => s >= 500).length).toBeGreaterThan(0);
		expect(sent).toHaveLength(40);
		expect(new Set(sent.map((m) => m.to)).size).toBe(40);
	});
});

describe('typed template variables against the simulator', () => {
	it('sends money and a due date as currency / date_time; the simulator accepts them and shows the fallbacks', async () => {
		const items = [{ json: { total: '150,50', due: '2026-03-12T02:30:00Z' } }, { json: {} }];
		const [out] = await templateNode.execute.call(
			ctx({
				items,
				params: {
					recipient: (i: number) => (i === 0 ? '+5511912340020' : '+5511912340021'),
					template: (i: number) => rl(i === 0 ? 'payment_reminder|pt_BR' : 'appointment_confirmation|en_US'),
					parameterSource: (i: number) => (i === 0 ? 'mapper' : 'json'),
					templateParameters: mapper({
						body_1: 'Ana',
						body_2: items[0].json.total,
						body_3: items[0].json.due,
					}),
					parametersJson: {
						first_name: 'Rui',
						doctor_name: 'Dr. Lima',
						appointment_date: { date_time: '2026-03-20', style: 'full' },
						appointment_time: { date_time: '2026-03-20T14:00:00-03:00', show: 'time' },
					},
					options: (i: number) =>
						i === 0
							? {
									variableFormats: {
										formats: [
											{ variable: 'body_2', format: 'currency', currencyCode: 'BRL' },
											{
												variable: 'body_3',
												format: 'date',
												dateStyle: 'long',
												timezone: 'America/Sao_Paulo',
											},
										],
									},
								}
							: {},
				},
			}),
		);
		expect(out.map((o) => o.json.error)).toEqual([undefined, undefined]);
		const [payment, confirmation] = sim.messages({ type: 'template' });
		expect((payment.request as any).template.components).toEqual([
			{
				type: 'body',
				parameters: [
					{ type: 'text', text: 'Ana' },
					{
						type: 'currency',
						currency: { fallback_value: 'R$\u00a0150,50', code: 'BRL', amount_1000: 150500 },
					},
					{ type: 'date_time', date_time: { fallback_value: '11 de março de 2026' } },
				],
			},
		]);
		expect((payment.rendered as any).body).toBe(
			'Olá Ana, o pagamento de R$\u00a0150,50 da sua consulta vence em 11 de março de 2026. Você pode pagar na recepção ou responder esta mensagem.',
		);
		expect((confirmation.request as any).template.components[0].parameters.slice(2)).toEqual([
			{
				type: 'date_time',
				parameter_name: 'appointment_date',
				date_time: { fallback_value: 'Friday, March 20, 2026' },
			},
			{ type: 'date_time', parameter_name: 'appointment_time', date_time: { fallback_value: '2:00 PM' } },
		]);
		expect((confirmation.rendered as any).body).toBe(
			'Hi Rui, your appointment with Dr. Lima is confirmed for Friday, March 20, 2026 at 2:00 PM.',
		);
	});

	it('the simulator refuses a currency whose amount_1000 is not a whole number (Meta documents an integer)', async () => {
		const res = await fetch(`${sim.url}/v23.0/${sim.phoneNumberId}/messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.accessToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				messaging_product: 'whatsapp',
				to: '5511912340022',
				type: 'template',
				template: {
					name: 'payment_reminder',
					language: { code: 'en_US' },
					components: [
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: 'Ana' },
								{ type: 'currency', currency: { fallback_value: '$1.50', code: 'USD', amount_1000: 1500.5 } },
								{ type: 'date_time', date_time: { fallback_value: 'March 12, 2026' } },
							],
						},
					],
				},
			}),
		});
		expect(res.status).toBe(400);
		expect(((await res.json()) as any).error.error_data.details).toContain(
			"['amount_1000'] must be an integer",
		);
		expect(sim.messages()).toHaveLength(0);
	});
});
