/**
 * Signed flow tokens. Meta passes the `flow_token` of the Flow message back with every data-endpoint request and
 * in the completion webhook (`nfm_reply.response_json.flow_token`), and the endpoint answers 427 for a token it no
 * longer accepts. A token issued here is self-contained, so no store is needed to check it:
 *
 *   wac1.<base64url JSON {r: reference, l: language, e: expiry (unix s), n: nonce}>.<base64url HMAC-SHA256, 16 bytes>
 *
 * The HMAC key is derived (HKDF-SHA256) from the Meta App Secret, which both the send nodes and the Flow trigger
 * already hold; the token carries no patient data (Meta and the patient's phone can read it).
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

import { FlowInputError } from './errors';

const PREFIX = 'wac1';
/** Meta allows long tokens, but the completion webhook and our items stay readable with a short one. */
const MAX_REFERENCE = 120;

export interface FlowTokenClaims {
	/** What the workflow needs to continue (e.g. "booking", an appointment ID); no patient data. */
	reference: string;
	/** The patient's language (pt_BR, es, en_US…), so the endpoint answers in it. */
	language?: string;
	/** Expiry, ISO-8601. */
	expiresAt: string;
}

export type FlowTokenCheck =
	| { valid: true; claims: FlowTokenClaims }
	| {
			valid: false;
			reason: 'not_signed' | 'bad_signature' | 'expired' | 'malformed';
			claims?: FlowTokenClaims;
	  };

/** The signing key for an app secret (derived once per secret; the secret itself is not kept). */
export function flowTokenKey(appSecret: string): Buffer {
	if (!appSecret || appSecret.trim() === '') {
		throw new FlowInputError('The WhatsApp credential has no App Secret to sign flow tokens with', {
			field: 'App Secret',
			hint: 'Set App Secret (Meta App Dashboard → App settings → Basic) in the WhatsApp Clinic Cloud API credential.',
			kind: 'config',
		});
	}
	return Buffer.from(hkdfSync('sha256', appSecret, 'wac-flow-token', 'v1', 32));
}

function sign(key: Buffer, body: string): string {
	return createHmac('sha256', key).update(`${PREFIX}.${body}`).digest().subarray(0, 16).toString('base64url');
}

export function issueFlowToken(
	key: Buffer,
	input: { reference?: string; language?: string; ttlMinutes?: number; now?: Date },
): string {
	const reference = String(input.reference ?? '').trim();
	if (reference.length > MAX_REFERENCE) {
		throw new FlowInputError(
			`Flow Token Reference is ${reference.length} characters (at most ${MAX_REFERENCE})`,
			{
				field: 'Flow Token Reference',
				hint: 'Keep only an ID there (e.g. an appointment or campaign ID); the workflow looks up the rest.',
			},
		);
	}
	const ttl = input.ttlMinutes ?? 24 * 60;
	if (!Number.isFinite(ttl) || ttl < 1 || ttl > 30 * 24 * 60) {
		throw new FlowInputError('Flow Token Valid For must be between 1 minute and 30 days', {
			field: 'Flow Token Valid For (Minutes)',
			hint: 'Use 1440 (one day) unless the patient may open the Flow much later.',
		});
	}
	const now = input.now ?? new Date();
	const payload = {
		r: reference,
		...(input.language ? { l: input.language } : {}),
		e: Math.floor(now.getTime() / 1000) + Math.round(ttl * 60),
		n: randomBytes(6).toString('base64url'),
	};
	const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
	return `${PREFIX}.${body}.${sign(key, body)}`;
}

/** Checks a token's signature and expiry (constant-time comparison). */
export function verifyFlowToken(key: Buffer, token: unknown, now = new Date()): FlowTokenCheck {
	if (typeof token !== 'string' || !token.startsWith(`${PREFIX}.`))
		return { valid: false, reason: 'not_signed' };
	const parts = token.split('.');
	if (parts.length !== 3) return { valid: false, reason: 'malformed' };
	const [, body, signature] = parts;
	const expected = Buffer.from(sign(key, body));
	const given = Buffer.from(signature);
	if (expected.length !== given.length || !timingSafeEqual(expected, given))
		return { valid: false, reason: 'bad_signature' };
	let payload: { r?: unknown; l?: unknown; e?: unknown };
	try {
		payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		return { valid: false, reason: 'malformed' };
	}
	if (typeof payload.e !== 'number') return { valid: false, reason: 'malformed' };
	const claims: FlowTokenClaims = {
		reference: typeof payload.r === 'string' ? payload.r : '',
		...(typeof payload.l === 'string' ? { language: payload.l } : {}),
		expiresAt: new Date(payload.e * 1000).toISOString(),
	};
	if (payload.e * 1000 <= now.getTime()) return { valid: false, reason: 'expired', claims };
	return { valid: true, claims };
}

/** The claims of a token without checking it (for display of an nfm_reply; never for trust decisions). */
export function readFlowToken(token: unknown): FlowTokenClaims | null {
	if (typeof token !== 'string' || !token.startsWith(`${PREFIX}.`)) return null;
	try {
		const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
		if (typeof payload.e !== 'number') return null;
		return {
			reference: typeof payload.r === 'string' ? payload.r : '',
			...(typeof payload.l === 'string' ? { language: payload.l } : {}),
			expiresAt: new Date(payload.e * 1000).toISOString(),
		};
	} catch {
		return null;
	}
}
