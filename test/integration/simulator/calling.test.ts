/**
 * Simulator contract for the Business Calling API: settings (validation, SIP), call button and permission request
 * messages (limits, rendering, the per-user request limit), the patient's permission answer as a call_permission_reply
 * webhook, a user-initiated call (connect with an SDP offer, pre_accept/accept with the SDP answer, terminate with
 * duration; a missed call ends FAILED), a business-initiated call (needs permission; RINGING, the user's SDP answer,
 * ACCEPTED), and the permission check.
 */
import type { Simulator, WebhookReceiver } from '../../../simulator';
import { startWebhookReceiver } from '../../../simulator';
import { control, graph, PHONE_ID, start } from './helpers';

const USER = '5511922220001';
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
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

const calls = () =>
	rx.received.flatMap((w) =>
		w.body.entry[0].changes.filter((c: any) => c.field === 'calls').flatMap((c: any) => c.value.calls ?? []),
	);
const callStatuses = () =>
	rx.received.flatMap((w) =>
		w.body.entry[0].changes
			.filter((c: any) => c.field === 'calls')
			.flatMap((c: any) => c.value.statuses ?? []),
	);
const callApi = (body: Record<string, unknown>) =>
	graph(sim, 'POST', `${PHONE_ID}/calls`, { messaging_product: 'whatsapp', ...body });
const interactive = (interactiveBody: Record<string, unknown>) =>
	graph(sim, 'POST', `${PHONE_ID}/messages`, {
		messaging_product: 'whatsapp',
		to: USER,
		type: 'interactive',
		interactive: interactiveBody,
	});
const permissionRequest = () =>
	interactive({
		type: 'call_permission_request',
		body: { text: 'May we call you?' },
		action: { name: 'call_permission_request' },
	});

