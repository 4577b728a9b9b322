import { generateKeyPairSync } from 'node:crypto';

import {
	decryptFlowResponse,
	encryptFlowRequest,
	encryptFlowResponse,
	flipIv,
	generateFlowKeyPair,
	loadPrivateKey,
	recoverFlowSession,
} from '../../../core/flows/crypto';
import { handleFlowRequest, type FlowEndpointConfig } from '../../../core/flows/endpoint';
import { FlowKeyError } from '../../../core/flows/errors';
import { flowTokenKey, issueFlowToken, verifyFlowToken } from '../../../core/flows/flow-token';
import { parseFlowReply } from '../../../core/flows/nfm-reply';
import { signBody } from '../../../core/webhook/signature';

const APP_SECRET = 'test-app-secret';
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const tokenKey = flowTokenKey(APP_SECRET);
const config: FlowEndpointConfig = {
	appSecret: APP_SECRET,
	privateKey: pair.privateKey,
	tokenPolicy: 'signed',
	tokenKey,
};

function request(payload: unknown, publicKey = pair.publicKey, secret = APP_SECRET) {
	const { body, session } = encryptFlowRequest(payload, publicKey);
	const raw = Buffer.from(JSON.stringify(body));
	return { raw, signature: signBody(raw, secret), session };
}

describe('Flow endpoint crypto (Meta: RSA-OAEP-SHA256 AES key, AES-128-GCM body, flipped IV answer)', () => {
	it('round-trips a response the way the WhatsApp client reads it', () => {
		const { session } = encryptFlowRequest({ action: 'ping' }, pair.publicKey);
		const b64 = encryptFlowResponse({ screen: 'TIME', data: { a: 1 } }, session);
		expect(decryptFlowResponse(b64, session)).toEqual({ screen: 'TIME', data: { a: 1 } });
		expect(flipIv(Buffer.from([0x00, 0xff, 0x0f]))).toEqual(Buffer.from([0xff, 0x00, 0xf0]));
	});

	it('generates a pair whose private key only exists encrypted with the passphrase', () => {
		const generated = generateFlowKeyPair('a long passphrase 123');
		expect(generated.encryptedPrivateKeyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
		const key = loadPrivateKey(generated.encryptedPrivateKeyPem, 'a long passphrase 123');
		const { session, body } = encryptFlowRequest({ action: 'ping' }, generated.publicKeyPem);
		expect(
			recoverFlowSession(
				{ encryptedAesKey: body.encrypted_aes_key, initialVector: body.initial_vector },
				key,
			),
		).toEqual(session);
		expect(() => loadPrivateKey(generated.encryptedPrivateKeyPem, 'wrong')).toThrow(FlowKeyError);
		expect(() => generateFlowKeyPair('short')).toThrow(/12 characters/);
	});
});

describe('handleFlowRequest', () => {
	it('answers 432 to a bad signature, without decrypting', () => {
		const { raw } = request({ action: 'ping' });
		const outcome = handleFlowRequest(raw, signBody(raw, 'another-secret'), config);
		expect(outcome).toMatchObject({ kind: 'reply', status: 432, body: '' });
	});

	it('answers 421 when the request was encrypted to another public key (rotated key)', () => {
		const { raw, signature } = request({ action: 'ping' }, other.publicKey);
		expect(handleFlowRequest(raw, signature, config)).toMatchObject({ kind: 'reply', status: 421 });
	});

	it('answers the health check itself, encrypted', () => {
		const { raw, signature, session } = request({ version: '3.0', action: 'ping' });
		const outcome = handleFlowRequest(raw, signature, config);
		expect(outcome.kind).toBe('reply');
		if (outcome.kind !== 'reply') return;
		expect(outcome.status).toBe(200);
		expect(decryptFlowResponse(outcome.body, session)).toEqual({ data: { status: 'active' } });
	});

	it('acknowledges a client error notification without starting the workflow', () => {
		const token = issueFlowToken(tokenKey, { reference: 'booking' });
		const { raw, signature, session } = request({
			version: '3.0',
			action: 'data_exchange',
			screen: 'TIME',
			flow_token: token,
			data: { error: 'invalid-screen-transition', error_message: 'x' },
		});
		const outcome = handleFlowRequest(raw, signature, config);
		if (outcome.kind !== 'reply') throw new Error('expected a reply');
		expect(decryptFlowResponse(outcome.body, session)).toEqual({ data: { acknowledged: true } });
	});

	it('answers 427 with the encrypted error_msg in the token language for an expired token', () => {
		const token = issueFlowToken(tokenKey, {
			reference: 'booking',
			language: 'es',
			ttlMinutes: 1,
			now: new Date(Date.now() - 5 * 60_000),
		});
		const { raw, signature, session } = request({ version: '3.0', action: 'INIT', flow_token: token });
		const outcome = handleFlowRequest(raw, signature, config);
		if (outcome.kind !== 'reply') throw new Error('expected a reply');
		expect(outcome.status).toBe(427);
		expect(decryptFlowResponse(outcome.body, session)).toEqual({
			error_msg: expect.stringContaining('caducó'),
		});
		const forged = request({ version: '3.0', action: 'INIT', flow_token: 'made-up' });
		expect(handleFlowRequest(forged.raw, forged.signature, config)).toMatchObject({ status: 427 });
	});

	it('emits one item without key material for a screen request', () => {
		const token = issueFlowToken(tokenKey, { reference: 'booking', language: 'pt_BR' });
		const { raw, signature } = request({
			version: '3.0',
			action: 'data_exchange',
			screen: 'DATE',
			flow_token: token,
			data: { step: 'date', date: '2026-03-12' },
		});
		const outcome = handleFlowRequest(raw, signature, config);
		expect(outcome.kind).toBe('start');
		if (outcome.kind !== 'start') return;
		expect(outcome.event).toMatchObject({
			action: 'data_exchange',
			screen: 'DATE',
			data: { step: 'date', date: '2026-03-12' },
			flowToken: token,
			flowTokenReference: 'booking',
			language: 'pt_BR',
		});
		expect(JSON.stringify(outcome.event)).not.toMatch(/PRIVATE KEY/);
		expect(recoverFlowSession(outcome.event.flowSession, pair.privateKey)).toEqual(outcome.session);
	});

	it('accepts any token with the any policy', () => {
		const { raw, signature } = request({ version: '3.0', action: 'INIT', flow_token: 'from-another-tool' });
		expect(handleFlowRequest(raw, signature, { ...config, tokenPolicy: 'any' }).kind).toBe('start');
	});
});

describe('flow tokens and nfm_reply', () => {
	it('rejects a tampered token and reads the reference back from a completion', () => {
		const token = issueFlowToken(tokenKey, { reference: 'APPT-1', language: 'en_US' });
		expect(verifyFlowToken(tokenKey, token).valid).toBe(true);
		expect(verifyFlowToken(tokenKey, token.slice(0, -2) + 'AA')).toMatchObject({ valid: false });
		expect(verifyFlowToken(flowTokenKey('other'), token)).toMatchObject({
			valid: false,
			reason: 'bad_signature',
		});
		const reply = parseFlowReply(JSON.stringify({ flow_token: token, appointment_id: 'a1' }));
		expect(reply).toMatchObject({
			response: { appointment_id: 'a1' },
			flowToken: token,
			flowTokenReference: 'APPT-1',
			language: 'en_US',
		});
		expect(parseFlowReply('not json')).toMatchObject({ response: null, flowToken: null });
	});
});
