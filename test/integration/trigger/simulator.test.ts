/**
 * The trigger node against the WhatsApp Cloud API simulator: the simulator signs and POSTs webhooks (its own
 * serialisation, app secret `sim-secret`) to a local HTTP server that hands each request to the node's webhook()
 * through a mocked IWebhookFunctions (real raw body and headers), and serves media downloads for real.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { mockDeep } from 'jest-mock-extended';
import type { IWebhookFunctions, INodeExecutionData } from 'n8n-workflow';

import { resetProcessDedupCaches } from '../../../core/webhook/dedup';
import { WhatsAppClinicTrigger } from '../../../nodes/WhatsAppClinicTrigger/WhatsAppClinicTrigger.node';
import { startSimulator, type Simulator } from '../../../simulator';

const node = new WhatsAppClinicTrigger();

interface Received {
	status: number;
	items: INodeExecutionData[];
}

let sim: Simulator;
let server: http.Server;
let url: string;
let params: Record<string, unknown> = {};
const received: Received[] = [];
const staticData: Record<string, unknown> = {};
const pending = new Set<Promise<unknown>>();

/** The simulator's webhooks were answered and every node call (also after an early 200) has finished. */
async function settled(): Promise<void> {
	await sim.idle();
	while (pending.size) await Promise.all([...pending]);
}