describe('calling settings', () => {
	it('calling is enabled by default; updates are validated and merged', async () => {
		expect((await graph(sim, 'GET', `${PHONE_ID}/settings`)).body.calling.status).toBe('ENABLED');
		const bad = await graph(sim, 'POST', `${PHONE_ID}/settings`, {
			calling: { call_icon_visibility: 'SOMETIMES' },
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.error_data.details).toMatch(/call_icon_visibility/);
		const noServers = await graph(sim, 'POST', `${PHONE_ID}/settings`, {
			calling: { sip: { status: 'ENABLED' } },
		});
		expect(noServers.body.error.error_data.details).toMatch(/servers/);
		const ok = await graph(sim, 'POST', `${PHONE_ID}/settings`, {
			calling: {
				callback_permission_status: 'ENABLED',
				call_hours: {
					status: 'ENABLED',
					timezone_id: 'America/Sao_Paulo',
					weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0800', close_time: '1800' }],
				},
			},
		});
		expect(ok.body).toEqual({ success: true });
		const now = (await graph(sim, 'GET', `${PHONE_ID}/settings`)).body.calling;
		expect(now).toEqual(
			expect.objectContaining({ status: 'ENABLED', callback_permission_status: 'ENABLED' }),
		);
	});
});

describe('call messages', () => {
	it('renders the call button and the permission request; checks Meta’s limits', async () => {
		await sim.inbound({ from: USER, text: 'hi' });
		const button = await interactive({
			type: 'voice_call',
			body: { text: 'Call the nurse now' },
			action: {
				name: 'voice_call',
				parameters: { display_text: 'Call nurse', ttl_minutes: 60, payload: 'CASE-1' },
			},
		});
		expect(button.status).toBe(200);
		expect(sim.messages({ type: 'interactive' })[0].rendered).toEqual(
			expect.objectContaining({ buttons: [{ type: 'voice_call', text: 'Call nurse', payload: 'CASE-1' }] }),
		);
		const long = await interactive({
			type: 'voice_call',
			body: { text: 'x' },
			action: { name: 'voice_call', parameters: { display_text: 'A caption longer than twenty' } },
		});
		expect(long.body.error.error_data.details).toMatch(/display_text'\] must be at most 20/);
		expect((await permissionRequest()).status).toBe(200);
		const again = await permissionRequest();
		expect(again.status).toBe(400);
		expect(again.body.error.error_data.details).toMatch(/1 request per 24 hours/);
		await graph(sim, 'POST', `${PHONE_ID}/settings`, { calling: { status: 'DISABLED' } });
		const disabled = await interactive({
			type: 'voice_call',
			body: { text: 'x' },
			action: { name: 'voice_call' },
		});
		expect(disabled.body.error.error_data.details).toMatch(/needs calling enabled/);
	});

	it('the patient allows calls: a call_permission_reply message; the permission check says the clinic may call', async () => {
		await sim.inbound({ from: USER, text: 'hi' });
		const request = await permissionRequest();
		rx.clear();
		const answer = (await control(sim, 'POST', 'calls/permission', { from: USER, response: 'accept' })).body;
		expect(answer.response).toBe('accept');
		const [message] = rx.received.flatMap((w) => w.body.entry[0].changes[0].value.messages ?? []);
		expect(message.context.id).toBe(request.body.messages[0].id);
		expect(message.interactive).toEqual({
			type: 'call_permission_reply',
			call_permission_reply: {
				response: 'accept',
				expiration_timestamp: expect.any(Number),
				response_source: 'user_action',
			},
		});
		const check = await graph(sim, 'GET', `${PHONE_ID}/call_permissions?user_wa_id=${USER}`);
		expect(check.body.permission.status).toBe('temporary');
		expect(check.body.actions).toEqual(
			expect.arrayContaining([{ action_name: 'start_call', can_perform_action: true }]),
		);
	});
});

describe('calls', () => {
	it('a patient calls: connect with an SDP offer (and the button payload); pre_accept, accept; hang up → COMPLETED', async () => {
		const started = (await control(sim, 'POST', 'calls/start', { from: USER, ctaPayload: 'CASE-1' })).body;
		await sim.idle();
		const [connect] = calls();
		expect(connect).toEqual(
			expect.objectContaining({
				id: started.callId,
				from: USER,
				event: 'connect',
				direction: 'USER_INITIATED',
				cta_payload: 'CASE-1',
			}),
		);
		expect(connect.session.sdp_type).toBe('offer');
		expect(connect.session.sdp).toMatch(/^v=0\r\n/);
		const badSdp = await callApi({
			action: 'accept',
			call_id: started.callId,
			session: { sdp_type: 'answer', sdp: 'hi' },
		});
		expect(badSdp.body.error.error_data.details).toMatch(/RFC 8866/);
		for (const action of ['pre_accept', 'accept'])
			expect(
				(await callApi({ action, call_id: started.callId, session: { sdp_type: 'answer', sdp: SDP } })).body,
			).toEqual({ messaging_product: 'whatsapp', success: true });
		sim.advanceClock(95_000);
		await control(sim, 'POST', 'calls/hangup', { callId: started.callId });
		await sim.idle();
		const terminate = calls().find((c: any) => c.event === 'terminate');
		expect(terminate).toEqual(expect.objectContaining({ status: 'COMPLETED', duration: 95 }));
	});

	it('nobody answers: the patient hangs up and the call ends FAILED (missed); reject ends it too', async () => {
		const missed = (await control(sim, 'POST', 'calls/start', { from: USER })).body;
		await control(sim, 'POST', 'calls/hangup', { callId: missed.callId });
		const rejected = (await control(sim, 'POST', 'calls/start', { from: USER })).body;
		expect((await callApi({ action: 'reject', call_id: rejected.callId })).body.success).toBe(true);
		await sim.idle();
		expect(
			calls()
				.filter((c: any) => c.event === 'terminate')
				.map((c: any) => [c.id, c.status]),
		).toEqual([
			[missed.callId, 'FAILED'],
			[rejected.callId, 'FAILED'],
		]);
		expect((await callApi({ action: 'terminate', call_id: missed.callId })).body.error.code).toBe(131009);
	});

	it('the clinic calls: only with permission; RINGING, the patient answers (SDP answer, ACCEPTED), terminate', async () => {
		const refused = await callApi({ action: 'connect', to: USER, session: { sdp_type: 'offer', sdp: SDP } });
		expect(refused.body.error.error_data.details).toMatch(/not granted call permission/);
		await control(sim, 'POST', 'calls/permission', { from: USER, response: 'accept' });
		const placed = await callApi({
			action: 'connect',
			to: USER,
			session: { sdp_type: 'offer', sdp: SDP },
			biz_opaque_callback_data: 'CASE-9',
		});
		const callId = placed.body.calls[0].id;
		await sim.idle();
		await control(sim, 'POST', 'calls/answer', { callId, accept: true });
		await callApi({ action: 'terminate', call_id: callId });
		await sim.idle();
		expect(callStatuses().map((s: any) => [s.status, s.type, s.biz_opaque_callback_data])).toEqual([
			['RINGING', 'call', 'CASE-9'],
			['ACCEPTED', 'call', 'CASE-9'],
		]);
		expect(calls().map((c: any) => [c.event, c.direction, c.session?.sdp_type ?? c.status])).toEqual([
			['connect', 'BUSINESS_INITIATED', 'answer'],
			['terminate', 'BUSINESS_INITIATED', 'COMPLETED'],
		]);
	});
});
