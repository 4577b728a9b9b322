import path from 'node:path';

import nock from 'nock';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { WhatsAppClinicApi } from '../../../credentials/WhatsAppClinicApi.credentials';
import { CloudApiError } from '../../../core/whatsapp/errors';
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { buildMultipartBody, createHttpSender, toN8nRequestOptions } from '../../../nodes/shared/http';
import {
	WHATSAPP_CREDENTIAL_TYPE,
	getWebhookSecrets,
	getWhatsAppContext,
	type WhatsAppFunctions,
} from '../../../nodes/shared/transport';
import { metaError, fakeAccessToken } from './helpers';

// n8n's own outbound HTTP implementation (axios based), used as the real transport under nock.
const networkDir = path.dirname(require.resolve('@n8n/backend-network'));
const { httpRequest } = require(path.join(networkDir, 'http/axios/request.js')) as {
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
};

const TOKEN = fakeAccessToken('transport');
const CREDENTIAL = {
	accessToken: TOKEN,
	phoneNumberId: '106540352242922',
	businessAccountId: '102290129340398',
	appSecret: 'app-secret-value',
	webhookVerifyToken: 'verify-token-value',
	graphApiVersion: 'v25.0',
	baseUrl: 'https://graph.facebook.com/',
};

/** A fake n8n `this` whose httpRequestWithAuthentication applies the credential's authenticate(), then sends for real. */
function fakeContext(credential: Record<string, string> = CREDENTIAL) {
	const calls: Array<{ type: string; options: IHttpRequestOptions; self: unknown }> = [];
	const auth = new WhatsAppClinicApi();
	const context = {
		getCredentials: jest.fn(async () => credential),
		helpers: {
			async httpRequestWithAuthentication(this: unknown, type: string, options: IHttpRequestOptions) {
				calls.push({ type, options, self: this });
				return await httpRequest(await auth.authenticate(credential, options));
			},
		},
	};
	return { context: context as unknown as WhatsAppFunctions, calls, raw: context };
}

function bodyBuffer(body: unknown): Buffer {
	const text = String(body);
	return /^[0-9a-f]*$/i.test(text) && text.length % 2 === 0
		? Buffer.from(text, 'hex')
		: Buffer.from(text, 'binary');
}

function parseMultipart(raw: Buffer, contentType: string) {
	const boundary = /boundary=(.+)$/.exec(contentType)![1];
	const parts: Array<{ headers: string; data: Buffer }> = [];
	let start = raw.indexOf(`--${boundary}`) + boundary.length + 4;
	for (;;) {
		const end = raw.indexOf(`\r\n--${boundary}`, start);
		if (end < 0) break;
		const part = raw.subarray(start, end);
		const split = part.indexOf('\r\n\r\n');
		parts.push({ headers: part.subarray(0, split).toString('utf8'), data: part.subarray(split + 4) });
		start = end + boundary.length + 6;
	}
	return {
		parts,
		terminated: raw.subarray(raw.length - boundary.length - 6).toString() === `--${boundary}--\r\n`,
	};
}

afterEach(() => {
	nock.cleanAll();
	resetSharedLimiters();
});

