/**
 * WhatsApp Send Template with a FLOW button (node level): the token and action data mapped in the node reach Meta in
 * one `action` parameter; a button left without a token gets a signed token the Flow trigger accepts (App Secret of
 * the credential), and keeps Meta's default "unused" when the credential has no App Secret.
 */
import { flowTokenKey, verifyFlowToken } from '../../../core/flows/flow-token';
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { WhatsAppSendTemplate } from '../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { FakeGraph, fakeContext, rl } from '../nodes/send/fake-context';

const node = new WhatsAppSendTemplate();
const APP_SECRET = 'flow-template-app-secret';

function graphWithFlowTemplate(): FakeGraph {
	const graph = new FakeGraph();
	graph.templates.push({
		name: 'book_appointment',
		language: 'pt_BR',
		status: 'APPROVED',
		category: 'UTILITY',
		components: [
			{ type: 'BODY', text: 'Olá {{1}}, marque sua consulta.' },
			{ type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Marcar', flow_id: 123 }] },
		],
	} as (typeof graph.templates)[number]);
	return graph;
}

async function send(
	values: Record<string, unknown>,
	credential: Record<string, unknown> = { appSecret: APP_SECRET },
) {
	const graph = graphWithFlowTemplate();
	await node.execute.call(
		fakeContext({
			graph,
			credential,
			params: {
				recipient: '+5511912345678',
				template: rl('book_appointment|pt_BR'),
				parameterSource: 'mapper',
				templateParameters: { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] },
				options: {},
			},
		}),
	);
	expect(graph.messages).toHaveLength(1);
	const components = graph.messages[0].template.components as Array<Record<string, any>>;
	return components.find((c) => c.type === 'button');
}

beforeEach(() => resetSharedLimiters());

describe('WhatsApp Send Template: FLOW button', () => {
	it('sends the mapped flow token and action data in one action parameter', async () => {
		const button = await send({
			body_1: 'Ana',
			button_0_flow_token: 'booking-42',
			button_0_flow_action_data: '{"specialty":"consultation"}',
		});
		expect(button).toEqual({
			type: 'button',
			sub_type: 'flow',
			index: '0',
			parameters: [
				{
					type: 'action',
					action: { flow_token: 'booking-42', flow_action_data: { specialty: 'consultation' } },
				},
			],
		});
	});

	it('issues a signed token (reference: template name, language: template language) when none is mapped', async () => {
		const button = await send({ body_1: 'Ana' });
		const token = button?.parameters[0].action.flow_token;
		expect(verifyFlowToken(flowTokenKey(APP_SECRET), token)).toMatchObject({
			valid: true,
			claims: { reference: 'book_appointment', language: 'pt_BR' },
		});
	});

	it('leaves the button to Meta\'s default "unused" when the credential has no App Secret', async () => {
		expect(await send({ body_1: 'Ana' }, { appSecret: '' })).toBeUndefined();
	});
});
