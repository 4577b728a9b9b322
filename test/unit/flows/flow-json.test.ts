import { appointmentBookingFlow } from '../../../core/flows/booking-flow';
import { validateFlowJson } from '../../../core/flows/flow-json';
import { FLOW_LANGUAGES, FLOW_TEXTS } from '../../../core/flows/texts';

describe('Flow JSON validation', () => {
	it.each(FLOW_LANGUAGES)('the shipped appointment-booking Flow (%s) is valid', (language) => {
		expect(validateFlowJson(appointmentBookingFlow(language))).toEqual([]);
	});

	it('every text of every language fits (CTA ≤ 20, footer labels ≤ 35)', () => {
		for (const t of Object.values(FLOW_TEXTS)) {
			expect(t.cta.length).toBeLessThanOrEqual(20);
			for (const label of [t.continue, t.confirm]) expect(label.length).toBeLessThanOrEqual(35);
		}
	});

	it('names what the client would reject', () => {
		const flow = appointmentBookingFlow('pt_BR') as any;
		flow.version = '2.1';
		flow.routing_model.TIME.push('NOWHERE');
		flow.screens[0].layout.children.push({
			type: 'Footer',
			label: 'x',
			'on-click-action': { name: 'complete' },
		});
		flow.screens[1].layout.children.unshift({ type: 'TextBody', text: '${data.unknown}' });
		flow.screens[2].layout.children.unshift({ type: 'Carousel3D' });
		const errors = validateFlowJson(flow).map((e) => e.error);
		expect(errors).toEqual(
			expect.arrayContaining([
				'INVALID_VERSION',
				'INVALID_ROUTING_MODEL',
				'TOO_MANY_FOOTERS',
				'UNDECLARED_DATA',
				'INVALID_COMPONENT_TYPE',
			]),
		);
		expect(validateFlowJson('{not json')[0].error).toBe('INVALID_JSON');
	});
});
