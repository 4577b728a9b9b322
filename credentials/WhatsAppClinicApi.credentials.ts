import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * WhatsApp Business Cloud API credential for the clinic nodes, shown as "WhatsApp Clinic Cloud API" (n8n's lint
 * requires credential display names to end in " API", so the planned "WhatsApp Cloud API (Clinic)" is not used).
 * n8n sends the access token as a Bearer header; the app secret and verify token are only read by the
 * WhatsApp Clinic Trigger to verify Meta's webhooks.
 */
export class WhatsAppClinicApi implements ICredentialType {
	name = 'whatsAppClinicApi';

	displayName = 'WhatsApp Clinic Cloud API';

	icon = { light: 'file:whatsappClinic.svg', dark: 'file:whatsappClinic.dark.svg' } as const;

	documentationUrl =
		'https://github.com/whatsapp-clinic/n8n-nodes-whatsapp-clinic/blob/main/docs/credentials.md#whatsapp-clinic-cloud-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Permanent token of a System User: Meta Business Settings → Users → System Users → Generate new token, with the whatsapp_business_messaging and whatsapp_business_management permissions. The temporary token in App Dashboard → WhatsApp → API Setup expires after 24 hours.',
		},
		{
			displayName: 'Phone Number ID',
			name: 'phoneNumberId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '106540352242922',
			description:
				'The ID of the clinic\'s WhatsApp number (not the number itself): App Dashboard → WhatsApp → API Setup → "Phone number ID"',
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'businessAccountId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '102290129340398',
			description:
				'App Dashboard → WhatsApp → API Setup → "WhatsApp Business Account ID" (also in WhatsApp Manager → Account tools). Used to list message templates.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'App Dashboard → App settings → Basic → App secret (click Show). The trigger uses it to check that webhooks really come from Meta (X-Hub-Signature-256).',
			hint: 'Required by the WhatsApp Clinic Trigger; sending messages works without it',
		},
		{
			displayName: 'Webhook Verify Token',
			name: 'webhookVerifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'A long random string you make up (for example 32 letters and digits). Enter the same value in App Dashboard → WhatsApp → Configuration → Webhook → "Verify token".',
			hint: 'Required by the WhatsApp Clinic Trigger; generate one with a password manager',
		},
		{
			displayName: 'Graph API Version',
			name: 'graphApiVersion',
			type: 'string',
			default: 'v25.0',
			placeholder: 'v25.0',
			description:
				'Meta Graph API version used in every request (form vNN.0). v25.0 is current; Meta keeps each version for about two years.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description:
				'Leave as is for Meta. Change it only to use the local WhatsApp Cloud API simulator or a provider (BSP) proxy that speaks the same API.',
			hint: 'For the local simulator use http://127.0.0.1:7700',
		},
	];

	/**
	 * Adds `Authorization: Bearer <access token>` to every request n8n sends with this credential. A function rather
	 * than a generic `{{$credentials.accessToken}}` block: n8n 2.41 evaluates a generic block's expression in its
	 * sandboxed expression runtime for every request (~2 ms of CPU each, profiled in bench/RESULTS.md#send-throughput),
	 * which at 80-1,000 messages per second was the largest part of n8n's cost per message.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...(requestOptions.headers ?? {}),
				Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '=/{{$credentials.graphApiVersion}}/{{$credentials.phoneNumberId}}',
			method: 'GET',
			qs: { fields: 'display_phone_number,verified_name,quality_rating' },
		},
	};
}
