import type { MessageEvent, StatusEvent } from '../../../core/webhook/events';
import {
	MAX_CHANGE_DEPTH,
	extractDelivery,
	extractEvents,
	nestedDeeperThan,
	parseEvents,
	parseWebhookBody,
} from '../../../core/webhook/parse';
import { explainStatusError } from '../../../core/webhook/update-events';
import { unixToIso } from '../../../core/webhook/wire-values';
import { ERROR_CATALOGUE } from '../../../core/whatsapp/error-catalogue';
import { fixtureBytes, fixtureJson, fixtureNames } from './fixtures';

function events(name: string, includeRaw = false) {
	const r = parseEvents(fixtureBytes(name), { includeRaw });
	if (!r.ok) throw new Error(`fixture ${name} did not parse: ${r.reason}`);
	return r.events;
}
function onlyMessage(name: string): MessageEvent {
	const list = events(name);
	expect(list).toHaveLength(1);
	expect(list[0].event).toBe('message');
	return list[0] as MessageEvent;
}
function onlyStatus(name: string): StatusEvent {
	const list = events(name);
	expect(list).toHaveLength(1);
	expect(list[0].event).toBe('status');
	return list[0] as StatusEvent;
}

const COMMON = {
	field: 'messages',
	wabaId: '102290129340398',
	phoneNumberId: '106540352242922',
	displayPhoneNumber: '15550783881',
};

describe('parseWebhookBody', () => {
	it('rejects malformed JSON, empty bodies and wrong objects with 400 reasons', () => {
		expect(parseWebhookBody(Buffer.from('{"object":'))).toMatchObject({
			ok: false,
			status: 400,
			reason: 'malformed_json',
		});
		expect(parseWebhookBody(Buffer.from(''))).toMatchObject({ ok: false, status: 400, reason: 'empty_body' });
		expect(parseWebhookBody(Buffer.from('{"object":"page","entry":[]}'))).toMatchObject({
			ok: false,
			reason: 'wrong_object',
		});
		expect(parseWebhookBody(Buffer.from('[1,2]'))).toMatchObject({ ok: false, reason: 'wrong_object' });
		expect(parseWebhookBody(Buffer.from('null'))).toMatchObject({ ok: false, reason: 'wrong_object' });
		expect(parseWebhookBody(Buffer.from('{"object":"whatsapp_business_account"}'))).toMatchObject({
			ok: false,
			reason: 'missing_entry',
		});
	});

	it('every fixture parses into at least one event without throwing', () => {
		for (const name of fixtureNames()) {
			expect(events(name).length).toBeGreaterThan(0);
		}
	});

	it('tolerates junk inside a valid envelope (no crash, nothing invented)', () => {
		const body = JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				null,
				5,
				{ id: '1' },
				{
					id: '1',
					changes: [
						null,
						{ field: 'messages' },
						{ field: 'messages', value: { messages: [null, 'x', { type: 'text' }] } },
					],
				},
			],
		});
		const r = parseEvents(Buffer.from(body));
		expect(r.ok).toBe(true);
		if (r.ok) {
			expect(r.events).toHaveLength(1);
			expect(r.events[0]).toMatchObject({
				event: 'message',
				type: 'text',
				messageId: null,
				text: null,
				phoneNumberId: null,
			});
		}
	});
});

