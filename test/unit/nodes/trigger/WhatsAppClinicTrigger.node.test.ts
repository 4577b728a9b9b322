import { createHash } from 'node:crypto';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { compactKey, resetProcessDedupCaches } from '../../../../core/webhook/dedup';
import { signBody } from '../../../../core/webhook/signature';
import { handleDelivery } from '../../../../nodes/WhatsAppClinicTrigger/actions/delivery';
import { WhatsAppClinicTrigger } from '../../../../nodes/WhatsAppClinicTrigger/WhatsAppClinicTrigger.node';
import { FIXTURE_NOW_MS, fixtureBytes } from '../../webhook/fixtures';
import {
	APP_SECRET,
	CREDENTIALS,
	PHONE_NUMBER_ID,
	VERIFY,
	hookContext,
	webhookContext,
	type HttpHandler,
} from './helpers';

const node = new WhatsAppClinicTrigger();

let clock: jest.SpiedFunction<typeof Date.now>;

beforeEach(() => {
	resetProcessDedupCaches();
	// The fixtures are from June 2025: pin "now" inside Meta's retry window so that none is dropped as too old.
	clock = jest.spyOn(Date, 'now').mockReturnValue(FIXTURE_NOW_MS);
});
afterEach(() => clock.mockRestore());

function allLogText(ctx: ReturnType<typeof webhookContext>['ctx']): string {
	const calls = [
		...ctx.logger.warn.mock.calls,
		...ctx.logger.error.mock.calls,
		...ctx.logger.info.mock.calls,
		...ctx.logger.debug.mock.calls,
	];
	return JSON.stringify(calls);
}

describe('description', () => {
	it('follows the trigger conventions', () => {
		const d = node.description;
		expect(d.name).toBe('whatsAppClinicTrigger');
		expect(d.displayName).toContain('Trigger');
		expect(d.inputs).toEqual([]);
		expect(d.group).toEqual(['trigger']);
		expect(d.usableAsTool).toBeUndefined();
		expect(d.webhooks?.map((w) => [w.name, w.httpMethod, w.path, w.responseMode])).toEqual([
			['setup', 'GET', 'webhook', 'onReceived'],
			['default', 'POST', 'webhook', 'onReceived'],
		]);
		expect(d.properties.find((p) => p.name === 'events')?.default).toEqual(['message']);
	});
});

