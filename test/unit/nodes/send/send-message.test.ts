import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { WhatsAppSendMessage } from '../../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { FakeGraph, fakeContext, metaError } from './fake-context';

const node = new WhatsAppSendMessage();

async function run(opts: Parameters<typeof fakeContext>[0]) {
	return await node.execute.call(fakeContext(opts));
}

beforeEach(() => resetSharedLimiters());

const to = '+5511912345678';

describe('WhatsApp Send Message: payload of every operation', () => {
	it('text with link preview, reply context and callback data', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			params: {
				operation: 'text',
				recipient: '5511912345678',
				text: 'See https://clinic.example',
				options: { previewUrl: true, replyTo: 'wamid.IN1', bizOpaqueCallbackData: 'APPT-7' },
			},
		});
		expect(graph.messages).toEqual([
			{
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to,
				type: 'text',
				text: { preview_url: true, body: 'See https://clinic.example' },
				context: { message_id: 'wamid.IN1' },
				biz_opaque_callback_data: `APPT-7|wac:${String(out[0].json.idempotencyKey)}`,
			},
		]);
		expect(out[0]).toEqual({
			json: {
				status: 'sent',
				messageId: expect.stringMatching(/^wamid\./),
				waId: '5511912345678',
				recipient: to,
				recipientType: 'phone',
				type: 'text',
				bizOpaqueCallbackData: 'APPT-7',
				idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
			},
			pairedItem: { item: 0 },
		});
	});

	it('reply buttons with a text header and footer', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			params: {
				operation: 'buttons',
				recipient: to,
				body: 'Confirm tomorrow 9:30?',
				buttons: { button: [{ title: 'Confirm', id: 'confirm:1' }, { title: 'Reschedule' }] },
				headerType: 'text',
				headerText: 'Clínica Sol',
				footer: 'Reply STOP to opt out',
				options: {},
			},
		});
		expect(graph.messages[0].interactive).toEqual({
			type: 'button',
			header: { type: 'text', text: 'Clínica Sol' },
			body: { text: 'Confirm tomorrow 9:30?' },
			footer: { text: 'Reply STOP to opt out' },
			action: {
				buttons: [
					{ type: 'reply', reply: { id: 'confirm:1', title: 'Confirm' } },
					{ type: 'reply', reply: { id: 'Reschedule', title: 'Reschedule' } },
				],
			},
		});
	});

	it('reply buttons with a document header uploaded from a binary', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			items: [
				{
					json: {},
					binary: {
						pdf: {
							data: Buffer.from('%PDF').toString('base64'),
							mimeType: 'application/pdf',
							fileName: 'prep.pdf',
						},
					},
				},
			],
			params: {
				operation: 'buttons',
				recipient: to,
				body: 'Read the preparation guide',
				buttons: { button: [{ title: 'Done', id: 'done' }] },
				headerType: 'document',
				headerMedia: '',
				headerBinaryProperty: 'pdf',
				footer: '',
				options: {},
			},
		});
		expect(graph.uploads).toHaveLength(1);
		expect(graph.messages[0].interactive.header).toEqual({
			type: 'document',
			document: { id: '900001', filename: 'prep.pdf' },
		});
		expect(out[0].json.mediaId).toBe('900001');
	});

	it('list straight from Appointment Slot Lookup’s WhatsApp List output', async () => {
		const graph = new FakeGraph();
		const whatsappList = {
			type: 'list',
			header: { type: 'text', text: 'Free times' },
			body: { text: 'Choose a time' },
			action: {
				button: 'See times',
				sections: [
					{ title: 'Tue 12 Mar', rows: [{ id: 'slot:a', title: '09:00', description: 'Dr. Silva' }] },
					{ title: 'Wed 13 Mar', rows: [{ id: 'slot:b', title: '10:30' }] },
				],
			},
		};
		await run({
			graph,
			items: [{ json: { whatsappList } }],
			params: {
				operation: 'list',
				recipient: to,
				listSource: 'object',
				listObject: whatsappList,
				options: {},
			},
		});
		expect(graph.messages[0]).toMatchObject({ type: 'interactive', interactive: whatsappList });
	});

	it('list defined by rows grouped into sections', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			params: {
				operation: 'list',
				recipient: to,
				listSource: 'fields',
				body: 'Which unit?',
				buttonLabel: 'Units',
				rows: {
					row: [
						{ section: 'São Paulo', title: 'Paulista', id: 'sp-1' },
						{ section: 'Rio', title: 'Botafogo', description: 'Rua X' },
						{ section: 'São Paulo', title: 'Pinheiros', id: 'sp-2' },
					],
				},
				headerText: '',
				footer: '',
				options: {},
			},
		});
		expect(graph.messages[0].interactive).toEqual({
			type: 'list',
			body: { text: 'Which unit?' },
			action: {
				button: 'Units',
				sections: [
					{
						title: 'São Paulo',
						rows: [
							{ id: 'sp-1', title: 'Paulista' },
							{ id: 'sp-2', title: 'Pinheiros' },
						],
					},
					{ title: 'Rio', rows: [{ id: 'Botafogo', title: 'Botafogo', description: 'Rua X' }] },
				],
			},
		});
	});

	it.each([
		[
			'link',
			{ mediaType: 'image', mediaSource: 'link', mediaLink: 'https://x.org/a.png', caption: 'Map' },
			{ type: 'image', image: { link: 'https://x.org/a.png', caption: 'Map' } },
		],
		[
			'media ID',
			{ mediaType: 'audio', mediaSource: 'id', mediaId: '12345' },
			{ type: 'audio', audio: { id: '12345' } },
		],
	])('media by %s', async (_name, params, expected) => {
		const graph = new FakeGraph();
		await run({ graph, params: { operation: 'media', recipient: to, ...params, options: {} } });
		expect(graph.messages[0]).toMatchObject(expected);
	});

	it('media from an n8n binary: uploads first, sends the media ID and file name', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			items: [
				{
					json: {},
					binary: {
						data: {
							data: Buffer.from('%PDF').toString('base64'),
							mimeType: 'application/pdf',
							fileName: 'results.pdf',
						},
					},
				},
			],
			params: {
				operation: 'media',
				recipient: to,
				mediaType: 'document',
				mediaSource: 'binary',
				binaryProperty: 'data',
				caption: 'Your results',
				filename: '',
				options: {},
			},
		});
		expect(graph.uploads).toHaveLength(1);
		expect(graph.messages[0].document).toEqual({
			id: '900001',
			caption: 'Your results',
			filename: 'results.pdf',
		});
		expect(out[0].json.mediaId).toBe('900001');
	});

	it('location, reaction and contact card', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			params: {
				operation: 'location',
				recipient: to,
				latitude: -23.56,
				longitude: -46.65,
				locationName: 'Clinic',
				address: '',
				options: {},
			},
		});
		await run({
			graph,
			params: { operation: 'reaction', recipient: to, messageId: 'wamid.IN9', emoji: '❤️', options: {} },
		});
		await run({
			graph,
			params: {
				operation: 'contacts',
				recipient: to,
				contactName: 'Reception',
				contactPhone: '+551130000000',
				contactEmail: '',
				contactUrl: '',
				options: {},
			},
		});
		expect(graph.messages.map((m) => [m.type, m[m.type]])).toEqual([
			['location', { latitude: -23.56, longitude: -46.65, name: 'Clinic' }],
			['reaction', { message_id: 'wamid.IN9', emoji: '❤️' }],
			[
				'contacts',
				[{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000', type: 'WORK' }] }],
			],
		]);
	});

	it('mark as read with typing indicator', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			params: { operation: 'markAsRead', messageId: 'wamid.IN1', typingIndicator: true, options: {} },
		});
		expect(graph.requests[0].body).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'wamid.IN1',
			typing_indicator: { type: 'text' },
		});
		expect(out[0].json).toEqual({
			success: true,
			messageId: 'wamid.IN1',
			status: 'read',
			typingIndicator: true,
		});
	});
});

