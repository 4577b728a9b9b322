/** Contract tests: status webhooks, signatures over raw bytes, retries/duplicates, batching, overrides. */
import { createHmac } from 'node:crypto';

import type { Simulator, WebhookReceiver } from '../../../simulator';
import { startWebhookReceiver, statusesOf } from '../../../simulator';
import {
	control,
	expectGraphError,
	graph,
	PATIENT,
	PHONE_ID,
	reminder,
	send,
	start,
	text,
	WABA_ID,
} from './helpers';

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
	await sim.configure({
		autoRead: true,
		batchWindowMs: 0,
		signWithWrongSecret: false,
		deliveryFailureRate: 0,
	});
	rx.clear();
});

function allStatuses(): Array<Record<string, any>> {
	return rx.received.flatMap(statusesOf);
}

describe('status webhooks', () => {
	it('sent → delivered → read in Meta envelope, signed over the exact bytes with the app secret', async () => {
		const r = await send(sim, reminder(PATIENT, 'en_US', { biz_opaque_callback_data: 'appt-123' }));
		const wamid = r.body.messages[0].id;
		await sim.idle();
		const received = await rx.waitFor(3);
		for (const w of received) {
			const expected = 'sha256=' + createHmac('sha256', 'sim-secret').update(w.raw).digest('hex');
			expect(w.signature).toBe(expected);
			expect(w.headers['content-type']).toBe('application/json');
		}
		expect(received[0].body).toEqual({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: WABA_ID,
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550100001', phone_number_id: PHONE_ID },
								statuses: [
									{
										id: wamid,
										status: 'sent',
										timestamp: expect.stringMatching(/^\d{10}$/),
										recipient_id: PATIENT,
										recipient_user_id: expect.stringMatching(/^BR\.\d+$/),
										biz_opaque_callback_data: 'appt-123',
										pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
									},
								],
							},
						},
					],
				},
			],
		});
		expect(allStatuses().map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
		expect(allStatuses().every((s) => s.biz_opaque_callback_data === 'appt-123')).toBe(true);
		expect(allStatuses()[2].pricing).toBeUndefined();
		expect(sim.messages()[0].status).toBe('read');
	});

	it('prices service messages and utility templates inside the window as free', async () => {
		await sim.inbound({ from: PATIENT, type: 'text', text: 'Hi' });
		rx.clear();
		await send(sim, text(PATIENT));
		await send(sim, reminder(PATIENT));
		await sim.idle();
		const sent = allStatuses().filter((s) => s.status === 'sent');
		expect(sent.map((s) => s.pricing)).toEqual([
			{ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
			{ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' },
		]);
	});

	it('does not emit read when autoRead is off until POST /_sim/read', async () => {
		await sim.configure({ autoRead: false });
		const id = (await send(sim, reminder(PATIENT))).body.messages[0].id;
		await sim.idle();
		expect(allStatuses().map((s) => s.status)).toEqual(['sent', 'delivered']);
		const r = await control(sim, 'POST', 'read', { messageId: id });
		expect(r.body).toEqual({ read: [id] });
		await sim.idle();
		expect(allStatuses().map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
	});

	it('blocked users and simulated delivery failures produce failed statuses with errors[]', async () => {
		await send(sim, reminder('998123456789'));
		await control(sim, 'POST', 'block', { phone: '+55 11 91111-2222' });
		await send(sim, reminder('5511911112222'));
		await sim.configure({ deliveryFailureRate: 1 });
		await send(sim, reminder('5511933334444'));
		await sim.idle();
		const failed = allStatuses().filter((s) => s.status === 'failed');
		expect(failed.map((s) => [s.recipient_id, s.errors[0].code])).toEqual([
			['998123456789', 131026],
			['5511911112222', 131026],
			['5511933334444', 131000],
		]);
		expect(failed[0].errors[0]).toEqual(
			expect.objectContaining({
				title: expect.any(String),
				message: expect.any(String),
				error_data: { details: expect.any(String) },
			}),
		);
	});

	it('statuses to a username-only user carry recipient_user_id and no recipient_id', async () => {
		await sim.inbound({ userId: 'BR.5566778899', username: '@ana', name: 'Ana', type: 'text', text: 'oi' });
		rx.clear();
		const r = await send(sim, { to: 'BR.5566778899', type: 'text', text: { body: 'Olá Ana' } });
		expect(r.status).toBe(200);
		await sim.idle();
		const statuses = allStatuses();
		expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
		for (const s of statuses) {
			expect(s.recipient_user_id).toBe('BR.5566778899');
			expect(s).not.toHaveProperty('recipient_id');
		}
	});

	it('batches statuses sent within batchWindowMs into one POST', async () => {
		await sim.configure({ batchWindowMs: 60, autoRead: false });
		await Promise.all([send(sim, reminder('5511900000001')), send(sim, reminder('5511900000002'))]);
		await sim.idle();
		expect(allStatuses()).toHaveLength(4);
		expect(rx.received.length).toBeLessThan(4);
		expect(Math.max(...rx.received.map((w) => statusesOf(w).length))).toBeGreaterThan(1);
		expect(rx.received.every((w) => w.signatureValid)).toBe(true);
	});
});

describe('retries and duplicates', () => {
	it('retries a non-200 answer immediately, then with backoff; the same bytes arrive again', async () => {
		rx.failNext(500, 503);
		await sim.inbound({ from: PATIENT, type: 'text', text: 'Hi' });
		await sim.idle();
		expect(rx.received.map((w) => w.answeredWith)).toEqual([500, 503, 200]);
		expect(new Set(rx.received.map((w) => w.raw.toString('base64'))).size).toBe(1);
		expect(new Set(rx.received.map((w) => w.signature)).size).toBe(1);
		const d = (await control(sim, 'GET', 'deliveries?kind=messages')).body.data[0];
		expect(d.attempts.map((a: any) => a.statusCode)).toEqual([500, 503, 200]);
		expect(d.state).toBe('delivered');
	});

	it('gives up after the retry schedule and records the delivery as failed', async () => {
		rx.failNext(500, 500, 500, 500);
		await sim.inbound({ from: PATIENT, type: 'text', text: 'Hi' });
		await sim.idle();
		const d = (await control(sim, 'GET', 'deliveries')).body.data[0];
		expect(d.attempts).toHaveLength(4);
		expect(d.state).toBe('failed');
	});

	it('records connection errors as failed attempts', async () => {
		const dead = await startWebhookReceiver();
		await dead.close();
		const r = await control(sim, 'POST', 'deliver-raw', {
			payload: { object: 'whatsapp_business_account', entry: [] },
			url: dead.url,
		});
		expect(r.body.attempts[0].error).toBeDefined();
		await sim.idle();
	});

	it('deliver-raw replays exact bytes; wrongSecret produces a signature that does not verify', async () => {
		const payload = '{"object":"whatsapp_business_account","entry":[],"note":"café @ 10"}';
		const good = await control(sim, 'POST', 'deliver-raw', { payload, eventIds: ['dup-1'] });
		expect(good.body.statusCode).toBe(200);
		const bad = await control(sim, 'POST', 'deliver-raw', { payload, wrongSecret: true });
		expect(bad.body.signedWithWrongSecret).toBe(true);
		expect(rx.received.map((w) => w.raw.toString('utf8'))).toEqual([payload, payload]);
		expect(rx.received.map((w) => w.signatureValid)).toEqual([true, false]);
		const filtered = (await control(sim, 'GET', 'deliveries?eventId=dup-1')).body.data;
		expect(filtered).toHaveLength(1);
	});

	it('POST /_sim/replay re-delivers an earlier webhook byte for byte (a Meta retry after a 200)', async () => {
		const r = await sim.inbound({ from: PATIENT, type: 'text', text: 'Olá, café às 10h @clinic' });
		const replay = await control(sim, 'POST', 'replay', { deliveryId: r.delivery!.id });
		expect(replay.status).toBe(200);
		expect(replay.body.id).not.toBe(r.delivery!.id);
		expect(replay.body.eventIds).toEqual([r.messageId]);
		expect(rx.received).toHaveLength(2);
		expect(rx.received[1].raw.equals(rx.received[0].raw)).toBe(true);
		expect(rx.received[1].signature).toBe(rx.received[0].signature);
		expect((await control(sim, 'POST', 'replay', { deliveryId: 'nope' })).status).toBe(400);
	});

	it('signWithWrongSecret signs every webhook with a wrong secret (forgery tests)', async () => {
		await sim.configure({ signWithWrongSecret: true });
		await sim.inbound({ from: PATIENT, type: 'text', text: 'Hi' });
		await sim.idle();
		expect(rx.received.length).toBeGreaterThan(0);
		expect(rx.received.every((w) => !w.signatureValid)).toBe(true);
	});
});

describe('callback registration and overrides', () => {
	it('POST /{phone-number-id} webhook_configuration verifies the callback, then routes there; empty uri clears', async () => {
		const rx2 = await startWebhookReceiver({ verifyToken: 'override-token' });
		try {
			const bad = await graph(sim, 'POST', PHONE_ID, {
				webhook_configuration: { override_callback_uri: rx2.url, verify_token: 'wrong' },
			});
			expectGraphError(bad, 400, 2200);
			expect(rx2.handshakes).toHaveLength(1);

			const okRes = await graph(sim, 'POST', PHONE_ID, {
				webhook_configuration: { override_callback_uri: rx2.url, verify_token: 'override-token' },
			});
			expect(okRes.body).toEqual({ success: true });
			const hs = rx2.handshakes[1];
			expect(hs.get('hub.mode')).toBe('subscribe');
			expect(hs.get('hub.verify_token')).toBe('override-token');
			expect(hs.get('hub.challenge')).toMatch(/^\d+$/);

			const info = await graph(sim, 'GET', `${PHONE_ID}?fields=webhook_configuration`);
			expect(info.body).toEqual({
				webhook_configuration: { phone_number: rx2.url, application: rx.url },
				id: PHONE_ID,
			});

			await sim.inbound({ from: PATIENT, type: 'text', text: 'to override' });
			expect(rx2.received).toHaveLength(1);
			expect(rx.received).toHaveLength(0);

			await graph(sim, 'POST', PHONE_ID, { webhook_configuration: { override_callback_uri: '' } });
			await sim.inbound({ from: PATIENT, type: 'text', text: 'back to app' });
			expect(rx.received).toHaveLength(1);
		} finally {
			await rx2.close();
		}
	});

	it('WABA override via subscribed_apps; phone override wins over WABA, WABA over app', async () => {
		const waba = await startWebhookReceiver({ verifyToken: 'waba-token' });
		const phone = await startWebhookReceiver({ verifyToken: 'phone-token' });
		try {
			const sub = await graph(sim, 'POST', `${WABA_ID}/subscribed_apps`, {
				override_callback_uri: waba.url,
				verify_token: 'waba-token',
			});
			expect(sub.body).toEqual({ success: true });
			const list = await graph(sim, 'GET', `${WABA_ID}/subscribed_apps`);
			expect(list.body.data[0]).toEqual(
				expect.objectContaining({
					override_callback_uri: waba.url,
					whatsapp_business_api_data: expect.objectContaining({ id: expect.any(String) }),
				}),
			);
			await sim.inbound({ from: PATIENT, type: 'text', text: '1' });
			expect([rx.received.length, waba.received.length]).toEqual([0, 1]);

			await graph(sim, 'POST', PHONE_ID, {
				webhook_configuration: { override_callback_uri: phone.url, verify_token: 'phone-token' },
			});
			await sim.inbound({ from: PATIENT, type: 'text', text: '2' });
			expect([rx.received.length, waba.received.length, phone.received.length]).toEqual([0, 1, 1]);

			expectGraphError(
				await graph(sim, 'POST', `${WABA_ID}/subscribed_apps`, {
					override_callback_uri: waba.url,
					verify_token: 'nope',
				}),
				400,
				2200,
			);
			await graph(sim, 'DELETE', `${WABA_ID}/subscribed_apps`);
			expect((await graph(sim, 'GET', `${WABA_ID}/subscribed_apps`)).body.data).toEqual([]);
		} finally {
			await waba.close();
			await phone.close();
		}
	});

	it('/_sim/config webhookUrl does the GET handshake with the verify token and refuses a failing callback', async () => {
		const other = await startWebhookReceiver({ verifyToken: 'cfg-token' });
		try {
			const bad = await control(sim, 'POST', 'config', { webhookUrl: other.url });
			expect(bad.status).toBe(400);
			expect(bad.body.error.code).toBe(2200);
			expect((await control(sim, 'GET', 'config')).body.webhookUrl).toBe(rx.url);
			const good = await control(sim, 'POST', 'config', { webhookUrl: other.url, verifyToken: 'cfg-token' });
			expect(good.body.webhookUrl).toBe(other.url);
			expect(good.body.handshake.ok).toBe(true);
			await sim.inbound({ from: PATIENT, type: 'text', text: 'x' });
			expect(other.received).toHaveLength(1);
		} finally {
			await sim.configure({ webhookUrl: rx.url, verify: false, verifyToken: 'sim-verify-token' });
			await other.close();
		}
	});
});
