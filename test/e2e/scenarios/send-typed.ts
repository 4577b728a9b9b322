/**
 * Typed template variables end to end: WhatsApp Send Template in a real n8n sends money and dates as Meta's
 * `currency` / `date_time` parameters, against the simulator. One webhook call fans out to two nodes:
 * - "Payment (Variable Formats)": payment_reminder (pt_BR) from the resource mapper; body_2 is mapped text
 *   "1.234,50" and body_3 a luxon DateTime from an expression; the Variable Formats option (Currency BRL, Date long,
 *   time zone empty = the workflow's, America/Sao_Paulo) turns them into R$ 1.234,50 and the Brazilian date;
 * - "Confirmation (JSON objects)": appointment_confirmation (en_US, NAMED) with date objects in the JSON parameters.
 * The simulator's webhook is switched off while it runs, so the inbox bot does not answer the test patient.
 */
import type { WorkflowJson, WorkflowNode } from '../../stack/n8n';
import { assert, assertEqual, type Scenario } from '../scenario';
import { isolate, nodeOutput, patientPhone, runOnce, T, useWorkflow, webhookNode } from './util';

const WHATSAPP = { whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' } };
const PATH = 'e2e-send-typed';

function sendNode(name: string, y: number, parameters: Record<string, unknown>): WorkflowNode {
	return {
		name,
		type: T('whatsAppSendTemplate'),
		typeVersion: 1,
		position: [260, y],
		parameters: { recipient: '={{ $json.body.phone }}', ...parameters },
		credentials: WHATSAPP,
	};
}

function workflow(): WorkflowJson {
	const targets = ['Payment (Variable Formats)', 'Confirmation (JSON objects)'];
	const field = (id: string) => ({
		id,
		displayName: id,
		required: true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
	});
	return {
		name: 'E2E send template typed variables (currency, date_time)',
		nodes: [
			webhookNode(PATH),
			sendNode('Payment (Variable Formats)', -100, {
				template: {
					__rl: true,
					mode: 'list',
					value: 'payment_reminder|pt_BR',
					cachedResultName: 'payment_reminder (pt_BR) · UTILITY',
				},
				parameterSource: 'mapper',
				templateParameters: {
					mappingMode: 'defineBelow',
					value: {
						body_1: '={{ $json.body.name }}',
						body_2: '={{ $json.body.total }}',
						body_3: '={{ DateTime.fromISO($json.body.due) }}',
					},
					matchingColumns: [],
					schema: ['body_1', 'body_2', 'body_3'].map(field),
					attemptToConvertTypes: false,
					convertFieldsToString: true,
				},
				options: {
					variableFormats: {
						formats: [
							{ variable: 'body_2', format: 'currency', currencyCode: 'BRL' },
							{ variable: 'body_3', format: 'date', dateStyle: 'long' },
						],
					},
				},
			}),
			sendNode('Confirmation (JSON objects)', 100, {
				template: { __rl: true, mode: 'name', value: 'appointment_confirmation|en_US' },
				parameterSource: 'json',
				parametersJson:
					"={{ { first_name: $json.body.name, doctor_name: 'Dr. Lima', appointment_date: { date_time: $json.body.visit, style: 'full', show: 'date' }, appointment_time: { date_time: $json.body.visit, show: 'time' } } }}",
				options: {},
			}),
		],
		connections: { Start: { main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] } },
	};
}

export const sendTypedVariablesScenario: Scenario = {
	name: 'send-template-typed',
	description:
		'Send Template: money and dates as currency / date_time (Variable Formats on mapped text and a DateTime; date objects in JSON) → exact components and localised fallbacks in the simulator',
	requires: { nodes: ['whatsAppSendTemplate'], credentials: ['whatsAppClinicApi'] },
	async run(ctx) {
		await isolate(ctx);
		const wfId = await useWorkflow(ctx, workflow());
		const patient = patientPhone();

		// 02:30 UTC on the 12th is still the 11th in São Paulo (the workflow's time zone).
		const { execution } = await runOnce(ctx, wfId, PATH, {
			phone: `+${patient}`,
			name: 'Ana',
			total: '1.234,50',
			due: '2026-03-12T02:30:00Z',
			visit: '2026-03-20T14:00:00-03:00',
		});

		const sent = await ctx.sim.messages({ to: patient });
		assertEqual(sent.length, 2, 'template messages accepted by the simulator');
		const byId = new Map(sent.map((m) => [m.id, m]));
		const message = (node: string) => {
			const out = nodeOutput(execution, node);
			assertEqual(out.length, 1, `items out of ${node}`);
			const msg = byId.get(out[0].messageId);
			assert(msg, `simulator has the message of ${node} (${String(out[0].messageId)})`);
			return msg;
		};

		const payment = message('Payment (Variable Formats)');
		assertEqual(
			payment.request.template.components,
			[
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Ana' },
						{
							type: 'currency',
							currency: { fallback_value: 'R$\u00a01.234,50', code: 'BRL', amount_1000: 1234500 },
						},
						{ type: 'date_time', date_time: { fallback_value: '11 de março de 2026' } },
					],
				},
			],
			'payment_reminder components',
		);
		assertEqual(
			payment.rendered?.body,
			'Olá Ana, o pagamento de R$\u00a01.234,50 da sua consulta vence em 11 de março de 2026. Você pode pagar na recepção ou responder esta mensagem.',
			'payment_reminder as the patient reads it',
		);

		const confirmation = message('Confirmation (JSON objects)');
		assertEqual(
			confirmation.request.template.components,
			[
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Ana', parameter_name: 'first_name' },
						{ type: 'text', text: 'Dr. Lima', parameter_name: 'doctor_name' },
						// Same key order as sent (assertEqual compares JSON text).
						{
							type: 'date_time',
							date_time: { fallback_value: 'Friday, March 20, 2026' },
							parameter_name: 'appointment_date',
						},
						{
							type: 'date_time',
							date_time: { fallback_value: '2:00 PM' },
							parameter_name: 'appointment_time',
						},
					],
				},
			],
			'appointment_confirmation components',
		);
		assertEqual(
			confirmation.rendered?.body,
			'Hi Ana, your appointment with Dr. Lima is confirmed for Friday, March 20, 2026 at 2:00 PM.',
			'appointment_confirmation as the patient reads it',
		);
	},
};
