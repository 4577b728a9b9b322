/**
 * WhatsApp Flow → Validate / Create or Update Flow with the Flow JSON source "Shipped Booking Flow": the booking
 * Flow is generated in the chosen language from the one text table, with the node's Texts field on top, so staff
 * change the Flow's wording without code.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { FLOW_TEXTS } from '../../../core/i18n';
import { readFlowJson, validate } from '../../../nodes/WhatsAppFlow/actions/manage.operation';

function context(params: Record<string, unknown>): IExecuteFunctions {
	return {
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
	} as unknown as IExecuteFunctions;
}

describe('WhatsApp Flow: the shipped booking Flow as Flow JSON source', () => {
	it('generates the Flow in the chosen language with the clinic’s texts on top', async () => {
		const ctx = context({
			flowJsonSource: 'bookingFlow',
			bookingFlowLanguage: 'es',
			bookingFlowTexts: JSON.stringify({ flow_specialty_heading: { es: '¿Qué área necesita?' } }),
		});
		const json = await readFlowJson(ctx, 0);
		expect(json).toContain('"¿Qué área necesita?"');
		expect(json).toContain(`"${FLOW_TEXTS.flow_date_label.es}"`);
		expect(json).not.toContain(FLOW_TEXTS.flow_date_label.pt_BR);
		expect(await validate.call(ctx, 0)).toMatchObject({ valid: true, errorCount: 0 });
	});

	it('refuses a text that does not fit, naming the entry and the field', async () => {
		const ctx = context({
			flowJsonSource: 'bookingFlow',
			bookingFlowLanguage: 'pt_BR',
			bookingFlowTexts: { flow_cta: { pt_BR: 'Agende agora a sua consulta' } },
		});
		await expect(readFlowJson(ctx, 0)).rejects.toThrow(/Texts → flow_cta → pt_BR.*20 on a button/);
	});

	it('refuses a language that is not one of the three, naming Flow Language', async () => {
		const ctx = context({ flowJsonSource: 'bookingFlow', bookingFlowLanguage: 'fr' });
		await expect(readFlowJson(ctx, 0)).rejects.toThrow(/Flow Language/);
	});
});