describe('GET verification handshake', () => {
	it('answers the challenge as text/plain 200', async () => {
		const { ctx, res } = webhookContext({
			name: 'setup',
			query: { 'hub.mode': 'subscribe', ['hub.' + 'verify_token']: VERIFY, 'hub.challenge': '1158201444' },
		});
		const r = await node.webhook.call(ctx);
		expect(r).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(200);
		expect(res.body).toBe('1158201444');
		expect(res.headers['content-type']).toMatch(/^text\/plain/);
	});

	it.each([
		[{ 'hub.mode': 'subscribe', ['hub.' + 'verify_token']: 'wrong', 'hub.challenge': '1' }],
		[{ 'hub.mode': 'subscribe', ['hub.' + 'verify_token']: VERIFY + 'x', 'hub.challenge': '1' }],
		[{ 'hub.mode': 'unsubscribe', ['hub.' + 'verify_token']: VERIFY, 'hub.challenge': '1' }],
		[{}],
	])('403 for %j', async (query) => {
		const { ctx, res } = webhookContext({ name: 'setup', query });
		expect(await node.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(403);
		expect(res.body).not.toContain('1');
		expect(allLogText(ctx)).not.toContain(VERIFY);
	});
});

describe('POST signature', () => {
	const body = fixtureBytes('message-text');

	it('valid → one typed item, no direct response (n8n acknowledges)', async () => {
		const { ctx, res } = webhookContext({ body });
		const r = await node.webhook.call(ctx);
		expect(res.send).not.toHaveBeenCalled();
		expect(r.noWebhookResponse).toBeUndefined();
		expect(r.workflowData).toHaveLength(1);
		expect(r.workflowData![0]).toHaveLength(1);
		expect(r.workflowData![0][0].json).toMatchObject({
			event: 'message',
			type: 'text',
			messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			from: '16505551234',
			profileName: 'Sheena Nelson',
			text: 'Hello, I would like to book an appointment for next week.',
			phoneNumberId: PHONE_NUMBER_ID,
			timestamp: '2025-06-08T20:59:43Z',
		});
	});

	it.each([
		['forged (other secret)', signBody(fixtureBytes('message-text'), 'attacker-secret')],
		['missing', null],
		['malformed', 'sha256=nothex'],
		['sha1 style', 'sha1=' + 'a'.repeat(40)],
	])('%s signature → 401, no execution, body not logged', async (_label, signature) => {
		const { ctx, res } = webhookContext({ body, signature });
		const r = await node.webhook.call(ctx);
		expect(r).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
		const logs = allLogText(ctx);
		expect(logs).not.toContain('appointment');
		expect(logs).not.toContain('16505551234');
		expect(logs).not.toContain(APP_SECRET);
	});

	it('re-serialised body (as hand-made webhooks do) → 401', async () => {
		const original = fixtureBytes('message-reaction');
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(original.toString('utf8'))));
		const { ctx, res } = webhookContext({ body: reserialised, signature: signBody(original, APP_SECRET) });
		expect(await node.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
	});

	it('empty App Secret in the credential → 401 and an error telling to set it', async () => {
		const { ctx, res } = webhookContext({
			body,
			credentials: { ...CREDENTIALS, appSecret: '' },
			signature: signBody(body, ''),
		});
		expect(await node.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
		expect(ctx.logger.error).toHaveBeenCalledWith(expect.stringContaining('Set App Secret'));
	});

	it('a malformed Base URL in the credential does not block receiving (only media download would fail)', async () => {
		const { ctx } = webhookContext({
			body,
			credentials: { ...CREDENTIALS, baseUrl: 'not a url', graphApiVersion: 'latest' },
		});
		expect((await node.webhook.call(ctx)).workflowData?.[0]).toHaveLength(1);
		const media = webhookContext({
			body: fixtureBytes('message-image'),
			credentials: { ...CREDENTIALS, baseUrl: 'not a url' },
			params: { options: { downloadMedia: true } },
		});
		const item = (await node.webhook.call(media.ctx)).workflowData![0][0];
		expect(item.json.mediaError).toMatchObject({
			code: 'download_failed',
			message: expect.stringContaining('Base URL'),
		});
	});

	it('reads the raw body when n8n has not yet', async () => {
		const { ctx } = webhookContext({ body });
		const req: Record<string, unknown> = { headers: { 'x-hub-signature-256': signBody(body, APP_SECRET) } };
		req.readRawBody = async () => {
			req.rawBody = body;
		};
		ctx.getRequestObject.mockReturnValue(req as never);
		expect((await node.webhook.call(ctx)).workflowData?.[0]).toHaveLength(1);
	});
});

describe('POST envelope errors', () => {
	it.each([
		['malformed JSON', '{"object":"whatsapp_business_account","entry":[', 400],
		['wrong object', '{"object":"page","entry":[]}', 400],
		['empty body', '', 400],
	])('%s (correctly signed) → 4xx without crash', async (_l, text, status) => {
		const { ctx, res } = webhookContext({ body: Buffer.from(text) });
		expect(await node.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(status);
	});
});

describe('one item per event, filters', () => {
	it('batch with several entries and changes, all numbers, messages + statuses', async () => {
		const { ctx } = webhookContext({
			body: fixtureBytes('batch-multi-entry'),
			params: { phoneNumberIds: '*', events: ['message', 'status.delivered', 'status.read'] },
		});
		const items = (await node.webhook.call(ctx)).workflowData![0];
		expect(items.map((i) => [i.json.event, i.json.messageId, i.json.status ?? null])).toEqual([
			['message', 'wamid.BATCH-A1', null],
			['message', 'wamid.BATCH-A2', null],
			['status', 'wamid.OUT-1', 'delivered'],
			['status', 'wamid.OUT-1', 'read'],
			['message', 'wamid.BATCH-B1', null],
		]);
	});

	it('phone number filter: empty = the credential’s number; explicit list; *', async () => {
		const run = async (phoneNumberIds: string) => {
			resetProcessDedupCaches();
			const { ctx } = webhookContext({ body: fixtureBytes('batch-multi-entry'), params: { phoneNumberIds } });
			const r = await node.webhook.call(ctx);
			return (r.workflowData?.[0] ?? []).map((i) => i.json.messageId);
		};
		expect(await run('')).toEqual(['wamid.BATCH-A1', 'wamid.BATCH-A2']);
		expect(await run('209876543210987')).toEqual(['wamid.BATCH-B1']);
		expect(await run('*')).toHaveLength(3);
		expect(await run('111, 222')).toEqual([]);
	});

	it('event filter: statuses are off by default; each status kind separately', async () => {
		const run = async (fixture: string, events?: string[]) => {
			resetProcessDedupCaches();
			const { ctx, res } = webhookContext({ body: fixtureBytes(fixture), params: events ? { events } : {} });
			const r = await node.webhook.call(ctx);
			return { items: r.workflowData?.[0] ?? [], status: res.statusCode };
		};
		expect(await run('status-failed')).toEqual({ items: [], status: 200 });
		expect((await run('status-failed', ['status.read'])).items).toHaveLength(0);
		const failed = (await run('status-failed', ['status.failed'])).items;
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({
			status: 'failed',
			bizOpaqueCallbackData: 'appointment-4711',
			errors: [expect.objectContaining({ code: 131049 })],
		});
		expect((await run('status-played', ['status.played'])).items[0].json).toMatchObject({ status: 'played' });
		expect((await run('template-status-update', ['template_update'])).items[0].json).toMatchObject({
			event: 'template_update',
			updateEvent: 'APPROVED',
		});
	});

	it('Include Raw Change keeps the raw change next to each item', async () => {
		const { ctx } = webhookContext({
			body: fixtureBytes('message-image'),
			params: { options: { includeRaw: true } },
		});
		const item = (await node.webhook.call(ctx)).workflowData![0][0];
		expect(item.json.raw).toMatchObject({
			field: 'messages',
			value: { messages: [expect.objectContaining({ type: 'image' })] },
		});
	});

	it('username-only user without a phone number', async () => {
		const { ctx } = webhookContext({ body: fixtureBytes('message-username-only') });
		expect((await node.webhook.call(ctx)).workflowData![0][0].json).toMatchObject({
			from: null,
			userId: 'US.13491208655302741918',
			username: '@testusername',
		});
	});

	it('unknown message type → unsupported item, no crash', async () => {
		const { ctx } = webhookContext({ body: fixtureBytes('message-unknown-type') });
		expect((await node.webhook.call(ctx)).workflowData![0][0].json).toMatchObject({
			type: 'unsupported',
			originalType: 'hologram',
		});
	});
});

describe('deduplication', () => {
	const body = fixtureBytes('batch-multi-entry');
	const params = { phoneNumberIds: '*', events: ['message', 'status.delivered', 'status.read'] };

	it('a retried delivery produces no second execution', async () => {
		const staticData = {};
		const first = await node.webhook.call(webhookContext({ body, params, staticData }).ctx);
		expect(first.workflowData![0]).toHaveLength(5);
		const retry = webhookContext({ body, params, staticData });
		const second = await node.webhook.call(retry.ctx);
		expect(second).toEqual({ noWebhookResponse: true });
		expect(retry.res.statusCode).toBe(200);
	});

	it('two overlapping deliveries: each event emitted exactly once', async () => {
		const a = webhookContext({ body, params, staticData: {} });
		const b = webhookContext({ body, params, staticData: {} });
		const [ra, rb] = await Promise.all([node.webhook.call(a.ctx), node.webhook.call(b.ctx)]);
		const total = (ra.workflowData?.[0].length ?? 0) + (rb.workflowData?.[0].length ?? 0);
		expect(total).toBe(5);
	});

	it('a partial overlap emits only the new events', async () => {
		await node.webhook.call(
			webhookContext({
				body: fixtureBytes('status-delivered'),
				params: { events: ['status.delivered', 'status.read'] },
			}).ctx,
		);
		const r = await node.webhook.call(
			webhookContext({
				body: fixtureBytes('status-read'),
				params: { events: ['status.delivered', 'status.read'] },
			}).ctx,
		);
		expect(r.workflowData![0].map((i) => i.json.status)).toEqual(['read']);
	});

	it('survives a restart through workflow static data (bounded, no message ids stored)', async () => {
		const staticData: Record<string, unknown> = {};
		await node.webhook.call(webhookContext({ body, params, staticData }).ctx);
		const saved = JSON.parse(JSON.stringify(staticData));
		expect(JSON.stringify(saved)).not.toContain('wamid');
		resetProcessDedupCaches(); // process restart
		const again = await node.webhook.call(webhookContext({ body, params, staticData: saved }).ctx);
		expect(again.workflowData).toBeUndefined();
	});

	it('different workflows sharing one Meta app each get the event', async () => {
		const a = await node.webhook.call(webhookContext({ body, params, workflowId: 'clinic-a' }).ctx);
		const b = await node.webhook.call(webhookContext({ body, params, workflowId: 'clinic-b' }).ctx);
		expect(a.workflowData![0]).toHaveLength(5);
		expect(b.workflowData![0]).toHaveLength(5);
	});

	it('a failing shared store answers 500 (Meta retries) and the redelivery is processed', async () => {
		const failing = { claim: jest.fn().mockRejectedValue(new Error('db down')), release: jest.fn() };
		const first = webhookContext({ body: fixtureBytes('message-text') });
		expect(await handleDelivery.call(first.ctx, { resolveStore: async () => failing })).toEqual({
			noWebhookResponse: true,
		});
		expect(first.res.statusCode).toBe(500);
		const ok = {
			claim: jest.fn(async (keys: readonly string[]) => keys.map(() => true)),
			release: jest.fn(),
		};
		const second = webhookContext({ body: fixtureBytes('message-text') });
		const r = await handleDelivery.call(second.ctx, { resolveStore: async () => ok });
		expect(r.workflowData![0]).toHaveLength(1);
		expect(ok.claim).toHaveBeenCalledWith(
			[compactKey('message:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=')],
			expect.any(Number),
		);
	});

	it('a failing emit hook before acknowledging → 500 and the redelivery is emitted', async () => {
		const failing = jest.fn(async () => {
			throw new Error('audit store down');
		});
		const first = webhookContext({ body: fixtureBytes('message-text') });
		expect(await handleDelivery.call(first.ctx, { emitHooks: [failing] })).toEqual({
			noWebhookResponse: true,
		});
		expect(first.res.statusCode).toBe(500);
		const again = webhookContext({ body: fixtureBytes('message-text') });
		expect((await handleDelivery.call(again.ctx)).workflowData![0]).toHaveLength(1);
	});

	it('every emitted event passes through the emit hooks (audit seam)', async () => {
		const hook = jest.fn(async () => undefined);
		const { ctx } = webhookContext({ body: fixtureBytes('message-text') });
		await handleDelivery.call(ctx, { emitHooks: [hook] });
		expect(hook).toHaveBeenCalledWith([
			expect.objectContaining({
				event: expect.objectContaining({ messageId: expect.stringMatching(/^wamid\./) }),
			}),
		]);
	});
});

describe('media download', () => {
	const MEDIA_URL = 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=2729745623963742';
	const graph =
		(over: Partial<Record<'info' | 'file', ReturnType<HttpHandler>>> = {}): HttpHandler =>
		(call) => {
			if (call.url === 'https://graph.facebook.com/v25.0/2729745623963742') {
				return (
					over.info ?? {
						statusCode: 200,
						body: {
							url: MEDIA_URL,
							mime_type: 'application/pdf',
							sha256: createHash('sha256').update('%PDF-1.4 ok').digest('hex'),
							file_size: 11,
							id: '2729745623963742',
							messaging_product: 'whatsapp',
						},
					}
				);
			}
			if (call.url === MEDIA_URL)
				return (
					over.file ?? {
						statusCode: 200,
						body: Buffer.from('%PDF-1.4 ok'),
						headers: { 'content-type': 'application/pdf' },
					}
				);
			return { statusCode: 500, body: { error: { message: 'unexpected', code: 1 } } };
		};
	const params = { options: { downloadMedia: true, maxMediaSizeMb: 16 } };
	/** The document fixture announcing the SHA-256 of the bytes our fake Graph serves. */
	const documentWebhook = () =>
		Buffer.from(
			fixtureBytes('message-document')
				.toString('utf8')
				.replace(
					/"sha256": "[^"]+"/,
					`"sha256": "${createHash('sha256').update('%PDF-1.4 ok').digest('base64')}"`,
				),
		);

	it('a download that does not match the announced SHA-256 is not attached; the message still comes out', async () => {
		const { ctx } = webhookContext({ body: fixtureBytes('message-document'), params, http: graph() });
		const item = (await node.webhook.call(ctx)).workflowData![0][0];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ event: 'message', mediaError: { code: 'integrity_mismatch' } });
	});

	it('puts the file into binary data in one step and acknowledges before downloading', async () => {
		const { ctx, res, httpCalls } = webhookContext({
			body: documentWebhook(),
			params,
			http: graph(),
		});
		const r = await node.webhook.call(ctx);
		expect(res.statusCode).toBe(200);
		expect(r.noWebhookResponse).toBe(true);
		const item = r.workflowData![0][0];
		expect(item.binary?.data).toMatchObject({
			fileName: 'referral-letter.pdf',
			mimeType: 'application/pdf',
			data: Buffer.from('%PDF-1.4 ok').toString('base64'),
		});
		expect(item.json.mediaError).toBeUndefined();
		expect(httpCalls.map((c) => c.url)).toEqual([
			'https://graph.facebook.com/v25.0/2729745623963742',
			MEDIA_URL,
		]);
		expect(httpCalls[0].qs).toMatchObject({ phone_number_id: PHONE_NUMBER_ID });
	});

	it('expired media ID → item kept with a clear mediaError', async () => {
		const http = graph({
			info: {
				statusCode: 404,
				body: {
					error: {
						message: 'Unsupported get request. Object with ID does not exist',
						type: 'GraphMethodException',
						code: 100,
						error_subcode: 33,
					},
				},
			},
		});
		const { ctx } = webhookContext({ body: fixtureBytes('message-document'), params, http });
		const item = (await node.webhook.call(ctx)).workflowData![0][0];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			event: 'message',
			type: 'document',
			mediaError: { code: 'media_expired', httpStatus: 404 },
		});
		expect((item.json.mediaError as { message: string }).message).toMatch(/7 days/);
	});

	it('too large → not downloaded, item kept with mediaError', async () => {
		const http = graph({
			info: {
				statusCode: 200,
				body: {
					url: MEDIA_URL,
					mime_type: 'application/pdf',
					file_size: 60 * 1024 * 1024,
					id: '2729745623963742',
				},
			},
		});
		const { ctx, httpCalls } = webhookContext({ body: fixtureBytes('message-document'), params, http });
		const item = (await node.webhook.call(ctx)).workflowData![0][0];
		expect(item.json.mediaError).toMatchObject({ code: 'too_large' });
		expect(httpCalls).toHaveLength(1);
	});

	it('no download without the option, and no download for text messages', async () => {
		const a = webhookContext({ body: fixtureBytes('message-document'), http: graph() });
		expect((await node.webhook.call(a.ctx)).workflowData![0][0].binary).toBeUndefined();
		expect(a.httpCalls).toHaveLength(0);
		const b = webhookContext({ body: fixtureBytes('message-text'), params, http: graph() });
		expect((await node.webhook.call(b.ctx)).noWebhookResponse).toBeUndefined();
		expect(b.httpCalls).toHaveLength(0);
	});
});

