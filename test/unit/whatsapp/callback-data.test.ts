/**
 * The idempotency key in `biz_opaque_callback_data` (core/whatsapp/callback-data.ts): reversible for every user
 * value, within Meta's 512 limit, stripped again by the trigger's status parser.
 */
import type { StatusEvent } from '../../../core/webhook/events';
import { parseEvents } from '../../../core/webhook/parse';
import {
	CALLBACK_KEY_BYTES,
	MAX_CALLBACK_DATA_BYTES,
	MAX_USER_CALLBACK_DATA_BYTES,
	decodeCallbackData,
	encodeCallbackData,
	isIdempotencyKey,
	newIdempotencyKey,
} from '../../../core/whatsapp/callback-data';
import { buildMessageRequest } from '../../../core/whatsapp/messages/request';
import { MessageValidationError } from '../../../core/whatsapp/messages/validation';
import type { Recipient } from '../../../core/whatsapp/phone';

const recipient: Recipient = { kind: 'phone', e164: '+5511912345678' };
const text = { type: 'text' as const, text: { body: 'hi' } };

describe('idempotency keys', () => {
	it('are 22 base64url characters, different every time', () => {
		const keys = new Set(Array.from({ length: 1000 }, () => newIdempotencyKey()));
		expect(keys.size).toBe(1000);
		for (const k of keys) expect(isIdempotencyKey(k)).toBe(true);
		expect(CALLBACK_KEY_BYTES).toBe(27);
		expect(MAX_USER_CALLBACK_DATA_BYTES).toBe(485);
	});
});

describe('encodeCallbackData / decodeCallbackData', () => {
	const key = newIdempotencyKey();
	it.each([
		['', null],
		['APPT-2026-0042', 'APPT-2026-0042'],
		['{"appt":42,"kind":"reminder"}', '{"appt":42,"kind":"reminder"}'],
		['a|b|c', 'a|b|c'],
		['x|', 'x|'],
		// A user value that itself looks like an encoded one still comes back unchanged.
		[`wac:${'A'.repeat(22)}`, `wac:${'A'.repeat(22)}`],
		[`APPT|wac:${'B'.repeat(22)}`, `APPT|wac:${'B'.repeat(22)}`],
		['consulta às 9h – Dra. Lúcia', 'consulta às 9h – Dra. Lúcia'],
	])('round trip of %j', (user, expected) => {
		const encoded = encodeCallbackData(user, key);
		expect(encoded.endsWith(`wac:${key}`)).toBe(true);
		expect(decodeCallbackData(encoded)).toEqual({ userValue: expected, idempotencyKey: key });
	});

	it('the format is documented: `wac:<key>` alone, `<value>|wac:<key>` with a user value', () => {
		expect(encodeCallbackData(undefined, key)).toBe(`wac:${key}`);
		expect(encodeCallbackData('APPT-1', key)).toBe(`APPT-1|wac:${key}`);
	});

	it('values from other tools (no key) decode to themselves', () => {
		expect(decodeCallbackData('appointment-4711')).toEqual({
			userValue: 'appointment-4711',
			idempotencyKey: null,
		});
		expect(decodeCallbackData('wac:short')).toEqual({ userValue: 'wac:short', idempotencyKey: null });
		expect(decodeCallbackData(null)).toEqual({ userValue: null, idempotencyKey: null });
	});

	it('rejects a malformed key (internal error)', () => {
		expect(() => encodeCallbackData('x', 'not-a-key')).toThrow(/idempotency key/);
	});
});

describe('buildMessageRequest with an idempotency key', () => {
	const key = newIdempotencyKey();

	it('merges the key into biz_opaque_callback_data, at most 512 bytes in all', () => {
		const user = 'é'.repeat(Math.floor(MAX_USER_CALLBACK_DATA_BYTES / 2)) + 'x';
		const request = buildMessageRequest(recipient, text, {
			bizOpaqueCallbackData: user,
			idempotencyKey: key,
		});
		expect(Buffer.byteLength(request.biz_opaque_callback_data!, 'utf8')).toBe(MAX_CALLBACK_DATA_BYTES);
		expect(decodeCallbackData(request.biz_opaque_callback_data)).toEqual({
			userValue: user,
			idempotencyKey: key,
		});
		expect(buildMessageRequest(recipient, text, { idempotencyKey: key }).biz_opaque_callback_data).toBe(
			`wac:${key}`,
		);
	});

	it('refuses a user value over 485 bytes, saying why (the key needs 27 of the 512)', () => {
		let error: unknown;
		try {
			buildMessageRequest(recipient, text, { bizOpaqueCallbackData: 'x'.repeat(486), idempotencyKey: key });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(MessageValidationError);
		expect((error as MessageValidationError).field).toBe('biz_opaque_callback_data');
		expect((error as Error).message).toMatch(/486 bytes; at most 485 fit .*512.*27-byte key/);
		// Without a key the whole 512 bytes stay available (other callers of the builder).
		expect(() =>
			buildMessageRequest(recipient, text, { bizOpaqueCallbackData: 'x'.repeat(512) }),
		).not.toThrow();
	});
});

describe('status webhooks: the trigger shows the user’s own callback data and the key apart', () => {
	const key = newIdempotencyKey();
	const statusOf = (callback: string): StatusEvent => {
		const body = {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '1',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550100', phone_number_id: '2' },
								statuses: [
									{
										id: 'wamid.X',
										status: 'delivered',
										timestamp: '1750030073',
										recipient_id: '5511912345678',
										biz_opaque_callback_data: callback,
									},
								],
							},
						},
					],
				},
			],
		};
		const parsed = parseEvents(Buffer.from(JSON.stringify(body)));
		if (!parsed.ok) throw new Error(parsed.reason);
		return parsed.events[0] as StatusEvent;
	};
	it('splits `APPT-9|wac:<key>`', () => {
		const event = statusOf(`APPT-9|wac:${key}`);
		expect(event.bizOpaqueCallbackData).toBe('APPT-9');
		expect(event.idempotencyKey).toBe(key);
	});
	it('no user value: null callback data, the key', () => {
		const event = statusOf(`wac:${key}`);
		expect(event.bizOpaqueCallbackData).toBeNull();
		expect(event.idempotencyKey).toBe(key);
	});
	it('callback data of another tool passes through unchanged, no key', () => {
		const event = statusOf('appointment-4711');
		expect(event.bizOpaqueCallbackData).toBe('appointment-4711');
		expect(event.idempotencyKey).toBeNull();
	});
});
