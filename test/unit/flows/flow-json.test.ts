import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	appointmentBookingFlow,
	bookingFlowFile,
	bookingFlowName,
	flowTokenExpiredText,
} from '../../../core/flows/booking-flow';
import { validateFlowJson } from '../../../core/flows/flow-json';
import { buildTextTable, FLOW_TEXTS, LANGUAGES } from '../../../core/i18n';

describe('Flow JSON validation', () => {
	it.each(LANGUAGES)('the shipped appointment-booking Flow (%s) is valid', (language) => {
		expect(validateFlowJson(appointmentBookingFlow(language))).toEqual([]);
	});

	it.each(LANGUAGES)('the shipped Flow file (%s) is the one generated from the text table', (language) => {
		const file = join(__dirname, '../../../workflows/flows', bookingFlowFile(language));
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(appointmentBookingFlow(language));
	});

	it('every text of every language fits (CTA ≤ 20, footer labels ≤ 35)', () => {
		for (const language of LANGUAGES) {
			expect(FLOW_TEXTS.flow_cta[language].length).toBeLessThanOrEqual(20);
			for (const key of ['flow_continue', 'flow_confirm'] as const)
				expect(FLOW_TEXTS[key][language].length).toBeLessThanOrEqual(35);
		}
	});

	it('takes its texts from the text table, with the clinic’s own entries on top', () => {
		const texts = buildTextTable({
			defaultLanguage: 'pt_BR',
			overrides: {
				flow_specialty_heading: { pt_BR: 'Qual área você procura?' },
				flow_confirm: { es: 'Reservar ahora' },
			},
		});
		const pt = JSON.stringify(appointmentBookingFlow('pt_BR', texts));
		expect(pt).toContain('"Qual área você procura?"');
		expect(pt).not.toContain(FLOW_TEXTS.flow_specialty_heading.pt_BR);
		const es = JSON.stringify(appointmentBookingFlow('es', texts));
		expect(es).toContain('"label":"Reservar ahora"');
		expect(es).toContain(FLOW_TEXTS.flow_specialty_heading.es);
		expect(bookingFlowName('en')).toBe('appointment_booking_en_US');
	});

	it('the 427 text is the table’s, in the token’s language (any spelling), the default when unknown', () => {
		expect(flowTokenExpiredText('en_US')).toBe(FLOW_TEXTS.flow_token_expired.en);
		expect(flowTokenExpiredText('es-MX')).toBe(FLOW_TEXTS.flow_token_expired.es);
		expect(flowTokenExpiredText(undefined)).toBe(FLOW_TEXTS.flow_token_expired.pt_BR);
		const texts = buildTextTable({
			defaultLanguage: 'es',
			overrides: { flow_token_expired: { en: 'Expired: send hi.' } },
		});
		expect(flowTokenExpiredText('en', texts)).toBe('Expired: send hi.');
		expect(flowTokenExpiredText('xx', texts)).toBe(FLOW_TEXTS.flow_token_expired.es);
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
