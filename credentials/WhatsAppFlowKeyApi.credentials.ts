import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The RSA key pair of a WhatsApp Flows data endpoint: Meta encrypts every request to the public key (uploaded to
 * the phone number), the WhatsApp Flow Trigger decrypts it with this private key. n8n stores the credential
 * encrypted; the key is never put into items or logs. The App Secret that verifies X-Hub-Signature-256 stays in the
 * WhatsApp Clinic Cloud API credential.
 */
export class WhatsAppFlowKeyApi implements ICredentialType {
	name = 'whatsAppFlowKeyApi';

	displayName = 'WhatsApp Flow Key API';

	icon = { light: 'file:flowKey.svg', dark: 'file:flowKey.dark.svg' } as const;

	documentationUrl =
		'https://github.com/whatsapp-clinic/n8n-nodes-whatsapp-clinic/blob/main/docs/credentials.md#whatsapp-flow-key-api';

	properties: INodeProperties[] = [
		{
			displayName:
				'New key pair: set a Passphrase below and save, then run WhatsApp Flow → Encryption Key → Generate and Upload Key Pair and paste its Encrypted Private Key here. Existing key: paste your PEM private key and its passphrase.',
			name: 'keyNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			placeholder: '-----BEGIN ENCRYPTED PRIVATE KEY-----\n…\n-----END ENCRYPTED PRIVATE KEY-----',
			description:
				'The 2048-bit RSA private key in PEM form, whole (BEGIN and END lines included). Its public key must be the one uploaded to the phone number.',
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The passphrase that protects the private key (at least 12 characters for a generated key). Empty only for an unencrypted PEM.',
		},
	];
}