describe('webhook registration', () => {
	const URL = 'https://n8n.clinic.example/webhook/abc/webhook';
	const phoneUrl = `https://graph.facebook.com/v25.0/${PHONE_NUMBER_ID}`;

	it('manual mode registers nothing', async () => {
		const { ctx, httpCalls } = hookContext({ webhookRegistration: 'manual' }, () => ({ statusCode: 500 }));
		expect(await node.webhookMethods.default.checkExists.call(ctx)).toBe(true);
		expect(await node.webhookMethods.default.create.call(ctx)).toBe(true);
		expect(await node.webhookMethods.default.delete.call(ctx)).toBe(true);
		expect(httpCalls).toHaveLength(0);
	});

	it('override: checkExists compares the configured callback', async () => {
		const at = (configured: string) =>
			hookContext({ webhookRegistration: 'perNumberOverride' }, () => ({
				statusCode: 200,
				body: {
					id: PHONE_NUMBER_ID,
					webhook_configuration: { phone_number: configured, application: 'https://app.example/hook' },
				},
			}));
		const same = at(URL);
		expect(await node.webhookMethods.default.checkExists.call(same.ctx)).toBe(true);
		expect(same.httpCalls[0]).toMatchObject({
			method: 'GET',
			url: phoneUrl,
			qs: { fields: 'webhook_configuration' },
		});
		expect(await node.webhookMethods.default.checkExists.call(at('https://other.example/x').ctx)).toBe(false);
	});

	it('override: create posts webhook_configuration with the verify token for each listed number', async () => {
		const { ctx, httpCalls } = hookContext(
			{ webhookRegistration: 'perNumberOverride', phoneNumberIds: `${PHONE_NUMBER_ID}, 209876543210987` },
			() => ({ statusCode: 200, body: { success: true } }),
		);
		expect(await node.webhookMethods.default.create.call(ctx)).toBe(true);
		expect(httpCalls).toEqual([
			expect.objectContaining({
				method: 'POST',
				url: phoneUrl,
				body: { webhook_configuration: { override_callback_uri: URL, verify_token: VERIFY } },
			}),
			expect.objectContaining({ method: 'POST', url: 'https://graph.facebook.com/v25.0/209876543210987' }),
		]);
	});

	it('override: delete clears only our own override', async () => {
		const mine = hookContext({ webhookRegistration: 'perNumberOverride' }, (c) =>
			c.method === 'GET'
				? { statusCode: 200, body: { webhook_configuration: { phone_number: URL } } }
				: { statusCode: 200, body: { success: true } },
		);
		expect(await node.webhookMethods.default.delete.call(mine.ctx)).toBe(true);
		expect(mine.httpCalls[1]).toMatchObject({
			method: 'POST',
			body: { webhook_configuration: { override_callback_uri: '' } },
		});
		const theirs = hookContext({ webhookRegistration: 'perNumberOverride' }, () => ({
			statusCode: 200,
			body: { webhook_configuration: { phone_number: 'https://other.example' } },
		}));
		expect(await node.webhookMethods.default.delete.call(theirs.ctx)).toBe(true);
		expect(theirs.httpCalls).toHaveLength(1);
	});

	it('override: Meta errors surface as NodeApiError', async () => {
		const { ctx } = hookContext({ webhookRegistration: 'perNumberOverride' }, () => ({
			statusCode: 400,
			body: {
				error: {
					message: '(#100) Invalid parameter',
					type: 'OAuthException',
					code: 100,
					error_data: { details: 'override_callback_uri must be https' },
					fbtrace_id: 'AbC',
				},
			},
		}));
		await expect(node.webhookMethods.default.create.call(ctx)).rejects.toBeInstanceOf(NodeApiError);
	});

	it('override with * refuses with a clear NodeOperationError', async () => {
		const { ctx } = hookContext({ webhookRegistration: 'perNumberOverride', phoneNumberIds: '*' }, () => ({
			statusCode: 200,
		}));
		await expect(node.webhookMethods.default.create.call(ctx)).rejects.toBeInstanceOf(NodeOperationError);
	});
});

