/**
 * "Require Consent for Purpose" in a real n8n against the simulator: one webhook call records a PARAR opt-out for one
 * patient (Consent Check → Record Opt-out), then WhatsApp Send Template sends an appointment reminder to three
 * patients with the option set to Appointment Reminders and NO Consent Check in front (Audit to Store off, so the
 * Clinic Store credential is used by the consent option alone). The simulator must get nothing for the opted-out
 * patient and one reminder for each of the others; the execution succeeds.
 */
import type { WorkflowJson } from '../../stack/n8n';
import { CREDENTIAL_NAMES } from '../../stack/credentials';
import { assert, assertEqual, type Scenario } from '../scenario';
import { isolate, nodeOutput, patientPhone, runOnce, T, useWorkflow } from './util';

const PATH = 'e2e-send-consent';
const STORE = { clinicStoreApi: { name: CREDENTIAL_NAMES.store } };
const WHATSAPP = { whatsAppClinicApi: { name: CREDENTIAL_NAMES.whatsApp } };

function workflow(): WorkflowJson {
	return {
		name: 'E2E send with Require Consent for Purpose',
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'e2e-send-consent-0000-000000000001',
				parameters: { httpMethod: 'POST', path: PATH, responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Record PARAR',
				type: T('consentCheck'),
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'recordOptOut',
					recipient: '={{ $json.body.optedOut }}',
					purposes: ['all'],
					textShown: 'PARAR',
					sourceMessageId: '={{ "wamid.E2E-PARAR-" + $json.body.optedOut }}',
					options: {},
				},
				credentials: STORE,
			},
			{
				name: 'Patients',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [440, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					jsCode: "return $('Start').first().json.body.patients.map((phone) => ({ json: { phone } }));",
				},
			},
			{
				name: 'Reminder',
				type: T('whatsAppSendTemplate'),
				typeVersion: 1,
				position: [660, 0],
				parameters: {
					recipient: '={{ $json.phone }}',
					template: { __rl: true, mode: 'name', value: 'appointment_reminder|pt_BR' },
					parameterSource: 'json',
					parametersJson:
						'{"header_1": "Clínica Sol", "body_1": "Ana", "body_2": "12/03", "body_3": "09:30", "button_0_payload": "confirm:E2E"}',
					options: {},
					requireConsent: 'appointment_reminders',
				},
				credentials: { ...WHATSAPP, ...STORE },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Record PARAR', type: 'main', index: 0 }]] },
			'Record PARAR': { main: [[{ node: 'Patients', type: 'main', index: 0 }]] },
			Patients: { main: [[{ node: 'Reminder', type: 'main', index: 0 }]] },
		},
	};
}

export const sendConsentScenario: Scenario = {
	name: 'send-consent',
	description:
		'Send Template with Require Consent for Purpose and no Consent Check: the opted-out patient gets nothing (sent=false, opted_out), the others get the reminder',
	requires: {
		nodes: ['whatsAppSendTemplate', 'consentCheck'],
		credentials: ['whatsAppClinicApi', 'clinicStoreApi'],
	},
	async run(ctx) {
		await isolate(ctx);
		const wfId = await useWorkflow(ctx, workflow());
		const patients = [patientPhone(), patientPhone(), patientPhone()];
		const optedOut = patients[1];

		const { execution } = await runOnce(ctx, wfId, PATH, {
			optedOut: `+${optedOut}`,
			patients: patients.map((p) => `+${p}`),
		});

		assertEqual((await ctx.sim.messages({ to: optedOut })).length, 0, 'messages to the opted-out patient');
		for (const p of [patients[0], patients[2]])
			assertEqual((await ctx.sim.messages({ to: p })).length, 1, `reminders to ${p}`);

		const out = nodeOutput(execution, 'Reminder');
		assertEqual(out.length, 3, 'items out of the send node');
		assertEqual(
			out.map((o) => o.sent === false),
			[false, true, false],
			'which items were held back',
		);
		assertEqual(
			[out[1].consent?.allowed, out[1].consent?.reason, out[1].recipient],
			[false, 'opted_out', `+${optedOut}`],
			'blocked item',
		);
		assert(!('messageId' in out[1]), 'the blocked item has no message ID');
		for (const i of [0, 2]) {
			assert(String(out[i].messageId).startsWith('wamid.'), `item ${i} was sent`);
			assertEqual(out[i].consent?.basis, 'policy', `item ${i} consent basis`);
		}
		ctx.log('opted-out patient: 0 messages (sent=false, opted_out); 2 others: 1 reminder each');
	},
};
