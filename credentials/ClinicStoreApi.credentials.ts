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
				'Name of the key above, stored with every encrypted value. Never reuse an ID for a different key: to change the key, give the new key a new ID, add the old key with its old ID under Previous Keys, then run Rotate Keys (Audit Log node).',
		},
		{
			displayName: 'Previous Keys',
			name: 'previousKeyList',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Previous Key',
			description:
				"Keys used before a key change, each with the PHI Key ID it had. They are only used to read and find older entries until the Audit Log node's Rotate Keys operation has moved everything to the current key. See docs/key-rotation.md.",
			options: [
				{
					name: 'keys',
					displayName: 'Previous Key',
					values: [
						{
							displayName: 'Key ID',
							name: 'keyId',
							type: 'string',
							default: '',
							placeholder: 'key-1',
							description: 'The PHI Key ID this key had when it was the current key',
						},
						{
							displayName: 'Key',
							name: 'key',
							type: 'string',
							typeOptions: { password: true },
							default: '',
							description:
								'The key or passphrase exactly as it was entered then (any characters, commas included)',
						},
					],
				},
			],
		},
		{
			displayName: 'Previous Keys (Old Format)',
			name: 'previousKeys',
			type: 'string',
			typeOptions: { password: true, rows: 3 },
			default: '',
			placeholder: 'key-1=BASE64_OR_HEX_OR_PASSPHRASE',
			description:
				'Only for credentials saved before the Previous Keys list: "keyID=key" entries, one per line (commas also separate entries here, so a passphrase containing a comma must go in the list above). Still read; move them to the list when convenient.',
		},
	];
}