describe('message events', () => {
	it('text', () => {
		expect(onlyMessage('message-text')).toEqual({
			event: 'message',
			...COMMON,
			type: 'text',
			originalType: null,
			messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			timestamp: '2025-06-08T20:59:43Z',
			from: '16505551234',
			groupId: null,
			userId: null,
			parentUserId: null,
			username: null,
			profileName: 'Sheena Nelson',
			identityKeyHash: null,
			context: null,
			referral: null,
			text: 'Hello, I would like to book an appointment for next week.',
			button: null,
			interactive: null,
			media: null,
			location: null,
			contacts: null,
			reaction: null,
			order: null,
			system: null,
			identity: null,
			edit: null,
			revoke: null,
			unsupportedType: null,
			errors: [],
			unknown: null,
		});
	});

	it('reply context and forwarded flags', () => {
		expect(onlyMessage('message-reply-context').context).toEqual({
			from: '15550783881',
			id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0QkFFQTVDOUE2MjQ3RjcxQTkA',
			forwarded: false,
			frequentlyForwarded: false,
			referredProduct: null,
		});
		expect(onlyMessage('message-forwarded').context).toMatchObject({
			forwarded: true,
			frequentlyForwarded: true,
			id: null,
		});
	});

	it('referral (click-to-WhatsApp ad)', () => {
		const m = onlyMessage('message-referral');
		expect(m.text).toBe('Hi! I saw your ad about a free check-up');
		expect(m.referral).toMatchObject({
			sourceType: 'ad',
			sourceId: '23847826348762',
			headline: 'Free dental check-up',
			mediaType: 'image',
			ctwaClid: expect.stringMatching(/^ARAk/),
		});
	});

	it.each([
		[
			'message-image',
			{
				kind: 'image',
				id: '1003383421387256',
				mimeType: 'image/jpeg',
				caption: 'Photo of my prescription',
				filename: null,
				voice: false,
				url: expect.stringContaining('lookaside.fbsbx.com'),
			},
		],
		[
			'message-document',
			{
				kind: 'document',
				id: '2729745623963742',
				mimeType: 'application/pdf',
				caption: 'Referral letter',
				filename: 'referral-letter.pdf',
				url: null,
			},
		],
		[
			'message-audio-voice',
			{
				kind: 'audio',
				id: '1148428493286297',
				mimeType: 'audio/ogg; codecs=opus',
				voice: true,
				caption: null,
			},
		],
		[
			'message-video',
			{ kind: 'video', id: '1423786858340394', mimeType: 'video/mp4', caption: 'How the swelling looks' },
		],
		['message-sticker', { kind: 'sticker', id: '1234009651058373', mimeType: 'image/webp', animated: false }],
	])('%s → media', (name, media) => {
		const m = onlyMessage(name);
		expect(m.type).toBe((media as { kind: string }).kind);
		expect(m.media).toMatchObject(media);
		expect(m.media?.sha256).toEqual(fixtureJson(name).entry[0].changes[0].value.messages[0][m.type].sha256);
	});

	it('location', () => {
		expect(onlyMessage('message-location').location).toEqual({
			latitude: 52.370216,
			longitude: 4.895168,
			name: 'Central Clinic',
			address: 'Damrak 1, Amsterdam',
			url: 'https://clinic.example',
		});
	});

	it('contacts (camelCase cards)', () => {
		const m = onlyMessage('message-contacts');
		expect(m.contacts).toHaveLength(1);
		expect(m.contacts?.[0]).toMatchObject({
			name: { formattedName: 'Jane Doe', firstName: 'Jane', lastName: 'Doe' },
			phones: [{ phone: '+1 (650) 555-1234', waId: '16505551234', type: 'WORK' }],
			addresses: [expect.objectContaining({ countryCode: 'us', zip: '94025' })],
			birthday: '1985-04-12',
		});
	});

	it('reaction and un-reaction', () => {
		expect(onlyMessage('message-reaction').reaction).toEqual({
			messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0QkFFQTVDOUE2MjQ3RjcxQTkA',
			emoji: '👍',
			removed: false,
		});
		expect(onlyMessage('message-unreaction').reaction).toEqual({
			messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0QkFFQTVDOUE2MjQ3RjcxQTkA',
			emoji: null,
			removed: true,
		});
	});

	it('interactive button_reply and list_reply', () => {
		const b = onlyMessage('message-interactive-button-reply');
		expect(b.interactive).toEqual({
			type: 'button_reply',
			buttonReply: { id: 'confirm-appointment', title: 'Confirm' },
			listReply: null,
			flowReply: null,
			callPermissionReply: null,
			unknown: null,
		});
		expect(b.context?.id).toBe('wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCQzQ1RDY3ODlBQkNERUYwMQA=');
		const l = onlyMessage('message-interactive-list-reply');
		expect(l.interactive).toEqual({
			type: 'list_reply',
			buttonReply: null,
			listReply: { id: 'slot_2026-12-01T09:00', title: 'Tue 1 Dec 09:00', description: 'Dr. Smith, room 2' },
			flowReply: null,
			callPermissionReply: null,
			unknown: null,
		});
	});

	it('template quick-reply button', () => {
		const m = onlyMessage('message-button-quick-reply');
		expect(m.type).toBe('button');
		expect(m.button).toEqual({ payload: 'CANCEL_APPOINTMENT', text: 'Cancel' });
		expect(m.text).toBe('Cancel');
	});

	it('order', () => {
		expect(onlyMessage('message-order').order).toEqual({
			catalogId: '354160437058781',
			text: 'Please deliver to the clinic',
			productItems: [{ productRetailerId: 'VITAMIN-D', quantity: 3, itemPrice: 30, currency: 'EUR' }],
		});
	});

	it('system (number change)', () => {
		expect(onlyMessage('message-system').system).toEqual({
			body: 'User A changed from 16505551234 to 16505559999',
			waId: '16505559999',
			type: 'user_changed_number',
		});
	});

	it('Meta "unsupported" keeps its errors', () => {
		const m = onlyMessage('message-unsupported');
		expect(m.type).toBe('unsupported');
		expect(m.originalType).toBeNull();
		expect(m.errors).toEqual([
			{
				code: 131051,
				title: 'Message type unknown',
				message: 'Message type unknown',
				details: 'Message type is currently not supported.',
				href: null,
			},
		]);
	});

	it('an unknown future type becomes unsupported with its original type', () => {
		const m = onlyMessage('message-unknown-type');
		expect(m).toMatchObject({ type: 'unsupported', originalType: 'hologram', text: null, media: null });
	});

	it('username-only user without a phone number (BSUID)', () => {
		const m = onlyMessage('message-username-only');
		expect(m).toMatchObject({
			from: null,
			userId: 'US.13491208655302741918',
			parentUserId: 'US.11815799212886844830',
			username: '@testusername',
			profileName: 'Test User',
			text: 'Hi, this is @testusername',
		});
	});
});