describe('Clinic Store deduplication (queue mode)', () => {
	const { mkdtempSync, rmSync } = require('node:fs') as typeof import('node:fs');
	const { join } = require('node:path') as typeof import('node:path');
	const { tmpdir } = require('node:os') as typeof import('node:os');
	const { closeAllClinicStores } =
		require('../../../../core/store') as typeof import('../../../../core/store');
	let dir: string;

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'trigger-dedup-'));
	});
	afterAll(async () => {
		await closeAllClinicStores();
		rmSync(dir, { recursive: true, force: true });
	});

	function processContext(body: Buffer) {
		const c = webhookContext({ body, params: { deduplicationStore: 'clinicStore' }, staticData: {} });
		c.ctx.getCredentials.mockImplementation((async (type: string) =>
			type === 'clinicStoreApi'
				? {
						backend: 'sqlite',
						sqlitePath: join(dir, 'clinic.sqlite'),
						phiKey: 'a-long-test-passphrase-for-phi',
						phiKeyId: 'k1',
					}
				: CREDENTIALS) as never);
		return c;
	}

	it('two webhook processes (separate memory and static data) emit a message once', async () => {
		const body = fixtureBytes('message-interactive-list-reply');
		const first = await node.webhook.call(processContext(body).ctx);
		expect(first.workflowData![0]).toHaveLength(1);
		resetProcessDedupCaches(); // the other process has its own memory
		const other = processContext(body);
		expect(await node.webhook.call(other.ctx)).toEqual({ noWebhookResponse: true });
		expect(other.res.statusCode).toBe(200);
	});
});

