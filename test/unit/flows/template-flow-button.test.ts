/**
 * Send Template's FLOW buttons, as Meta's "Sending a Flow" guide specifies the template component:
 * `{type: "button", sub_type: "flow", index, parameters: [{type: "action", action: {flow_token, flow_action_data}}]}`
 * (both optional; docs/flows.md cites the page).
 */
import { flowTokenKey, issueFlowToken, verifyFlowToken } from '../../../core/flows/flow-token';
import { buildTemplate, buildTemplateComponents } from '../../../core/whatsapp/messages/template';
import type { TemplateDefinition } from '../../../core/whatsapp/messages/template-parameters';
import { templateParameters } from '../../../core/whatsapp/messages/template-parameters';
import { MessageValidationError } from '../../../core/whatsapp/messages/validation';

const booking: TemplateDefinition = {
	name: 'book_appointment',
	language: 'pt_BR',
	components: [
		{ type: 'BODY', text: 'Olá {{1}}, marque sua consulta.' },
		{ type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Marcar', flow_id: 123 }] },
	],
};

const flowButton = (action: Record<string, unknown>) => ({
	type: 'button',
	sub_type: 'flow',
	index: '0',
	parameters: [{ type: 'action', action }],
});

describe('template FLOW buttons', () => {
	it('models an optional flow token and optional action data per FLOW button', () => {
		expect(templateParameters(booking).map((p) => [p.key, p.kind, p.required, p.label])).toEqual([
			['body_1', 'text', true, 'body {{1}}'],
			['button_0_flow_token', 'flow_token', false, 'button 1 ("Marcar") flow token'],
			['button_0_flow_action_data', 'flow_action_data', false, 'button 1 ("Marcar") flow action data'],
		]);
	});

	it('puts token and action data into ONE action parameter of the button', () => {
		const content = buildTemplate(booking, {
			body_1: 'Ana',
			button_0_flow_token: 'booking-42',
			button_0_flow_action_data: { specialty: 'consultation', practitioner: 'dr-silva' },
		});
		expect(content.template).toEqual({
			name: 'book_appointment',
			language: { code: 'pt_BR' },
			components: [
				{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
				flowButton({
					flow_token: 'booking-42',
					flow_action_data: { specialty: 'consultation', practitioner: 'dr-silva' },
				}),
			],
		});
	});

	it('accepts action data as JSON text (an expression or a typed field) and sends it alone', () => {
		expect(
			buildTemplateComponents(booking, {
				body_1: 'Ana',
				button_0_flow_action_data: '{"specialty":"consultation"}',
			})[1],
		).toEqual(flowButton({ flow_action_data: { specialty: 'consultation' } }));
	});

	it('leaves the button out when nothing is given (Meta uses the token "unused"); {} counts as nothing', () => {
		expect(buildTemplateComponents(booking, { body_1: 'Ana', button_0_flow_action_data: '{}' })).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
		]);
	});

	it('fills an empty token with the default token (a signed token the Flow trigger accepts)', () => {
		const key = flowTokenKey('app-secret');
		const components = buildTemplateComponents(
			booking,
			{ body_1: 'Ana', button_0_flow_action_data: { specialty: 'consultation' } },
			{ defaultFlowToken: () => issueFlowToken(key, { reference: 'book_appointment', language: 'pt_BR' }) },
		);
		const action = (components[1].parameters as Array<{ action: { flow_token: string } }>)[0].action;
		expect(verifyFlowToken(key, action.flow_token)).toMatchObject({
			valid: true,
			claims: { reference: 'book_appointment', language: 'pt_BR' },
		});
		expect(action).toMatchObject({ flow_action_data: { specialty: 'consultation' } });
		// A token the sender gave wins over the default.
		const given = buildTemplateComponents(
			booking,
			{ body_1: 'Ana', button_0_flow_token: 'mine' },
			{ defaultFlowToken: () => 'default' },
		);
		expect(given[1]).toEqual(flowButton({ flow_token: 'mine' }));
	});

	it('refuses action data that is not a JSON object, naming the field and the fix', () => {
		for (const bad of ['not json', '[1,2]', 42]) {
			let error: unknown;
			try {
				buildTemplateComponents(booking, { body_1: 'Ana', button_0_flow_action_data: bad });
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(MessageValidationError);
			expect(String((error as Error).message)).toContain('button 1 ("Marcar") flow action data');
			expect((error as MessageValidationError).fix).toMatch(/JSON object/);
		}
	});
});
