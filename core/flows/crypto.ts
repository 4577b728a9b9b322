/**
 * WhatsApp Flows data-endpoint encryption, as Meta specifies it (docs/flows.md cites the pages):
 *
 * - Request body `{encrypted_flow_data, encrypted_aes_key, initial_vector}` (base64 each). The 128-bit AES key is
 *   RSA-OAEP encrypted (SHA-256 for OAEP and MGF1) to the business public key uploaded with
 *   `POST /{phone-number-id}/whatsapp_business_encryption`; the body is AES-128-GCM under that key and the 16-byte
 *   initial vector, with the 16-byte tag appended.
 * - Response: the JSON answer encrypted with the SAME AES key and the bit-flipped IV (every byte XOR 0xFF),
 *   tag appended, sent as one base64 string (a text body).
 *
 * The private key is only ever a `KeyObject` here (cached per PEM + passphrase so each request does not parse the
 * PEM again); nothing in this module logs or returns it.
 */
import {
	createCipheriv,
	createDecipheriv,
	createHash,
	createPrivateKey,
	createPublicKey,
	generateKeyPairSync,
	privateDecrypt,
	publicEncrypt,
	randomBytes,
	constants,
	type KeyObject,
} from 'node:crypto';

import { FlowEndpointError, FlowKeyError } from './errors';

const TAG_LENGTH = 16;
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

export interface EncryptedFlowRequest {
	encrypted_flow_data: string;
	encrypted_aes_key: string;
	initial_vector: string;
}

/** What the response needs from the request: the AES key and IV (never put into items). */
export interface FlowSessionKey {
	aesKey: Buffer;
	iv: Buffer;
}

export interface DecryptedFlowRequest extends FlowSessionKey {
	/** The decrypted JSON, not yet validated (request.ts does that). */
	payload: unknown;
}

const keyCache = new Map<string, KeyObject>();

/** The private key of the Flow Key credential as a KeyObject; a FlowKeyError names the field to fix. */
export function loadPrivateKey(pem: string, passphrase = ''): KeyObject {
	const text = normalisePem(pem);
	if (!text) {
		throw new FlowKeyError('The Flow Key credential has no private key', {
			field: 'Private Key',
			hint: 'Paste the PEM private key (the text from -----BEGIN … PRIVATE KEY----- to -----END … PRIVATE KEY-----) into the WhatsApp Flow Key credential, or run WhatsApp Flow → Encryption Key → Generate and Upload Key Pair.',
		});
	}
	const cacheKey = createHash('sha256').update(text).update('\0').update(passphrase).digest('hex');
	const cached = keyCache.get(cacheKey);
	if (cached) return cached;
	const key = parsePrivateKey(text, passphrase);
	if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
		throw new FlowKeyError('The Flow Key private key must be an RSA key of at least 2048 bits', {
			field: 'Private Key',
			hint: 'Meta requires a 2048-bit RSA key pair: run WhatsApp Flow → Encryption Key → Generate and Upload Key Pair.',
		});
	}
	if (keyCache.size > 32) keyCache.clear();
	keyCache.set(cacheKey, key);
	return key;
}

/** The PEM parsed, or a FlowKeyError naming the field (passphrase or key) that is wrong. */
function parsePrivateKey(text: string, passphrase: string): KeyObject {
	let failure = '';
	try {
		return createPrivateKey({ key: text, format: 'pem', passphrase: passphrase || undefined });
	} catch (error) {
		failure = (error as Error).message ?? '';
	}
	const wrongPassphrase = /bad decrypt|passphrase|interrupted or cancelled/i.test(failure);
	throw new FlowKeyError(
		wrongPassphrase
			? 'The Flow Key passphrase does not open the private key'
			: 'The Flow Key private key is not a valid PEM key',
		{
			field: wrongPassphrase ? 'Passphrase' : 'Private Key',
			hint: wrongPassphrase
				? 'Type the passphrase the key was generated with into the WhatsApp Flow Key credential (empty for an unencrypted key).'
				: 'Paste the whole PEM text, including the BEGIN and END lines, without extra quotes.',
		},
	);
}

