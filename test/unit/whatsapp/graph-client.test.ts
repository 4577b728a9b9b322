import nock from 'nock';

import { buildGraphUrl, normalizeApiVersion, normalizeBaseUrl } from '../../../core/whatsapp/api-version';
import { CloudApiError } from '../../../core/whatsapp/errors';
import { GraphClient, pairKey, type GraphClientOptions } from '../../../core/whatsapp/graph-client';
import { PairLimitGuard, ThroughputLimiter, resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { SendOutcomeUnknownError } from '../../../core/whatsapp/send-outcome';
import {
	FakeClock,
	fetchSender,
	json,
	metaError,
	scriptedSender,
	sentMessage,
	type Responder,
	fakeAccessToken,
} from './helpers';

const TOKEN = fakeAccessToken('graph');

function client(responder: Responder, extra: Partial<GraphClientOptions> & { clock?: FakeClock } = {}) {
	const clock = extra.clock ?? new FakeClock();
	const send = scriptedSender(responder);
	const graph = new GraphClient({
		send,
		clock,
		retry: { random: () => 0.5, baseDelayMs: 100 },
		limiter: new ThroughputLimiter({ mps: 1000, clock }),
		pairGuard: new PairLimitGuard({ clock }),
		...extra,
	});
	return { graph, send, clock };
}

afterEach(() => {
	resetSharedLimiters();
	nock.cleanAll();
});

describe('api-version', () => {
	it('builds safe Graph URLs', () => {
		expect(buildGraphUrl('https://graph.facebook.com/', 'v25.0', '/123/messages/')).toBe(
			'https://graph.facebook.com/v25.0/123/messages',
		);
		expect(buildGraphUrl('http://127.0.0.1:7700', '24', '123')).toBe('http://127.0.0.1:7700/v24.0/123');
		expect(buildGraphUrl('https://proxy.example/graph', 'v26.0', 'a b')).toBe(
			'https://proxy.example/graph/v26.0/a%20b',
		);
		expect(() => buildGraphUrl(undefined, 'v25.0', '../me')).toThrow(/contains/);
		expect(() => buildGraphUrl(undefined, 'v25.0', '')).toThrow(/empty/);
	});

	it('validates versions and base URLs with a clear message', () => {
		expect(normalizeApiVersion(' V25.0 ')).toBe('v25.0');
		expect(normalizeApiVersion('')).toBe('v25.0');
		expect(() => normalizeApiVersion('latest')).toThrow(/vNN\.0/);
		expect(() => normalizeApiVersion('v25.1')).toThrow(/vNN\.0/);
		expect(normalizeBaseUrl(undefined)).toBe('https://graph.facebook.com');
		expect(() => normalizeBaseUrl('graph.facebook.com')).toThrow(/not a valid URL/);
		expect(() => normalizeBaseUrl('ftp://x')).toThrow(/https/);
		expect(() => normalizeBaseUrl('https://x/?access_token=1')).toThrow(/query/);
	});
});

describe('GraphClient.request', () => {
	it('prefixes base URL and version, drops undefined query values, returns parsed JSON', async () => {
		const { graph, send } = client(() => json(200, '{"id":"1"}'), {
			baseUrl: 'http://127.0.0.1:7700/',
			apiVersion: 'v24.0',
		});
		await expect(graph.request('GET', '1', { qs: { fields: 'id', after: undefined } })).resolves.toEqual({
			id: '1',
		});
		expect(send.calls[0]).toMatchObject({
			method: 'GET',
			url: 'http://127.0.0.1:7700/v24.0/1',
			qs: { fields: 'id' },
		});
		expect(send.calls[0].timeoutMs).toBe(30_000);
	});

	it('throws CloudApiError for Meta errors and retries GETs on 5xx and network errors', async () => {
		const { graph, send, clock } = client((_req, i) => {
			if (i === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			if (i === 1) return json(503, '');
			return json(200, { ok: true });
		});
		const promise = graph.request('GET', 'x');
		await clock.runAll();
		await expect(promise).resolves.toEqual({ ok: true });
		expect(send.calls).toHaveLength(3);
	});

	it('does not retry a non-retryable error', async () => {
		const { graph, send } = client(() => json(400, metaError(100, 'Invalid parameter')));
		await expect(graph.request('GET', 'x')).rejects.toMatchObject({ code: 100, retryable: false });
		expect(send.calls).toHaveLength(1);
	});
});

describe('GraphClient.sendMessage', () => {
	it('posts to /{phone-number-id}/messages with messaging_product and returns ids', async () => {
		const { graph, send } = client(() =>
			json(200, {
				messaging_product: 'whatsapp',
				contacts: [{ input: '+15551234567', wa_id: '15551234567' }],
				messages: [{ id: 'wamid.ABC', message_status: 'accepted' }],
			}),
		);
		const result = await graph.sendMessage('106540352242922', {
			to: '+15551234567',
			type: 'text',
			text: { body: 'Hi' },
		});
		expect(result).toEqual({
			messageId: 'wamid.ABC',
			waId: '15551234567',
			input: '+15551234567',
			messageStatus: 'accepted',
		});
		expect(send.calls[0]).toMatchObject({
			method: 'POST',
			url: 'https://graph.facebook.com/v25.0/106540352242922/messages',
			body: { messaging_product: 'whatsapp', to: '+15551234567', type: 'text', text: { body: 'Hi' } },
		});
	});

	it('retries 130429 with backoff and takes a limiter token for every attempt', async () => {
		const clock = new FakeClock();
		const limiter = new ThroughputLimiter({ mps: 1000, clock });
		const acquire = jest.spyOn(limiter, 'acquire');
		const { graph, send } = client(
			(req, i) => (i < 2 ? json(400, metaError(130429, 'Rate limit hit')) : json(200, sentMessage('1555'))),
			{ clock, limiter },
		);
		const promise = graph.sendMessage('1', { to: '1555', type: 'text', text: { body: 'x' } });
		await clock.runAll();
		await expect(promise).resolves.toMatchObject({ messageId: 'wamid.1555' });
		expect(send.calls).toHaveLength(3);
		expect(acquire).toHaveBeenCalledTimes(3);
	});

	it('does not resend a message after a timeout (it may have been delivered)', async () => {
		const { graph, send } = client(() => {
			throw Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED' });
		});
		const error = await graph.sendMessage('1', { to: '1555' }).catch((e: unknown) => e);
		// Not "failed" and not retryable: the outcome is unknown, with the timeout behind it.
		expect(error).toBeInstanceOf(SendOutcomeUnknownError);
		expect(error).toMatchObject({
			code: 'ECONNABORTED',
			title: 'Outcome unknown: the message may have been sent',
		});
		expect((error as SendOutcomeUnknownError).transportError).toMatchObject({ code: 'ECONNABORTED' });
		expect((error as Error).message).toMatch(/not known whether WhatsApp accepted it/);
		expect((error as SendOutcomeUnknownError).hint).toMatch(/Do not send it again now/);
		expect((error as SendOutcomeUnknownError).hint).not.toMatch(/retries automatically/);
		expect(send.calls).toHaveLength(1);
	});

	it('reports a reset after sending as unknown, a refusal by Meta as a plain CloudApiError (not sent)', async () => {
		const reset = client(() => {
			throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
		});
		await expect(reset.graph.sendMessage('1', { to: '1555' })).rejects.toBeInstanceOf(
			SendOutcomeUnknownError,
		);
		expect(reset.send.calls).toHaveLength(1);
		const refused = client(() => json(400, metaError(131026, 'Message undeliverable')));
		const error = await refused.graph.sendMessage('1', { to: '1555' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error).toMatchObject({ code: 131026, mayHaveBeenSent: false });
	});

	it('does not resend after a gateway timeout from a proxy (unknown), but does after Meta’s own 500', async () => {
		const gateway = client(() => ({ status: 504, headers: {}, body: '<html>Gateway Timeout</html>' }));
		await expect(gateway.graph.sendMessage('1', { to: '1555' })).rejects.toBeInstanceOf(
			SendOutcomeUnknownError,
		);
		expect(gateway.send.calls).toHaveLength(1);
		const meta = client((_r, i) =>
			i === 0 ? json(500, metaError(131000, 'Something went wrong')) : json(200, sentMessage('1555')),
		);
		const promise = meta.graph.sendMessage('1', { to: '1555' });
		await meta.clock.runAll();
		await expect(promise).resolves.toMatchObject({ messageId: 'wamid.1555' });
		expect(meta.send.calls).toHaveLength(2);
	});

	it('a 200 without a message ID is unknown (whatever answered may have passed the message on)', async () => {
		const { graph } = client(() => json(200, { messaging_product: 'whatsapp' }));
		await expect(graph.sendMessage('1', { to: '1555' })).rejects.toMatchObject({
			name: 'SendOutcomeUnknownError',
			code: 'NO_MESSAGE_ID',
		});
	});

	it('with retryUnsafeNetworkErrors, a refusal after a reset is still unknown (the first attempt may have arrived)', async () => {
		const { graph, clock } = client(
			(_r, i) => {
				if (i === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
				return json(400, metaError(131056, 'Pair rate limit hit'));
			},
			{ retry: { retryUnsafeNetworkErrors: true, maxAttempts: 2 } },
		);
		const promise = graph.sendMessage('1', { to: '1555' }).catch((e: unknown) => e);
		await clock.runAll();
		const error = await promise;
		expect(error).toBeInstanceOf(SendOutcomeUnknownError);
		expect(error).toMatchObject({ code: 131056 });
	});

	it('resends after a refused connection (never reached Meta)', async () => {
		const { graph, send, clock } = client((_r, i) => {
			if (i === 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
			return json(200, sentMessage('1555'));
		});
		const promise = graph.sendMessage('1', { to: '1555' });
		await clock.runAll();
		await expect(promise).resolves.toMatchObject({ messageId: 'wamid.1555' });
		expect(send.calls).toHaveLength(2);
	});

	it('backs off 4^n seconds for a recipient hitting 131056, without delaying other recipients', async () => {
		const clock = new FakeClock();
		const times: Record<string, number[]> = { A: [], B: [] };
		let aFailures = 0;
		const { graph } = client(
			(req) => {
				const to = (req.body as { to: string }).to;
				times[to].push(clock.now());
				if (to === 'A' && aFailures < 2) {
					aFailures++;
					return json(400, metaError(131056, '(Business Account, Consumer Account) pair rate limit hit'));
				}
				return json(200, sentMessage(to));
			},
			{ clock },
		);
		const a = graph.sendMessage('1', { to: 'A', type: 'text', text: { body: 'x' } });
		const b = graph.sendMessage('1', { to: 'B', type: 'text', text: { body: 'y' } });
		await clock.runAll();
		await expect(a).resolves.toMatchObject({ messageId: 'wamid.A' });
		await expect(b).resolves.toMatchObject({ messageId: 'wamid.B' });
		expect(times.A).toEqual([0, 1000, 5000]);
		expect(times.B).toEqual([0]);
	});

	it('keys the pair limit by phone digits or BSUID', () => {
		expect(pairKey({ to: '+1 (555) 010-0100' })).toBe('15550100100');
		expect(pairKey({ to: '15550100100' })).toBe('15550100100');
		expect(pairKey({ recipient: 'US.13491208655302741918' })).toBe('US.13491208655302741918');
		expect(pairKey({ type: 'text' })).toBeUndefined();
	});

	it('gives up on a recipient when the pair-limit wait would exceed maxPairWaitMs', async () => {
		const { graph, send, clock } = client(() => json(400, metaError(131056, 'pair rate limit hit')), {
			maxPairWaitMs: 4000,
		});
		const promise = graph.sendMessage('1', { to: 'A' }).catch((e: unknown) => e);
		await clock.runAll();
		const error = (await promise) as CloudApiError;
		expect(error.code).toBe(131056);
		expect(send.calls).toHaveLength(3);
	});

	it('surfaces window and template errors with the action to take, without retrying', async () => {
		const { graph, send } = client(() =>
			json(400, metaError(131047, 'Re-engagement message', { details: 'more than 24 hours have passed' })),
		);
		const error = (await graph.sendMessage('1', { to: 'A' }).catch((e: unknown) => e)) as CloudApiError;
		expect(error.hint).toMatch(/WhatsApp Send Template/);
		expect(send.calls).toHaveLength(1);
	});

	it('rejects an empty phone number ID with the field name', async () => {
		const { graph } = client(() => json(200, {}));
		await expect(graph.sendMessage(' ', { to: 'A' })).rejects.toThrow(/Phone number ID is empty/);
	});

	it('uses the process-wide limiter for the same phone number across clients', () => {
		const send = scriptedSender(() => json(200, {}));
		const one = new GraphClient({ send, limiterMps: 40 });
		const two = new GraphClient({ send, limiterMps: 40 });
		expect(one.limiterFor('123')).toBe(two.limiterFor('123'));
		expect(one.limiterFor('123')).not.toBe(one.limiterFor('456'));
		expect(new GraphClient({ send, baseUrl: 'http://127.0.0.1:7700' }).limiterFor('123')).not.toBe(
			one.limiterFor('123'),
		);
	});
});

describe('GraphClient media', () => {
	it('uploads as multipart with messaging_product and type', async () => {
		const { graph, send } = client(() => json(200, { id: 'MEDIA1' }));
		const data = Buffer.from('%PDF-1.4 test');
		await expect(
			graph.uploadMedia('1', { data, fileName: 'letter.pdf', mimeType: 'application/pdf' }),
		).resolves.toEqual({ id: 'MEDIA1' });
		expect(send.calls[0]).toMatchObject({
			method: 'POST',
			url: 'https://graph.facebook.com/v25.0/1/media',
			formData: {
				fields: { messaging_product: 'whatsapp', type: 'application/pdf' },
				file: { field: 'file', fileName: 'letter.pdf', mimeType: 'application/pdf', data },
			},
		});
		await expect(
			graph.uploadMedia('1', { data: Buffer.alloc(0), fileName: 'x', mimeType: 'x' }),
		).rejects.toThrow(/empty/);
	});

	it('gets media info and explains expired media IDs', async () => {
		const { graph, send } = client((req) =>
			req.url.endsWith('/OLD')
				? json(400, metaError(100, 'Unsupported get request. Object with ID does not exist', { subcode: 33 }))
				: json(200, {
						id: 'M1',
						url: 'https://lookaside.fbsbx.com/x',
						mime_type: 'image/jpeg',
						sha256: 'ab',
						file_size: 10,
					}),
		);
		await expect(graph.getMedia('M1', '999')).resolves.toMatchObject({
			url: 'https://lookaside.fbsbx.com/x',
			file_size: 10,
		});
		expect(send.calls[0].qs).toEqual({ phone_number_id: '999' });
		const error = (await graph.getMedia('OLD').catch((e: unknown) => e)) as CloudApiError;
		expect(error.title).toBe('Media not found');
		expect(error.hint).toMatch(/expire after 7 days/);
	});

	it('downloads media as a Buffer and explains an expired URL (404)', async () => {
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
		const { graph, send } = client((req) =>
			req.url.includes('expired')
				? { status: 404, headers: {}, body: Buffer.from('Not Found') }
				: { status: 200, headers: { 'content-type': 'image/png', 'content-length': '4' }, body: png },
		);
		await expect(graph.downloadMedia('https://lookaside.fbsbx.com/ok')).resolves.toEqual({
			data: png,
			mimeType: 'image/png',
			size: 4,
		});
		expect(send.calls[0]).toMatchObject({
			method: 'GET',
			url: 'https://lookaside.fbsbx.com/ok',
			returnBuffer: true,
		});
		const error = (await graph
			.downloadMedia('https://lookaside.fbsbx.com/expired')
			.catch((e: unknown) => e)) as CloudApiError;
		expect(error.title).toBe('Media URL expired');
		expect(error.hint).toMatch(/valid for 5 minutes/);
		expect(send.calls).toHaveLength(2);
	});

	it('enforces the download size limit', async () => {
		const { graph } = client(() => ({
			status: 200,
			headers: { 'content-length': '5000' },
			body: Buffer.alloc(10),
		}));
		await expect(graph.downloadMedia('https://lookaside.fbsbx.com/big', 1000)).rejects.toThrow(
			/over the 1000-byte limit/,
		);
		const { graph: g2 } = client(() => ({ status: 200, headers: {}, body: Buffer.alloc(2000) }));
		await expect(g2.downloadMedia('https://lookaside.fbsbx.com/big', 1000)).rejects.toThrow(/2000 bytes/);
		await expect(g2.downloadMedia('not a url')).rejects.toThrow(/not a valid URL/);
	});

	it('deletes media', async () => {
		const { graph, send } = client(() => json(200, { success: true }));
		await expect(graph.deleteMedia('M1')).resolves.toBe(true);
		expect(send.calls[0]).toMatchObject({ method: 'DELETE', url: 'https://graph.facebook.com/v25.0/M1' });
	});
});

describe('GraphClient templates and phone numbers (HTTP via nock)', () => {
	const base = 'https://graph.facebook.com';
	const tpl = (n: number) => ({
		id: `t${n}`,
		name: `tpl_${n}`,
		language: 'en_US',
		status: 'APPROVED',
		category: 'UTILITY',
	});

	it('follows paging.cursors.after until there is no next page', async () => {
		const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };
		nock(base, auth)
			.get('/v25.0/WABA1/message_templates')
			.query(
				(q) =>
					q.status === 'APPROVED' &&
					q.limit === '2' &&
					q.after === undefined &&
					String(q.fields).includes('components'),
			)
			.reply(200, {
				data: [tpl(1), tpl(2)],
				paging: { cursors: { before: 'b1', after: 'c1' }, next: `${base}/next1` },
			})
			.get('/v25.0/WABA1/message_templates')
			.query((q) => q.after === 'c1')
			.reply(200, {
				data: [tpl(3), tpl(4)],
				paging: { cursors: { before: 'b2', after: 'c2' }, next: `${base}/next2` },
			})
			.get('/v25.0/WABA1/message_templates')
			.query((q) => q.after === 'c2')
			.reply(200, { data: [tpl(5)], paging: { cursors: { before: 'b3', after: 'c3' } } });
		const graph = new GraphClient({ send: fetchSender(TOKEN) });
		const all = await graph.listAllTemplates('WABA1', { status: 'APPROVED', limit: 2 });
		expect(all.map((t) => t.name)).toEqual(['tpl_1', 'tpl_2', 'tpl_3', 'tpl_4', 'tpl_5']);
		expect(nock.isDone()).toBe(true);
	});

	it('returns one page with its cursor and bounds the number of pages', async () => {
		nock(base)
			.get('/v25.0/WABA1/message_templates')
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				const after = new URL(uri, base).searchParams.get('after') ?? 'c0';
				const nextCursor = `c${Number(after.slice(1)) + 1}`;
				return {
					data: [tpl(Number(after.slice(1)))],
					paging: { cursors: { after: nextCursor }, next: `${base}/n` },
				};
			});
		const graph = new GraphClient({ send: fetchSender(TOKEN) });
		const page = await graph.listTemplates('WABA1', { name: 'tpl_0' });
		expect(page).toMatchObject({ after: 'c1', hasMore: true });
		expect(page.templates).toHaveLength(1);
		const bounded = await graph.listAllTemplates('WABA1', {}, 2);
		expect(bounded.map((t) => t.id)).toEqual(['t0', 't1']);
	});

	it('turns a Meta error over HTTP into CloudApiError without leaking the token', async () => {
		nock(base)
			.get('/v25.0/WABA1/message_templates')
			.query(true)
			.reply(
				401,
				metaError(190, `Error validating access token ${TOKEN}: Session has expired`, { subcode: 463 }),
			);
		const graph = new GraphClient({ send: fetchSender(TOKEN) });
		const error = (await graph.listTemplates('WABA1').catch((e: unknown) => e)) as CloudApiError;
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error.code).toBe(190);
		expect(error.hint).toMatch(/System User/);
		expect(`${error.message} ${error.hint} ${error.details} ${error.metaMessage}`).not.toContain(TOKEN);
	});

	it('reads the phone number and manages the webhook override', async () => {
		nock(base)
			.get('/v25.0/PN1')
			.query(
				(q) =>
					String(q.fields).includes('quality_rating') && String(q.fields).includes('webhook_configuration'),
			)
			.reply(200, {
				id: 'PN1',
				display_phone_number: '+1 555-0100',
				verified_name: 'Sunrise Clinic',
				quality_rating: 'GREEN',
			})
			.post('/v25.0/PN1', {
				webhook_configuration: {
					override_callback_uri: 'https://clinic.example/webhook',
					verify_token: 'vt-123',
				},
			})
			.reply(200, { success: true })
			.post('/v25.0/PN1', { webhook_configuration: { override_callback_uri: '' } })
			.reply(200, { success: true })
			.get('/v25.0/WABA1/phone_numbers')
			.query(true)
			.reply(200, { data: [{ id: 'PN1' }, { id: 'PN2' }] });
		const graph = new GraphClient({ send: fetchSender(TOKEN) });
		await expect(graph.getPhoneNumber('PN1')).resolves.toMatchObject({
			verified_name: 'Sunrise Clinic',
			quality_rating: 'GREEN',
		});
		await expect(graph.setWebhookOverride('PN1', 'https://clinic.example/webhook', 'vt-123')).resolves.toBe(
			true,
		);
		await expect(graph.clearWebhookOverride('PN1')).resolves.toBe(true);
		await expect(graph.listPhoneNumbers('WABA1')).resolves.toHaveLength(2);
		await expect(graph.setWebhookOverride('PN1', 'http://insecure', 'x')).rejects.toThrow(/https/);
		expect(nock.isDone()).toBe(true);
	});
});