describe('issue 14: hardening', () => {
	it('item 12: a whitespace-only App Secret counts as missing (401, fail closed)', async () => {
		const body = fixtureBytes('message-text');
		for (const secret of [' ', '  \t', '\n']) {
			const { ctx, res } = webhookContext({
				body,
				credentials: { ...CREDENTIALS, appSecret: secret },
				signature: signBody(body, secret),
			});
			expect(await node.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
			expect(res.statusCode).toBe(401);
			expect(res.body).toBe('App secret not configured');
			expect(ctx.logger.error).toHaveBeenCalledWith(expect.stringContaining('Set App Secret'));
		}
	});

	it('item 7: a change nested very deep is skipped and logged; the patient message of the same delivery comes out', async () => {
		const good = JSON.parse(fixtureBytes('message-text').toString('utf8'));
		const deep = '{"a":'.repeat(20_000) + '"secret-body-text"' + '}'.repeat(20_000);
		const text = JSON.stringify(good).replace(
			/\]\}\]\}$/,
			`]},{"id":"102290129340398","time":1749416400,"changes":[{"field":"account_update","value":${deep}},{"field":"messages","value":{"metadata":{"phone_number_id":"${PHONE_NUMBER_ID}"},"statuses":[{"id":"wamid.X","status":"read","timestamp":"1749416390","nested":${deep}}]}}]}]}`,
		);
		const body = Buffer.from(text);
		const { ctx, res } = webhookContext({
			body,
			params: { phoneNumberIds: '*', events: ['message', 'account_update', 'status.read'] },
		});
		const r = await node.webhook.call(ctx);
		expect(res.statusCode).not.toBe(500);
		expect(r.workflowData![0].map((i) => i.json.event)).toEqual(['message']);
		const errors = JSON.stringify(ctx.logger.error.mock.calls);
		expect(errors).toContain('change 1 of entry 2');
		expect(errors).toContain('change 2 of entry 2');
		expect(errors).toContain('nested deeper than');
		expect(allLogText(ctx)).not.toContain('secret-body-text');
		expect(allLogText(ctx)).not.toContain('16505551234');
	});

	it('item 5: an event older than Meta’s 7-day retry window is dropped and counted, never executed', async () => {
		const body = fixtureBytes('message-text'); // timestamp 2025-06-08T20:59:43Z
		const sent = Date.parse('2025-06-08T20:59:43Z');
		{
			clock.mockReturnValue(sent + 7 * 86_400_000 + 60_000);
			const staticData: Record<string, unknown> = {};
			const late = webhookContext({ body, staticData });
			expect(await node.webhook.call(late.ctx)).toEqual({ noWebhookResponse: true });
			expect(late.res.statusCode).toBe(200);
			expect(staticData.droppedStaleEvents).toBe(1);
			expect(late.ctx.logger.warn).toHaveBeenCalledWith(
				expect.stringContaining('older than 7 days'),
				expect.anything(),
			);
			expect(allLogText(late.ctx)).not.toContain('appointment');

			resetProcessDedupCaches();
			clock.mockReturnValue(sent + 6 * 86_400_000);
			const inWindow = webhookContext({ body, staticData: {} });
			expect((await node.webhook.call(inWindow.ctx)).workflowData![0]).toHaveLength(1);

			resetProcessDedupCaches();
			clock.mockReturnValue(sent + 9 * 86_400_000);
			const longer = webhookContext({ body, staticData: {}, params: { options: { maxEventAgeDays: 10 } } });
			expect((await node.webhook.call(longer.ctx)).workflowData![0]).toHaveLength(1);
		}
	});
});
