import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { WhatsAppSendTemplate } from '../../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { FakeGraph, fakeContext, metaError, rl } from './fake-context';

const node = new WhatsAppSendTemplate();

function mapper(value: Record<string, unknown>) {
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] };
}

const reminderValues = {
	header_1: 'Clínica Sol',
	body_1: 'Ana',
	body_2: '12/03',
	body_3: '09:30',
	button_0_payload: 'confirm:APPT-1',
};

async function run(ctxOptions: Parameters<typeof fakeContext>[0]) {
	const ctx = fakeContext(ctxOptions);
	return await node.execute.call(ctx);
}

beforeEach(() => resetSharedLimiters());

describe('WhatsApp Send Template: payloads and output', () => {
	it('sends a positional template with header, body and quick-reply payload; output has wamid, waId, template', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			params: {
				recipient: '(11) 91234-5678',
				template: rl('appointment_reminder|pt_BR'),
				parameterSource: 'mapper',
				templateParameters: mapper(reminderValues),
				options: { defaultCountry: 'BR', bizOpaqueCallbackData: 'APPT-1' },
			},
		});
		expect(graph.messages).toEqual([
			{
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '+5511912345678',
				type: 'template',
				// The user's Callback Data plus the item's idempotency key (core/whatsapp/callback-data.ts).
				biz_opaque_callback_data: `APPT-1|wac:${String(out[0].json.idempotencyKey)}`,
				template: {
					name: 'appointment_reminder',
					language: { code: 'pt_BR' },
					components: [
						{ type: 'header', parameters: [{ type: 'text', text: 'Clínica Sol' }] },
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: 'Ana' },
								{ type: 'text', text: '12/03' },
								{ type: 'text', text: '09:30' },
							],
						},
						{
							type: 'button',
							sub_type: 'quick_reply',
							index: '0',
							parameters: [{ type: 'payload', payload: 'confirm:APPT-1' }],
						},
					],
				},
			},
		]);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[0].json).toMatchObject({
			messageId: expect.stringMatching(/^wamid\./),
			waId: '5511912345678',
			recipient: '+5511912345678',
			recipientType: 'phone',
			templateName: 'appointment_reminder',
			templateLanguage: 'pt_BR',
			bizOpaqueCallbackData: 'APPT-1',
			idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
			status: 'sent',
		});
		expect(JSON.stringify(out)).not.toContain('secret-token');
	});

	it('reads the first item’s recipient and variables while the template lookup is out (first message sooner)', async () => {
		const graph = new FakeGraph();
		const order: string[] = [];
		const handle = graph.handle.bind(graph);
		graph.handle = async (options) => {
			const path = String(options.url);
			if (path.includes('message_templates')) {
				order.push('template lookup sent');
				await new Promise((resolve) => setTimeout(resolve, 20));
				order.push('template lookup answered');
			}
			return await handle(options);
		};
		const [out] = await run({
			graph,
			params: {
				recipient: () => {
					order.push('recipient read');
					return '(11) 91234-5678';
				},
				template: rl('appointment_reminder|pt_BR'),
				parameterSource: 'mapper',
				templateParameters: () => {
					order.push('variables read');
					return mapper(reminderValues);
				},
				options: { defaultCountry: 'BR' },
			},
		});
		expect(out).toHaveLength(1);
		expect(order).toEqual([
			'template lookup sent',
			'recipient read',
			'variables read',
			'template lookup answered',
		]);
	});

	it('sends a named template from a JSON object (template by name, per-item values) and a BSUID recipient', async () => {
		const graph = new FakeGraph();
		const items = [{ json: { name: 'Ana' } }, { json: { name: 'Rui' } }];
		const [out] = await run({
			graph,
			items,
			params: {
				recipient: (i: number) => (i === 0 ? 'BR.8899aa' : '+351912345678'),
				template: rl('appointment_confirmation|en_US', 'name'),
				parameterSource: 'json',
				parametersJson: (i: number) =>
					JSON.stringify({
						first_name: items[i].json.name,
						doctor_name: 'Dr. Silva',
						appointment_date: 'March 3',
						appointment_time: '10:00',
					}),
				options: {},
			},
		});
		expect(graph.messages[0].recipient).toBe('BR.8899aa');
		expect(graph.messages[0].to).toBeUndefined();
		expect(graph.messages[1].to).toBe('+351912345678');
		expect(graph.messages[1].template.components[0].parameters[0]).toEqual({
			type: 'text',
			parameter_name: 'first_name',
			text: 'Rui',
		});
		expect(out.map((o) => o.json.recipientType)).toEqual(['user_id', 'phone']);
		// one template lookup for both items
		expect(graph.requests.filter((r) => r.path.endsWith('message_templates'))).toHaveLength(1);
	});

	it('uploads a binary document first and sends it as the document header with its file name', async () => {
		const graph = new FakeGraph();
		const pdf = Buffer.from('%PDF-1.4 fake');
		const [out] = await run({
			graph,
			items: [
				{
					json: {},
					binary: {
						report: { data: pdf.toString('base64'), mimeType: 'application/pdf', fileName: 'lab-ana.pdf' },
					},
				},
			],
			params: {
				recipient: '+5511912345678',
				template: rl('lab_results_ready|en_US'),
				parameterSource: 'mapper',
				templateParameters: mapper({ body_1: 'Ana', body_2: 'March 10', header_media: null }),
				options: { headerBinaryProperty: 'report' },
			},
		});
		expect(graph.uploads).toEqual([
			expect.objectContaining({ fileName: 'lab-ana.pdf', mimeType: 'application/pdf' }),
		]);
		expect(graph.messages[0].template.components[0]).toEqual({
			type: 'header',
			parameters: [{ type: 'document', document: { id: '900001', filename: 'lab-ana.pdf' } }],
		});
		expect(out[0].json.headerMediaId).toBe('900001');
	});

	it('sends copy-code and dynamic URL button parameters', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			items: [{ json: {} }, { json: {} }],
			params: {
				recipient: '+5511912345678',
				template: (i: number) => (i === 0 ? 'check_in_code|en_US' : 'telemedicine_link|en_US'),
				parameterSource: 'json',
				parametersJson: (i: number) =>
					i === 0
						? { body_1: 'March 12', button_0_coupon_code: 'A1B2C3' }
						: { body_1: 'Ana', body_2: 'Dr. Silva', body_3: '14:00', button_0_url_suffix: 'room-42' },
				options: {},
			},
		});
		expect(graph.messages[0].template.components[1]).toEqual({
			type: 'button',
			sub_type: 'copy_code',
			index: '0',
			parameters: [{ type: 'coupon_code', coupon_code: 'A1B2C3' }],
		});
		expect(graph.messages[1].template.components[1]).toEqual({
			type: 'button',
			sub_type: 'url',
			index: '0',
			parameters: [{ type: 'text', text: 'room-42' }],
		});
	});
});

