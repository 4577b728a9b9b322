import { buildFlowMessage } from '../../../core/flows/flow-message';

describe('interactive Flow message', () => {
	it('builds Meta’s shape with flow_message_version 3 (navigate carries the screen and data)', () => {
		expect(
			buildFlowMessage({
				flowName: 'appointment_booking_pt_BR',
				cta: 'Agendar consulta',
				body: 'Agende sua consulta',
				flowToken: 'wac1.x.y',
				flowAction: 'navigate',
				screen: 'SPECIALTY',
				data: { specialties: [] },
			}),
		).toEqual({
			type: 'interactive',
			interactive: {
				type: 'flow',
				body: { text: 'Agende sua consulta' },
				action: {
					name: 'flow',
					parameters: {
						flow_message_version: '3',
						flow_token: 'wac1.x.y',
						flow_name: 'appointment_booking_pt_BR',
						flow_cta: 'Agendar consulta',
						flow_action: 'navigate',
						flow_action_payload: { screen: 'SPECIALTY', data: { specialties: [] } },
					},
				},
			},
		});
	});

	it('names the field that breaks a limit', () => {
		const base = { flowId: '1', body: 'b', flowToken: 't', flowAction: 'data_exchange' as const };
		expect(() => buildFlowMessage({ ...base, cta: 'x'.repeat(21) })).toThrow(
			expect.objectContaining({ field: 'Button Text' }),
		);
		expect(() => buildFlowMessage({ ...base, flowId: '', cta: 'ok' })).toThrow(
			expect.objectContaining({ field: 'Flow ID' }),
		);
		expect(() => buildFlowMessage({ ...base, cta: 'ok', flowAction: 'navigate' })).toThrow(
			expect.objectContaining({ field: 'First Screen' }),
		);
	});
});
