/** Test-only helper workflows: book appointments directly and change their status (no WhatsApp involved). */
import type { WorkflowJson } from '../../stack/n8n';
import { T } from './util';

export const SEED_PATH = 'e2e-seed-appointments';
export const STATUS_PATH = 'e2e-appointment-status';
const store = { clinicStoreApi: { name: 'Clinic Store (SQLite)' } };

export function seedWorkflows(clinicRules: string): WorkflowJson[] {
	return [
		{
			name: 'E2E seed appointments',
			nodes: [
				{
					name: 'Seed',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: 'e2e-seed-0000-0000-0000-000000000001',
					parameters: {
						httpMethod: 'POST',
						path: SEED_PATH,
						responseMode: 'lastNode',
						responseData: 'allEntries',
						options: {},
					},
				},
				{
					name: 'Free slots',
					type: T('appointmentSlotLookup'),
					typeVersion: 1,
					position: [220, 0],
					executeOnce: true,
					parameters: {
						operation: 'findSlots',
						backend: 'builtin',
						rulesSource: 'json',
						rulesJson: clinicRules,
						serviceId: 'consultation',
						output: 'slots',
						from: '={{ $now.plus({ hours: $json.body.fromHours }).toISO() }}',
						daysAhead: 1,
						maxSlots: 60,
						locale: 'en',
						options: {},
					},
					credentials: store,
				},
				{
					name: 'Pair patients',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [440, 0],
					parameters: {
						mode: 'runOnceForAllItems',
						language: 'javaScript',
						jsCode:
							"const patients = $('Seed').first().json.body.patients;\nconst slots = $input.all().map((i) => i.json);\nif (slots.length < patients.length) throw new Error(`only ${slots.length} free slots for ${patients.length} patients`);\nreturn patients.map((p, i) => ({ json: { slotId: slots[i].slotId, name: p.name, phone: p.phone } }));",
					},
				},
				{
					name: 'Book',
					type: T('appointmentSlotLookup'),
					typeVersion: 1,
					position: [660, 0],
					parameters: {
						operation: 'book',
						backend: 'builtin',
						rulesSource: 'json',
						rulesJson: clinicRules,
						slotId: '={{ $json.slotId }}',
						patientName: '={{ $json.name }}',
						patientPhone: '={{ $json.phone }}',
						locale: 'en',
					},
					credentials: store,
				},
			],
			connections: {
				Seed: { main: [[{ node: 'Free slots', type: 'main', index: 0 }]] },
				'Free slots': { main: [[{ node: 'Pair patients', type: 'main', index: 0 }]] },
				'Pair patients': { main: [[{ node: 'Book', type: 'main', index: 0 }]] },
			},
		},
		{
			name: 'E2E appointment status',
			nodes: [
				{
					name: 'Status',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: 'e2e-status-0000-0000-0000-000000000001',
					parameters: { httpMethod: 'POST', path: STATUS_PATH, responseMode: 'lastNode', options: {} },
				},
				{
					name: 'Update status',
					type: T('appointmentSlotLookup'),
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						operation: 'updateStatus',
						backend: 'builtin',
						rulesSource: 'json',
						rulesJson: clinicRules,
						appointmentId: '={{ $json.body.appointmentId }}',
						status: '={{ $json.body.status }}',
					},
					credentials: store,
				},
			],
			connections: { Status: { main: [[{ node: 'Update status', type: 'main', index: 0 }]] } },
		},
	];
}

let seeded: Promise<void> | undefined;
/** Imports and publishes the helper workflows once per run (they stay for later scenarios). */
export function ensureSeedWorkflows(
	ctx: { n8n: { importWorkflow(wf: WorkflowJson): Promise<string> } },
	clinicRules: string,
) {
	seeded ??= (async () => {
		for (const wf of seedWorkflows(clinicRules)) await ctx.n8n.importWorkflow(wf);
	})();
	return seeded;
}