describe('toN8nRequestOptions', () => {
	it('asks n8n for the full response and no throw on HTTP errors', () => {
		const options = toN8nRequestOptions({
			method: 'GET',
			url: 'https://x/v25.0/1',
			qs: { fields: 'id' },
			timeoutMs: 5000,
		});
		expect(options).toMatchObject({
			method: 'GET',
			url: 'https://x/v25.0/1',
			qs: { fields: 'id' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
			timeout: 5000,
		});
		expect(options.body).toBeUndefined();
	});

	it('sends JSON bodies as JSON and downloads as arraybuffer', () => {
		const post = toN8nRequestOptions({ method: 'POST', url: 'https://x', body: { a: 1 } });
		expect(post).toMatchObject({
			body: { a: 1 },
			json: true,
			headers: { 'Content-Type': 'application/json' },
		});
		const download = toN8nRequestOptions({ method: 'GET', url: 'https://x', returnBuffer: true });
		expect(download).toMatchObject({ encoding: 'arraybuffer', json: false });
	});

	it('builds a multipart body with a boundary', () => {
		const options = toN8nRequestOptions({
			method: 'POST',
			url: 'https://x',
			formData: {
				fields: { messaging_product: 'whatsapp' },
				file: { data: Buffer.from('abc'), fileName: 'a.txt', mimeType: 'text/plain' },
			},
		});
		const contentType = (options.headers as Record<string, string>)['Content-Type'];
		expect(contentType).toMatch(/^multipart\/form-data; boundary=----n8nWhatsAppClinic[0-9a-f]{24}$/);
		const { parts, terminated } = parseMultipart(options.body as Buffer, contentType);
		expect(terminated).toBe(true);
		expect(parts).toHaveLength(2);
		expect(parts[1].headers).toContain('filename="a.txt"');
		expect(parts[1].data.toString()).toBe('abc');
	});

	it('neutralises quotes and newlines in part names', () => {
		const { body } = buildMultipartBody(
			{
				fields: {},
				file: { data: Buffer.from('x'), fileName: 'a"b\r\nX-Evil: 1.pdf', mimeType: 'application/pdf' },
			},
			'B',
		);
		expect(body.toString()).toContain('filename="a%22b  X-Evil: 1.pdf"');
	});
});

describe('createHttpSender for the WhatsApp credential', () => {
	it('calls httpRequestWithAuthentication with the clinic credential and maps the full response', async () => {
		const httpRequestWithAuthentication = jest.fn(async () => ({
			statusCode: 201,
			headers: { a: 'b' },
			body: { id: '1' },
		}));
		const context = { helpers: { httpRequestWithAuthentication } } as unknown as WhatsAppFunctions;
		const send = createHttpSender(context, WHATSAPP_CREDENTIAL_TYPE);
		await expect(send({ method: 'GET', url: 'https://x' })).resolves.toEqual({
			status: 201,
			headers: { a: 'b' },
			body: { id: '1' },
		});
		expect(httpRequestWithAuthentication).toHaveBeenCalledWith(
			WHATSAPP_CREDENTIAL_TYPE,
			expect.objectContaining({ url: 'https://x', ignoreHttpStatusErrors: true }),
			undefined,
		);
		expect(httpRequestWithAuthentication.mock.contexts[0]).toBe(context);
	});
});

describe('getWhatsAppContext over real HTTP (n8n axios transport + nock)', () => {
	const graph = 'https://graph.facebook.com';

	it('returns ids and a client, but no secrets', async () => {
		const { context } = fakeContext();
		const ctx = await getWhatsAppContext.call(context, { mps: 40 });
		expect(ctx).toMatchObject({
			phoneNumberId: CREDENTIAL.phoneNumberId,
			wabaId: CREDENTIAL.businessAccountId,
			apiVersion: 'v25.0',
			baseUrl: 'https://graph.facebook.com',
		});
		expect(ctx.client.limiterFor(ctx.phoneNumberId).mps).toBe(40);
		const visible = JSON.stringify({ ...ctx, client: { ...ctx.client } });
		for (const secret of [TOKEN, CREDENTIAL.appSecret, CREDENTIAL.webhookVerifyToken])
			expect(visible).not.toContain(secret);
		await expect(getWebhookSecrets.call(context)).resolves.toEqual({
			appSecret: CREDENTIAL.appSecret,
			verifyToken: CREDENTIAL.webhookVerifyToken,
		});
	});

	it('sends a message with the Bearer token and parses the answer', async () => {
		nock(graph, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': /application\/json/ } })
			.post(`/v25.0/${CREDENTIAL.phoneNumberId}/messages`, {
				messaging_product: 'whatsapp',
				to: '15551234567',
				type: 'text',
				text: { body: 'Your appointment is confirmed' },
			})
			.reply(200, {
				messaging_product: 'whatsapp',
				contacts: [{ input: '15551234567', wa_id: '15551234567' }],
				messages: [{ id: 'wamid.OK' }],
			});
		const { context, calls } = fakeContext();
		const { client, phoneNumberId } = await getWhatsAppContext.call(context);
		await expect(
			client.sendMessage(phoneNumberId, {
				to: '15551234567',
				type: 'text',
				text: { body: 'Your appointment is confirmed' },
			}),
		).resolves.toMatchObject({ messageId: 'wamid.OK', waId: '15551234567' });
		expect(calls[0].type).toBe('whatsAppClinicApi');
		expect(calls[0].self).toBe(context);
		expect(nock.isDone()).toBe(true);
	});

	it('uploads a file as multipart/form-data that Meta can parse', async () => {
		const file = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x80]);
		let received: { contentType: string; raw: Buffer; auth: string } | undefined;
		nock(graph)
			.post(`/v25.0/${CREDENTIAL.phoneNumberId}/media`)
			.reply(function (_uri, body) {
				received = {
					contentType: String(this.req.headers['content-type']),
					raw: bodyBuffer(body),
					auth: String(this.req.headers.authorization),
				};
				return [200, { id: 'MEDIA-9' }];
			});
		const { context } = fakeContext();
		const { client, phoneNumberId } = await getWhatsAppContext.call(context);
		await expect(
			client.uploadMedia(phoneNumberId, {
				data: file,
				fileName: 'lab-result.pdf',
				mimeType: 'application/pdf',
			}),
		).resolves.toEqual({ id: 'MEDIA-9' });
		expect(received!.auth).toBe(`Bearer ${TOKEN}`);
		const { parts, terminated } = parseMultipart(received!.raw, received!.contentType);
		expect(terminated).toBe(true);
		expect(parts.map((p) => /name="([^"]+)"/.exec(p.headers)![1])).toEqual([
			'messaging_product',
			'type',
			'file',
		]);
		expect(parts[0].data.toString()).toBe('whatsapp');
		expect(parts[1].data.toString()).toBe('application/pdf');
		expect(parts[2].headers).toContain('filename="lab-result.pdf"');
		expect(parts[2].headers).toContain('Content-Type: application/pdf');
		expect(parts[2].data.equals(file)).toBe(true);
	});

	it('downloads binary media as a Buffer', async () => {
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
		nock('https://lookaside.fbsbx.com', { reqheaders: { authorization: `Bearer ${TOKEN}` } })
			.get('/whatsapp_business/attachments/')
			.query({ mid: '1' })
			.reply(200, jpeg, { 'Content-Type': 'image/jpeg' });
		const { context } = fakeContext();
		const { client } = await getWhatsAppContext.call(context);
		const media = await client.downloadMedia(
			'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1',
		);
		expect(Buffer.isBuffer(media.data)).toBe(true);
		expect(media.data.equals(jpeg)).toBe(true);
		expect(media.mimeType).toBe('image/jpeg');
	});

	it('turns a Meta error into CloudApiError with the hint and no token', async () => {
		nock(graph)
			.post(`/v25.0/${CREDENTIAL.phoneNumberId}/messages`)
			.reply(400, metaError(131047, 'Re-engagement message', { details: `24 hours passed; token ${TOKEN}` }));
		const { context } = fakeContext();
		const { client, phoneNumberId } = await getWhatsAppContext.call(context);
		const error = (await client
			.sendMessage(phoneNumberId, { to: '1555' })
			.catch((e: unknown) => e)) as CloudApiError;
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error.code).toBe(131047);
		expect(error.hint).toMatch(/WhatsApp Send Template/);
		expect(error.message).not.toContain(TOKEN);
	});

	it('points at the simulator when the credential says so', async () => {
		nock('http://127.0.0.1:7700')
			.get('/v24.0/PN')
			.query(true)
			.reply(200, { id: 'PN', verified_name: 'Simulated Clinic' });
		const { context } = fakeContext({
			...CREDENTIAL,
			baseUrl: 'http://127.0.0.1:7700',
			graphApiVersion: 'v24.0',
		});
		const { client } = await getWhatsAppContext.call(context);
		await expect(client.getPhoneNumber('PN')).resolves.toMatchObject({ verified_name: 'Simulated Clinic' });
	});

	it('rejects a malformed Graph API version with the field name', async () => {
		const { context } = fakeContext({ ...CREDENTIAL, graphApiVersion: 'latest' });
		await expect(getWhatsAppContext.call(context)).rejects.toThrow(/Graph API version "latest"/);
	});
});
