/**
 * Send Contact end to end: WhatsApp Send Message (operation Send Contact) in a real n8n against the simulator.
 * One webhook call fans out to three nodes for a patient who just wrote:
 * - "Reception card": Define Below with Additional Fields (name parts, organization, address, birthday, a second
 *   phone, "Phone Is on WhatsApp" with a local number + Default Country BR);
 * - "Team cards (expression)": From JSON, `{{ $json.body.team }}` → three cards in ONE message;
 * - "Team cards (typed JSON)": From JSON typed into the field as text (shortcut forms).
 * The simulator's webhook is switched off while it runs, so the inbox bot does not answer the test patient.
 */
import type { WorkflowJson, WorkflowNode } from '../../stack/n8n';
import { assert, assertEqual, type Scenario } from '../scenario';
import { isolate, nodeOutput, patientPhone, runOnce, T, useWorkflow, webhookNode } from './util';

const WHATSAPP = { whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' } };
const PATH = 'e2e-send-contacts';

const TEAM = [
	{ name: 'Reception', phones: [{ phone: '+551130000000', type: 'MAIN' }] },
	{
		name: { formatted_name: 'Dr. Rui Lima', first_name: 'Rui', last_name: 'Lima', prefix: 'Dr.' },
		phones: [{ phone: '+5511912340001', type: 'CELL', wa_id: '5511912340001' }],
		org: { company: 'Clínica Sol', department: 'Cardiology', title: 'Cardiologist' },
	},
	{ name: { formatted_name: 'Lab' }, emails: [{ email: 'lab@clinicasol.example', type: 'WORK' }] },
];

function sendNode(name: string, y: number, parameters: Record<string, unknown>): WorkflowNode {
	return {
		name,
		type: T('whatsAppSendMessage'),
		typeVersion: 1,
		position: [260, y],
		parameters: { operation: 'contacts', recipient: '={{ $json.body.phone }}', ...parameters },
		credentials: WHATSAPP,
	};
}

function workflow(): WorkflowJson {
	const targets = ['Reception card', 'Team cards (expression)', 'Team cards (typed JSON)'];
	return {
		name: 'E2E send contacts (Define Below + From JSON)',
		nodes: [
			webhookNode(PATH),
			sendNode('Reception card', -200, {
				contactsSource: 'defineBelow',
				contactName: 'Clínica Sol – Reception',
				contactPhone: '(11) 3000-0000',
				contactEmail: 'reception@clinicasol.example',
				contactUrl: 'https://clinicasol.example',
				contactAdditionalFields: {
					company: 'Clínica Sol',
					department: 'Front desk',
					phoneType: 'MAIN',
					phoneOnWhatsApp: true,
					secondPhone: '+55 11 91234-0000',
					street: 'Rua das Flores, 100',
					city: 'São Paulo',
					state: 'SP',
					zip: '01000-000',
					countryCode: 'BR',
					birthday: '2001-05-20',
				},
				options: { defaultCountry: 'BR' },
			}),
			sendNode('Team cards (expression)', 0, {
				contactsSource: 'json',
				contactsJson: '={{ $json.body.team }}',
				options: {},
			}),
			sendNode('Team cards (typed JSON)', 200, {
				contactsSource: 'json',
				contactsJson: '[{"name": "Reception", "phones": ["+551130000000"]}, {"name": "Pharmacy"}]',
				options: {},
			}),
		],
		connections: { Start: { main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] } },
	};
}

export const sendContactsScenario: Scenario = {
	name: 'send-contacts',
	description:
		'Send Contact: Define Below with Additional Fields (wa_id from a local number) and From JSON (expression and typed text) → one contacts message each, several cards in one message',
	requires: { nodes: ['whatsAppSendMessage'], credentials: ['whatsAppClinicApi'] },
	async run(ctx) {
		await isolate(ctx);
		const wfId = await useWorkflow(ctx, workflow());
		const patient = patientPhone();
		await ctx.sim.inbound({ from: patient, name: 'Eva Souza', type: 'text', text: 'Qual o telefone?' });

		const { execution } = await runOnce(ctx, wfId, PATH, { phone: `+${patient}`, team: TEAM });

		const sent = await ctx.sim.messages({ to: patient });
		assertEqual(sent.length, 3, 'contacts messages accepted by the simulator');
		const byId = new Map(sent.map((m) => [m.id, m]));
		const request = (node: string) => {
			const out = nodeOutput(execution, node);
			assertEqual(out.length, 1, `items out of ${node}`);
			assertEqual(out[0].type, 'contacts', `${node} output type`);
			const msg = byId.get(out[0].messageId);
			assert(msg, `simulator has the message of ${node} (${String(out[0].messageId)})`);
			return msg.request.contacts as Array<Record<string, unknown>>;
		};

		assertEqual(
			request('Reception card'),
			[
				{
					name: { formatted_name: 'Clínica Sol – Reception' },
					phones: [
						{ phone: '(11) 3000-0000', type: 'MAIN', wa_id: '551130000000' },
						{ phone: '+55 11 91234-0000', type: 'CELL' },
					],
					emails: [{ email: 'reception@clinicasol.example', type: 'WORK' }],
					urls: [{ url: 'https://clinicasol.example', type: 'WORK' }],
					addresses: [
						{
							street: 'Rua das Flores, 100',
							city: 'São Paulo',
							state: 'SP',
							zip: '01000-000',
							country_code: 'BR',
							type: 'WORK',
						},
					],
					org: { company: 'Clínica Sol', department: 'Front desk' },
					birthday: '2001-05-20',
				},
			],
			'Define Below card',
		);
		assertEqual(
			request('Team cards (expression)'),
			[
				{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000', type: 'MAIN' }] },
				TEAM[1],
				TEAM[2],
			],
			'From JSON (expression): three cards in one message',
		);
		assertEqual(
			request('Team cards (typed JSON)'),
			[
				{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000' }] },
				{ name: { formatted_name: 'Pharmacy' } },
			],
			'From JSON (typed text with shortcuts)',
		);
		ctx.log(
			'3 contacts messages: Define Below (1 card, wa_id), From JSON expression (3 cards), typed JSON (2)',
		);
	},
};
