/**
 * "Require Consent for Purpose" end to end against the WhatsApp Cloud API simulator (real HTTP, real GraphClient)
 * and a real SQLite clinic store: the simulator receives NO message for a patient who opted out, and receives the
 * messages for everyone else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IExecuteFunctions } from 'n8n-workflow';

import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import { ConsentService } from '../../../core/consent/service';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { storeConfigFromCredential } from '../../../nodes/shared/store';
import { WhatsAppSendMessage } from '../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { startSimulator, type Simulator } from '../../../simulator';
import { fakeContext, httpForwarder, rl } from '../../unit/nodes/send/fake-context';

let sim: Simulator;
let dir: string;
const templateNode = new WhatsAppSendTemplate();
const messageNode = new WhatsAppSendMessage();

const storeCredential = () => ({
	backend: 'sqlite',
	sqlitePath: join(dir, 'clinic.sqlite'),
	phiKey: 'integration-test-passphrase-for-phi',
	phiKeyId: 'k1',
});

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'wac-consent-sim-'));
	sim = await startSimulator({ port: 0, quiet: true, deliveryErrors: 'sync', readDelayMs: 5 });
});
afterAll(async () => {
	await sim.close();
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	sim.reset();
	resetSharedLimiters();
	await sim.configure({ mps: 80, faultRate: 0, latencyMs: 0 });
});

/** The patient says PARAR: an opt-out of every purpose, recorded in the clinic store like Consent Check does. */
async function optOut(phone: string): Promise<void> {
	const store = await openClinicStore(storeConfigFromCredential(storeCredential(), { host: hostname() }));
	await new ConsentService({ repository: new SqlConsentRepository(store) }).recordOptOut(
		{ phone, userId: null },
		{
			purposes: ['*'],
			evidence: {
				sourceMessageId: `wamid.PARAR.${phone}`,
				textShown: 'PARAR',
				channel: 'whatsapp',
				timestamp: Date.now() - 1000,
				actor: { workflowId: 'wf-keywords', executionId: '1', node: 'Consent Check' },
				keyword: 'PARAR',
			},
		},
	);
}

/** A Send node context talking to the simulator, with the Clinic Store credential on the node. */
function ctx(options: Omit<Parameters<typeof fakeContext>[0], 'graph' | 'credential'>): IExecuteFunctions {
	const base = fakeContext({
		...options,
		graph: httpForwarder(sim.accessToken),
		credential: { baseUrl: sim.url, phoneNumberId: sim.phoneNumberId, businessAccountId: sim.wabaId },
	}) as unknown as IExecuteFunctions;
	const whatsapp = base.getCredentials.bind(base);
	const node = base.getNode.bind(base);
	return Object.assign(base, {
		getNode: () => ({
			...node(),
			credentials: {
				whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' },
				clinicStoreApi: { id: 'store-1', name: 'Clinic Store' },
			},
		}),
		getWorkflow: () => ({ id: 'wf-reminders', name: 'Reminders', active: true }),
		getExecutionId: () => 'exec-1',
		getCredentials: async (type: string) =>
			type === 'clinicStoreApi' ? storeCredential() : await whatsapp(type),
	});
}

const digits = (phone: string) => phone.replace(/\D/g, '');

describe('Require Consent for Purpose against the simulator', () => {
	it('Send Template: no reminder reaches the opted-out patient, the others get theirs', async () => {
		const patients = ['+5511955550001', '+5511955550002', '+5511955550003'];
		await optOut(patients[1]);
		const [out] = await templateNode.execute.call(
			ctx({
				items: patients.map(() => ({ json: {} })),
				params: {
					recipient: (i: number) => patients[i],
					template: rl('appointment_reminder|pt_BR'),
					parameterSource: 'json',
					parametersJson: {
						header_1: 'Clínica Sol',
						body_1: 'Ana',
						body_2: '12/03',
						body_3: '09:30',
						button_0_payload: 'confirm:A1',
					},
					options: {},
					requireConsent: 'appointment_reminders',
				},
			}),
		);
		expect(sim.messages({ to: digits(patients[1]) })).toHaveLength(0);
		expect(sim.messages({ to: digits(patients[0]) })).toHaveLength(1);
		expect(sim.messages({ to: digits(patients[2]) })).toHaveLength(1);
		expect(sim.messages()).toHaveLength(2);
		expect(out.map((o) => o.json.sent ?? true)).toEqual([true, false, true]);
		expect(out[1].json.consent).toMatchObject({ allowed: false, reason: 'opted_out' });
		expect(out[0].json.messageId).toBe(sim.messages({ to: digits(patients[0]) })[0].id);
	});

	it('Send Text inside the window: the opted-out patient gets nothing, the other gets the reply', async () => {
		const patients = ['5511955550011', '5511955550012'];
		for (const from of patients) await sim.inbound({ from, text: 'Oi' });
		await optOut(`+${patients[0]}`);
		const [out] = await messageNode.execute.call(
			ctx({
				items: patients.map(() => ({ json: {} })),
				params: {
					operation: 'text',
					recipient: (i: number) => patients[i],
					text: 'Sua teleconsulta começa em 10 minutos',
					options: {},
					requireConsent: 'telemedicine',
				},
			}),
		);
		expect(sim.messages({ to: patients[0] })).toHaveLength(0);
		expect(sim.messages({ to: patients[1] })).toHaveLength(1);
		expect(out[0].json).toMatchObject({ sent: false, consent: { allowed: false, reason: 'opted_out' } });
		expect(out[1].json).toMatchObject({ messageId: expect.any(String), consent: { allowed: true } });
	});
});
