/**
 * Credentials pointing at the simulator and at a clinic store: a SQLite file inside the n8n user folder (one
 * instance) or a PostgreSQL database (queue mode).
 */
import { join } from 'node:path';

import type { CredentialSpec } from './n8n';
import type { PgDatabase } from './services';
import { SIM, type SimHandle } from './sim';

export const CREDENTIAL_NAMES = {
	whatsApp: 'WhatsApp Cloud API (simulator)',
	store: 'Clinic Store (SQLite)',
	storePostgres: 'Clinic Store (PostgreSQL)',
} as const;

/** A fixed 32-byte PHI key for tests and the demo (base64). Never use it for real data. */
export const TEST_PHI_KEY = Buffer.alloc(32, 7).toString('base64');

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
		{
			name: CREDENTIAL_NAMES.whatsApp,
			type: 'whatsAppClinicApi',
			data: {
				accessToken: SIM.accessToken,
				phoneNumberId: SIM.phoneNumberId,
				businessAccountId: SIM.wabaId,
				appSecret: SIM.appSecret,
				webhookVerifyToken: SIM.verifyToken,
				graphApiVersion: SIM.graphApiVersion,
				baseUrl: sim.graphUrl,
			},
		},
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
	];
	return specs.filter((s) => available.includes(s.type));
}
