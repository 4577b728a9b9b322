import {
	buildTemplate,
	buildTemplateComponents,
	findTemplate,
	parseTemplateRef,
	templateParameters,
	type TemplateDefinition,
} from '../../../core/whatsapp/messages';
import { errorOf } from './error-of';

const reminder: TemplateDefinition = {
	name: 'appointment_reminder',
	language: 'pt_BR',
	category: 'UTILITY',
	status: 'APPROVED',
	parameter_format: 'POSITIONAL',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Consulta na {{1}}', example: { header_text: ['Clinica'] } },
		{
			type: 'BODY',
			text: 'Olá {{1}}, sua consulta em {{3}}… lembrete de {{2}}',
			example: { body_text: [['Maria', '12/03', '09:30']] },
		},
		{ type: 'FOOTER', text: 'Responda PARAR' },
		{
			type: 'BUTTONS',
			buttons: [
				{ type: 'QUICK_REPLY', text: 'Confirmar' },
				{
					type: 'URL',
					text: 'Ver',
					url: 'https://clinic.example/a/{{1}}',
					example: ['https://clinic.example/a/X1'],
				},
				{ type: 'PHONE_NUMBER', text: 'Ligar' },
			],
		},
	],
};

const named: TemplateDefinition = {
	name: 'appointment_confirmation',
	language: 'en_US',
	parameter_format: 'NAMED',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Hi {{first_name}}' },
		{
			type: 'BODY',
			text: 'Hi {{first_name}}, {{doctor_name}} sees you on {{appointment_date}}.',
			example: {
				body_text_named_params: [
					{ param_name: 'first_name', example: 'Maria' },
					{ param_name: 'doctor_name', example: 'Dr. Silva' },
					{ param_name: 'appointment_date', example: 'March 12' },
				],
			},
		},
	],
};

const mediaHeader = (format: string): TemplateDefinition => ({
	name: 'lab_results_ready',
	language: 'en_US',
	components: [
		{ type: 'HEADER', format, example: { header_handle: ['4::x'] } },
		{ type: 'BODY', text: 'Hello {{1}}' },
	],
});

const buttons: TemplateDefinition = {
	name: 'check_in',
	language: 'en_US',
	components: [
		{ type: 'BODY', text: 'Code for {{1}}' },
		{
			type: 'BUTTONS',
			buttons: [
				{ type: 'COPY_CODE', text: 'Copy code' },
				{ type: 'FLOW', text: 'Fill form', flow_id: 1 },
				{ type: 'QUICK_REPLY', text: 'Stop' },
			],
		},
	],
};

describe('template parameter model', () => {
	it('lists header, body (number order) and dynamic button parameters with examples', () => {
		const params = templateParameters(reminder);
		expect(params.map((p) => [p.key, p.label, p.required, p.example])).toEqual([
			['header_1', 'header {{1}}', true, 'Clinica'],
			['body_1', 'body {{1}}', true, 'Maria'],
			['body_2', 'body {{2}}', true, '12/03'],
			['body_3', 'body {{3}}', true, '09:30'],
			['button_0_payload', 'button 1 ("Confirmar") payload', false, undefined],
			['button_1_url_suffix', 'button 2 ("Ver") URL suffix', true, 'https://clinic.example/a/X1'],
		]);
	});
	it('models named parameters, media and location headers, copy code, flow', () => {
		expect(templateParameters(named).map((p) => p.key)).toEqual([
			'header_first_name',
			'body_first_name',
			'body_doctor_name',
			'body_appointment_date',
		]);
		expect(templateParameters(mediaHeader('DOCUMENT'))[0]).toMatchObject({
			key: 'header_media',
			kind: 'document',
		});
		expect(templateParameters(mediaHeader('LOCATION'))[0]).toMatchObject({
			key: 'header_location',
			kind: 'location',
		});
		expect(templateParameters(buttons).map((p) => [p.key, p.required])).toEqual([
			['body_1', true],
			['button_0_coupon_code', true],
			['button_1_flow_token', false],
			['button_1_flow_action_data', false],
			['button_2_payload', false],
		]);
	});
});

