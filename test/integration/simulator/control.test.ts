/** Contract tests: POST /_sim/inbound (every type), listings, clock, reset, config, health. */
import type { Simulator, WebhookReceiver } from '../../../simulator';
import { messagesOf, startWebhookReceiver } from '../../../simulator';
import { control, graph, PATIENT, reminder, send, start, text } from './helpers';

let rx: WebhookReceiver;
let sim: Simulator;
beforeAll(async () => {
	rx = await startWebhookReceiver();
	sim = await start({ webhookUrl: rx.url });
});
afterAll(async () => {
	await sim.close();
	await rx.close();
});
beforeEach(async () => {
	await sim.idle();
	sim.reset();
	rx.clear();
});

async function inbound(body: Record<string, unknown>) {
	const r = await control(sim, 'POST', 'inbound', body);
	expect(r.status).toBe(200);
	const w = rx.received.find((x) => messagesOf(x).some((m) => m.id === r.body.messageId))!;
	return { result: r.body, webhook: w, value: w.body.entry[0].changes[0].value, message: messagesOf(w)[0] };
}

describe('POST /_sim/inbound', () => {
	it('text: Meta inbound envelope with contacts (profile.name, wa_id, user_id), signed, returns delivery status', async () => {
		const { result, webhook, value, message } = await inbound({
			from: '+55 11 98765-4321',
			name: 'Maria',
			type: 'text',
			text: 'Oi',
		});
		expect(result).toEqual({
			messageId: message.id,
			from: PATIENT,
			userId: expect.stringMatching(/^BR\./),
			delivery: expect.objectContaining({ state: 'delivered', statusCode: 200, attempts: 1, url: rx.url }),
		});
		expect(webhook.signatureValid).toBe(true);
		expect(value.contacts).toEqual([{ profile: { name: 'Maria' }, wa_id: PATIENT, user_id: result.userId }]);
		expect(message).toEqual({
			from: PATIENT,
			from_user_id: result.userId,
			id: expect.stringMatching(/^wamid\./),
			timestamp: expect.stringMatching(/^\d{10}$/),
			type: 'text',
			text: { body: 'Oi' },
		});
		// It opened the 24 h window.
		expect((await send(sim, text(PATIENT))).status).toBe(200);
	});

	it('button (template quick reply) carries payload/text and the template message as context', async () => {
		const sent = await send(sim, reminder(PATIENT));
		const { message } = await inbound({
			from: PATIENT,
			type: 'button',
			payload: 'CONFIRM-1',
			text: 'Confirm',
		});
		expect(message.type).toBe('button');
		expect(message.button).toEqual({ payload: 'CONFIRM-1', text: 'Confirm' });
		expect(message.context).toEqual({ from: '15550100001', id: sent.body.messages[0].id });
	});

	it('button_reply and list_reply are interactive messages with ids and titles', async () => {
		const b = await inbound({
			from: PATIENT,
			type: 'button_reply',
			id: 'yes',
			title: 'Yes',
			context: 'wamid.ctx',
		});
		expect(b.message.interactive).toEqual({
			type: 'button_reply',
			button_reply: { id: 'yes', title: 'Yes' },
		});
		expect(b.message.context.id).toBe('wamid.ctx');
		const l = await inbound({
			from: PATIENT,
			type: 'list_reply',
			id: 'slot-1',
			title: 'Mon 09:00',
			description: '30 min',
		});
		expect(l.message.interactive).toEqual({
			type: 'list_reply',
			list_reply: { id: 'slot-1', title: 'Mon 09:00', description: '30 min' },
		});
	});

	it('media types create downloadable media with id, sha256, mime_type', async () => {
		for (const type of ['image', 'document', 'audio', 'video', 'sticker']) {
			const { message, result } = await inbound({
				from: PATIENT,
				type,
				caption: 'see this',
				filename: type === 'document' ? 'exam.pdf' : undefined,
			});
			const media = message[type];
			expect(media).toEqual(
				expect.objectContaining({
					id: result.mediaId,
					sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
					mime_type: expect.any(String),
				}),
			);
			if (type === 'document') expect(media.filename).toBe('exam.pdf');
			if (type === 'audio') expect(media.voice).toBe(true);
			const info = await graph(sim, 'GET', media.id);
			const dl = await fetch(info.body.url, { headers: { Authorization: 'Bearer sim-token' } });
			expect(dl.status).toBe(200);
			expect((await dl.arrayBuffer()).byteLength).toBe(info.body.file_size);
		}
		const custom = await inbound({
			from: PATIENT,
			type: 'image',
			content: Buffer.from('PNGDATA').toString('base64'),
			mimeType: 'image/jpeg',
		});
		const info = await graph(sim, 'GET', custom.result.mediaId);
		expect(info.body.mime_type).toBe('image/jpeg');
		expect(info.body.file_size).toBe(7);
	});

	it('location, reaction, contacts and unsupported', async () => {
		const loc = await inbound({
			from: PATIENT,
			type: 'location',
			latitude: -23.5,
			longitude: -46.6,
			locationName: 'Home',
		});
		expect(loc.message.location).toEqual({ latitude: -23.5, longitude: -46.6, name: 'Home' });
		const re = await inbound({ from: PATIENT, type: 'reaction', messageId: 'wamid.X', emoji: '❤️' });
		expect(re.message.reaction).toEqual({ message_id: 'wamid.X', emoji: '❤️' });
		const co = await inbound({ from: PATIENT, type: 'contacts' });
		expect(co.message.contacts[0].name.formatted_name).toEqual(expect.any(String));
		const un = await inbound({ from: PATIENT, type: 'unsupported' });
		expect(un.message.errors[0].code).toBe(131051);
	});

	it('username-only users (BSUID, no phone) have no wa_id / from', async () => {
		const { value, message } = await inbound({
			userId: 'US.13491208655302741918',
			username: '@maria',
			name: 'Maria',
			type: 'text',
			text: 'hello',
		});
		expect(value.contacts).toEqual([
			{ profile: { name: 'Maria', username: '@maria' }, user_id: 'US.13491208655302741918' },
		]);
		expect(message.from).toBeUndefined();
		expect(message.from_user_id).toBe('US.13491208655302741918');
	});

	it('rejects bad input naming the field', async () => {
		const none = await control(sim, 'POST', 'inbound', { type: 'text', text: 'x' });
		expect(none.status).toBe(400);
		expect(none.body.error.error_data.details).toMatch(/from/);
		const badType = await control(sim, 'POST', 'inbound', { from: PATIENT, type: 'fax' });
		expect(badType.body.error.error_data.details).toMatch(/^type:/);
		const emptyButton = await control(sim, 'POST', 'inbound', { from: PATIENT, type: 'button' });
		expect(emptyButton.body.error.error_data.details).toMatch(/payload/);
		const badPhone = await control(sim, 'POST', 'inbound', { from: 'abc', type: 'text' });
		expect(badPhone.body.error.error_data.details).toMatch(/^from:/);
	});
});