describe('WhatsApp Send Message: errors', () => {
	it('names the item and Meta’s field for an invalid list, before sending anything', async () => {
		const graph = new FakeGraph();
		const list = (title: string) => ({
			type: 'list',
			body: 'Pick',
			action: { button: 'Times', sections: [{ title: 'Mon', rows: [{ id: 'a', title }] }] },
		});
		const error = await run({
			graph,
			items: [{ json: {} }, { json: {} }],
			params: {
				operation: 'list',
				recipient: to,
				listSource: 'object',
				listObject: (i: number) => list(i === 1 ? 'A row title longer than 24 chars' : 'OK'),
				options: {},
			},
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(
			/^WhatsApp List\.action\.sections\[0\]\.rows\[0\]\.title is longer than 24 characters\. /,
		);
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect(graph.messages).toHaveLength(0);
	});

	it('explains 131047 as outside the 24-hour window → use WhatsApp Send Template', async () => {
		const graph = new FakeGraph();
		graph.responder = (req) =>
			req.body?.type === 'text'
				? metaError(
						131047,
						'Re-engagement message',
						400,
						'Message failed to send because more than 24 hours have passed',
					)
				: undefined;
		const [out] = await run({
			graph,
			continueOnFail: true,
			params: { operation: 'text', recipient: to, text: 'Hi', options: {} },
		});
		expect(out[0].json.error).toMatchObject({ code: 131047, title: 'Outside the 24-hour window' });
		expect(String((out[0].json.error as any).hint)).toContain('WhatsApp Send Template');
		const thrown = await run({
			graph,
			params: { operation: 'text', recipient: to, text: 'Hi', options: {} },
		}).catch((e: unknown) => e);
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect((thrown as NodeApiError).message).toContain('Outside the 24-hour window');
		expect((thrown as NodeApiError).description).toContain('WhatsApp Send Template');
	});

	it('keeps order and pairing across mixed success, validation and API failures', async () => {
		const graph = new FakeGraph();
		graph.responder = (req) =>
			req.body?.to === '+5511912345673' ? metaError(131026, 'Message undeliverable') : undefined;
		const [out] = await run({
			graph,
			continueOnFail: true,
			items: Array.from({ length: 6 }, () => ({ json: {} })),
			params: {
				operation: 'text',
				recipient: (i: number) => `+55119123456${70 + i}`,
				text: (i: number) => (i === 1 ? '' : `msg ${i}`),
				options: {},
			},
		});
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
		expect(out.map((o) => (o.json.error ? 'error' : 'ok'))).toEqual([
			'ok',
			'error',
			'ok',
			'error',
			'ok',
			'ok',
		]);
		expect((out[1].json.error as any).field).toBe('text.body');
		expect((out[3].json.error as any).code).toBe(131026);
		// No item-level `error`: n8n-core would then overwrite the json (and Meta's code/title/hint) with the message.
		expect(out.every((item) => item.error === undefined)).toBe(true);
		expect((out[3].json.error as any).hint).toEqual(expect.any(String));
		expect(out[4].json.recipient).toBe('+5511912345674');
	});

	it('evaluates constant parameters once per run and expressions once per item', async () => {
		const graph = new FakeGraph();
		const ctx = fakeContext({
			graph,
			items: Array.from({ length: 20 }, () => ({ json: {} })),
			params: {
				operation: 'text',
				recipient: (i: number) => `+55119123456${10 + i}`,
				text: 'Your appointment is confirmed',
				options: { previewUrl: false },
			},
		});
		const [out] = await node.execute.call(ctx);
		expect(out).toHaveLength(20);
		const reads = (ctx as unknown as { parameterReads: Record<string, number> }).parameterReads;
		expect(reads.recipient).toBe(20);
		expect(reads.text).toBe(1);
		expect(graph.messages.map((m) => m.text.body)).toEqual(Array(20).fill('Your appointment is confirmed'));
	});

	it.each([
		[false, 'validates every item before the first send'],
		[true, 'starts sending while later items are still being validated'],
	])('with Continue On Fail %s it %s', async (continueOnFail) => {
		const graph = new FakeGraph();
		const log: string[] = [];
		graph.responder = (req) => {
			if (req.body?.to) log.push('send');
			return undefined;
		};
		await run({
			graph,
			continueOnFail,
			items: Array.from({ length: 60 }, () => ({ json: {} })),
			params: {
				operation: 'text',
				recipient: (i: number) => {
					log.push(`validate ${i}`);
					return `+55119123456${10 + (i % 90)}`;
				},
				text: 'Hi',
				options: {},
			},
		});
		const firstSend = log.indexOf('send');
		const lastValidation = log.indexOf('validate 59');
		expect(log.filter((l) => l === 'send')).toHaveLength(60);
		if (continueOnFail) expect(firstSend).toBeLessThan(lastValidation);
		else expect(firstSend).toBeGreaterThan(lastValidation);
	});

	it('every property has a description and the node is tool-usable', () => {
		expect(node.description.usableAsTool).toBe(true);
		const ops = node.description.properties.find((p) => p.name === 'operation')!;
		expect((ops.options as any[]).map((o) => o.value).sort()).toEqual([
			'buttons',
			'contacts',
			'flow',
			'list',
			'location',
			'markAsRead',
			'media',
			'reaction',
			'text',
		]);
		for (const p of node.description.properties) expect(p.description).toBeTruthy();
	});
});
