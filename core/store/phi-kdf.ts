/**
 * PHI key material: how the configured key text becomes the 32-byte root key of one key ID.
 *
 * - 32 random bytes (64 hex chars or base64/base64url) are used as they are (`{ name: 'raw' }`).
 * - A passphrase is stretched with scrypt. New keys use OWASP's current minimum for scrypt, N = 2^17, r = 8, p = 1
 *   (Password Storage Cheat Sheet, https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html:
 *   "use scrypt with a minimum CPU/memory cost parameter of (2^17), a minimum block size of 8 (1024 bytes), and a
 *   parallelization parameter of 1"), salted with the store's random salt (clinic_store_meta) and the key ID, so two
 *   installations with the same passphrase get different keys.
 * - Stores written before that used N = 2^14 and a constant salt per key ID (`LEGACY_SCRYPT`): every ciphertext in
 *   the old `v1:` format was made that way, so v1 data keeps decrypting; Rotate Keys moves it to the new derivation.
 *
 * Which derivation a key ID uses is recorded in `clinic_phi_keys.kdf` (phi-keyring.ts) and never guessed again.
 * Every derivation runs once per process per (key, parameters): scrypt at N = 2^17 costs ~0.3 s and 128 MiB, on
 * libuv's thread pool (async), never on n8n's event loop.
 */
import { createHash, hkdfSync, scrypt, timingSafeEqual } from 'node:crypto';

import { PhiKeyError } from './phi-errors';

export type KdfSpec =
	| { name: 'raw' }
	| {
			name: 'scrypt';
			/** N = 2^log2N. */
			log2N: number;
			r: number;
			p: number;
			/** base64 store salt, or 'legacy' = the constant per-key-ID salt of stores made before key metadata. */
			salt: string;
	  };

/** OWASP Password Storage Cheat Sheet minimum for scrypt (checked 2025): N = 2^17, r = 8, p = 1. */
export const OWASP_SCRYPT = { log2N: 17, r: 8, p: 1 } as const;

/** How v1 ciphertexts (and their digests) were made from a passphrase. Never used for new data. */
export const LEGACY_SCRYPT: KdfSpec = { name: 'scrypt', log2N: 14, r: 8, p: 1, salt: 'legacy' };

export const KEY_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

export type KeyText = { kind: 'raw'; bytes: Buffer } | { kind: 'passphrase'; text: string };

/** Classifies the configured key text; empty and short keys are refused with the fix. */
export function classifyKey(key: string, keyId: string): KeyText {
	const trimmed = key.trim();
	if (!trimmed)
		throw new PhiKeyError('PHI encryption key is empty', keyId, {
			code: 'phi_key_invalid',
			field: 'PHI Encryption Key',
			hint: 'Set 32 random bytes (base64 or hex, e.g. `openssl rand -base64 32`) or a passphrase of at least 16 characters in the Clinic Store credential.',
		});
	if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return { kind: 'raw', bytes: Buffer.from(trimmed, 'hex') };
	if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) {
		const buf = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
		if (buf.length === 32) return { kind: 'raw', bytes: buf };
	}
	if (trimmed.length < 16) {
		throw new PhiKeyError(
			'PHI encryption key is too short: use 32 random bytes (base64/hex, e.g. `openssl rand -base64 32`) or a passphrase of at least 16 characters',
			keyId,
			{ code: 'phi_key_invalid', field: 'PHI Encryption Key' },
		);
	}
	return { kind: 'passphrase', text: trimmed };
}

export function checkKeyId(keyId: string, field = 'PHI Key ID'): void {
	if (!KEY_ID_RE.test(keyId))
		throw new PhiKeyError(
			`PHI key id "${keyId}" is invalid: use 1-64 letters, digits, dot, dash or underscore`,
			keyId,
			{ code: 'phi_key_invalid', field },
		);
}

/**
 * The derivation for a key ID seen for the first time in a store. `testOnlyLog2N` lowers the scrypt cost for test
 * suites (PhiKeyConfig.testOnlyScryptLog2N); the credential never sets it.
 */
