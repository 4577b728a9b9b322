import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Clinic Store: where the clinic nodes keep their state (audit log, consent, bookings, webhook deduplication).
 * SQLite (default, a file in the n8n user folder) for a single n8n instance; PostgreSQL for queue mode and
 * production. PHI columns are encrypted with the PHI encryption key (AES-256-GCM).
 * There is no HTTP endpoint to call, so the nodes test this credential themselves (`testedBy`).
 */
export class ClinicStoreApi implements ICredentialType {
	name = 'clinicStoreApi';

	displayName = 'Clinic Store API';

	icon = { light: 'file:clinicStore.svg', dark: 'file:clinicStore.dark.svg' } as const;

	documentationUrl =
		'https://github.com/whatsapp-clinic/n8n-nodes-whatsapp-clinic/blob/main/docs/credentials.md#clinic-store';

	properties: INodeProperties[] = [
		{
			displayName: 'Backend',
			name: 'backend',
			type: 'options',
			default: 'sqlite',
			options: [
				{
					name: 'SQLite (Single N8n Instance)',
					value: 'sqlite',
					description:
						'A file on this machine. Needs Node.js 22.5+. Not for queue mode with workers on other machines.',
				},
				{
					name: 'PostgreSQL (Queue Mode, Production)',
					value: 'postgres',
					description: 'A PostgreSQL database shared by the main instance and all workers',
				},
			],
			description: 'Where the clinic data is stored',
		},
		{
			displayName: 'SQLite File',
			name: 'sqlitePath',
			type: 'string',
			default: '',
			placeholder: '~/.n8n/clinic-store.sqlite',
			description:
				'Path of the database file. Empty = clinic-store.sqlite in the n8n user folder (~/.n8n, or $N8N_USER_FOLDER/.n8n). A relative path is taken inside that folder. Back this file up together with the -wal file.',
			displayOptions: { show: { backend: ['sqlite'] } },
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'clinic',
			description: 'The tables are created automatically on first use',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			default: 'disable',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require (No Certificate Check)', value: 'require' },
				{ name: 'Verify Certificate', value: 'verify' },
			],
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Max Connections',
			name: 'maxConnections',
			type: 'number',
			default: 5,
			description: 'Connections per n8n process',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'PHI Encryption Key',
			name: 'phiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Encrypts message text, captions, names, birth dates and phone numbers in the store (AES-256-GCM). 32 random bytes as base64 or hex (e.g. `openssl rand -base64 32`), or a passphrase of 16+ characters. Keep a copy outside n8n: without it encrypted data cannot be read.',
		},
		{
			displayName: 'PHI Key ID',
			name: 'phiKeyId',
			type: 'string',
			default: 'key-1',
			description:
				'Name of the key above, stored with every encrypted value. When you rotate the key, give the new key a new ID and move the old one to Previous Keys.',
		},
		{
			displayName: 'Previous Keys',
			name: 'previousKeys',
			type: 'string',
			typeOptions: { password: true, rows: 3 },
			default: '',
			placeholder: 'key-1=BASE64_OR_HEX_OR_PASSPHRASE',
			description:
				'Keys used before a rotation, one "keyID=key" per line. Only used to read (and find) older entries.',
		},
	];
}