/** n8n credential fields sometimes carry literal "\n" sequences or surrounding quotes. */
function normalisePem(pem: string): string {
	return String(pem ?? '')
		.trim()
		.replace(/^["']|["']$/g, '')
		.replace(/\\n/g, '\n')
		.trim();
}

/** The SPKI PEM public key of a private key (what is uploaded to Meta). */
export function publicKeyPem(privateKey: KeyObject): string {
	return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/** A short, non-secret fingerprint of a public key (SHA-256 of its DER, first 16 hex), to compare keys. */
export function keyFingerprint(key: KeyObject | string): string {
	const pub = typeof key === 'string' ? createPublicKey(key) : createPublicKey(key);
	return createHash('sha256')
		.update(pub.export({ type: 'spki', format: 'der' }))
		.digest('hex')
		.slice(0, 16);
}

/**
 * A new 2048-bit RSA key pair: the public key in SPKI PEM and the private key as PKCS#8 PEM ENCRYPTED with the
 * passphrase (AES-256-CBC), so the private key never exists in clear outside this call.
 */
export function generateFlowKeyPair(passphrase: string): {
	publicKeyPem: string;
	encryptedPrivateKeyPem: string;
	fingerprint: string;
} {
	if (passphrase.trim().length < 12) {
		throw new FlowKeyError('A passphrase of at least 12 characters is needed to generate a key pair', {
			field: 'Passphrase',
			hint: 'Set a long passphrase in the WhatsApp Flow Key credential first: the new private key is only ever output encrypted with it.',
		});
	}
	const pair = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		publicKeyEncoding: { type: 'spki', format: 'pem' },
		privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
	});
	return {
		publicKeyPem: pair.publicKey,
		encryptedPrivateKeyPem: pair.privateKey,
		fingerprint: keyFingerprint(pair.publicKey),
	};
}

function b64(value: unknown, field: string): Buffer {
	if (typeof value !== 'string' || value === '' || !/^[A-Za-z0-9+/=_-]+$/.test(value)) {
		throw new FlowEndpointError(`The request's ${field} is not base64`, 400, { field });
	}
	return Buffer.from(value, 'base64');
}

/** RSA-OAEP-SHA256 of the request's AES key; a key that cannot open it is Meta's 421. */
function decryptAesKey(encryptedAesKey: string, privateKey: KeyObject): Buffer {
	const encryptedKey = b64(encryptedAesKey, 'encrypted_aes_key');
	let aesKey: Buffer | undefined;
	try {
		aesKey = privateDecrypt({ key: privateKey, ...OAEP }, encryptedKey);
	} catch {
		aesKey = undefined;
	}
	if (aesKey) return aesKey;
	throw new FlowEndpointError('The request cannot be decrypted with this private key', 421, {
		code: 'flow_key_mismatch',
		hint: 'The public key at Meta does not match the Flow Key credential: upload this key again (WhatsApp Flow → Encryption Key → Upload Public Key) or put the matching private key in the credential.',
	});
}

/**
 * Decrypts one request. A key that cannot open the AES key (the public key at Meta was rotated, or the wrong key
 * is in the credential) is Meta's 421: the client then fetches the current public key and retries.
 */
export function decryptFlowRequest(body: EncryptedFlowRequest, privateKey: KeyObject): DecryptedFlowRequest {
	const aesKey = decryptAesKey(body.encrypted_aes_key, privateKey);
	const data = b64(body.encrypted_flow_data, 'encrypted_flow_data');
	const iv = b64(body.initial_vector, 'initial_vector');
	if (aesKey.length !== 16 || data.length <= TAG_LENGTH || iv.length === 0) {
		throw new FlowEndpointError('The request is not a WhatsApp Flows AES-128-GCM payload', 421, {
			code: 'flow_payload_invalid',
		});
	}
	let plain: Buffer | undefined;
	try {
		const decipher = createDecipheriv('aes-128-gcm', aesKey, iv);
		decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
		plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]);
	} catch {
		plain = undefined;
	}
	if (!plain)
		throw new FlowEndpointError('The request body failed AES-GCM authentication', 421, {
			code: 'flow_payload_invalid',
		});
	let payload: unknown = undefined;
	let parsed = false;
	try {
		payload = JSON.parse(plain.toString('utf8'));
		parsed = true;
	} catch {
		parsed = false;
	}
	if (!parsed)
		throw new FlowEndpointError('The decrypted request is not JSON', 400, { code: 'flow_payload_invalid' });
	return { payload, aesKey, iv };
}

