import { DateTime } from 'luxon';

import {
	buildTemplateComponents,
	localeOf,
	parseAmount,
	type TemplateBuildOptions,
	type TemplateDefinition,
} from '../../../core/whatsapp/messages';
import { errorOf } from './error-of';

const NBSP = '\u00a0';

/** Positional template: header {{1}}, body {{1}} name, {{2}} amount, {{3}} date. */
const invoice = (language: string): TemplateDefinition => ({
	name: 'payment_reminder',
	language,
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Due {{1}}' },
		{ type: 'BODY', text: 'Hello {{1}}, {{2}} for your visit on {{3}}.' },
	],
});

const namedInvoice: TemplateDefinition = {
	name: 'payment_reminder_named',
	language: 'pt_BR',
	parameter_format: 'NAMED',
	components: [{ type: 'BODY', text: 'Olá {{first_name}}, {{amount}} vence em {{due_date}}.' }],
};

/** The body parameters built for `values` (header 1 filled with text). */
function body(language: string, values: Record<string, unknown>, options?: TemplateBuildOptions) {
	const components = buildTemplateComponents(
		invoice(language),
		{ header_1: 'soon', body_1: 'Ana', ...values },
		options,
	);
	return components.find((c) => c.type === 'body')!.parameters as Array<Record<string, any>>;
}

/** The fallback text built for body {{2}} / {{3}}. */
const amountText = (language: string, value: unknown, options?: TemplateBuildOptions) =>
	body(language, { body_2: value, body_3: 'x' }, options)[1].currency.fallback_value as string;
const dateText = (language: string, value: unknown, options?: TemplateBuildOptions) =>
	body(language, { body_2: 'x', body_3: value }, options)[2].date_time.fallback_value as string;

