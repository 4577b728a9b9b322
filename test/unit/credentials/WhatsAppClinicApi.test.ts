import { readFileSync } from 'node:fs';
import path from 'node:path';

import { WhatsAppClinicApi } from '../../../credentials/WhatsAppClinicApi.credentials';

describe('WhatsAppClinicApi credential', () => {
	const credential = new WhatsAppClinicApi();
	const field = (name: string) => credential.properties.find((p) => p.name === name);

	it('is registered under the agreed name and listed in package.json', () => {
		expect(credential.name).toBe('whatsAppClinicApi');
		expect(credential.displayName).toMatch(/ API$/);
		const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
		expect(pkg.n8n.credentials).toContain('dist/credentials/WhatsAppClinicApi.credentials.js');
	});

	it('has every field, secrets masked, defaults set', () => {
		expect(credential.properties.map((p) => p.name)).toEqual([
			'accessToken',
			'phoneNumberId',
			'businessAccountId',
			'appSecret',
			'webhookVerifyToken',
			'graphApiVersion',
			'baseUrl',
		]);
		for (const secret of ['accessToken', 'appSecret', 'webhookVerifyToken']) {
			expect(field(secret)?.typeOptions?.password).toBe(true);
		}
		expect(field('graphApiVersion')?.default).toBe('v25.0');
		expect(field('baseUrl')?.default).toBe('https://graph.facebook.com');
		expect(field('baseUrl')?.hint).toContain('http://127.0.0.1:7700');
		for (const property of credential.properties)
			expect(String(property.description).length).toBeGreaterThan(40);
		expect(field('accessToken')?.description).toMatch(/System Users/);
		expect(field('phoneNumberId')?.description).toMatch(/API Setup/);
		expect(field('appSecret')?.description).toMatch(/App settings → Basic/);
	});

	it('authenticates with a Bearer header, keeping the request and its other headers', async () => {
		const request = {
			url: '/v25.0/123',
			method: 'POST' as const,
			headers: { 'Content-Type': 'application/json' },
		};
		const authenticated = await credential.authenticate({ accessToken: 'EAAG-token' }, request);
		expect(authenticated).toEqual({
			url: '/v25.0/123',
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: 'Bearer EAAG-token' },
		});
		// The caller's options object is not modified (n8n may reuse it for a retry after a refresh).
		expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
		expect((await credential.authenticate({ accessToken: 't' }, { url: '/x' })).headers).toEqual({
			Authorization: 'Bearer t',
		});
	});

	it('tests with GET /{version}/{phone-number-id} asking for name and quality', () => {
		expect(credential.test.request).toMatchObject({
			method: 'GET',
			url: '=/{{$credentials.graphApiVersion}}/{{$credentials.phoneNumberId}}',
			qs: { fields: 'display_phone_number,verified_name,quality_rating' },
		});
		expect(String(credential.test.request.baseURL)).toContain('$credentials.baseUrl');
	});

	it('ships its icons', () => {
		const icon = credential.icon as { light: string; dark: string };
		for (const file of [icon.light, icon.dark]) {
			const svg = readFileSync(
				path.join(__dirname, '../../../credentials', file.replace('file:', '')),
				'utf8',
			);
			expect(svg).toMatch(/^<svg[^>]+viewBox/);
		}
	});
});