describe('template components', () => {
	it('builds positional header/body/buttons in Meta’s shape', () => {
		const content = buildTemplate(reminder, {
			header_1: 'Clínica Sol',
			body_1: 'Ana',
			body_2: 12,
			body_3: '10:00',
			button_0_payload: 'confirm:APPT-1',
			button_1_url_suffix: 'APPT-1',
		});
		expect(content).toEqual({
			type: 'template',
			template: {
				name: 'appointment_reminder',
				language: { code: 'pt_BR' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: 'Clínica Sol' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Ana' },
							{ type: 'text', text: '12' },
							{ type: 'text', text: '10:00' },
						],
					},
					{
						type: 'button',
						sub_type: 'quick_reply',
						index: '0',
						parameters: [{ type: 'payload', payload: 'confirm:APPT-1' }],
					},
					{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'APPT-1' }] },
				],
			},
		});
	});
	it('sends named parameters with parameter_name and accepts bare names as keys', () => {
		const components = buildTemplateComponents(named, {
			header_first_name: 'Ana',
			'{{doctor_name}}': 'Dr. Lima',
			body_first_name: 'Ana',
			appointment_date: 'March 3',
		});
		expect(components).toEqual([
			{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] },
			{
				type: 'body',
				parameters: [
					{ type: 'text', parameter_name: 'first_name', text: 'Ana' },
					{ type: 'text', parameter_name: 'doctor_name', text: 'Dr. Lima' },
					{ type: 'text', parameter_name: 'appointment_date', text: 'March 3' },
				],
			},
		]);
	});
	it.each([
		['IMAGE', 'https://x.org/a.png', { type: 'image', image: { link: 'https://x.org/a.png' } }],
		['VIDEO', '123456', { type: 'video', video: { id: '123456' } }],
		[
			'DOCUMENT',
			{ id: '777', filename: 'lab.pdf' },
			{ type: 'document', document: { id: '777', filename: 'lab.pdf' } },
		],
		[
			'LOCATION',
			'{"latitude": -23.5, "longitude": -46.6, "name": "Clinic"}',
			{ type: 'location', location: { latitude: -23.5, longitude: -46.6, name: 'Clinic' } },
		],
	])('builds a %s header', (format, value, expected) => {
		const key = format === 'LOCATION' ? 'header_location' : 'header_media';
		expect(buildTemplateComponents(mediaHeader(format), { [key]: value, body_1: 'Ana' })[0]).toEqual({
			type: 'header',
			parameters: [expected],
		});
	});
	it('takes the document filename from the options', () => {
		expect(
			buildTemplateComponents(
				mediaHeader('DOCUMENT'),
				{ header_media: 'https://x.org/r.pdf', body_1: 'A' },
				{ documentFilename: 'Results.pdf' },
			)[0],
		).toEqual({
			type: 'header',
			parameters: [{ type: 'document', document: { link: 'https://x.org/r.pdf', filename: 'Results.pdf' } }],
		});
	});
	it('builds copy-code and flow buttons, skips optional ones left empty', () => {
		expect(
			buildTemplateComponents(buttons, {
				body_1: 'Mar 3',
				button_0_coupon_code: 'A1B2',
				button_1_flow_token: 'APPT-9',
				button_2_payload: '',
			}),
		).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: 'Mar 3' }] },
			{
				type: 'button',
				sub_type: 'copy_code',
				index: '0',
				parameters: [{ type: 'coupon_code', coupon_code: 'A1B2' }],
			},
			{
				type: 'button',
				sub_type: 'flow',
				index: '1',
				parameters: [{ type: 'action', action: { flow_token: 'APPT-9' } }],
			},
		]);
	});
	it('fills an OTP button from body {{1}} when not given', () => {
		const otp: TemplateDefinition = {
			name: 'otp',
			language: 'en_US',
			components: [
				{ type: 'BODY', text: '{{1}} is your code' },
				{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy' }] },
			],
		};
		expect(buildTemplateComponents(otp, { body_1: '123456' })[1]).toEqual({
			type: 'button',
			sub_type: 'url',
			index: '0',
			parameters: [{ type: 'text', text: '123456' }],
		});
	});
	it('omits components for a template without variables', () => {
		expect(
			buildTemplate(
				{ name: 'hello_world', language: 'en_US', components: [{ type: 'BODY', text: 'Hello' }] },
				{},
			),
		).toEqual({
			type: 'template',
			template: { name: 'hello_world', language: { code: 'en_US' } },
		});
	});
});

