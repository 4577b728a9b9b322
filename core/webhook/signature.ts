/**
 * `X-Hub-Signature-256` verification: `sha256=` + hex HMAC-SHA256 of the RAW request bytes under the Meta app
 * secret, compared in constant time. Re-serialising parsed JSON changes the bytes (escaped `@`, `/`, unicode, key
 * order) and breaks the signature, so callers must pass the body exactly as received.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';
const HEX_64 = /^[0-9a-f]{64}$/i;

export type SignatureFailure =
	/** The credential has no App Secret (empty or only whitespace): nothing can be verified, so everything is refused. */
	'missing_app_secret' | 'missing_signature' | 'malformed_signature' | 'missing_body' | 'mismatch';

export type SignatureCheck = { valid: true } | { valid: false; reason: SignatureFailure };

/** Human-readable explanation per failure (never contains the body, the secret or the signature). */
export const SIGNATURE_FAILURE_MESSAGES: Record<SignatureFailure, string> = {
	missing_app_secret:
		'The WhatsApp credential has no App Secret (it is empty or only spaces), so webhook signatures cannot be verified and every delivery is refused. Set App Secret (Meta App Dashboard → App settings → Basic → App secret) in the credential.',
	missing_signature: 'The request has no X-Hub-Signature-256 header; it did not come from Meta.',
	malformed_signature: 'The X-Hub-Signature-256 header is not of the form sha256=<64 hex characters>.',
	missing_body: 'The request has no raw body to verify.',
	mismatch:
		'The X-Hub-Signature-256 signature does not match the body. Either the request did not come from Meta, or the App Secret in the credential is not the secret of the Meta app that sends the webhooks.',
};

/** `sha256=<hex>` for a body, as Meta computes it (used by tests, the simulator and benchmarks). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
	return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/** Normalises a Node header value (string, string[] or undefined) to its first string. */
function firstHeader(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

export function verifySignature(
	rawBody: Buffer | undefined | null,
	header: string | string[] | undefined,
	appSecret: string | undefined | null,
): SignatureCheck {
	// A whitespace-only secret is as good as none (anyone can compute its HMAC): fail closed like an empty one.
	if (!appSecret || appSecret.trim() === '') return { valid: false, reason: 'missing_app_secret' };
	const value = firstHeader(header)?.trim();
	if (!value) return { valid: false, reason: 'missing_signature' };
	if (value.slice(0, PREFIX.length).toLowerCase() !== PREFIX)
		return { valid: false, reason: 'malformed_signature' };
	const hex = value.slice(PREFIX.length);
	if (!HEX_64.test(hex)) return { valid: false, reason: 'malformed_signature' };
	if (!rawBody || !Buffer.isBuffer(rawBody)) return { valid: false, reason: 'missing_body' };
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	const given = Buffer.from(hex, 'hex');
	// Both are 32 bytes here (checked by the regex), so timingSafeEqual never throws.
	return timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