/** Meta's flipped IV: every byte inverted. */
export function flipIv(iv: Buffer): Buffer {
	const out = Buffer.allocUnsafe(iv.length);
	for (let i = 0; i < iv.length; i++) out[i] = ~iv[i] & 0xff;
	return out;
}

/** Encrypts the endpoint's answer: AES-128-GCM, same key, flipped IV, tag appended, base64. */
export function encryptFlowResponse(response: unknown, session: FlowSessionKey): string {
	const cipher = createCipheriv('aes-128-gcm', session.aesKey, flipIv(session.iv));
	return Buffer.concat([
		cipher.update(JSON.stringify(response), 'utf8'),
		cipher.final(),
		cipher.getAuthTag(),
	]).toString('base64');
}

/**
 * The WhatsApp client's side (simulator, tests, benchmarks): encrypts a request to the business public key with
 * a fresh AES key and IV, and returns what is needed to read the answer.
 */
export function encryptFlowRequest(
	payload: unknown,
	publicKey: KeyObject | string,
): { body: EncryptedFlowRequest; session: FlowSessionKey } {
	const aesKey = randomBytes(16);
	const iv = randomBytes(16);
	const cipher = createCipheriv('aes-128-gcm', aesKey, iv);
	const data = Buffer.concat([
		cipher.update(JSON.stringify(payload), 'utf8'),
		cipher.final(),
		cipher.getAuthTag(),
	]);
	return {
		body: {
			encrypted_flow_data: data.toString('base64'),
			encrypted_aes_key: publicEncrypt({ key: publicKey, ...OAEP }, aesKey).toString('base64'),
			initial_vector: iv.toString('base64'),
		},
		session: { aesKey, iv },
	};
}

/** The client reading the endpoint's answer; throws when it was not encrypted as Meta specifies. */
export function decryptFlowResponse(base64: string, session: FlowSessionKey): unknown {
	const data = Buffer.from(base64.trim(), 'base64');
	if (data.length <= TAG_LENGTH) throw new Error('response too short to be AES-GCM with a tag');
	const decipher = createDecipheriv('aes-128-gcm', session.aesKey, flipIv(session.iv));
	decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
	const plain = Buffer.concat([
		decipher.update(data.subarray(0, data.length - TAG_LENGTH)),
		decipher.final(),
	]);
	return JSON.parse(plain.toString('utf8'));
}

/** The Respond step's view of a request: the AES key recovered from what the trigger's item carries. */
export function recoverFlowSession(
	flowSession: { encryptedAesKey?: unknown; initialVector?: unknown } | undefined,
	privateKey: KeyObject,
): FlowSessionKey {
	if (
		!flowSession ||
		typeof flowSession.encryptedAesKey !== 'string' ||
		typeof flowSession.initialVector !== 'string'
	) {
		throw new FlowEndpointError('The item carries no Flow session to answer', 400, {
			code: 'flow_session_missing',
			field: 'Flow Session',
			hint: 'WhatsApp Flow → Respond must run in a workflow started by WhatsApp Flow Trigger, on the trigger’s item (keep its flowSession field).',
		});
	}
	const aesKey = decryptAesKey(flowSession.encryptedAesKey, privateKey);
	const iv = b64(flowSession.initialVector, 'initial_vector');
	if (aesKey.length !== 16) throw new FlowEndpointError('The Flow session key is not an AES-128 key', 421);
	return { aesKey, iv };
}