describe('WhatsApp Send Template: validation before any request', () => {
	const params = (values: (i: number) => Record<string, unknown>) => ({
		recipient: '+5511912345678',
		template: rl('appointment_reminder|pt_BR'),
		parameterSource: 'mapper',
		templateParameters: (i: number) => mapper(values(i)),
		options: {},
	});

	it('throws for the first bad item, naming item, placeholder and fix, and sends NOTHING', async () => {
		const graph = new FakeGraph();
		const items = [{ json: {} }, { json: {} }, { json: {} }];
		const error = await run({
			graph,
			items,
			params: params((i) => (i === 1 ? { ...reminderValues, body_2: '' } : reminderValues)),
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		// The item is named by the error's item index (n8n shows it); the message names the placeholder.
		expect((error as NodeOperationError).message).toMatch(/^body \{\{2\}\} is missing\. /);
		expect((error as NodeOperationError).description).toContain('e.g. "March 12"');
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect(graph.messages).toHaveLength(0);
	});

	it('with Continue On Fail, bad items become paired error items and the others are sent, in order', async () => {
		const graph = new FakeGraph();
		const items = [{ json: {} }, { json: {} }, { json: {} }, { json: {} }];
		const [out] = await run({
			graph,
			items,
			continueOnFail: true,
			params: {
				...params((i) => (i === 2 ? { ...reminderValues, body_9: 'x' } : reminderValues)),
				recipient: (i: number) => (i === 0 ? 'not a phone' : `+55119123456${70 + i}`),
			},
		});
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(out[0].json.error).toMatchObject({ field: 'Recipient' });
		expect(out[2].json.error).toMatchObject({ field: 'parameter "body_9"' });
		expect(String((out[2].json.error as any).hint)).toContain('body_1, body_2, body_3');
		expect(out[1].json.messageId).toMatch(/^wamid\./);
		expect(out[3].json.recipient).toBe('+5511912345673');
		expect(graph.messages.map((m) => m.to)).toEqual(['+5511912345671', '+5511912345673']);
	});

	it.each([
		[
			'a paused template',
			{ template: rl('flu_vaccine_campaign|en_US') },
			'Template "flu_vaccine_campaign" (en_US) is PAUSED',
		],
		['an unknown template', { template: rl('nope|en_US') }, 'Template "nope" does not exist'],
		[
			'an ambiguous language',
			{ template: rl('appointment_reminder', 'name') },
			'Template language is needed',
		],
		[
			'a header binary on a text-header template',
			{ options: { headerBinaryProperty: 'data' } },
			'Header Media From Binary Property is set',
		],
		[
			'a missing document header',
			{ template: rl('lab_results_ready|en_US'), templateParameters: mapper({ body_1: 'A', body_2: 'B' }) },
			'header DOCUMENT is missing',
		],
		['a local number without country', { recipient: '(11) 91234-5678' }, 'Recipient "'],
		[
			'a bad country option',
			{ options: { defaultCountry: 'XX' } },
			'Default Country "XX" is not a known country code',
		],
		[
			'a wrong value type',
			{ templateParameters: mapper({ ...reminderValues, body_1: { a: 1 } as any }) },
			'body {{1}} must be text but is an object',
		],
		[
			'messages per second out of range',
			{ options: { messagesPerSecond: 5000 } },
			'Messages per Second must be between 1 and 1000',
		],
	])('rejects %s', async (_name, override, message) => {
		const graph = new FakeGraph();
		const error = await run({ graph, params: { ...params(() => reminderValues), ...override } }).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toContain(message);
		expect(graph.messages).toHaveLength(0);
	});
});

describe('WhatsApp Send Template: send failures, retries, pairing', () => {
	const base = {
		recipient: (i: number) => `+55119123456${10 + i}`,
		template: rl('appointment_reminder|pt_BR'),
		parameterSource: 'mapper',
		templateParameters: mapper(reminderValues),
		options: {},
	};
	const items = (n: number) => Array.from({ length: n }, () => ({ json: {} }));

	it('retries a throughput error (130429) and succeeds', async () => {
		const graph = new FakeGraph();
		graph.responder = (req, attempt) =>
			req.body?.to === '+5511912345611' && attempt === 1
				? metaError(130429, 'Rate limit hit', 400)
				: undefined;
		const [out] = await run({ graph, items: items(3), params: base });
		expect(out.every((o) => typeof o.json.messageId === 'string')).toBe(true);
		expect(graph.messages.filter((m) => m.to === '+5511912345611')).toHaveLength(2);
	});

	it('with Continue On Fail, a Meta rejection is a paired error item carrying code, title and hint', async () => {
		const graph = new FakeGraph();
		graph.responder = (req) =>
			req.body?.to === '+5511912345611'
				? metaError(132001, 'Template name does not exist in the translation', 404)
				: undefined;
		const [out] = await run({ graph, items: items(3), continueOnFail: true, params: base });
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json).toMatchObject({
			recipient: '+5511912345611',
			templateName: 'appointment_reminder',
			error: { code: 132001, title: expect.any(String), hint: expect.any(String) },
		});
		expect(out[0].json.messageId).toBeDefined();
		expect(out[2].json.messageId).toBeDefined();
	});

	it('without Continue On Fail, throws a NodeApiError for the failed item and says how many were accepted', async () => {
		const graph = new FakeGraph();
		graph.responder = (req) =>
			req.body?.to === '+5511912345612' ? metaError(131026, 'Message undeliverable') : undefined;
		const error = await run({ graph, items: items(3), params: base }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.itemIndex).toBe(2);
		expect((error as NodeApiError).description).toContain(
			'2 other message(s) of this run were already accepted',
		);
	});
});

describe('WhatsApp Send Template: credential handling', () => {
	it('reads the credential once per run and hands it to httpRequestWithAuthentication for every send', async () => {
		const graph = new FakeGraph();
		graph.credentialOptions = [];
		const ctx = fakeContext({
			graph,
			items: Array.from({ length: 5 }, () => ({ json: {} })),
			params: {
				recipient: (i: number) => `+55119123456${10 + i}`,
				template: rl('appointment_reminder|pt_BR'),
				parameterSource: 'mapper',
				templateParameters: mapper(reminderValues),
				options: {},
			},
		});
		await node.execute.call(ctx);
		expect((ctx as unknown as { credentialReads: number }).credentialReads).toBeLessThanOrEqual(2);
		expect(graph.credentialOptions).toHaveLength(6); // 1 template lookup + 5 sends
		for (const o of graph.credentialOptions)
			expect(o).toMatchObject({
				credentialsDecrypted: { type: 'whatsAppClinicApi', data: { phoneNumberId: '100000000000001' } },
			});
	});
});

describe('WhatsApp Send Template: editor methods', () => {
	it('list search shows APPROVED templates by default, filterable, status on request', async () => {
		const graph = new FakeGraph();
		const ctx = fakeContext({ graph, params: {} });
		const all = await node.methods.listSearch.searchTemplates.call(ctx);
		expect(all.results.length).toBeGreaterThan(10);
		expect(all.results.every((r) => !String(r.name).includes('PAUSED'))).toBe(true);
		expect(all.results).toContainEqual({
			name: 'appointment_reminder (pt_BR) · UTILITY',
			value: 'appointment_reminder|pt_BR',
		});
		const filtered = await node.methods.listSearch.searchTemplates.call(ctx, 'lab es');
		expect(filtered.results).toEqual([
			{ name: 'lab_results_ready (es) · UTILITY', value: 'lab_results_ready|es' },
		]);
		const paused = await node.methods.listSearch.searchTemplates.call(ctx, 'paused flu');
		expect(paused.results.map((r) => r.name)).toContain('flu_vaccine_campaign (en_US) · MARKETING · PAUSED');
		expect(graph.requests.map((r) => r.qs?.status)).toEqual(['APPROVED', 'APPROVED', 'PAUSED']);
	});

	it('resource mapper lists the chosen template’s parameters as fields', async () => {
		const graph = new FakeGraph();
		const ctx = fakeContext({ graph, params: { template: rl('appointment_reminder|en_US') } });
		const { fields } = await node.methods.resourceMapping.getTemplateParameters.call(ctx);
		expect(fields.map((f) => [f.id, f.required])).toEqual([
			['header_1', true],
			['body_1', true],
			['body_2', true],
			['body_3', true],
			['button_0_payload', false],
			['button_1_payload', false],
			['button_2_payload', false],
		]);
		expect(fields[1].displayName).toBe('body {{1}} — e.g. Maria');
		const doc = fakeContext({ graph, params: { template: rl('lab_results_ready|es') } });
		const docFields = (await node.methods.resourceMapping.getTemplateParameters.call(doc)).fields;
		expect(docFields[0]).toMatchObject({ id: 'header_media', required: false });
		const missing = fakeContext({ graph, params: { template: rl('nope|en_US') } });
		expect(
			(await node.methods.resourceMapping.getTemplateParameters.call(missing)).emptyFieldsNotice,
		).toContain('does not exist');
	});

	it('describes a tool-usable node with subtitle and icon', () => {
		expect(node.description.usableAsTool).toBe(true);
		expect(node.description.subtitle).toBeTruthy();
		expect(node.description.icon).toBeTruthy();
		for (const p of node.description.properties) expect(p.description).toBeTruthy();
	});
});

describe('WhatsApp Send Template: Variable Formats (money and dates from mapped text)', () => {
	const formats = (...rows: Array<Record<string, unknown>>) => ({ variableFormats: { formats: rows } });
	const paymentParams = (values: Record<string, unknown>, options: Record<string, unknown>) => ({
		recipient: '+5511912345678',
		template: rl('payment_reminder|pt_BR'),
		parameterSource: 'mapper',
		templateParameters: mapper(values),
		options,
	});

	it('sends mapped text as currency and date_time, written in the template language and the workflow zone', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			timezone: 'America/Manaus',
			params: paymentParams(
				{ body_1: 'Ana', body_2: '1.234,50', body_3: '2026-03-12T02:30:00Z' },
				formats(
					{ variable: 'body_2', format: 'currency', currencyCode: 'BRL' },
					{ variable: 'body_3', format: 'date', dateStyle: 'long', timezone: '' },
				),
			),
		});
		// 02:30 UTC is still 11 March in Manaus (UTC-4): the workflow's zone decides the day.
		expect(graph.messages[0].template.components).toEqual([
			{
				type: 'body',
				parameters: [
					{ type: 'text', text: 'Ana' },
					{
						type: 'currency',
						currency: { fallback_value: 'R$\u00a01.234,50', code: 'BRL', amount_1000: 1234500 },
					},
					{ type: 'date_time', date_time: { fallback_value: '11 de março de 2026' } },
				],
			},
		]);
	});

	it('uses the row’s time zone and style for Date and Time / Time, and the JSON mode takes typed objects', async () => {
		const graph = new FakeGraph();
		const items = [{ json: {} }, { json: {} }];
		await run({
			graph,
			items,
			params: {
				recipient: '+5511912345678',
				template: (i: number) => rl(i === 0 ? 'appointment_reminder|en_US' : 'payment_reminder|es'),
				parameterSource: (i: number) => (i === 0 ? 'mapper' : 'json'),
				templateParameters: mapper({
					header_1: 'Sim Clinic',
					body_1: 'Ana',
					body_2: 1773318600000,
					body_3: '2026-03-12T12:30:00Z',
				}),
				parametersJson: {
					body_1: 'Ana',
					body_2: { currency: 'EUR', amount: '80,5' },
					body_3: { date_time: '2026-03-20', style: 'full' },
				},
				options: (i: number) =>
					i === 0
						? formats(
								{ variable: 'body_2', format: 'dateTime', dateStyle: 'medium', timezone: 'America/New_York' },
								{ variable: 'body_3', format: 'time', timezone: 'Europe/Lisbon' },
							)
						: {},
			},
		});
		expect(graph.messages[0].template.components[1].parameters.slice(1)).toEqual([
			{ type: 'date_time', date_time: { fallback_value: 'Mar 12, 2026, 8:30 AM' } },
			{ type: 'date_time', date_time: { fallback_value: '12:30 PM' } },
		]);
		expect(graph.messages[1].template.components[0].parameters.slice(1)).toEqual([
			{ type: 'currency', currency: { fallback_value: '80,50\u00a0€', code: 'EUR', amount_1000: 80500 } },
			{ type: 'date_time', date_time: { fallback_value: 'viernes, 20 de marzo de 2026' } },
		]);
	});

	it.each([
		[
			'an amount that is not a number',
			{ body_1: 'Ana', body_2: 'cento e cinquenta', body_3: '2026-03-12' },
			formats({ variable: 'body_2', format: 'currency', currencyCode: 'BRL' }),
			'body {{2}} has amount "cento e cinquenta", which is not a number',
		],
		[
			'an unknown currency code',
			{ body_1: 'Ana', body_2: '150', body_3: '2026-03-12' },
			formats({ variable: 'body_2', format: 'currency', currencyCode: 'REAIS' }),
			'body {{2}} has currency code "REAIS", which is not an ISO 4217 currency',
		],
		[
			'a date that does not parse',
			{ body_1: 'Ana', body_2: '150', body_3: '12/03/2026' },
			formats({ variable: 'body_3', format: 'date' }),
			'body {{3}} is not a valid date ("12/03/2026")',
		],
		[
			'a misspelt time zone',
			{ body_1: 'Ana', body_2: '150', body_3: '2026-03-12T09:30' },
			formats({ variable: 'body_3', format: 'dateTime', timezone: 'America/Sao_Paolo' }),
			'body {{3}} has time zone "America/Sao_Paolo", which is not a known time zone',
		],
		[
			'a variable the template does not have',
			{ body_1: 'Ana', body_2: '150', body_3: 'x' },
			formats({ variable: 'body_7', format: 'currency' }),
			'Variable format for "body_7" does not match a variable of template "payment_reminder" (pt_BR)',
		],
		[
			'a row without variable',
			{ body_1: 'Ana', body_2: '150', body_3: 'x' },
			formats({ variable: '', format: 'currency' }),
			'Variable Formats row 1 has no variable',
		],
		[
			'the same variable twice',
			{ body_1: 'Ana', body_2: '150', body_3: 'x' },
			formats({ variable: 'body_2', format: 'currency' }, { variable: 'body_2', format: 'date' }),
			'Variable Formats "body_2" is listed twice',
		],
	])('rejects %s before sending', async (_name, values, options, message) => {
		const graph = new FakeGraph();
		const error = await run({ graph, params: paymentParams(values, options) }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message.startsWith(`${message}. `)).toBe(true);
		expect((error as NodeOperationError).context.itemIndex).toBe(0);
		expect(graph.messages).toHaveLength(0);
	});

	it('the Variable dropdown lists the chosen template’s header and body variables', async () => {
		const graph = new FakeGraph();
		const ctx = fakeContext({ graph, params: { template: rl('appointment_reminder|pt_BR') } });
		const options = await node.methods.loadOptions.getTemplateVariables.call(ctx);
		expect(options.map((o) => [o.name, o.value])).toEqual([
			['header {{1}} — e.g. Sim Clinic', 'header_1'],
			['body {{1}} — e.g. Maria', 'body_1'],
			['body {{2}} — e.g. March 12', 'body_2'],
			['body {{3}} — e.g. 09:30', 'body_3'],
		]);
		const none = fakeContext({ graph, params: { template: rl('={{ $json.template }}', 'name') } });
		expect(await node.methods.loadOptions.getTemplateVariables.call(none)).toEqual([]);
	});

	it('describes every Variable Formats field with a description and a default', () => {
		const options = node.description.properties.find((p) => p.name === 'options')!;
		const variableFormats = (options.options as any[]).find((o) => o.name === 'variableFormats');
		const fields = variableFormats.options[0].values as any[];
		expect(fields.map((f) => f.name).sort()).toEqual(
			['currencyCode', 'dateStyle', 'format', 'timezone', 'variable'].sort(),
		);
		for (const f of fields) {
			expect(f.description).toBeTruthy();
			expect(f.default).toBeDefined();
		}
		expect(fields.find((f) => f.name === 'variable').typeOptions.loadOptionsMethod).toBe(
			'getTemplateVariables',
		);
	});
});