function context(req: http.IncomingMessage, rawBody: Buffer, res: http.ServerResponse) {
	const ctx = mockDeep<IWebhookFunctions>();
	const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
	let status = 200;
	let body: unknown = '';
	const response = {
		status: (code: number) => {
			status = code;
			return response;
		},
		setHeader: () => response,
		send: (b: unknown) => {
			body = b;
			res.writeHead(status, { 'Content-Type': 'text/plain' });
			res.end(String(body));
			return response;
		},
	};
	const all: Record<string, unknown> = { events: ['message'], phoneNumberIds: '', options: {}, ...params };
	ctx.getResponseObject.mockReturnValue(response as never);
	ctx.getRequestObject.mockReturnValue({ rawBody, headers: req.headers } as never);
	ctx.getWebhookName.mockReturnValue(req.method === 'GET' ? 'setup' : 'default');
	ctx.getQueryData.mockReturnValue(query);
	ctx.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) =>
		name in all ? all[name] : fallback) as never);
	ctx.getWorkflowStaticData.mockReturnValue(staticData as never);
	ctx.getWorkflow.mockReturnValue({ id: 'wf-sim', name: 'sim', active: true });
	ctx.getNode.mockReturnValue({
		id: 'n1',
		name: 'WhatsApp Clinic Trigger',
		type: 't',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	});
	ctx.getMode.mockReturnValue('webhook');
	ctx.getCredentials.mockResolvedValue({
		accessToken: sim.accessToken,
		phoneNumberId: sim.phoneNumberId,
		businessAccountId: sim.wabaId,
		appSecret: sim.appSecret,
		webhookVerifyToken: 'sim-verify-token',
		graphApiVersion: 'v23.0',
		baseUrl: sim.url,
	} as never);
	ctx.helpers.prepareBinaryData.mockImplementation((async (
		data: Buffer,
		fileName?: string,
		mimeType?: string,
	) => ({
		data: data.toString('base64'),
		fileName,
		mimeType: mimeType ?? 'application/octet-stream',
	})) as never);
	// What n8n's helper does for this credential: add the Bearer token and make the request.
	ctx.helpers.httpRequestWithAuthentication.mockImplementation((async (_type: string, o: any) => {
		const target = new URL(o.url);
		for (const [k, v] of Object.entries(o.qs ?? {})) target.searchParams.set(k, String(v));
		const r = await fetch(target, {
			method: o.method,
			headers: { ...(o.headers ?? {}), Authorization: `Bearer ${sim.accessToken}` },
		});
		const buffer = Buffer.from(await r.arrayBuffer());
		const headers = Object.fromEntries(r.headers.entries());
		const isJson = (headers['content-type'] ?? '').includes('json');
		return {
			statusCode: r.status,
			headers,
			body:
				o.encoding === 'arraybuffer'
					? buffer
					: isJson
						? JSON.parse(buffer.toString('utf8') || 'null')
						: buffer.toString('utf8'),
		};
	}) as never);
	return { ctx, status: () => status };
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const { ctx, status } = context(req, raw, res);
			const run = node.webhook
				.call(ctx)
				.then((r) => {
					if (!r.noWebhookResponse) {
						res.writeHead(200, { 'Content-Type': 'application/json' });
						res.end('{"message":"Workflow was started"}');
					}
					received.push({ status: r.noWebhookResponse ? status() : 200, items: r.workflowData?.[0] ?? [] });
				})
				.catch((e: Error) => {
					res.writeHead(599);
					res.end(e.message);
				})
				.finally(() => pending.delete(run));
			pending.add(run);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/abc/webhook`;
	sim = await startSimulator({
		port: 0,
		quiet: true,
		webhookUrl: url,
		sentDelayMs: 0,
		deliveredDelayMs: 0,
		readDelayMs: 5,
		webhookRetryDelaysMs: [0, 20, 40],
	} as never);
});

afterAll(async () => {
	await sim?.close();
	await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
	received.length = 0;
	params = {};
	resetProcessDedupCaches();
	for (const k of Object.keys(staticData)) delete staticData[k];
});

const PATIENT = '5511987654321';

function emitted(): Array<Record<string, any>> {
	return received.flatMap((r) => r.items.map((i) => i.json as Record<string, any>));
}

describe('trigger ← simulator', () => {
	it('typed items for the simulator’s inbound message kinds, one execution each', async () => {
		const sent = [
			await sim.inbound({ from: PATIENT, name: 'Maria', type: 'text', text: 'Olá, quero marcar' }),
			await sim.inbound({
				from: PATIENT,
				type: 'list_reply',
				id: 'slot-1',
				title: 'Ter 09:00',
				description: 'Dra. Ana',
			}),
			await sim.inbound({ from: PATIENT, type: 'button_reply', id: 'confirm', title: 'Confirmar' }),
			await sim.inbound({ from: PATIENT, type: 'button', payload: 'CANCEL', text: 'Cancelar' }),
			await sim.inbound({
				from: PATIENT,
				type: 'location',
				latitude: -23.55,
				longitude: -46.63,
				locationName: 'Clínica',
			}),
			await sim.inbound({ from: PATIENT, type: 'reaction', emoji: '👍', messageId: 'wamid.X' }),
			await sim.inbound({ from: PATIENT, type: 'unsupported' }),
		];
		await settled();
		for (const s of sent) expect(s.delivery?.statusCode).toBe(200);
		const items = emitted();
		expect(items.map((i) => i.messageId)).toEqual(sent.map((s) => s.messageId));
		expect(items[0]).toMatchObject({
			event: 'message',
			type: 'text',
			text: 'Olá, quero marcar',
			from: PATIENT,
			profileName: 'Maria',
			phoneNumberId: sim.phoneNumberId,
		});
		expect(items[1].interactive).toMatchObject({
			type: 'list_reply',
			listReply: { id: 'slot-1', title: 'Ter 09:00', description: 'Dra. Ana' },
		});
		expect(items[2].interactive).toMatchObject({
			type: 'button_reply',
			buttonReply: { id: 'confirm', title: 'Confirmar' },
		});
		expect(items[3]).toMatchObject({ type: 'button', button: { payload: 'CANCEL', text: 'Cancelar' } });
		expect(items[4].location).toMatchObject({ latitude: -23.55, longitude: -46.63 });
		expect(items[5].reaction).toMatchObject({ emoji: '👍', removed: false });
		expect(items[6]).toMatchObject({
			type: 'unsupported',
			errors: [expect.objectContaining({ code: 131051 })],
		});
	});

	it('username-only patient (BSUID, no phone)', async () => {
		await sim.inbound({ userId: 'BR.1234567890', username: '@maria', type: 'text', text: 'oi' });
		await settled();
		expect(emitted()[0]).toMatchObject({
			from: null,
			userId: 'BR.1234567890',
			username: '@maria',
			text: 'oi',
		});
	});

	it('downloads media through the simulator’s Graph API in one step', async () => {
		params = { options: { downloadMedia: true } };
		const content = Buffer.from('%PDF-1.4 laudo');
		await sim.inbound({
			from: PATIENT,
			type: 'document',
			filename: 'laudo.pdf',
			caption: 'laudo',
			content: content.toString('base64'),
		});
		await settled();
		const [r] = received;
		expect(r.status).toBe(200);
		expect(r.items[0].json).toMatchObject({
			type: 'document',
			media: expect.objectContaining({ filename: 'laudo.pdf' }),
		});
		expect(r.items[0].json.mediaError).toBeUndefined();
		expect(Buffer.from(r.items[0].binary!.data.data, 'base64').equals(content)).toBe(true);
	});

	it('expired media (8 simulated days later) → mediaError, message kept', async () => {
		params = { options: { downloadMedia: true } };
		const deliveriesBefore = sim.deliveries().length;
		await sim.inbound({ from: PATIENT, type: 'image', caption: 'foto', wait: true });
		await settled();
		const delivery = sim.deliveries()[deliveriesBefore];
		received.length = 0;
		resetProcessDedupCaches();
		for (const k of Object.keys(staticData)) delete staticData[k];
		sim.advanceClock(8 * 24 * 3600 * 1000);
		// Re-deliver the very same bytes (as Meta's retry would) after the media expired.
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': delivery.signature },
			body: delivery.body,
		});
		expect(res.status).toBe(200);
		await settled();
		const item = received[0].items[0];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			type: 'image',
			mediaError: expect.objectContaining({ code: expect.stringMatching(/^(media_expired|url_expired)$/) }),
		});
	});

	it('status webhooks: only the selected status kinds are emitted', async () => {
		await sim.inbound({ from: PATIENT, type: 'text', text: 'oi' }); // opens the 24 h window
		await settled();
		received.length = 0;
		params = { events: ['status.read'] };
		const res = await fetch(`${sim.url}/v23.0/${sim.phoneNumberId}/messages`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${sim.accessToken}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({
				messaging_product: 'whatsapp',
				to: PATIENT,
				type: 'text',
				text: { body: 'Sua consulta é amanhã' },
				biz_opaque_callback_data: 'appt-9',
			}),
		});
		const sentId = ((await res.json()) as { messages: Array<{ id: string }> }).messages[0].id;
		await new Promise((r) => setTimeout(r, 100));
		await settled();
		expect(received.length).toBeGreaterThanOrEqual(3); // sent, delivered, read webhooks all answered
		expect(received.every((r) => r.status === 200)).toBe(true);
		expect(emitted()).toEqual([
			expect.objectContaining({ event: 'status', status: 'read', messageId: sentId, recipient: PATIENT }),
		]);
	});

	it('Meta-style retries of the same bytes are dropped', async () => {
		const first = await sim.inbound({ from: PATIENT, type: 'text', text: 'oi' });
		await settled();
		const delivery = sim.deliveries().find((d) => d.eventIds.includes(first.messageId))!;
		for (let i = 0; i < 3; i++) {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': delivery.signature },
				body: delivery.body,
			});
			expect(res.status).toBe(200);
		}
		await settled();
		expect(emitted().map((i) => i.messageId)).toEqual([first.messageId]);
		expect(received).toHaveLength(4);
	});

	it('webhooks signed with a wrong secret → 401 on every retry, nothing emitted', async () => {
		await sim.configure({ signWithWrongSecret: true } as never);
		try {
			const r = await sim.inbound({ from: PATIENT, type: 'text', text: 'forjado' });
			await settled();
			expect(r.delivery?.statusCode).toBe(401);
			expect(received.length).toBeGreaterThan(0);
			expect(received.every((x) => x.status === 401 && x.items.length === 0)).toBe(true);
		} finally {
			await sim.configure({ signWithWrongSecret: false } as never);
		}
	});

	it('GET handshake with the simulator’s verify token', async () => {
		const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=sim-verify-token&hub.challenge=4242`);
		expect([ok.status, await ok.text()]).toEqual([200, '4242']);
		const bad = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=4242`);
		expect(bad.status).toBe(403);
	});
});
