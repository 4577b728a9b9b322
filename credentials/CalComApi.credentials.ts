import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** Cal.com API v2 (scheduling backend of Appointment Slot Lookup): API key sent as `Authorization: Bearer cal_…`. */
export class CalComApi implements ICredentialType {
	name = 'calComApi';

	displayName = 'Cal.com API';

	icon = { light: 'file:calcom.svg', dark: 'file:calcom.dark.svg' } as const;

	documentationUrl =
		'https://github.com/whatsapp-clinic/n8n-nodes-whatsapp-clinic/blob/main/docs/credentials.md#calcom-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'cal_live_…',
			description: 'Cal.com → Settings → Developer → API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cal.com',
			description: 'Change only for a self-hosted Cal.com (the address before /v2)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ ($credentials.baseUrl || "https://api.cal.com").replace(/\\/+$/, "") }}',
			url: '/v2/me',
			headers: { 'cal-api-version': '2024-08-13' },
		},
	};
}
