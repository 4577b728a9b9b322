import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * FHIR R4 server (scheduling backend of Appointment Slot Lookup). Auth: none, bearer token, basic, or OAuth2 client
 * credentials. For client credentials the token is fetched by `preAuthentication` into the hidden, expirable
 * `accessToken` field; n8n refreshes it when the server answers 401.
 */
export class FhirServerApi implements ICredentialType {
	name = 'fhirServerApi';

	displayName = 'FHIR Server API';

	icon = { light: 'file:fhir.svg', dark: 'file:fhir.dark.svg' } as const;

	documentationUrl =
		'https://github.com/whatsapp-clinic/n8n-nodes-whatsapp-clinic/blob/main/docs/credentials.md#fhir-server-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://fhir.example.org/fhir/R4',
			required: true,
			description: 'FHIR R4 service base URL (the address before /Slot, /Appointment …)',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			default: 'bearer',
			options: [
				{ name: 'None', value: 'none', description: 'Open server (test servers only)' },
				{ name: 'Bearer Token', value: 'bearer', description: 'A fixed access token or API key' },
				{ name: 'Basic Auth', value: 'basic', description: 'User name and password' },
				{
					name: 'OAuth2 Client Credentials',
					value: 'oauth2ClientCredentials',
					description: 'Machine-to-machine token from the token URL (client ID + secret)',
				},
			],
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['bearer'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://auth.example.org/oauth2/token',
			displayOptions: { show: { authType: ['oauth2ClientCredentials'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['oauth2ClientCredentials'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['oauth2ClientCredentials'] } },
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'system/Slot.rs system/Appointment.cruds system/Schedule.rs',
			description: 'Space-separated scopes, if the server needs them',
			displayOptions: { show: { authType: ['oauth2ClientCredentials'] } },
		},
		{
			displayName: 'Send Client Credentials',
			name: 'clientAuth',
			type: 'options',
			default: 'header',
			options: [
				{ name: 'As Basic Auth Header', value: 'header' },
				{ name: 'In the Request Body', value: 'body' },
			],
			displayOptions: { show: { authType: ['oauth2ClientCredentials'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		if (credentials.authType !== 'oauth2ClientCredentials') return {};
		const form = new URLSearchParams({ grant_type: 'client_credentials' });
		if (credentials.scope) form.set('scope', String(credentials.scope));
		const headers: IDataObject = {
			'Content-Type': 'application/x-www-form-urlencoded',
			Accept: 'application/json',
		};
		if (credentials.clientAuth === 'body') {
			form.set('client_id', String(credentials.clientId ?? ''));
			form.set('client_secret', String(credentials.clientSecret ?? ''));
		} else {
			const basic = Buffer.from(
				`${encodeURIComponent(String(credentials.clientId ?? ''))}:${encodeURIComponent(String(credentials.clientSecret ?? ''))}`,
			).toString('base64');
			headers.Authorization = `Basic ${basic}`;
		}
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: String(credentials.tokenUrl ?? ''),
			headers,
			body: form.toString(),
			json: true,
		})) as { access_token?: string };
		return { accessToken: response.access_token ?? '' };
	}

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const headers = { ...(requestOptions.headers ?? {}) };
		switch (credentials.authType) {
			case 'bearer':
				headers.Authorization = `Bearer ${String(credentials.token ?? '')}`;
				break;
			case 'basic':
				headers.Authorization = `Basic ${Buffer.from(`${String(credentials.user ?? '')}:${String(credentials.password ?? '')}`).toString('base64')}`;
				break;
			case 'oauth2ClientCredentials':
				headers.Authorization = `Bearer ${String(credentials.accessToken ?? '')}`;
				break;
			default:
				break;
		}
		return { ...requestOptions, headers };
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
			url: '/metadata',
			headers: { Accept: 'application/fhir+json' },
		},
	};
}
