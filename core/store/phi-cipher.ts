/**
 * Field-level encryption for PHI (AES-256-GCM, random 12-byte IV, key id inside every ciphertext) and keyed
 * digests (HMAC-SHA-256) for lookup columns. Key material: 32 bytes as base64 or 64 hex chars, or a passphrase
 * stretched with scrypt (salt bound to the key id, so the same passphrase always yields the same key).
 */
import { ClinicError } from '../errors';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scryptSync } from 'node:crypto';

import type { PhiCipher, PhiKeyConfig } from './ports';

const FORMAT = 'v1';
const KEY_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

interface KeyMaterial {
	keyId: string;
	encKey: Buffer;
	macKey: Buffer;
}

const derivedCache = new Map<string, Buffer>();

/** IVs come from a pool of CSPRNG bytes refilled 4 KiB at a time (one syscall per ~340 encryptions). */
const ivPool = { buf: Buffer.alloc(0), at: 0 };
function nextIv(): Buffer {
	if (ivPool.at + 12 > ivPool.buf.length) {
		ivPool.buf = randomBytes(4092);
		ivPool.at = 0;
	}
	const iv = ivPool.buf.subarray(ivPool.at, ivPool.at + 12);
	ivPool.at += 12;
	return iv;
}

/** Turns the configured key string into 32 bytes. */
export function parseKeyMaterial(key: string, keyId: string): Buffer {
	const trimmed = key.trim();
	if (!trimmed)
		throw new Error(
			'PHI encryption key is empty: set a 32-byte key (base64 or hex) or a long passphrase in the Clinic Store credential',
		);
	if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
	if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) {
		const buf = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
		if (buf.length === 32) return buf;
	}
	if (trimmed.length < 16) {
		throw new Error(
			'PHI encryption key is too short: use 32 random bytes (base64/hex, e.g. `openssl rand -base64 32`) or a passphrase of at least 16 characters',
		);
	}
	const cacheKey = `${keyId}\u0000${trimmed}`;
	let derived = derivedCache.get(cacheKey);
	if (!derived) {
		derived = scryptSync(trimmed, `n8n-nodes-whatsapp-clinic/phi/${keyId}`, 32, { N: 16384, r: 8, p: 1 });
		derivedCache.set(cacheKey, derived);
	}
	return derived;
}

function material(keyId: string, key: string): KeyMaterial {
	if (!KEY_ID_RE.test(keyId))
		throw new Error(`PHI key id "${keyId}" is invalid: use 1-64 letters, digits, dot, dash or underscore`);
	const raw = parseKeyMaterial(key, keyId);
	const encKey = Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), 'clinic-phi-enc', 32));
	const macKey = Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), 'clinic-phi-mac', 32));
	return { keyId, encKey, macKey };
}

export class PhiKeyError extends ClinicError {
	constructor(
		message: string,
		readonly keyId: string,
		hint = 'Open the Clinic Store credential and add the key used for these entries under Previous Keys. The stored data is unchanged.',
	) {
		super(message, { code: 'phi_key', hint, kind: 'config' });
		this.name = 'PhiKeyError';
	}
}

export function createPhiCipher(config: PhiKeyConfig): PhiCipher {
	const current = material(config.keyId, config.key);
	const byId = new Map<string, KeyMaterial>([[current.keyId, current]]);
	for (const prev of config.previousKeys ?? []) {
		if (!prev.key) continue;
		if (byId.has(prev.keyId))
			throw new Error(`PHI key id "${prev.keyId}" is configured twice: every key needs its own id`);
		byId.set(prev.keyId, material(prev.keyId, prev.key));
	}
	const all = [...byId.values()];
	const hmac = (k: KeyMaterial, value: string) =>
		createHmac('sha256', k.macKey).update(value, 'utf8').digest('hex');

	return {
		keyId: current.keyId,
		encrypt(plain: string): string {
			const iv = nextIv();
			const cipher = createCipheriv('aes-256-gcm', current.encKey, iv);
			cipher.setAAD(Buffer.from(`${FORMAT}:${current.keyId}`));
			const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
			const tag = cipher.getAuthTag();
			return `${FORMAT}:${current.keyId}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
		},
		decrypt(ciphertext: string): string {
			const parts = ciphertext.split(':');
			if (parts.length !== 5 || parts[0] !== FORMAT) {
				throw new Error(
					'Stored PHI value is not in the expected "v1:<keyId>:<iv>:<tag>:<ciphertext>" format',
				);
			}
			const [, keyId, ivB64, tagB64, ctB64] = parts;
			const key = byId.get(keyId);
			if (!key) {
				throw new PhiKeyError(
					`This entry was encrypted with PHI key id "${keyId}", which is not configured. ` +
						`Add that key as a previous key in the Clinic Store credential (current key id: "${current.keyId}"). Nothing was changed.`,
					keyId,
				);
			}
			let plain: string | undefined;
			try {
				const decipher = createDecipheriv('aes-256-gcm', key.encKey, Buffer.from(ivB64, 'base64url'));
				decipher.setAAD(Buffer.from(`${FORMAT}:${keyId}`));
				decipher.setAuthTag(Buffer.from(tagB64, 'base64url'));
				plain = Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString(
					'utf8',
				);
			} catch {
				plain = undefined;
			}
			if (plain === undefined) {
				throw new PhiKeyError(
					`PHI encryption key does not match key id "${keyId}" used for this entry (or the entry was altered) — ` +
						`set the key that was used then as a previous key with id "${keyId}". Nothing was changed.`,
					keyId,
				);
			}
			return plain;
		},
		digest(value: string): string {
			return hmac(current, value);
		},
		lookupDigests(value: string): string[] {
			return all.map((k) => hmac(k, value));
		},
	};
}
