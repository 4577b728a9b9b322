/**
 * The simulator's business-encryption edge (simulator/flows-encryption.ts), driven like the WhatsApp Flow node does:
 * POST /{phone-number-id}/whatsapp_business_encryption with business_public_key (multipart or form), then GET.
 */
import { generateFlowKeyPair } from '../../../core/flows/crypto';
import type { Simulator } from '../../../simulator';
import { graph, PHONE_ID, start } from '../../integration/simulator/helpers';

let sim: Simulator;
const key = generateFlowKeyPair('simulator test passphrase');

beforeAll(async () => {
	sim = await start();
});
afterAll(async () => {
	await sim.close();
});

const edge = `/v23.0/${PHONE_ID}/whatsapp_business_encryption`;
const post = async (body: FormData | URLSearchParams) =>
	await fetch(`${sim.url}${edge}`, { method: 'POST', headers: { Authorization: 'Bearer sim-token' }, body });

describe('simulator: whatsapp_business_encryption', () => {
	it('has no key before an upload', async () => {
		const answer = await graph(sim, 'GET', `/${PHONE_ID}/whatsapp_business_encryption`);
		expect(answer).toMatchObject({ status: 200, body: { data: [] } });
	});

	it('stores a PEM public key posted as multipart (what the Flow node sends) and returns it', async () => {
		const form = new FormData();
		form.set('business_public_key', key.publicKeyPem);
		const res = await post(form);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ success: true });
		const answer = await graph(sim, 'GET', `/${PHONE_ID}/whatsapp_business_encryption`);
		expect(answer.body.data).toEqual([
			{ business_public_key: key.publicKeyPem.trim(), business_public_key_signature_status: 'VALID' },
		]);
	});

	it('accepts a form post and refuses a key that is not an RSA public key (100, naming the parameter)', async () => {
		const ok = await post(new URLSearchParams({ business_public_key: key.publicKeyPem }));
		expect(ok.status).toBe(200);
		const bad = await post(new URLSearchParams({ business_public_key: 'not a key' }));
		expect(bad.status).toBe(400);
		const body = (await bad.json()) as { error: { code: number; error_data?: { details?: string } } };
		expect(body.error.code).toBe(100);
		expect(JSON.stringify(body)).toContain('business_public_key');
		const missing = await post(new URLSearchParams({}));
		expect(missing.status).toBe(400);
	});
});