describe('status events', () => {
	it('sent with pricing and biz_opaque_callback_data', () => {
		expect(onlyStatus('status-sent')).toEqual({
			event: 'status',
			...COMMON,
			status: 'sent',
			messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
			timestamp: '2025-06-15T23:27:53Z',
			recipient: '16505551234',
			recipientUserId: null,
			recipientParentUserId: null,
			recipientType: null,
			groupId: null,
			participant: null,
			participantUserId: null,
			participantParentUserId: null,
			username: null,
			profileName: null,
			identityKeyHash: null,
			bizOpaqueCallbackData: 'appointment-4711',
			idempotencyKey: null,
			pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' },
			conversation: null,
			errors: [],
			unknown: null,
		});
	});

	it.each(['delivered', 'read', 'played'])('%s', (status) => {
		expect(onlyStatus(`status-${status}`).status).toBe(status);
	});

	it('failed carries the errors', () => {
		const s = onlyStatus('status-failed');
		expect(s.errors).toEqual([
			{
				code: 131049,
				title: 'This message was not delivered to maintain healthy ecosystem engagement.',
				message: 'This message was not delivered to maintain healthy ecosystem engagement.',
				details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
				href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
				meaning: ERROR_CATALOGUE.get(131049)!.meaning,
				hint: ERROR_CATALOGUE.get(131049)!.action,
			},
		]);
	});

	it('failed 131047 (reported later in a status webhook) explains the 24-hour window and the fix', () => {
		const s = onlyStatus('status-failed-131047');
		expect(s.status).toBe('failed');
		expect(s.errors).toHaveLength(1);
		const [e] = s.errors;
		expect(e).toMatchObject({ code: 131047, title: 'Re-engagement message' });
		expect(e.details).toMatch(/more than 24 hours/);
		expect(e.meaning).toMatch(/24 hours have passed/);
		expect(e.hint).toMatch(/^Use WhatsApp Send Template/);
	});

	it("an error code the catalogue does not know keeps Meta's fields and gets no meaning or hint", () => {
		expect(
			explainStatusError({ code: 987654, title: 'New', message: null, details: null, href: null }),
		).toEqual({
			code: 987654,
			title: 'New',
			message: null,
			details: null,
			href: null,
			meaning: null,
			hint: null,
		});
		expect(
			explainStatusError({ code: null, title: null, message: null, details: null, href: null }).hint,
		).toBeNull();
	});

	it('conversation (free entry point)', () => {
		expect(onlyStatus('status-with-conversation').conversation).toEqual({
			id: 'CONVERSATION_ID',
			originType: 'free_entry_point',
			expiresAt: '2025-06-16T23:27:53Z',
		});
	});
});

