import { createHmac } from 'node:crypto';

import { signBody, verifySignature } from '../../../core/webhook/signature';
import { fixtureBytes } from './fixtures';

const SECRET = 'app-secret-123';

describe('verifySignature', () => {
	const body = fixtureBytes('message-text');
	const good = 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');

	it('accepts Meta’s signature over the raw bytes', () => {
		expect(verifySignature(body, good, SECRET)).toEqual({ valid: true });
		expect(signBody(body, SECRET)).toBe(good);
	});

	it('accepts an upper-case hex digest and a header array', () => {
		expect(verifySignature(body, 'sha256=' + good.slice(7).toUpperCase(), SECRET)).toEqual({ valid: true });
		expect(verifySignature(body, [good], SECRET)).toEqual({ valid: true });
	});

	it('rejects a missing header', () => {
		expect(verifySignature(body, undefined, SECRET)).toEqual({ valid: false, reason: 'missing_signature' });
		expect(verifySignature(body, '', SECRET)).toEqual({ valid: false, reason: 'missing_signature' });
	});

	it('rejects malformed headers without throwing', () => {
		for (const header of [
			'sha1=' + good.slice(7),
			good.slice(7),
			'sha256=abc',
			'sha256=' + 'z'.repeat(64),
			good + '00',
		]) {
			expect(verifySignature(body, header, SECRET)).toEqual({ valid: false, reason: 'malformed_signature' });
		}
	});

	it('rejects a forged signature (other secret)', () => {
		expect(verifySignature(body, signBody(body, 'attacker'), SECRET)).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('rejects a re-serialised body even though the JSON is equal', () => {
		const withEscapes = Buffer.from(
			'{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"a\\u0040b/c é"}}]}]}',
		);
		const sig = signBody(withEscapes, SECRET);
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(withEscapes.toString('utf8'))));
		expect(reserialised.equals(withEscapes)).toBe(false);
		expect(verifySignature(withEscapes, sig, SECRET).valid).toBe(true);
		expect(verifySignature(reserialised, sig, SECRET)).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('rejects a tampered body (one byte changed)', () => {
		const tampered = Buffer.from(body);
		tampered[tampered.length - 3] ^= 1;
		expect(verifySignature(tampered, good, SECRET)).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('refuses everything when no app secret is configured', () => {
		expect(verifySignature(body, good, '')).toEqual({ valid: false, reason: 'missing_app_secret' });
		expect(verifySignature(body, signBody(body, ''), undefined)).toEqual({
			valid: false,
			reason: 'missing_app_secret',
		});
	});

	it('treats a whitespace-only app secret as missing (fail closed), even with a matching signature', () => {
		for (const blank of [' ', '   ', '\t', '\n', ' \r\n ']) {
			expect(verifySignature(body, signBody(body, blank), blank)).toEqual({
				valid: false,
				reason: 'missing_app_secret',
			});
		}
	});

	it('rejects a missing raw body', () => {
		expect(verifySignature(undefined, good, SECRET)).toEqual({ valid: false, reason: 'missing_body' });
	});
});
