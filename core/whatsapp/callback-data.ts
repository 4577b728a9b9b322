/**
 * The per-message idempotency key carried in `biz_opaque_callback_data`, merged with the user's own Callback Data.
 *
 * Why: when the connection drops after a send request was written, nobody knows whether Meta accepted the message
 * (outcome "unknown"). Meta has no idempotency header for messages, but it echoes `biz_opaque_callback_data` in every
 * status webhook of the message (sent, delivered, read, failed). A random key per item, sent in that field, lets the
 * WhatsApp Clinic Trigger match a later status to the unknown send and resolve it in the audit log.
 *
 * Wire format (reversible; version prefix `wac:`):
 *
 *   no user value:  `wac:<key>`
 *   user value U:   `U|wac:<key>`
 *
 * `<key>` is 22 characters of base64url (16 random bytes). Decoding strips exactly one trailing `|wac:<key>` (or a
 * whole `wac:<key>`), so `decode(encode(U, key))` gives back U and the key for EVERY U, including one that itself
 * ends in something key-shaped. A value without the suffix (sent by another tool) decodes to itself and no key.
 *
 * Limit: Meta allows at most 512 characters in `biz_opaque_callback_data` (Cloud API messages reference: "Maximum
 * 512 characters"; changelog: "biz_opaque_callback_data character maximum from 256 to 512",
 * https://developers.facebook.com/docs/whatsapp/business-platform/changelog). This package counts UTF-8 bytes,
 * which is never fewer than characters, so staying within 512 bytes always satisfies Meta. The suffix takes 27
 * bytes, which leaves 485 bytes for the user's value.
 */
import { randomBytes } from 'node:crypto';

/** Meta's limit for `biz_opaque_callback_data` (counted here in UTF-8 bytes, see the module comment). */
export const MAX_CALLBACK_DATA_BYTES = 512;

const PREFIX = 'wac:';
const SEPARATOR = '|';
const KEY_LENGTH = 22;
const KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SUFFIX_PATTERN = /(?:^|\|)wac:([A-Za-z0-9_-]{22})$/;

/** Bytes the key part adds to a user value (`|wac:` + 22). */
export const CALLBACK_KEY_BYTES = SEPARATOR.length + PREFIX.length + KEY_LENGTH;

/** What is left for the user's own Callback Data once the key is added. */
export const MAX_USER_CALLBACK_DATA_BYTES = MAX_CALLBACK_DATA_BYTES - CALLBACK_KEY_BYTES;

/** Random bytes drawn 4 KiB at a time: one randomBytes call per 256 keys instead of one per item of a batch. */
let keyPool = Buffer.alloc(0);
let keyOffset = 0;

/** A new random idempotency key: 22 base64url characters (128 bits). */
export function newIdempotencyKey(): string {
	if (keyOffset + 16 > keyPool.length) {
		keyPool = randomBytes(4096);
		keyOffset = 0;
	}
	const key = keyPool.subarray(keyOffset, keyOffset + 16).toString('base64url');
	keyOffset += 16;
	return key;
}

export function isIdempotencyKey(value: unknown): value is string {
	return typeof value === 'string' && KEY_PATTERN.test(value);
}

/** The `biz_opaque_callback_data` to send: the user's value (may be empty) with the key appended. */
export function encodeCallbackData(userValue: string | undefined, key: string): string {
	if (!isIdempotencyKey(key))
		throw new Error('Internal error: an idempotency key must be 22 base64url characters');
	return userValue ? `${userValue}${SEPARATOR}${PREFIX}${key}` : `${PREFIX}${key}`;
}

export interface DecodedCallbackData {
	/** The user's own value (null when there was none). */
	userValue: string | null;
	/** The idempotency key this package added, or null (a message sent by something else). */
	idempotencyKey: string | null;
}

/** Splits `biz_opaque_callback_data` as received in a status webhook back into the user's value and the key. */
export function decodeCallbackData(raw: string | null | undefined): DecodedCallbackData {
	if (raw === null || raw === undefined || raw === '') return { userValue: null, idempotencyKey: null };
	const match = SUFFIX_PATTERN.exec(raw);
	if (!match) return { userValue: raw, idempotencyKey: null };
	const userValue = raw.slice(0, match.index);
	return { userValue: userValue === '' ? null : userValue, idempotencyKey: match[1] };
}