export function newKdfSpec(key: string, keyId: string, storeSalt: string, testOnlyLog2N?: number): KdfSpec {
	if (classifyKey(key, keyId).kind === 'raw') return { name: 'raw' };
	const log2N = testOnlyLog2N ?? OWASP_SCRYPT.log2N;
	if (!Number.isInteger(log2N) || log2N < 4 || log2N > 20)
		throw new Error('testOnlyScryptLog2N must be a whole number from 4 to 20');
	return { name: 'scrypt', log2N, r: OWASP_SCRYPT.r, p: OWASP_SCRYPT.p, salt: storeSalt };
}

export function parseKdfSpec(text: string, keyId: string): KdfSpec {
	const spec = JSON.parse(text) as KdfSpec;
	if (spec?.name === 'raw') return spec;
	if (
		spec?.name === 'scrypt' &&
		Number.isInteger(spec.log2N) &&
		Number.isInteger(spec.r) &&
		Number.isInteger(spec.p) &&
		typeof spec.salt === 'string'
	)
		return spec;
	throw new PhiKeyError(`The stored key derivation of PHI key id "${keyId}" is not readable`, keyId, {
		code: 'phi_key_metadata',
		hint: 'The table clinic_phi_keys was edited by hand: restore it from a backup.',
	});
}

const cache = new Map<string, Promise<Buffer>>();

function scryptAsync(text: string, salt: Buffer, spec: { log2N: number; r: number; p: number }) {
	const N = 2 ** spec.log2N;
	return new Promise<Buffer>((resolve, reject) =>
		scrypt(text, salt, 32, { N, r: spec.r, p: spec.p, maxmem: 256 * N * spec.r + 1024 * 1024 }, (e, k) =>
			e ? reject(e) : resolve(k),
		),
	);
}

/** The 32-byte root key of `keyId` under `spec`. A key of the wrong kind for `spec` is a mismatch. */
export async function deriveRootKey(key: string, keyId: string, spec: KdfSpec): Promise<Buffer> {
	const text = classifyKey(key, keyId);
	if (spec.name === 'raw') {
		if (text.kind !== 'raw') throw keyMismatch(keyId);
		return text.bytes;
	}
	if (text.kind !== 'passphrase') throw keyMismatch(keyId);
	// Secrets only enter the cache key through a hash.
	const id = createHash('sha256')
		.update(JSON.stringify([spec, keyId, text.text]))
		.digest('base64');
	let derived = cache.get(id);
	if (!derived) {
		const salt =
			spec.salt === 'legacy'
				? Buffer.from(`n8n-nodes-whatsapp-clinic/phi/${keyId}`)
				: Buffer.concat([Buffer.from(spec.salt, 'base64'), Buffer.from(`/${keyId}`)]);
		derived = scryptAsync(text.text, salt, spec);
		cache.set(id, derived);
		derived.catch(() => cache.delete(id));
	}
	return await derived;
}

/** Key check value: a non-secret fingerprint of a root key (HKDF, its own label), stored per key ID. */
export function keyCheckValue(root: Buffer): string {
	return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'clinic-phi-key-check', 16)).toString('hex');
}

export function sameCheckValue(a: string, b: string): boolean {
	const x = Buffer.from(a, 'hex');
	const y = Buffer.from(b, 'hex');
	return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function keyMismatch(keyId: string, current = true): PhiKeyError {
	return new PhiKeyError(
		`This PHI key does not match the data stored under key ID "${keyId}"; restore it or add it under Previous Keys`,
		keyId,
		{
			code: 'phi_key_mismatch',
			field: current ? 'PHI Encryption Key' : 'Previous Keys',
			hint: current
				? `Put back the key that was used with PHI Key ID "${keyId}". To start a new key, give it a new PHI Key ID and add the old key (with ID "${keyId}") under Previous Keys. Nothing was changed.`
				: `The key entered under Previous Keys for "${keyId}" is not the one that encrypted that data: enter the key that was used then. Nothing was changed.`,
		},
	);
}
