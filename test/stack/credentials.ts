/**
 * Credentials pointing at the simulator and at a clinic store: a SQLite file inside the n8n user folder (one
 * instance) or a PostgreSQL database (queue mode), and a WhatsApp Flow key pair generated when the stack starts
 * (never written to the repository) so workflow 09's Flow endpoint is published.
 */
import { join } from 'node:path';

import { generateFlowKeyPair } from '../../core/flows/crypto';

import type { CredentialSpec } from './n8n';
import type { PgDatabase } from './services';
import { SIM, type SimHandle } from './sim';

export const CREDENTIAL_NAMES = {
	whatsApp: 'WhatsApp Cloud API (simulator)',
	store: 'Clinic Store (SQLite)',
	storePostgres: 'Clinic Store (PostgreSQL)',
	/** The name workflow 09 refers to (scripts/workflows/flow-booking.ts). */
	flowKey: 'WhatsApp Flow Key',
} as const;

/** Passphrase of the stack's Flow key (test only; the key itself is generated per process, never committed). */
export const TEST_FLOW_KEY_PASSPHRASE = 'stack flow key passphrase (test only)';

let flowKey: ReturnType<typeof generateFlowKeyPair> | undefined;

/**
 * The stack's WhatsApp Flow key pair: generated on first use in this process (at stack start), so scenarios and
 * benches in the same process can encrypt requests to its public key as Meta does.
 */
export function stackFlowKey(): ReturnType<typeof generateFlowKeyPair> & { passphrase: string } {
	flowKey ??= generateFlowKeyPair(TEST_FLOW_KEY_PASSPHRASE);
	return { ...flowKey, passphrase: TEST_FLOW_KEY_PASSPHRASE };
}

/** A fixed 32-byte PHI key for tests and the demo (base64). Never use it for real data. */
export const TEST_PHI_KEY = Buffer.alloc(32, 7).toString('base64');

/** The WhatsApp credential pointing at a simulator's Graph API (`baseUrl`). */
export function whatsAppSimCredential(baseUrl: string): CredentialSpec {
	return {
		name: CREDENTIAL_NAMES.whatsApp,
		type: 'whatsAppClinicApi',
		data: {
			accessToken: SIM.accessToken,
			phoneNumberId: SIM.phoneNumberId,
			businessAccountId: SIM.wabaId,
			appSecret: SIM.appSecret,
			webhookVerifyToken: SIM.verifyToken,
			graphApiVersion: SIM.graphApiVersion,
			baseUrl,
		},
	};
}

/** The Clinic Store credential of a PostgreSQL database. */
export function postgresStoreCredential(db: PgDatabase): CredentialSpec {
	return {
		name: CREDENTIAL_NAMES.storePostgres,
		type: 'clinicStoreApi',
		data: {
			backend: 'postgres',
			host: db.host,
			port: db.port,
			database: db.database,
			user: db.user,
			password: db.password,
			ssl: 'disable',
			maxConnections: 5,
			phiKey: TEST_PHI_KEY,
		},
	};
}

/** `store`: a PostgreSQL database for the clinic store (queue mode); a SQLite file in `userFolder` otherwise. */
export function credentialsFor(
	sim: SimHandle,
	userFolder: string,
	available: string[],
	store?: PgDatabase,
): CredentialSpec[] {
	const specs: CredentialSpec[] = [
		whatsAppSimCredential(sim.graphUrl),
		store
			? postgresStoreCredential(store)
			: {
					name: CREDENTIAL_NAMES.store,
					type: 'clinicStoreApi',
					data: {
						backend: 'sqlite',
						sqlitePath: join(userFolder, 'clinic-store.sqlite'),
						path: join(userFolder, 'clinic-store.sqlite'),
						filePath: join(userFolder, 'clinic-store.sqlite'),
						phiKey: TEST_PHI_KEY,
						encryptionKey: TEST_PHI_KEY,
						phiEncryptionKey: TEST_PHI_KEY,
					},
				},
		{
			name: CREDENTIAL_NAMES.flowKey,
			type: 'whatsAppFlowKeyApi',
			data: { privateKey: stackFlowKey().encryptedPrivateKeyPem, passphrase: TEST_FLOW_KEY_PASSPHRASE },
		},
	];
	return specs.filter((s) => available.includes(s.type));
}
