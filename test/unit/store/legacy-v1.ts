/**
 * What the clinic store wrote before key metadata existed (format v1): AES-256-GCM with AAD `v1:<keyId>` and, for
 * passphrases, scrypt N = 2^14 with the constant salt `n8n-nodes-whatsapp-clinic/phi/<keyId>`. Tests use it to build
 * stores "from before"; FIXTURE holds values made by that code itself (git 3a32c22, core/store/phi-cipher.ts).
 */
import { createCipheriv, createHmac, hkdfSync, randomBytes, scryptSync } from 'node:crypto';

export const FIXTURE = {
	passphrase: 'legacy passphrase for tests',
	passKeyId: 'k-old',
	/** encrypt('+5511987654321') */
	passCt: 'v1:k-old:K2EXgxJ85x900nN5:yAG-sDEJTUhbqgezYTTgDg:yeQLtAw8gaO9MeAkNyY',
	/** digest('5511987654321') */
	passDigest: '31a586f5b60faf050f002b91dab7601dda425e8aa7198f6b05d7917f91f773ff',
	rawKey: 'ab'.repeat(32),
	rawKeyId: 'k-raw',
	/** encrypt('Olá') */
	rawCt: 'v1:k-raw:XviV0-qsmURoZfHc:H02_8eA6ya5lJXMtocgEaA:L9o1jA',
	rawDigest: '603babb1d15406344ba4c56e313b386ed3e6cb60a40ae47b598ff627aca9bc80',
};

const roots = new Map<string, Buffer>();

export function legacyRoot(key: string, keyId: string): Buffer {
	if (/^[0-9a-fA-F]{64}$/.test(key)) return Buffer.from(key, 'hex');
	const id = `${keyId}\u0000${key}`;
	let root = roots.get(id);
	if (!root) {
		root = scryptSync(key, `n8n-nodes-whatsapp-clinic/phi/${keyId}`, 32, { N: 16384, r: 8, p: 1 });
		roots.set(id, root);
	}
	return root;
}

const sub = (root: Buffer, info: string) => Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));

export function v1Encrypt(key: string, keyId: string, plain: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', sub(legacyRoot(key, keyId), 'clinic-phi-enc'), iv);
	cipher.setAAD(Buffer.from(`v1:${keyId}`));
	const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	const b = (x: Buffer) => x.toString('base64url');
	return `v1:${keyId}:${b(iv)}:${b(cipher.getAuthTag())}:${b(ct)}`;
}

export function v1Digest(key: string, keyId: string, value: string): string {
	return createHmac('sha256', sub(legacyRoot(key, keyId), 'clinic-phi-mac'))
		.update(value, 'utf8')
		.digest('hex');
}