describe('listings, clock, reset, config, health', () => {
	it('GET /_sim/messages filters by to, type, template and since', async () => {
		await inbound({ from: PATIENT, type: 'text', text: 'hi' });
		const t0 = Date.now();
		await send(sim, reminder(PATIENT));
		await send(sim, text(PATIENT));
		await send(sim, reminder('5511900000077'));
		const all = (await control(sim, 'GET', 'messages')).body.data;
		expect(all).toHaveLength(3);
		expect((await control(sim, 'GET', `messages?to=%2B${PATIENT}`)).body.data).toHaveLength(2);
		expect((await control(sim, 'GET', 'messages?type=text')).body.data.map((m: any) => m.to)).toEqual([
			PATIENT,
		]);
		expect((await control(sim, 'GET', 'messages?template=appointment_reminder')).body.data).toHaveLength(2);
		expect((await control(sim, 'GET', `messages?since=${t0 - 1}`)).body.data.length).toBeGreaterThanOrEqual(
			3,
		);
		expect(
			(await control(sim, 'GET', `messages?since=${new Date(Date.now() + 60000).toISOString()}`)).body.data,
		).toHaveLength(0);
		const conv = (await control(sim, 'GET', `conversation?user=${PATIENT}`)).body.data;
		expect(conv.map((m: any) => m.direction)).toEqual(['in', 'out', 'out']);
	});

	it('GET /_sim/inbound, /_sim/users and /_sim/templates', async () => {
		const first = await inbound({ from: PATIENT, name: 'Maria', type: 'text', text: 'hi' });
		await inbound({ userId: 'AR.4455', username: '@lu', name: 'Lucía', type: 'text', text: 'hola' });
		const list = (await control(sim, 'GET', `inbound?from=${PATIENT}`)).body.data;
		expect(list).toEqual([
			expect.objectContaining({ id: first.result.messageId, type: 'text', message: first.message }),
		]);
		const users = (await control(sim, 'GET', 'users')).body.data;
		expect(users).toEqual([
			expect.objectContaining({
				waId: PATIENT,
				name: 'Maria',
				windowOpen: true,
				windowClosesAt: expect.any(String),
			}),
			expect.objectContaining({ userId: 'AR.4455', username: '@lu', name: 'Lucía', windowOpen: true }),
		]);
		sim.advanceClock(24 * 3600 * 1000);
		expect((await control(sim, 'GET', 'users')).body.data.every((u: any) => u.windowOpen === false)).toBe(
			true,
		);
		const templates = (await control(sim, 'GET', 'templates')).body.data;
		expect(templates.map((t: any) => t.id)).toEqual(sim.templates.map((t) => t.id));
	});

	it('GET /_sim/deliveries lists url, status, attempts, size, event ids; body only on request; no secrets', async () => {
		const sent = await send(sim, reminder(PATIENT));
		await sim.idle();
		const list = (await control(sim, 'GET', 'deliveries')).body.data;
		expect(list.map((d: any) => d.eventIds[0])).toEqual([
			`${sent.body.messages[0].id}:sent`,
			`${sent.body.messages[0].id}:delivered`,
			`${sent.body.messages[0].id}:read`,
		]);
		expect(list[0]).toEqual(
			expect.objectContaining({
				url: rx.url,
				statusCode: 200,
				bodyBytes: expect.any(Number),
				kind: 'statuses',
				state: 'delivered',
			}),
		);
		expect(list[0].body).toBeUndefined();
		expect(JSON.stringify(list)).not.toContain('sim-secret');
		const withBody = (
			await control(
				sim,
				'GET',
				`deliveries?includeBody=1&eventId=${encodeURIComponent(sent.body.messages[0].id)}`,
			)
		).body.data;
		expect(withBody).toHaveLength(3);
		expect(withBody[0].body.object).toBe('whatsapp_business_account');
	});

	it('POST /_sim/clock advances the simulated clock; reset clears state and the offset', async () => {
		const before = (await control(sim, 'GET', 'clock')).body;
		const after = (await control(sim, 'POST', 'clock', { advanceMs: 3600000 })).body;
		expect(after.offsetMs).toBe(before.offsetMs + 3600000);
		expect(Date.parse(after.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(3600000);
		expect((await control(sim, 'POST', 'clock', { advanceMs: -1 })).status).toBe(400);
		await inbound({ from: PATIENT, type: 'text', text: 'hi' });
		expect((await control(sim, 'POST', 'reset')).body).toEqual({ ok: true });
		expect((await control(sim, 'GET', 'messages')).body.data).toEqual([]);
		expect((await control(sim, 'GET', 'deliveries')).body.data).toEqual([]);
		expect((await control(sim, 'GET', 'clock')).body.offsetMs).toBe(0);
		// The window was forgotten too.
		expect((await send(sim, text(PATIENT))).status).toBe(200);
		await sim.idle();
		expect(sim.messages()[0].status).toBe('failed');
	});

	it('POST /_sim/config changes limits at runtime and validates input; GET /_sim/health', async () => {
		const r = await control(sim, 'POST', 'config', { mps: 1, latencyMs: 0, readDelayMs: 5 });
		expect(r.body).toEqual(expect.objectContaining({ mps: 1, webhookUrl: rx.url }));
		expect(JSON.stringify(r.body)).not.toMatch(/sim-secret|sim-token/);
		const first = await send(sim, reminder('5511900000001'));
		const second = await send(sim, reminder('5511900000002'));
		expect([first.status, second.body.error?.code]).toEqual([200, 130429]);
		await control(sim, 'POST', 'config', { mps: 80 });
		const bad = await control(sim, 'POST', 'config', { faultRate: 3 });
		expect(bad.status).toBe(400);
		expect(bad.body.error.error_data.details).toMatch(/^faultRate/);
		expect((await control(sim, 'POST', 'config', { nonsense: 1 })).status).toBe(400);
		const health = await control(sim, 'GET', 'health');
		expect(health.body).toEqual(
			expect.objectContaining({
				ok: true,
				phoneNumberId: '100000000000001',
				wabaId: '200000000000001',
				baseUrl: sim.url,
			}),
		);
		expect((await control(sim, 'GET', 'nope')).status).toBe(404);
	});
});

describe('several business numbers', () => {
	it('routes inbound, sends and per-number overrides by phone number ID', async () => {
		const a = await startWebhookReceiver();
		const b = await startWebhookReceiver({ verifyToken: 'second' });
		const multi = await start({
			webhookUrl: a.url,
			phoneNumbers: [
				{ id: '100000000000001' },
				{ id: '100000000000002', displayPhoneNumber: '+55 11 4000-0002', verifiedName: 'Sim Clinic SP' },
			],
		});
		try {
			const r = await graph(multi, 'POST', '100000000000002', {
				webhook_configuration: { override_callback_uri: b.url, verify_token: 'second' },
			});
			expect(r.status).toBe(200);
			await multi.inbound({ from: PATIENT, type: 'text', text: 'to the first number' });
			await multi.inbound({
				from: PATIENT,
				type: 'text',
				text: 'to the second number',
				phoneNumberId: '100000000000002',
			});
			expect(a.received).toHaveLength(1);
			expect(b.received).toHaveLength(1);
			expect(b.received[0].body.entry[0].changes[0].value.metadata).toEqual({
				display_phone_number: '551140000002',
				phone_number_id: '100000000000002',
			});
			const sent = await graph(multi, 'POST', '100000000000002/messages', {
				messaging_product: 'whatsapp',
				...reminder(PATIENT),
			});
			expect(sent.status).toBe(200);
			expect(multi.messages()[0].phoneNumberId).toBe('100000000000002');
			expect(
				(await graph(multi, 'GET', '200000000000001/phone_numbers')).body.data.map(
					(p: any) => p.verified_name,
				),
			).toEqual(['Sim Clinic', 'Sim Clinic SP']);
			const unknown = await graph(multi, 'POST', '100000000000009/messages', {
				messaging_product: 'whatsapp',
				...reminder(PATIENT),
			});
			expect(unknown.status).toBe(400);
			expect(unknown.body.error).toEqual(expect.objectContaining({ code: 100, error_subcode: 33 }));
		} finally {
			await multi.close();
			await a.close();
			await b.close();
		}
	});
});
