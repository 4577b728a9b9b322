/**
 * Field-level encryption for PHI (AES-256-GCM, random 12-byte IV, 16-byte tag, key ID inside every ciphertext) and
 * keyed digests (HMAC-SHA-256) for lookup columns.
 *
 * Ciphertext formats (base64url parts):
 * - `v2:<keyId>:<iv>:<tag>:<ct>` (written now). The additional authenticated data binds the ciphertext to its place,
 *   `["v2", table, column, row key, keyId]`, so a value copied to another row or column does not decrypt.
 * - `v1:<keyId>:<iv>:<tag>:<ct>` (read only): AAD `v1:<keyId>`, key from the legacy derivation of that key ID.
 *   Rotate Keys rewrites these as v2.
 * A tag that is not exactly 16 bytes is refused (GCM would otherwise accept truncated tags).
 *
 * The cipher is built by phi-keyring.ts from root keys it has checked against the store's key metadata.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

import { PhiKeyError, duplicateKeyId } from './phi-errors';
import type { PhiCipher, PhiPlace } from './ports';

export { PhiKeyError } from './phi-errors';

const TAG_BYTES = 16;

/** The root keys of one key ID: `root` for v2 data; `legacyRoot` for v1 data when its derivation differs. */
export interface PhiKeyMaterial {
	keyId: string;
	root: Buffer;
	legacyRoot?: Buffer;
}

interface Keys {
	enc: Buffer;
	mac: Buffer;
}

interface KeyEntry extends Keys {
	keyId: string;
	legacy: Keys;
}

function subkeys(root: Buffer): Keys {
	return {
		enc: Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'clinic-phi-enc', 32)),
		mac: Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'clinic-phi-mac', 32)),
	};
}

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

function placeAad(place: PhiPlace, keyId: string): Buffer {
	if (
		!place ||
		!place.table ||
		!place.column ||
		place.row === undefined ||
		place.row === null ||
		place.row === ''
	)
		throw new Error('PHI ciphertexts need their place: table, column and row key');
	return Buffer.from(JSON.stringify(['v2', place.table, place.column, String(place.row), keyId]), 'utf8');
}

/** `v1`/`v2` and the key ID of a stored ciphertext, or null when the value is not one. */
export function ciphertextKey(ciphertext: string): { version: 'v1' | 'v2'; keyId: string } | null {
	const m = /^(v[12]):([A-Za-z0-9._-]{1,64}):/.exec(ciphertext);
	return m ? { version: m[1] as 'v1' | 'v2', keyId: m[2] } : null;
}

export function createPhiCipher(
	current: PhiKeyMaterial,
	previous: readonly PhiKeyMaterial[] = [],
): PhiCipher {
	const byId = new Map<string, KeyEntry>();
	for (const m of [current, ...previous]) {
		if (byId.has(m.keyId)) throw duplicateKeyId(m.keyId);
		const main = subkeys(m.root);
		// Raw keys: v1 data used the same root, so the legacy subkeys are the main ones (one digest per key).
		const legacy = m.legacyRoot && !m.legacyRoot.equals(m.root) ? subkeys(m.legacyRoot) : main;
		byId.set(m.keyId, { keyId: m.keyId, ...main, legacy });
	}
	const cur = byId.get(current.keyId)!;
	const hmac = (mac: Buffer, value: string) => createHmac('sha256', mac).update(value, 'utf8').digest('hex');
	const currentPrefix = `v2:${cur.keyId}:`;

	return {
		keyId: cur.keyId,
		encrypt(plain: string, place: PhiPlace): string {
			const iv = nextIv();
			const cipher = createCipheriv('aes-256-gcm', cur.enc, iv, { authTagLength: TAG_BYTES });
			cipher.setAAD(placeAad(place, cur.keyId));
			const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
			const tag = cipher.getAuthTag();
			return `${currentPrefix}${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
		},
		decrypt(ciphertext: string, place: PhiPlace): string {
			const parts = ciphertext.split(':');
			if (parts.length !== 5 || (parts[0] !== 'v1' && parts[0] !== 'v2')) {
				throw new Error(
					'Stored PHI value is not in the expected "v2:<keyId>:<iv>:<tag>:<ciphertext>" format',
				);
			}
			const [version, keyId, ivB64, tagB64, ctB64] = parts;
			const key = byId.get(keyId);
			if (!key) {
				throw new PhiKeyError(
					`This entry was encrypted with PHI key id "${keyId}", which is not configured. ` +
						`Add that key as a previous key in the Clinic Store credential (current key id: "${cur.keyId}"). Nothing was changed.`,
					keyId,
					{ field: 'Previous Keys' },
				);
			}
			const tag = Buffer.from(tagB64, 'base64url');
			let plain: string | undefined;
			if (tag.length === TAG_BYTES) {
				try {
					const v1 = version === 'v1';
					const decipher = createDecipheriv(
						'aes-256-gcm',
						v1 ? key.legacy.enc : key.enc,
						Buffer.from(ivB64, 'base64url'),
						{ authTagLength: TAG_BYTES },
					);
					decipher.setAAD(v1 ? Buffer.from(`v1:${keyId}`) : placeAad(place, keyId));
					decipher.setAuthTag(tag);
					plain = Buffer.concat([
						decipher.update(Buffer.from(ctB64, 'base64url')),
						decipher.final(),
					]).toString('utf8');
				} catch {
					plain = undefined;
				}
			}
			if (plain === undefined) {
				throw new PhiKeyError(
					`PHI encryption key does not match key id "${keyId}" used for this entry (or the entry was altered or moved) — ` +
						`set the key that was used then as a previous key with id "${keyId}". Nothing was changed.`,
					keyId,
				);
			}
			return plain;
		},
		digest(value: string): string {
			return hmac(cur.mac, value);
		},
		lookupDigests(value: string): string[] {
			const out: string[] = [];
			for (const k of byId.values()) {
				out.push(hmac(k.mac, value));
				if (k.legacy.mac !== k.mac) out.push(hmac(k.legacy.mac, value));
			}
			return out;
		},
		isCurrent(ciphertext: string): boolean {
			return ciphertext.startsWith(currentPrefix);
		},
		keyIds(): string[] {
			return [...byId.keys()];
		},
	};
}
