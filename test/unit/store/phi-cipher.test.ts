import { randomBytes } from 'node:crypto';

import { createPhiCipher, PhiKeyError } from '../../../core/store/phi-cipher';

describe('PHI cipher', () => {
	const hexKey = randomBytes(32).toString('hex');

	it('round-trips text (unicode included) with a fresh IV every time and the key id inside', () => {
		const c = createPhiCipher({ key: hexKey, keyId: 'k-2025' });
		const text = 'Olá, Maria! Consulta amanhã às 14h30 — dor no peito? 🩺';
		const a = c.encrypt(text);
		const b = c.encrypt(text);
		expect(a).not.toBe(b);
		expect(a.split(':')).toHaveLength(5);
		expect(a.startsWith('v1:k-2025:')).toBe(true);
		expect(a).not.toContain('Maria');
		expect(c.decrypt(a)).toBe(text);
		expect(c.decrypt(b)).toBe(text);
		const ivs = new Set(Array.from({ length: 1000 }, () => c.encrypt('x').split(':')[2]));
		expect(ivs.size).toBe(1000);
	});

	it('accepts base64 / base64url / hex keys and passphrases, and the same material gives the same key', () => {
		const raw = randomBytes(32);
		const fromHex = createPhiCipher({ key: raw.toString('hex'), keyId: 'k' });
		const fromB64 = createPhiCipher({ key: raw.toString('base64'), keyId: 'k' });
		const fromB64Url = createPhiCipher({ key: raw.toString('base64url'), keyId: 'k' });
		const ct = fromHex.encrypt('same key');
		expect(fromB64.decrypt(ct)).toBe('same key');
		expect(fromB64Url.decrypt(ct)).toBe('same key');
		const p1 = createPhiCipher({ key: 'correct horse battery staple', keyId: 'pp' });
		const p2 = createPhiCipher({ key: 'correct horse battery staple', keyId: 'pp' });
		expect(p2.decrypt(p1.encrypt('passphrase'))).toBe('passphrase');
		expect(p1.digest('5511987654321')).toBe(p2.digest('5511987654321'));
	});

	it('rejects empty, short keys and bad key ids with a message naming the fix', () => {
		expect(() => createPhiCipher({ key: '', keyId: 'k' })).toThrow(/PHI encryption key is empty/);
		expect(() => createPhiCipher({ key: 'short', keyId: 'k' })).toThrow(/too short.*openssl rand -base64 32/);
		expect(() => createPhiCipher({ key: hexKey, keyId: 'has space' })).toThrow(
			/key id "has space" is invalid/,
		);
	});

	it('wrong key for the same id: clear error naming the key id; nothing decrypts to garbage', () => {
		const right = createPhiCipher({ key: hexKey, keyId: 'k1' });
		const wrong = createPhiCipher({ key: randomBytes(32).toString('hex'), keyId: 'k1' });
		const ct = right.encrypt('secret');
		expect(() => wrong.decrypt(ct)).toThrow(PhiKeyError);
		expect(() => wrong.decrypt(ct)).toThrow(
			'PHI encryption key does not match key id "k1" used for this entry (or the entry was altered) — set the key that was used then as a previous key with id "k1". Nothing was changed.',
		);
		expect(right.decrypt(ct)).toBe('secret');
	});

	it('rotation: previous keys decrypt and look up old values; a missing old key is named', () => {
		const old = createPhiCipher({ key: hexKey, keyId: 'k1' });
		const oldCt = old.encrypt('before');
		const rotated = createPhiCipher({
			key: randomBytes(32).toString('base64'),
			keyId: 'k2',
			previousKeys: [{ keyId: 'k1', key: hexKey }],
		});
		expect(rotated.decrypt(oldCt)).toBe('before');
		expect(rotated.encrypt('after').startsWith('v1:k2:')).toBe(true);
		expect(rotated.lookupDigests('5511987654321')).toEqual([
			rotated.digest('5511987654321'),
			old.digest('5511987654321'),
		]);
		const onlyNew = createPhiCipher({ key: randomBytes(32).toString('hex'), keyId: 'k2' });
		expect(() => onlyNew.decrypt(oldCt)).toThrow(
			/key id "k1", which is not configured.*current key id: "k2"/,
		);
		expect(() =>
			createPhiCipher({ key: hexKey, keyId: 'k1', previousKeys: [{ keyId: 'k1', key: hexKey }] }),
		).toThrow(/configured twice/);
	});

	it('detects an altered ciphertext and a malformed value', () => {
		const c = createPhiCipher({ key: hexKey, keyId: 'k1' });
		const parts = c.encrypt('do not touch').split(':');
		const ct = Buffer.from(parts[4], 'base64url');
		ct[0] ^= 1;
		parts[4] = ct.toString('base64url');
		expect(() => c.decrypt(parts.join(':'))).toThrow(/or the entry was altered/);
		expect(() => c.decrypt('plain text')).toThrow(/expected "v1:<keyId>:<iv>:<tag>:<ciphertext>" format/);
	});

	it('digests are keyed: different keys give different digests, never the plaintext', () => {
		const a = createPhiCipher({ key: hexKey, keyId: 'a' });
		const b = createPhiCipher({ key: randomBytes(32).toString('hex'), keyId: 'b' });
		expect(a.digest('5511987654321')).toMatch(/^[0-9a-f]{64}$/);
		expect(a.digest('5511987654321')).not.toBe(b.digest('5511987654321'));
		expect(a.digest('5511987654321')).not.toBe(a.digest('5511987654322'));
	});
});