describe('template validation errors name the placeholder and the fix', () => {
	const full = { header_1: 'C', body_1: 'Ana', body_2: 'x', body_3: 'y', button_1_url_suffix: 's' };
	it.each([
		['missing body var', reminder, { ...full, body_2: '' }, 'body {{2}}', 'is missing', 'e.g. "12/03"'],
		[
			'missing named var',
			named,
			{ header_first_name: 'A', body_first_name: 'A', body_doctor_name: 'B' },
			'body {{appointment_date}}',
			'is missing',
			'body_appointment_date',
		],
		[
			'missing url suffix',
			reminder,
			{ ...full, button_1_url_suffix: undefined },
			'button 2 ("Ver") URL suffix',
			'is missing',
			'ends in {{1}}',
		],
		[
			'extra parameter',
			reminder,
			{ ...full, body_4: 'z' },
			'parameter "body_4"',
			'is not in template "appointment_reminder" (pt_BR)',
			'body_1, body_2',
		],
		[
			'wrong type',
			reminder,
			{ ...full, body_1: { name: 'Ana' } },
			'body {{1}}',
			'must be text but is an object',
			'Map a text value',
		],
		['list value', reminder, { ...full, body_1: ['Ana'] }, 'body {{1}}', 'is a list', ''],
		[
			'newline in body var',
			reminder,
			{ ...full, body_1: 'Ana\nMaria' },
			'body {{1}}',
			'line break',
			'one line',
		],
		[
			'header too long',
			reminder,
			{ ...full, header_1: 'h'.repeat(61) },
			'header {{1}}',
			'61 characters',
			'60',
		],
		['missing media header', mediaHeader('IMAGE'), { body_1: 'A' }, 'header IMAGE', 'is missing', '132012'],
		[
			'bad media header',
			mediaHeader('DOCUMENT'),
			{ body_1: 'A', header_media: 'file.pdf' },
			'header DOCUMENT.link',
			'http',
			'',
		],
		[
			'bad location header',
			mediaHeader('LOCATION'),
			{ body_1: 'A', header_location: { latitude: 100, longitude: 0 } },
			'header LOCATION.latitude',
			'90',
			'',
		],
		[
			'coupon too long',
			buttons,
			{ body_1: 'A', button_0_coupon_code: 'x'.repeat(16) },
			'button 1 ("Copy code") code',
			'16 characters',
			'15',
		],
		[
			'ambiguous bare key',
			named,
			{ first_name: 'A' },
			'"first_name"',
			'matches both',
			'header_first_name or body_first_name',
		],
	])('%s', (_name, def, values, field, problem, fix) => {
		const e = errorOf(() => buildTemplateComponents(def, values as Record<string, unknown>));
		expect(e.field).toBe(field);
		expect(e.message).toContain(problem);
		expect(e.message).toContain(fix);
	});
	it('requires name and language', () => {
		expect(errorOf(() => buildTemplate({ ...reminder, name: '' }, {})).field).toBe('template.name');
		expect(errorOf(() => buildTemplate({ ...reminder, language: '' }, {})).field).toBe(
			'template.language.code',
		);
	});
});

describe('finding a template', () => {
	const list = [reminder, { ...reminder, language: 'en_US' }, named];
	it('picks by name and language, or by name when only one language exists', () => {
		expect(findTemplate(list, 'appointment_reminder', 'en_US').language).toBe('en_US');
		expect(findTemplate(list, 'appointment_confirmation').language).toBe('en_US');
	});
	it('explains unknown names, unknown languages and ambiguous languages', () => {
		expect(errorOf(() => findTemplate(list, 'nope')).message).toContain('does not exist');
		expect(errorOf(() => findTemplate(list, 'appointment_reminder', 'es')).message).toContain('pt_BR, en_US');
		expect(errorOf(() => findTemplate(list, 'appointment_reminder')).message).toContain('2 languages');
	});
	it('parses name|language references', () => {
		expect(parseTemplateRef('a_b|pt_BR')).toEqual({ name: 'a_b', language: 'pt_BR' });
		expect(parseTemplateRef(' a_b ')).toEqual({ name: 'a_b', language: undefined });
	});
});
