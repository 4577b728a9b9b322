/** Credentials pointing at the simulator and at a clinic store inside the n8n user folder. */
import { join } from 'node:path';

import type { CredentialSpec } from './n8n';
import { SIM, type SimHandle } from './sim';

export const CREDENTIAL_NAMES = {
	whatsApp: 'WhatsApp Cloud API (simulator)',
	store: 'Clinic Store (SQLite)',
} as const;

/** A fixed 32-byte PHI key for tests and the demo (base64). Never use it for real data. */
export const TEST_PHI_KEY = Buffer.alloc(32, 7).toString('base64');

export function credentialsFor(sim: SimHandle, userFolder: string, available: string[]): CredentialSpec[] {
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
		{
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
