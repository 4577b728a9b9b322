import { randomBytes } from 'node:crypto';

import { createPhiCipher, PhiKeyError } from '../../../core/store/phi-cipher';
import { FIXTURE, legacyRoot, v1Digest, v1Encrypt } from './legacy-v1';

const at = (row: number | string, column = 'text_enc', table = 'consent_event') => ({ table, column, row });
const material = (keyId: string, root = randomBytes(32)) => ({ keyId, root });

/** Replaces the tag part of a ciphertext. */
function withTag(ciphertext: string, change: (tag: Buffer) => Buffer): string {
	const parts = ciphertext.split(':');
	parts[3] = change(Buffer.from(parts[3], 'base64url')).toString('base64url');
	return parts.join(':');
}

describe('PHI cipher', () => {
	const k1 = material('k-2025');

	it('round-trips text (unicode included) in format v2 with a fresh IV every time and the key id inside', () => {
		const c = createPhiCipher(k1);
		const text = 'Olá, Maria! Consulta amanhã às 14h30 — dor no peito? 🩺';
		const a = c.encrypt(text, at(1));
		const b = c.encrypt(text, at(1));
		expect(a).not.toBe(b);
		expect(a.split(':')).toHaveLength(5);
		expect(a.startsWith('v2:k-2025:')).toBe(true);
		expect(a).not.toContain('Maria');
		expect(c.decrypt(a, at(1))).toBe(text);
		expect(c.decrypt(b, at(1))).toBe(text);
		const ivs = new Set(Array.from({ length: 1000 }, () => c.encrypt('x', at(1)).split(':')[2]));
		expect(ivs.size).toBe(1000);
		expect(c.isCurrent(a)).toBe(true);
	});

	it('binds a ciphertext to its table, column and row: copied anywhere else it does not decrypt (item 6)', () => {
		const c = createPhiCipher(k1);
		const ct = c.encrypt('PARAR', at(7));
		expect(c.decrypt(ct, at(7))).toBe('PARAR');
		for (const elsewhere of [at(8), at('7 '), at(7, 'phone_enc'), at(7, 'text_enc', 'clinic_bookings')]) {
			expect(() => c.decrypt(ct, elsewhere)).toThrow(PhiKeyError);
			expect(() => c.decrypt(ct, elsewhere)).toThrow(/altered or moved/);
		}
		// Numbers and their text are the same row key (SQLite and Postgres return ids as numbers).
		expect(c.decrypt(ct, at('7'))).toBe('PARAR');
		expect(() => c.encrypt('x', { table: 't', column: 'c', row: '' })).toThrow(/need their place/);
	});

	it('refuses a tag shorter than 16 bytes, even a true prefix of the right tag (item 6)', () => {
		const c = createPhiCipher(k1);
		const ct = c.encrypt('secret', at(1));
		for (const bytes of [4, 8, 12, 15]) {
			expect(() =>
				c.decrypt(
					withTag(ct, (t) => t.subarray(0, bytes)),
					at(1),
				),
			).toThrow(PhiKeyError);
		}
		expect(() =>
			c.decrypt(
				withTag(ct, (t) => Buffer.concat([t, Buffer.from([0])])),
				at(1),
			),
		).toThrow(PhiKeyError);
		// Old v1 values get the same check.
		const legacy = createPhiCipher({ keyId: FIXTURE.rawKeyId, root: Buffer.from(FIXTURE.rawKey, 'hex') });
		expect(() =>
			legacy.decrypt(
				withTag(FIXTURE.rawCt, (t) => t.subarray(0, 8)),
				at(1),
			),
		).toThrow(PhiKeyError);
		expect(legacy.decrypt(FIXTURE.rawCt, at(1))).toBe('Olá');
	});

	it('still reads v1 values written before (no place binding), with the legacy derivation when it differs', () => {
		const pass = createPhiCipher({
			keyId: FIXTURE.passKeyId,
			root: randomBytes(32), // the new derivation: not what v1 used
			legacyRoot: legacyRoot(FIXTURE.passphrase, FIXTURE.passKeyId),
		});
		expect(pass.decrypt(FIXTURE.passCt, at(99, 'anything', 'anywhere'))).toBe('+5511987654321');
		expect(pass.isCurrent(FIXTURE.passCt)).toBe(false);
		// Lookups find rows digested the old way as well as the new way.
		expect(pass.lookupDigests('5511987654321')).toEqual([pass.digest('5511987654321'), FIXTURE.passDigest]);
		expect(v1Digest(FIXTURE.passphrase, FIXTURE.passKeyId, '5511987654321')).toBe(FIXTURE.passDigest);
		expect(pass.decrypt(v1Encrypt(FIXTURE.passphrase, FIXTURE.passKeyId, 'x'), at(1))).toBe('x');
		// A raw key's v1 data used the same root: one digest per value.
		const raw = Buffer.from(FIXTURE.rawKey, 'hex');
		const rawCipher = createPhiCipher({ keyId: FIXTURE.rawKeyId, root: raw, legacyRoot: Buffer.from(raw) });
		expect(rawCipher.lookupDigests('5511987654321')).toEqual([FIXTURE.rawDigest]);
	});

	it('wrong key for the same id: clear error naming the key id; nothing decrypts to garbage', () => {
		const right = createPhiCipher(material('k1', k1.root));
		const wrong = createPhiCipher(material('k1'));
		const ct = right.encrypt('secret', at(1));
		expect(() => wrong.decrypt(ct, at(1))).toThrow(PhiKeyError);
		expect(() => wrong.decrypt(ct, at(1))).toThrow(
			'PHI encryption key does not match key id "k1" used for this entry (or the entry was altered or moved) — set the key that was used then as a previous key with id "k1". Nothing was changed.',
		);
		expect(right.decrypt(ct, at(1))).toBe('secret');
	});

	it('rotation: previous keys decrypt and look up old values; a missing old key is named', () => {
		const old = createPhiCipher(material('k1', k1.root));
		const oldCt = old.encrypt('before', at(1));
		const rotated = createPhiCipher(material('k2'), [material('k1', k1.root)]);
		expect(rotated.decrypt(oldCt, at(1))).toBe('before');
		expect(rotated.isCurrent(oldCt)).toBe(false);
		expect(rotated.encrypt('after', at(1)).startsWith('v2:k2:')).toBe(true);
		expect(rotated.keyIds()).toEqual(['k2', 'k1']);
		expect(rotated.lookupDigests('5511987654321')).toEqual([
			rotated.digest('5511987654321'),
			old.digest('5511987654321'),
		]);
		const onlyNew = createPhiCipher(material('k2'));
		expect(() => onlyNew.decrypt(oldCt, at(1))).toThrow(
			/key id "k1", which is not configured.*current key id: "k2"/,
		);
		expect(() => createPhiCipher(material('k1'), [material('k1')])).toThrow(/configured twice/);
	});

	it('detects an altered ciphertext and a malformed value', () => {
		const c = createPhiCipher(k1);
		const parts = c.encrypt('do not touch', at(1)).split(':');
		const ct = Buffer.from(parts[4], 'base64url');
		ct[0] ^= 1;
		parts[4] = ct.toString('base64url');
		expect(() => c.decrypt(parts.join(':'), at(1))).toThrow(/or the entry was altered/);
		expect(() => c.decrypt('plain text', at(1))).toThrow(
			/expected "v2:<keyId>:<iv>:<tag>:<ciphertext>" format/,
		);
	});

	it('digests are keyed: different keys give different digests, never the plaintext', () => {
		const a = createPhiCipher(material('a'));
		const b = createPhiCipher(material('b'));
		expect(a.digest('5511987654321')).toMatch(/^[0-9a-f]{64}$/);
		expect(a.digest('5511987654321')).not.toBe(b.digest('5511987654321'));
		expect(a.digest('5511987654321')).not.toBe(a.digest('5511987654322'));
	});
});
