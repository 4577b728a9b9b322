/**
 * Meta's length limits on template parameter values (core/whatsapp/messages/template-limits.ts): refused before
 * sending, the error naming the placeholder. Sources are cited in template-limits.ts.
 */
import {
	buildTemplateComponents,
	MAX_BODY_ONLY_PARAMETER,
	MAX_BODY_PARAMETER,
	MAX_BUTTON_URL,
	MAX_HEADER_TEXT,
	type TemplateDefinition,
} from '../../../core/whatsapp/messages';
import { errorOf } from './error-of';

const withButtons: TemplateDefinition = {
	name: 'lab_results_ready',
	language: 'pt_BR',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Resultado {{1}}', example: { header_text: ['Hemograma'] } },
		{ type: 'BODY', text: 'Olá {{1}}, seu resultado: {{2}}', example: { body_text: [['Maria', 'normal']] } },
		{
			type: 'BUTTONS',
			buttons: [
				{
					type: 'URL',
					text: 'Abrir',
					url: 'https://clinic.example/r/{{1}}',
					example: ['https://clinic.example/r/A1'],
				},
				{ type: 'COPY_CODE', example: 'ABC123' },
			],
		},
	],
};

const bodyOnly: TemplateDefinition = {
	name: 'visit_summary',
	language: 'en_US',
	components: [{ type: 'BODY', text: 'Summary: {{1}}', example: { body_text: [['Fine']] } }],
};

const values = {
	header_1: 'Hemograma',
	body_1: 'Ana',
	body_2: 'normal',
	button_0_url_suffix: 'A1',
	button_1_coupon_code: 'C1',
};

describe('template parameter limits', () => {
	it('refuses a body variable over 1,024 characters when the template has other components, naming it', () => {
		const ok = 'x'.repeat(MAX_BODY_PARAMETER);
		expect(() => buildTemplateComponents(withButtons, { ...values, body_2: ok })).not.toThrow();
		const error = errorOf(() => buildTemplateComponents(withButtons, { ...values, body_2: `${ok}x` }));
		expect(error.field).toBe('body {{2}}');
		expect(error.problem).toBe('is 1,025 characters; WhatsApp allows at most 1,024');
		expect(error.hint).toContain('{{2}}');
	});

	it('allows up to 32,768 characters when the body is the only component', () => {
		const long = 'y'.repeat(MAX_BODY_ONLY_PARAMETER);
		expect(() => buildTemplateComponents(bodyOnly, { body_1: long })).not.toThrow();
		const error = errorOf(() => buildTemplateComponents(bodyOnly, { body_1: `${long}y` }));
		expect(error.field).toBe('body {{1}}');
		expect(error.problem).toContain('at most 32,768');
	});

	it('checks a typed value (money, date) by the text the patient reads', () => {
		const error = errorOf(() =>
			buildTemplateComponents(withButtons, {
				...values,
				body_2: { currency: 'BRL', amount: 1, fallback_value: 'R$ '.padEnd(MAX_BODY_PARAMETER + 1, '0') },
			}),
		);
		expect(error.field).toBe('body {{2}}');
	});

	it('refuses a header variable over 60 characters', () => {
		const error = errorOf(() =>
			buildTemplateComponents(withButtons, { ...values, header_1: 'h'.repeat(MAX_HEADER_TEXT + 1) }),
		);
		expect(error.field).toBe('header {{1}}');
		expect(error.problem).toBe('is 61 characters');
	});

	it('refuses a URL suffix that makes the button URL longer than 2,000 characters', () => {
		const prefix = 'https://clinic.example/r/';
		const fits = 'a'.repeat(MAX_BUTTON_URL - prefix.length);
		expect(() =>
			buildTemplateComponents(withButtons, { ...values, button_0_url_suffix: fits }),
		).not.toThrow();
		const error = errorOf(() =>
			buildTemplateComponents(withButtons, { ...values, button_0_url_suffix: `${fits}a` }),
		);
		expect(error.field).toBe('button 1 ("Abrir") URL suffix');
		expect(error.problem).toBe('makes the button URL 2,001 characters long; WhatsApp allows at most 2,000');
		expect(error.hint).toContain(
			`at most ${(MAX_BUTTON_URL - prefix.length).toLocaleString('en-US')} characters`,
		);
	});

	it('refuses a coupon code over 15 characters', () => {
		const error = errorOf(() =>
			buildTemplateComponents(withButtons, { ...values, button_1_coupon_code: 'C'.repeat(16) }),
		);
		expect(error.field).toBe('button 2 code');
		expect(error.problem).toBe('is 16 characters');
	});
});
