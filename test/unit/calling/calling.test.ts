/**
 * Business Calling API in core: the call button and call permission request messages (Meta's limits checked before
 * sending), call control bodies (SDP passed through, never touched), the permission check, the calling settings
 * (hours, callback permission, SIP) and the audit entries of calls and permission answers, the latter built from
 * real webhook bodies (pywa's call fixtures in ../shared/fixtures/peer-webhooks) through the trigger's parser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { detectAuditEntry } from '../../../core/audit/detect';
import { extractEvents } from '../../../core/webhook/parse';
import { callAction, getCallPermission, parseSdp } from '../../../core/whatsapp/calling';
import { callEventName } from '../../../core/whatsapp/calling-audit';
import { buildCallButton, buildCallPermissionRequest } from '../../../core/whatsapp/calling-messages';
import { buildCallingSettings } from '../../../core/whatsapp/calling-settings';
import type { GraphRequester, RequestOptions } from '../../../core/whatsapp/graph-types';

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const PEER_DIR = resolve(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'peer-webhooks');

function fake(answer: unknown) {
	const calls: Array<{ method: string; path: string; options?: RequestOptions }> = [];
	const requester: GraphRequester = {
		request: async <T>(method: string, path: string, options?: RequestOptions) => {
			calls.push({ method, path, options });
			return answer as T;
		},
	};
	return { requester, calls };
}

describe('calling messages', () => {
	it('call button: voice_call with display text, TTL and payload within Meta’s limits', () => {
		expect(
			buildCallButton({
				body: 'Call the nurse now',
				displayText: 'Call nurse',
				ttlMinutes: 60,
				payload: 'CASE-7',
			}),
		).toEqual({
			type: 'interactive',
			interactive: {
				type: 'voice_call',
				body: { text: 'Call the nurse now' },
				action: {
					name: 'voice_call',
					parameters: { display_text: 'Call nurse', ttl_minutes: 60, payload: 'CASE-7' },
				},
			},
		});
		expect((buildCallButton({ body: 'Call us' }).interactive as any).action).toEqual({ name: 'voice_call' });
		expect(() => buildCallButton({ body: 'x', displayText: 'A very long caption text' })).toThrow(
			/Button Text is 24 characters; WhatsApp allows 20/,
		);
		expect(() => buildCallButton({ body: 'x', ttlMinutes: 43_201 })).toThrow(/1 to 43200 \(30 days\)/);
		expect(() => buildCallButton({ body: '' })).toThrow(/Body is empty/);
	});

	it('call permission request: call_permission_request with the body text', () => {
		expect(buildCallPermissionRequest({ body: 'May the nurse call you?' })).toEqual({
			type: 'interactive',
			interactive: {
				type: 'call_permission_request',
				body: { text: 'May the nurse call you?' },
				action: { name: 'call_permission_request' },
			},
		});
	});
});

describe('call control', () => {
	it('accept sends the SDP answer untouched; connect the offer with the callee; terminate only the call ID', async () => {
		const { requester, calls } = fake({ success: true });
		await callAction(requester, '1001', { action: 'accept', callId: 'wacid.A', sdp: SDP });
		expect(calls[0]).toEqual({
			method: 'POST',
			path: '1001/calls',
			options: {
				body: {
					messaging_product: 'whatsapp',
					action: 'accept',
					call_id: 'wacid.A',
					session: { sdp_type: 'answer', sdp: SDP },
				},
				idempotent: false,
			},
		});
		const connect = fake({ messaging_product: 'whatsapp', calls: [{ id: 'wacid.NEW' }] });
		expect(
			await callAction(connect.requester, '1001', {
				action: 'connect',
				to: '5511911110001',
				sdp: SDP,
				bizOpaqueCallbackData: 'CASE-7',
			}),
		).toEqual({ callId: 'wacid.NEW', success: true });
		expect(connect.calls[0].options?.body).toEqual({
			messaging_product: 'whatsapp',
			action: 'connect',
			to: '5511911110001',
			session: { sdp_type: 'offer', sdp: SDP },
			biz_opaque_callback_data: 'CASE-7',
		});
		const end = fake({ success: true });
		await callAction(end.requester, '1001', { action: 'terminate', callId: 'wacid.A' });
		expect(end.calls[0].options).toEqual({
			body: { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.A' },
			idempotent: true,
		});
	});

	it('refuses a missing or malformed SDP and a missing call ID before any request', async () => {
		const { requester, calls } = fake({});
		await expect(
			callAction(requester, '1001', { action: 'pre_accept', callId: 'wacid.A', sdp: 'hello' }),
		).rejects.toThrow(/SDP Answer is not an SDP session description/);
		await expect(callAction(requester, '1001', { action: 'reject' })).rejects.toThrow(/Call ID is empty/);
		expect(calls).toEqual([]);
		expect(parseSdp(`  ${SDP}`)).toBe(SDP);
	});

	it('reads the call permission and what the business may do now', async () => {
		const { requester, calls } = fake({
			permission: { status: 'temporary', expiration_time: 1760000000 },
			actions: [
				{
					action_name: 'send_call_permission_request',
					can_perform_action: false,
					limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: 1 }],
				},
				{ action_name: 'start_call', can_perform_action: true },
			],
		});
		const p = await getCallPermission(requester, '1001', '5511911110001');
		expect(p).toEqual(
			expect.objectContaining({
				status: 'temporary',
				canCall: true,
				canRequest: false,
				expiresAt: new Date(1760000000 * 1000).toISOString(),
			}),
		);
		expect(calls[0]).toEqual(
			expect.objectContaining({
				path: '1001/call_permissions',
				options: { qs: { user_wa_id: '5511911110001' } },
			}),
		);
	});
});

describe('calling settings', () => {
	it('builds Meta’s calling object: status, icon, hours in the clinic’s time zone, callback, SIP', () => {
		expect(
			buildCallingSettings({
				status: 'ENABLED',
				callIconVisibility: 'DEFAULT',
				callbackPermissionStatus: 'ENABLED',
				callHours: {
					status: 'ENABLED',
					timezoneId: 'America/Sao_Paulo',
					weekly: [{ day: 'monday', open: '8:00', close: '18:00' }],
					holidays: [{ date: '2026-12-25', start: '00:00', end: '23:59' }],
				},
				sip: {
					status: 'ENABLED',
					servers: [{ hostname: 'sip.clinic.example', port: '5061', params: { tgrp: 'wa' } }],
				},
			}),
		).toEqual({
			status: 'ENABLED',
			call_icon_visibility: 'DEFAULT',
			callback_permission_status: 'ENABLED',
			call_hours: {
				status: 'ENABLED',
				timezone_id: 'America/Sao_Paulo',
				weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0800', close_time: '1800' }],
				holiday_schedule: [{ date: '2026-12-25', start_time: '0000', end_time: '2359' }],
			},
			sip: {
				status: 'ENABLED',
				servers: [{ hostname: 'sip.clinic.example', port: 5061, request_uri_user_params: { tgrp: 'wa' } }],
			},
		});
	});

	it('names the wrong field: time zone, hours, day, SIP host and port, nothing to change', () => {
		const hours = (extra: object) =>
			buildCallingSettings({
				callHours: { status: 'ENABLED', timezoneId: 'America/Sao_Paulo', ...extra } as never,
			});
		expect(() => hours({ timezoneId: 'Mars/Base' })).toThrow(
			/Call Hours Time Zone "Mars\/Base" is not a time zone/,
		);
		expect(() => hours({ weekly: [{ day: 'MONDAY', open: '18:00', close: '08:00' }] })).toThrow(
			/Weekly Hours 1 opens at 1800/,
		);
		expect(() => hours({ weekly: [{ day: 'FUNDAY', open: '08:00', close: '18:00' }] })).toThrow(
			/not a week day/,
		);
		expect(() => hours({ weekly: [] })).toThrow(/Weekly Hours is empty/);
		expect(() =>
			buildCallingSettings({
				sip: { status: 'ENABLED', servers: [{ hostname: 'sip:x.example', port: 5060 }] },
			}),
		).toThrow(/SIP Server 1 hostname/);
		expect(() =>
			buildCallingSettings({ sip: { status: 'ENABLED', servers: [{ hostname: 'x.example', port: 70000 }] } }),
		).toThrow(/port/);
		expect(() => buildCallingSettings({ sip: { status: 'ENABLED' } })).toThrow(/SIP Servers is empty/);
		expect(() => buildCallingSettings({})).toThrow(/nothing to change/);
		expect(buildCallingSettings({ callHours: { status: 'DISABLED' } })).toEqual({
			call_hours: { status: 'DISABLED' },
		});
	});
});

describe('calls in the audit log', () => {
	const fixture = (name: string) => JSON.parse(readFileSync(resolve(PEER_DIR, name), 'utf8'));
	const hasFixtures = existsSync(PEER_DIR);

	(hasFixtures ? it : it.skip)(
		'real call webhooks become audit entries: who, when, duration, outcome; no SDP stored',
		() => {
			const entries = [
				'pywa__call_connect_user_initiated.json',
				'pywa__call_status_call_status.json',
				'pywa__call_terminate_call_terminate.json',
				'pywa__call_permission_update_accept.json',
				'pywa__call_permission_update_reject.json',
			].flatMap((f) =>
				extractEvents(fixture(f)).map((e) => detectAuditEntry(e as unknown as Record<string, unknown>)),
			);
			expect(entries.map((e) => [e.event, e.direction, e.outcome])).toEqual([
				['call.incoming', 'inbound', 'success'],
				['call.ringing', 'status', 'success'],
				['call.completed', 'outbound', 'success'],
				['call_permission.granted', 'inbound', 'success'],
				['call_permission.declined', 'inbound', 'success'],
			]);
			expect(entries[0].patientPhone).toBe('972987654321');
			expect(entries[2].details).toEqual(
				expect.objectContaining({
					callId: 'wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh',
					durationSeconds: 120,
					status: 'COMPLETED',
				}),
			);
			expect(entries[3].details).toEqual(
				expect.objectContaining({ response: 'accept', responseSource: 'user_action' }),
			);
			expect(JSON.stringify(entries)).not.toContain('RFC 8866 SDP');
		},
	);

	it('missed and unanswered calls', () => {
		expect(callEventName({ callEvent: 'terminate', direction: 'USER_INITIATED', status: 'FAILED' })).toEqual({
			event: 'call.missed',
			outcome: 'minor-failure',
		});
		expect(
			callEventName({ callEvent: 'terminate', direction: 'BUSINESS_INITIATED', status: 'FAILED' }).event,
		).toBe('call.unanswered');
		expect(callEventName({ callEvent: 'status', status: 'REJECTED' }).event).toBe('call.rejected');
		expect(
			callEventName({ callEvent: 'connect', direction: 'BUSINESS_INITIATED', sdpType: 'answer' }).event,
		).toBe('call.connected');
	});
});
