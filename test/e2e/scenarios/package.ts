import { assert } from '../scenario';
import type { Scenario } from '../scenario';

export const NODE_TYPES = [
	'whatsAppClinicTrigger',
	'whatsAppSendTemplate',
	'whatsAppSendMessage',
	'appointmentSlotLookup',
	'consentCheck',
	'auditLog',
	'whatsAppGroup',
	'whatsAppCalling',
	'whatsAppFlowTrigger',
	'whatsAppFlow',
	'clinicConversation',
];
export const CREDENTIAL_TYPES = [
	'whatsAppClinicApi',
	'clinicStoreApi',
	'fhirServerApi',
	'calComApi',
	'whatsAppFlowKeyApi',
];

export const packageScenario: Scenario = {
	name: 'package-loads',
	description:
		'n8n loads every node and credential of the package as a community package (package.json n8n block complete)',
	async run({ n8n, loaded, log }) {
		const missingNodes = NODE_TYPES.filter((n) => !loaded.nodes.includes(n));
		const missingCreds = CREDENTIAL_TYPES.filter((c) => !loaded.credentials.includes(c));
		log(`nodes: ${loaded.nodes.join(', ')}`);
		assert(missingNodes.length === 0, `node types not loaded: ${missingNodes.join(', ')}`);
		assert(missingCreds.length === 0, `credential types not loaded: ${missingCreds.join(', ')}`);
		const built = n8n.builtPackage;
		assert(
			built.unlisted.length === 0,
			`built but not listed in package.json "n8n": ${built.unlisted.join(', ')}`,
		);
		assert(
			built.missing.length === 0,
			`listed in package.json "n8n" but not built: ${built.missing.join(', ')}`,
		);
	},
};
