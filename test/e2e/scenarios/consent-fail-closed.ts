/**
 * Consent Check fails closed in a real n8n (issue 14 item 1). A Check whose Clinic Store cannot be opened runs with
 * "On Error: Continue" (continueRegularOutput). n8n answers a node that throws under that setting by passing the
 * node's INPUT items to its first output, which for Check is Allowed; the node must therefore not throw: every item
 * comes out on Blocked as an error item, and the node after Allowed never runs.
 */
import { TEST_PHI_KEY } from '../../stack/credentials';
import type { WorkflowJson } from '../../stack/n8n';
import { assert, assertEqual, type Scenario } from '../scenario';
import { isolate, nodeOutput, nodeRan, patientPhone, runOnce, T, useWorkflow, webhookNode } from './util';

const PATH = 'e2e-consent-fail-closed';
const BROKEN_STORE = 'Clinic Store (unopenable)';

function workflow(): WorkflowJson {
	return {
		name: 'E2E Consent Check fails closed',
		nodes: [
			{ ...webhookNode(PATH), parameters: { ...webhookNode(PATH).parameters, responseMode: 'onReceived' } },
			{
				name: 'Patients',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					jsCode: "return $('Start').first().json.body.patients.map((phone) => ({ json: { phone } }));",
				},
			},
			{
				name: 'Check',
				type: T('consentCheck'),
				typeVersion: 1,
				position: [440, 0],
				onError: 'continueRegularOutput',
				parameters: {
					operation: 'check',
					recipient: '={{ $json.phone }}',
					purpose: 'appointment_reminders',
					options: {},
				},
				credentials: { clinicStoreApi: { name: BROKEN_STORE } },
			},
			{
				name: 'Would Send',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [660, -100],
				parameters: {},
			},
			{
				name: 'Held Back',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [660, 100],
				parameters: {},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Patients', type: 'main', index: 0 }]] },
			Patients: { main: [[{ node: 'Check', type: 'main', index: 0 }]] },
			Check: {
				main: [
					[{ node: 'Would Send', type: 'main', index: 0 }],
					[{ node: 'Held Back', type: 'main', index: 0 }],
				],
			},
		},
	};
}

export const consentFailClosedScenario: Scenario = {
	name: 'consent-fail-closed',
	description:
		'Check with On Error: Continue and a Clinic Store that cannot be opened: nothing reaches Allowed, every item is an error item on Blocked',
	requires: { nodes: ['consentCheck'], credentials: ['clinicStoreApi'] },
	async run(ctx) {
		await isolate(ctx);
		await ctx.n8n.createCredential({
			name: BROKEN_STORE,
			type: 'clinicStoreApi',
			// /dev/null is a file, so no database can be created below it: the store cannot be opened.
			data: {
				backend: 'sqlite',
				sqlitePath: '/dev/null/clinic-store.sqlite',
				phiKey: TEST_PHI_KEY,
			},
		});
		const wfId = await useWorkflow(ctx, workflow());
		const patients = [`+${patientPhone()}`, `+${patientPhone()}`];

		const { execution } = await runOnce(ctx, wfId, PATH, { patients });

		assertEqual(nodeOutput(execution, 'Check', 0).length, 0, 'items on Allowed');
		assert(!nodeRan(execution, 'Would Send'), 'the node after Allowed must not run');
		const blocked = nodeOutput(execution, 'Check', 1);
		assertEqual(
			blocked.map((b) => b.phone),
			patients,
			'every input item on Blocked, with its fields',
		);
		for (const item of blocked) {
			assert(item.consent === undefined, 'a failed check carries no consent decision');
			// n8n rewords messages that carry a system error code (EEXIST…); the description says what to do.
			assert(
				Boolean(item.error?.message) && /Clinic Store credential/.test(String(item.error?.description)),
				`error item: ${JSON.stringify(item.error)}`,
			);
		}
		assert(nodeRan(execution, 'Held Back'), 'Blocked continued the workflow');
		ctx.log(`store unopenable: 0 items on Allowed, ${blocked.length} error items on Blocked`);
	},
};
