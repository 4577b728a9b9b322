import { randomBytes } from 'node:crypto';

import { PhiKeyError } from '../../../core/store/phi-errors';
import {
	LEGACY_SCRYPT,
	OWASP_SCRYPT,
	classifyKey,
	deriveRootKey,
	keyCheckValue,
	newKdfSpec,
	parseKdfSpec,
} from '../../../core/store/phi-kdf';
import { FIXTURE, legacyRoot } from './legacy-v1';

const PASS = 'correct horse battery staple';
const salt = () => randomBytes(16).toString('base64');

describe('PHI key derivation (item 9)', () => {
	it("new passphrase keys get OWASP's scrypt cost (N = 2^17, r = 8, p = 1) and the store's salt; raw keys stay raw", () => {
		const s = salt();
		expect(OWASP_SCRYPT).toEqual({ log2N: 17, r: 8, p: 1 });
		expect(newKdfSpec(PASS, 'k1', s)).toEqual({ name: 'scrypt', log2N: 17, r: 8, p: 1, salt: s });
		expect(newKdfSpec('ab'.repeat(32), 'k1', s)).toEqual({ name: 'raw' });
		expect(newKdfSpec(PASS, 'k1', s, 10)).toMatchObject({ log2N: 10 });
		expect(() => newKdfSpec(PASS, 'k1', s, 2)).toThrow(/testOnlyScryptLog2N/);
	});

	it('the same passphrase gives different keys in different stores (random salt), the same key in the same store', async () => {
		const [a, b] = [salt(), salt()];
		const spec = (s: string) => newKdfSpec(PASS, 'k1', s, 10);
		const inA = await deriveRootKey(PASS, 'k1', spec(a));
		expect(await deriveRootKey(PASS, 'k1', spec(b))).not.toEqual(inA);
		expect(await deriveRootKey(PASS, 'k1', spec(a))).toEqual(inA);
		// The key ID is part of the salt: one passphrase under two IDs gives two keys.
		expect(await deriveRootKey(PASS, 'k2', newKdfSpec(PASS, 'k2', a, 10))).not.toEqual(inA);
	});

	it('derives once per process per key: the second open costs nothing (N = 2^17 takes ~0.3 s)', async () => {
		const spec = newKdfSpec(`${PASS} ${randomBytes(4).toString('hex')}`, 'k1', salt());
		const key = `${PASS} cache-test`;
		const t0 = performance.now();
		const first = await deriveRootKey(key, 'k1', spec);
		const firstMs = performance.now() - t0;
		const t1 = performance.now();
		const again = await deriveRootKey(key, 'k1', spec);
		expect(performance.now() - t1).toBeLessThan(Math.max(20, firstMs / 5));
		expect(again).toBe(first);
	});

	it('stores from before keep their derivation: legacy scrypt (N = 2^14, constant salt per key ID)', async () => {
		expect(LEGACY_SCRYPT).toEqual({ name: 'scrypt', log2N: 14, r: 8, p: 1, salt: 'legacy' });
		expect(await deriveRootKey(FIXTURE.passphrase, FIXTURE.passKeyId, LEGACY_SCRYPT)).toEqual(
			legacyRoot(FIXTURE.passphrase, FIXTURE.passKeyId),
		);
		expect(parseKdfSpec(JSON.stringify(LEGACY_SCRYPT), 'k')).toEqual(LEGACY_SCRYPT);
		expect(() => parseKdfSpec('{"name":"md5"}', 'k')).toThrow(/not readable/);
	});

	it('a key of the other kind than recorded is a mismatch; empty and short keys name the field', async () => {
		await expect(deriveRootKey(PASS, 'k1', { name: 'raw' })).rejects.toMatchObject({
			code: 'phi_key_mismatch',
		});
		await expect(deriveRootKey('ab'.repeat(32), 'k1', LEGACY_SCRYPT)).rejects.toThrow(PhiKeyError);
		expect(() => classifyKey('', 'k1')).toThrow(/PHI encryption key is empty/);
		expect(() => classifyKey('short', 'k1')).toThrow(/too short.*openssl rand -base64 32/);
		expect(() => classifyKey('short', 'k1')).toThrow(
			expect.objectContaining({ field: 'PHI Encryption Key', code: 'phi_key_invalid' }),
		);
		const raw = randomBytes(32);
		expect(classifyKey(raw.toString('base64url'), 'k')).toEqual({ kind: 'raw', bytes: raw });
		expect(classifyKey(raw.toString('base64'), 'k')).toEqual({ kind: 'raw', bytes: raw });
	});

	it('check values fingerprint a key without revealing it', () => {
		const root = randomBytes(32);
		expect(keyCheckValue(root)).toMatch(/^[0-9a-f]{32}$/);
		expect(keyCheckValue(root)).toBe(keyCheckValue(Buffer.from(root)));
		expect(keyCheckValue(randomBytes(32))).not.toBe(keyCheckValue(root));
		expect(keyCheckValue(root)).not.toContain(root.toString('hex').slice(0, 8));
	});
});