describe('other fields', () => {
	it('value.errors → one error event each', () => {
		expect(events('value-errors')).toEqual([
			expect.objectContaining({
				event: 'error',
				code: 131052,
				title: 'Media download error',
				details: 'Unable to download the media sent by the user.',
				phoneNumberId: '106540352242922',
			}),
		]);
	});

	it('template status, quality and category updates', () => {
		expect(events('template-status-update')).toEqual([
			expect.objectContaining({
				event: 'template_update',
				field: 'message_template_status_update',
				updateEvent: 'APPROVED',
				templateId: '1064873318565329',
				templateName: 'appointment_reminder',
				language: 'en_US',
				phoneNumberId: null,
				timestamp: '2025-06-15T23:47:14Z',
			}),
		]);
		expect(events('template-quality-update')[0]).toMatchObject({
			event: 'template_update',
			previousQualityScore: 'GREEN',
			newQualityScore: 'YELLOW',
		});
		expect(events('template-category-update')[0]).toMatchObject({
			event: 'template_update',
			previousCategory: 'UTILITY',
			newCategory: 'MARKETING',
		});
	});

	it('account and phone number quality updates', () => {
		expect(events('account-update')[0]).toMatchObject({
			event: 'account_update',
			field: 'account_update',
			updateEvent: 'VERIFIED_ACCOUNT',
			phoneNumber: '15550783881',
		});
		expect(events('phone-number-quality-update')[0]).toMatchObject({
			event: 'account_update',
			updateEvent: 'FLAGGED',
			details: { current_limit: 'TIER_1K' },
		});
	});

	it('user_preferences (marketing stop)', () => {
		expect(events('user-preferences')).toEqual([
			expect.objectContaining({
				event: 'user_preference',
				from: '16505551234',
				category: 'marketing_messages',
				value: 'stop',
				phoneNumberId: '106540352242922',
			}),
		]);
	});

	it('an unknown field becomes an "other" event', () => {
		const body = {
			object: 'whatsapp_business_account',
			entry: [{ id: '9', time: 1750000000, changes: [{ field: 'future_field', value: { a: 1 } }] }],
		};
		expect(extractEvents(body as never)).toEqual([
			expect.objectContaining({ event: 'other', field: 'future_field', details: { a: 1 }, wabaId: '9' }),
		]);
	});
});

describe('batches', () => {
	it('one event per message/status across entries and changes, in order', () => {
		const list = events('batch-multi-entry');
		expect(
			list.map((e) => [
				e.event,
				e.event === 'status' ? e.status : (e as MessageEvent).messageId,
				e.phoneNumberId,
				e.wabaId,
			]),
		).toEqual([
			['message', 'wamid.BATCH-A1', '106540352242922', '102290129340398'],
			['message', 'wamid.BATCH-A2', '106540352242922', '102290129340398'],
			['status', 'delivered', '106540352242922', '102290129340398'],
			['status', 'read', '106540352242922', '102290129340398'],
			['message', 'wamid.BATCH-B1', '209876543210987', '109999999999999'],
		]);
		// Each message is matched with its own sender's contact.
		expect((list[1] as MessageEvent).profileName).toBe('Kai Ito');
		expect((list[4] as MessageEvent).profileName).toBe('Ana Ruiz');
	});

	it('includeRaw attaches the raw change object', () => {
		const list = events('batch-multi-entry', true);
		const json = fixtureJson('batch-multi-entry');
		expect(list[0].raw).toEqual(json.entry[0].changes[0]);
		expect(list[2].raw).toEqual(json.entry[0].changes[1]);
		expect(events('batch-multi-entry')[0].raw).toBeUndefined();
	});
});

describe('unixToIso', () => {
	it('converts strings and numbers, null for junk', () => {
		expect(unixToIso('0')).toBeNull();
		expect(unixToIso('abc')).toBeNull();
		expect(unixToIso(undefined)).toBeNull();
		expect(unixToIso(1700000000)).toBe('2023-11-14T22:13:20Z');
	});
});

describe('depth bound per change', () => {
	it('nestedDeeperThan counts object levels only and never overflows the stack', () => {
		expect(nestedDeeperThan(JSON.parse('[[[1]]]'), 3)).toBe(false);
		expect(nestedDeeperThan(JSON.parse('[[[[1]]]]'), 3)).toBe(true);
		expect(nestedDeeperThan({ a: { b: 'x'.repeat(10) } }, 2)).toBe(false);
		expect(nestedDeeperThan('text', 0)).toBe(false);
		const deep = JSON.parse('{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000));
		expect(nestedDeeperThan(deep, MAX_CHANGE_DEPTH)).toBe(true);
	});

	it('extractDelivery skips a too-deep change (position, a field name only when it looks like one) and keeps the rest', () => {
		const payload = fixtureJson('message-text');
		const deep = JSON.parse('['.repeat(MAX_CHANGE_DEPTH + 5) + ']'.repeat(MAX_CHANGE_DEPTH + 5));
		payload.entry[0].changes.push(
			{ field: 'messages', value: { messages: [{ id: 'wamid.deep', type: 'system', system: deep }] } },
			{ field: 'Robert"); DROP', value: { x: deep } },
		);
		const { events, skipped } = extractDelivery(payload);
		expect(events.map((e) => e.event)).toEqual(['message']);
		expect(skipped).toEqual([
			{ entry: 1, change: 2, field: 'messages', reason: 'too_deep', limit: MAX_CHANGE_DEPTH },
			{ entry: 1, change: 3, field: null, reason: 'too_deep', limit: MAX_CHANGE_DEPTH },
		]);
		expect(extractEvents(payload)).toHaveLength(1);
	});
});
