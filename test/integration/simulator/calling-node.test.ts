/**
 * WhatsApp Calling node against the simulator: Send Call Button and Send Call Permission Request through the bulk
 * sender (status sent, Meta's limits before any request, audited), Get Call Permission after the patient allowed
 * calls, Update / Get Calling Settings (hours, SIP), and call control with SDP passed through: accept a patient's
 * call, terminate it, start a call to a patient who gave permission.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { queryAuditEntries } from '../../../core/audit';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { storeConfigFromCredential } from '../../../nodes/shared/store';
import { WhatsAppCalling } from '../../../nodes/WhatsAppCalling/WhatsAppCalling.node';
import { startSimulator, type Simulator } from '../../../simulator';
import { httpForwarder, sendContext } from '../../unit/nodes/send/fake-context';

const node = new WhatsAppCalling();
const PATIENT = '5511922230001';
const SDP = 'v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
let sim: Simulator;
let dir: string;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, quiet: true, deliveryErrors: 'sync' });
	dir = mkdtempSync(join(tmpdir(), 'wac-calling-node-'));
});
afterAll(async () => {
	await sim.close();
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	await sim.idle();
	sim.reset();
	resetSharedLimiters();
});

function ctx(params: Record<string, unknown>, store: Record<string, unknown> | null = null) {
	return sendContext(
		{
			params,
			graph: httpForwarder(sim.accessToken),
			credential: { baseUrl: sim.url, phoneNumberId: sim.phoneNumberId, businessAccountId: sim.wabaId },
		},
		store,
	).ctx;
}

const control = async (path: string, body: unknown) =>
	(
		await fetch(`${sim.url}/_sim/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		})
	).json() as Promise<Record<string, any>>;

describe('WhatsApp Calling node', () => {
	it('sends a call permission request and a call button (audited); the button text limit fails locally', async () => {
		const store = {
			backend: 'sqlite',
			sqlitePath: join(dir, 'clinic.sqlite'),
			phiKey: 'a-long-test-passphrase-for-the-phi-key',
			phiKeyId: 'k1',
		};
		await sim.inbound({ from: PATIENT, text: 'Can the nurse call me?' });
		const [[request]] = await node.execute.call(
			ctx(
				{
					operation: 'sendPermissionRequest',
					recipient: `+${PATIENT}`,
					permissionBody: 'May our nurse call you?',
					auditToStore: true,
					auditPurpose: 'telemedicine-call',
				},
				store,
			),
		);
		expect(request.json).toEqual(
			expect.objectContaining({
				status: 'sent',
				type: 'interactive',
				callMessage: 'call_permission_request',
			}),
		);
		const [[button]] = await node.execute.call(
			ctx({
				operation: 'sendCallButton',
				recipient: `+${PATIENT}`,
				callButtonBody: 'You can call the nurse now.',
				buttonText: 'Call the nurse',
				ttlMinutes: 10080,
				payload: 'CASE-1',
			}),
		);
		expect(button.json.status).toBe('sent');
		const sent = sim.messages({ type: 'interactive' });
		expect(sent.map((m) => (m.request as any).interactive.type)).toEqual([
			'call_permission_request',
			'voice_call',
		]);
		expect((sent[1].request as any).interactive.action.parameters).toEqual({
			display_text: 'Call the nurse',
			ttl_minutes: 10080,
			payload: 'CASE-1',
		});
		await expect(
			node.execute.call(
				ctx({
					operation: 'sendCallButton',
					recipient: `+${PATIENT}`,
					callButtonBody: 'Call us',
					buttonText: 'Please call the nurse now',
				}),
			),
		).rejects.toThrow(/Button Text is 25 characters; WhatsApp allows 20/);
		const audit = await queryAuditEntries(
			await openClinicStore(storeConfigFromCredential(store as never, { host: hostname() })),
			{ purpose: 'telemedicine-call', limit: 10 },
		);
		expect(audit.entries.map((e) => e.event)).toEqual(['message.sent']);
	});

	it('Get Call Permission after the patient allowed calls; Start Call passes the SDP offer', async () => {
		await sim.inbound({ from: PATIENT, text: 'hi' });
		const [[before]] = await node.execute.call(ctx({ operation: 'getPermission', recipient: `+${PATIENT}` }));
		expect(before.json).toEqual(expect.objectContaining({ status: 'no_permission', canCall: false }));
		await expect(
			node.execute.call(ctx({ operation: 'startCall', recipient: `+${PATIENT}`, sdp: SDP })),
		).rejects.toMatchObject({ description: expect.stringMatching(/not granted call permission/) });
		await control('calls/permission', { from: PATIENT, response: 'accept' });
		const [[after]] = await node.execute.call(ctx({ operation: 'getPermission', recipient: `+${PATIENT}` }));
		expect(after.json).toEqual(expect.objectContaining({ status: 'temporary', canCall: true }));
		const [[call]] = await node.execute.call(
			ctx({ operation: 'startCall', recipient: `+${PATIENT}`, sdp: SDP, callCallbackData: 'CASE-2' }),
		);
		expect(call.json).toEqual(expect.objectContaining({ action: 'connect', success: true, to: PATIENT }));
		expect(String(call.json.callId)).toMatch(/^wacid\./);
	});

	it('answers a patient’s call with the SDP answer and ends it; a malformed SDP fails before any request', async () => {
		const started = await control('calls/start', { from: PATIENT });
		await expect(
			node.execute.call(ctx({ operation: 'acceptCall', callId: started.callId, sdp: 'not an sdp' })),
		).rejects.toThrow(/SDP Answer is not an SDP session description/);
		for (const operation of ['preAcceptCall', 'acceptCall']) {
			const [[out]] = await node.execute.call(ctx({ operation, callId: started.callId, sdp: SDP }));
			expect(out.json).toEqual(expect.objectContaining({ callId: started.callId, success: true }));
		}
		const [[ended]] = await node.execute.call(ctx({ operation: 'terminateCall', callId: started.callId }));
		expect(ended.json).toEqual({ callId: started.callId, action: 'terminate', success: true });
		const list = (await (await fetch(`${sim.url}/_sim/calls?user=${PATIENT}`)).json()) as {
			data: Array<{ state: string }>;
		};
		expect(list.data[0].state).toBe('ended');
	});

	it('updates and reads the calling settings (call hours, callback permission, SIP)', async () => {
		const [[updated]] = await node.execute.call(
			ctx({
				operation: 'updateSettings',
				callingSettings: {
					callbackPermissionStatus: 'ENABLED',
					callHours: 'ENABLED',
					timezoneId: 'America/Sao_Paulo',
					weekly: { day: [{ day: 'MONDAY', open: '08:00', close: '18:00' }] },
					sip: 'ENABLED',
					sipServers: { server: [{ hostname: 'sip.clinic.example', port: 5061, params: '{"tgrp":"wa"}' }] },
				},
			}),
		);
		expect(updated.json.updated).toEqual(['callback_permission_status', 'call_hours', 'sip']);
		const [[read]] = await node.execute.call(ctx({ operation: 'getSettings' }));
		expect(read.json.calling).toEqual(
			expect.objectContaining({
				callback_permission_status: 'ENABLED',
				sip: {
					status: 'ENABLED',
					servers: [{ hostname: 'sip.clinic.example', port: 5061, request_uri_user_params: { tgrp: 'wa' } }],
				},
			}),
		);
		await expect(
			node.execute.call(
				ctx({
					operation: 'updateSettings',
					callingSettings: { callHours: 'ENABLED', timezoneId: 'Mars/Base' },
				}),
			),
		).rejects.toThrow(/Call Hours Time Zone "Mars\/Base" is not a time zone/);
	});
});