describe('typed template variables: Meta payloads', () => {
	it('sends currency and date_time parameters for positional variables, text stays text', () => {
		const components = buildTemplateComponents(invoice('pt_BR'), {
			header_1: { date_time: '2026-03-20', style: 'short' },
			body_1: 'Ana',
			body_2: { currency: 'BRL', amount: 150.5 },
			body_3: { date_time: '2026-03-12T09:30:00-03:00' },
		});
		expect(components).toEqual([
			{ type: 'header', parameters: [{ type: 'date_time', date_time: { fallback_value: '20/03/2026' } }] },
			{
				type: 'body',
				parameters: [
					{ type: 'text', text: 'Ana' },
					{
						type: 'currency',
						currency: { fallback_value: `R$${NBSP}150,50`, code: 'BRL', amount_1000: 150500 },
					},
					{ type: 'date_time', date_time: { fallback_value: '12 de março de 2026 às 09:30' } },
				],
			},
		]);
	});

	it('adds parameter_name to currency and date_time parameters of named templates', () => {
		const [component] = buildTemplateComponents(namedInvoice, {
			first_name: 'Ana',
			amount: { code: 'usd', amount_1000: 99990 },
			due_date: { dateTime: '2026-04-01', style: 'medium' },
		});
		expect(component.parameters).toEqual([
			{ type: 'text', text: 'Ana', parameter_name: 'first_name' },
			{
				type: 'currency',
				parameter_name: 'amount',
				currency: { fallback_value: `US$${NBSP}99,99`, code: 'USD', amount_1000: 99990 },
			},
			{ type: 'date_time', parameter_name: 'due_date', date_time: { fallback_value: '1 de abr. de 2026' } },
		]);
	});

	it('keeps a fallback_value that is given, and accepts Meta’s own parameter shapes', () => {
		const params = body('en_US', {
			body_2: { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
			body_3: { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
		});
		expect(params.slice(1)).toEqual([
			{ type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
			{ type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
		]);
		expect(amountText('pt_BR', { currency: 'BRL', amount: 10, fallback_value: ' dez reais ' })).toBe(
			'dez reais',
		);
		expect(dateText('pt_BR', { date_time: '2026-03-12', fallback_value: 'amanhã' })).toBe('amanhã');
	});

	it('sends a JS Date or a luxon DateTime as date_time (not an ISO string)', () => {
		const [, , fromDate] = body(
			'pt_BR',
			{ body_2: 'x', body_3: new Date('2026-03-12T12:30:00Z') },
			{
				timezone: 'America/Sao_Paulo',
			},
		);
		expect(fromDate).toEqual({
			type: 'date_time',
			date_time: { fallback_value: '12 de março de 2026 às 09:30' },
		});
		// A DateTime keeps its own zone.
		const lisbon = DateTime.fromISO('2026-03-12T09:30', { zone: 'Europe/Lisbon' });
		expect(dateText('en_US', lisbon, { timezone: 'America/Sao_Paulo' })).toBe(`March 12, 2026 at 9:30 AM`);
	});
});

describe('typed template variables: fallback text in the template language', () => {
	it('writes money like the language does (pt_BR, en_US, es), rounding to amount_1000', () => {
		expect(amountText('pt_BR', { currency: 'BRL', amount: 1234.5 })).toBe(`R$${NBSP}1.234,50`);
		expect(amountText('en_US', { currency: 'USD', amount: 1234.5 })).toBe('$1,234.50');
		expect(amountText('es', { currency: 'EUR', amount: 1234.5 })).toBe(`1234,50${NBSP}€`);
		expect(amountText('es', { currency: 'EUR', amount: 12345.5 })).toBe(`12.345,50${NBSP}€`);
		expect(amountText('en_US', { currency: 'JPY', amount: 1500 })).toBe('¥1,500');
		const [, money] = body('en_US', { body_2: { currency: 'USD', amount: 0.1 + 0.2 }, body_3: 'x' });
		expect(money.currency.amount_1000).toBe(300);
	});

	it('reads amounts written as text: "150.50", "150,50", thousands, currency signs', () => {
		expect(amountText('pt_BR', { currency: 'BRL', amount: '150,50' })).toBe(`R$${NBSP}150,50`);
		expect(amountText('pt_BR', { currency: 'BRL', amount: 'R$ 1.234,56' })).toBe(`R$${NBSP}1.234,56`);
		const cases: Array<[string, string, number | undefined]> = [
			['150.50', 'pt-BR', 150.5],
			['150,50', 'pt-BR', 150.5],
			['150,50', 'en-US', 150.5],
			['1.234,56', 'en-US', 1234.56],
			['1,234.56', 'pt-BR', 1234.56],
			['1.234.567', 'en-US', 1234567],
			// One separator + three digits: read the way the language writes thousands.
			['1.234', 'pt-BR', 1234],
			['1.234', 'en-US', 1.234],
			['1,234', 'en-US', 1234],
			['1,234', 'pt-BR', 1.234],
			['-20', 'pt-BR', -20],
			['150.50 EUR', 'es', 150.5],
			['0,5', 'pt-BR', 0.5],
			['12.34,5', 'pt-BR', undefined],
			['1,2,3.4.5', 'pt-BR', undefined],
			['abc', 'pt-BR', undefined],
			['1e5', 'en-US', undefined],
			['', 'en-US', undefined],
		];
		for (const [text, locale, expected] of cases)
			expect([text, locale, parseAmount(text, locale)]).toEqual([text, locale, expected]);
	});

	it('writes dates per style and language, time of day when there is one', () => {
		const at = '2026-03-12T09:30:00-03:00';
		const styles = (language: string) =>
			(['short', 'medium', 'long', 'full'] as const).map((style) =>
				dateText(language, { date_time: at, style }),
			);
		expect(styles('pt_BR')).toEqual([
			'12/03/2026, 09:30',
			'12 de mar. de 2026, 09:30',
			'12 de março de 2026 às 09:30',
			'quinta-feira, 12 de março de 2026 às 09:30',
		]);
		expect(styles('en_US')).toEqual([
			`3/12/26, 9:30 AM`,
			`Mar 12, 2026, 9:30 AM`,
			`March 12, 2026 at 9:30 AM`,
			`Thursday, March 12, 2026 at 9:30 AM`,
		]);
		expect(styles('es')).toEqual([
			'12/3/26, 9:30',
			'12 mar 2026, 9:30',
			'12 de marzo de 2026, 9:30',
			'jueves, 12 de marzo de 2026, 9:30',
		]);
		expect(dateText('pt_BR', { date_time: at, show: 'date' })).toBe('12 de março de 2026');
		expect(dateText('pt_BR', { date_time: at, show: 'time' })).toBe('09:30');
		// A calendar date shows no time and is never shifted by a time zone.
		expect(dateText('es', { date_time: '2026-03-12', timezone: 'Pacific/Kiritimati' })).toBe(
			'12 de marzo de 2026',
		);
	});

	it('keeps the offset of an ISO string, converts when a time zone is given, uses the default zone otherwise', () => {
		const utc = '2026-03-12T12:30:00Z';
		expect(dateText('pt_BR', { date_time: utc, show: 'time' })).toBe('12:30');
		expect(dateText('pt_BR', { date_time: utc, show: 'time', timezone: 'America/Sao_Paulo' })).toBe('09:30');
		// A time without offset is a wall-clock time in the zone given (or the default zone): never shifted.
		expect(
			dateText(
				'pt_BR',
				{ date_time: '2026-03-12 09:30:00', show: 'time', timezone: 'UTC' },
				{ timezone: 'America/Manaus' },
			),
		).toBe('09:30');
		expect(
			dateText('pt_BR', { date_time: '2026-03-12T09:30', show: 'time' }, { timezone: 'America/Manaus' }),
		).toBe('09:30');
		expect(dateText('pt_BR', new Date('2026-03-12T12:30:00Z'), { timezone: 'America/Manaus' })).toBe(
			'12 de março de 2026 às 08:30',
		);
		// Epoch milliseconds (number or digits) are instants: shown in the default zone (UTC when none).
		const ms = Date.parse(utc);
		expect(dateText('en_US', { date_time: ms, show: 'time' })).toBe(`12:30 PM`);
		expect(dateText('en_US', { date_time: String(ms), show: 'time' }, { timezone: 'America/New_York' })).toBe(
			`8:30 AM`,
		);
	});

	it('falls back to en-US number and date writing for a language Intl does not know', () => {
		expect(localeOf('pt_BR')).toBe('pt-BR');
		expect(localeOf('es')).toBe('es');
		expect(localeOf('not a language')).toBe('en-US');
		expect(amountText('not a language', { currency: 'USD', amount: 5 })).toBe('$5.00');
	});
});

describe('typed template variables: Variable Formats (plain values read as money or dates)', () => {
	it('reads a text or number value as an amount or a date for the variables named in options.formats', () => {
		const params = body(
			'pt_BR',
			{ body_2: '150,50', body_3: '2026-03-12T12:30:00Z' },
			{
				formats: {
					'2': { type: 'currency', code: 'brl' },
					'{{3}}': { type: 'date_time', style: 'short', timezone: 'America/Sao_Paulo' },
				},
			},
		);
		expect(params.slice(1)).toEqual([
			{ type: 'currency', currency: { fallback_value: `R$${NBSP}150,50`, code: 'BRL', amount_1000: 150500 } },
			{ type: 'date_time', date_time: { fallback_value: '12/03/2026, 09:30' } },
		]);
		// Numbers and Dates too; an object value keeps its own code.
		const more = body(
			'en_US',
			{ body_2: { currency: 'EUR', amount: 3 }, body_3: 1773318600000 },
			{ formats: { body_2: { type: 'currency', code: 'USD' }, body_3: { type: 'date_time', show: 'date' } } },
		);
		expect(more[1].currency).toEqual({ fallback_value: '€3.00', code: 'EUR', amount_1000: 3000 });
		expect(more[2].date_time.fallback_value).toBe('March 12, 2026');
		expect(amountText('en_US', 42, { formats: { body_2: { type: 'currency', code: 'USD' } } })).toBe(
			'$42.00',
		);
	});

	it('applies to header variables, whose 60-character limit covers the fallback', () => {
		const [header] = buildTemplateComponents(
			invoice('pt_BR'),
			{ header_1: '2026-03-12', body_1: 'Ana', body_2: 'x', body_3: 'y' },
			{ formats: { header_1: { type: 'date_time', style: 'full' } } },
		);
		expect(header).toEqual({
			type: 'header',
			parameters: [{ type: 'date_time', date_time: { fallback_value: 'quinta-feira, 12 de março de 2026' } }],
		});
		const long = errorOf(() =>
			buildTemplateComponents(invoice('pt_BR'), {
				header_1: { currency: 'BRL', amount: 1, fallback_value: 'x'.repeat(61) },
				body_1: 'Ana',
				body_2: 'x',
				body_3: 'y',
			}),
		);
		expect(long.field).toBe('header {{1}}');
		expect(long.message).toContain('is 61 characters');
		expect(long.fix).toContain('shorter fallback_value');
	});

	it('rejects formats for unknown variables, buttons, or the same variable twice', () => {
		const unknown = errorOf(() =>
			body('en_US', { body_2: '1', body_3: 'x' }, { formats: { body_9: { type: 'currency', code: 'USD' } } }),
		);
		expect(unknown.message).toBe(
			'Variable format for "body_9" does not match a variable of template "payment_reminder" (en_US). Pick one of: header_1, body_1, body_2, body_3.',
		);
		const button = errorOf(() =>
			buildTemplateComponents(
				{
					name: 't',
					language: 'en_US',
					components: [
						{ type: 'BODY', text: 'Hi {{1}}' },
						{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'OK' }] },
					],
				},
				{ body_1: 'Ana' },
				{ formats: { button_0_payload: { type: 'currency', code: 'USD' } } },
			),
		);
		expect(button.message).toContain('points at button 1 ("OK") payload, which is not a text variable');
		const twice = errorOf(() =>
			body(
				'en_US',
				{ body_2: '1', body_3: 'x' },
				{
					formats: { body_2: { type: 'currency', code: 'USD' }, '2': { type: 'currency', code: 'EUR' } },
				},
			),
		);
		expect(twice.message).toBe('Variable format for body {{2}} is given twice. Keep one format for body_2.');
	});
});

describe('typed template variables: every mistake names the placeholder and the fix', () => {
	const amountError = (value: unknown, options?: TemplateBuildOptions) =>
		errorOf(() => body('pt_BR', { body_2: value, body_3: 'x' }, options));
	const dateError = (value: unknown, options?: TemplateBuildOptions) =>
		errorOf(() => body('pt_BR', { body_2: 'x', body_3: value }, options));

	it.each([
		[{ currency: 'XYZ', amount: 1 }, 'has currency code "XYZ", which is not an ISO 4217 currency', 'BRL'],
		[{ currency: 'REAL', amount: 1 }, 'has currency code "REAL", which is not an ISO 4217 currency', 'BRL'],
		[{ currency: 7, amount: 1 }, 'has a currency code that is not text (7)', '"BRL"'],
		[{ currency: 'BRL', code: 'USD', amount: 1 }, 'has two different currency codes (BRL and USD)', 'once'],
		[{ amount: 1 }, 'has an amount but no currency code', 'ISO 4217'],
		[{ currency: 'BRL' }, 'has a currency but no amount', '"amount": 150.5'],
		[{ currency: 'BRL', amount: 1, amount_1000: 1000 }, 'has both amount and amount_1000', 'only one'],
		[{ currency: 'BRL', amount: 'dez' }, 'has amount "dez", which is not a number', '150,50'],
		[{ currency: 'BRL', amount: Number.NaN }, 'has amount null, which is not a number', '150.50'],
		[{ currency: 'BRL', amount: Infinity }, 'has amount null, which is not a number', '150.50'],
		[{ currency: 'BRL', amount_1000: 1.5 }, 'has amount_1000 1.5, which is not a whole number', '150500'],
		[
			{ currency: 'BRL', amount_1000: '15.5' },
			'has amount_1000 "15.5", which is not a whole number',
			'150500',
		],
		[{ currency: 'BRL', amount: 1e16 }, 'has an amount that is too large', 'below'],
		[
			{ currency: 'BRL', amount: 1, fallback_value: ' ' },
			'has a fallback_value that is empty',
			'leave fallback_value out',
		],
		[
			{ currency: 'BRL', amount: 1, fallback_value: 5 },
			'has a fallback_value that is not text (5)',
			'R$ 150,50',
		],
		[
			{ currency: 'BRL', amout: 1 },
			'has unknown field "amout"',
			'currency, code, amount, amount_1000, fallback_value',
		],
		[{ currency: 'BRL', amount: 1, date_time: '2026-03-12' }, 'mixes a date and an amount', 'either'],
		[{ type: 'text', text: 'x' }, 'has type "text"', '"currency" or "date_time"'],
		[{ name: 'Ana' }, 'must be text but is an object', '{"currency": "BRL", "amount": 150.5}'],
		[{ type: 'date_time' }, 'has no date', '{"date_time": "2026-03-12T09:30:00-03:00"}'],
		[
			{ currency: 'BRL', amount: 1, fallback_value: 'R$ 1\n(à vista)' },
			'contains a line break, a tab or more than 4 spaces in a row',
			'one line',
		],
	])('money %j', (value, problem, fix) => {
		const error = amountError(value);
		expect(error.field).toBe('body {{2}}');
		expect(error.problem).toBe(problem);
		expect(error.fix).toContain(fix);
	});

	it.each([
		[{ date_time: '2026-13-45' }, 'is not a valid date ("2026-13-45")', '2026-03-12T09:30:00-03:00'],
		[{ date_time: '12/03/2026' }, 'is not a valid date ("12/03/2026")', 'ISO date'],
		[{ date_time: true }, 'is not a valid date (true)', 'epoch milliseconds'],
		[new Date('nope'), 'is not a valid date (an invalid Date)', 'ISO date'],
		[DateTime.invalid('bad input'), 'is not a valid date', 'toDateTime()'],
		[
			{ date_time: 1773318600 },
			'is 1773318600, which looks like epoch seconds (read as milliseconds it is a day in 1970)',
			'multiply by 1000',
		],
		[
			{ date_time: '2026-03-12T09:30', timezone: 'America/Sao_Paolo' },
			'has timezone "America/Sao_Paolo", which is not a known time zone',
			'America/Sao_Paulo',
		],
		[{ date_time: '2026-03-12', style: 'huge' }, 'has style "huge"', 'short, medium, long, full'],
		[{ date_time: '2026-03-12', show: 'weekday' }, 'has show "weekday"', 'date, time, date_time'],
		[
			{ date_time: '2026-03-12', show: 'time' },
			'is a date without a time of day ("2026-03-12")',
			'2026-03-12T09:30',
		],
		[{ date_time: '2026-03-12', zone: 'UTC' }, 'has unknown field "zone"', 'timezone'],
		[{ date_time: '' }, 'has no date', '{"date_time": "2026-03-12T09:30:00-03:00"}'],
	])('date %j', (value, problem, fix) => {
		const error = dateError(value);
		expect(error.field).toBe('body {{3}}');
		expect(error.problem).toContain(problem);
		expect(error.fix).toContain(fix);
	});

	it('explains a value that does not fit its Variable Format, and a bad default time zone', () => {
		const currency = { formats: { body_2: { type: 'currency' as const, code: 'BRL' } } };
		expect(amountError('cento e cinquenta', currency).message).toBe(
			'body {{2}} has amount "cento e cinquenta", which is not a number. Give a number such as 150.50 or 150,50 (no other text).',
		);
		expect(amountError(new Date('2026-03-12'), currency).problem).toBe(
			'is a date but is formatted as Currency',
		);
		expect(amountError(true, currency).problem).toBe('must be an amount but is true');
		expect(amountError('1', { formats: { body_2: { type: 'currency', code: 'R$' } } }).problem).toBe(
			'has currency code "R$", which is not an ISO 4217 currency',
		);
		const date = { formats: { body_3: { type: 'date_time' as const } } };
		expect(dateError('amanhã', date).problem).toBe('is not a valid date ("amanhã")');
		expect(dateError(false, date).problem).toBe('must be a date but is false');
		expect(
			dateError('2026-03-12T09:30', { formats: { body_3: { type: 'date_time', timezone: 'Brasil' } } })
				.problem,
		).toBe('has time zone "Brasil", which is not a known time zone');
		expect(dateError(new Date(), { timezone: 'Nowhere/City' }).problem).toBe(
			'has default time zone "Nowhere/City", which is not a known time zone',
		);
	});
});
