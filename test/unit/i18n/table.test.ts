import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	DEFAULT_TEXTS,
	FLOW_TEXTS,
	LABEL_KEYS,
	LANGUAGES,
	TEXT_VARIABLES,
	buildTextTable,
	fill,
	localeOf,
	matchLanguage,
	parseLanguage,
	templateLanguage,
} from '../../../core/i18n';
import { DEFAULT_REPLIES } from '../../../core/consent/keywords';

describe('the built-in text table', () => {
	it('has every text in pt_BR, es and en', () => {
		for (const [key, texts] of Object.entries(DEFAULT_TEXTS))
			for (const language of LANGUAGES)
				expect([key, language, typeof texts[language]]).toEqual([key, language, 'string']);
	});

	it('labels fit on a WhatsApp button (20 characters) and texts use only their own placeholders', () => {
		for (const key of LABEL_KEYS)
			for (const language of LANGUAGES) expect(DEFAULT_TEXTS[key][language].length).toBeLessThanOrEqual(20);
		const table = buildTextTable({
			defaultLanguage: 'pt_BR',
			overrides: DEFAULT_TEXTS,
			answerFields: ['dob'],
		});
		expect(table.text('menu', 'es')).toBe(DEFAULT_TEXTS.menu.es);
		expect(Object.keys(TEXT_VARIABLES).every((k) => k in DEFAULT_TEXTS)).toBe(true);
	});

	it('folds in the booking Flow’s screen texts (flow_*), every language present, the CTA a label', () => {
		const table = buildTextTable({ defaultLanguage: 'pt_BR' });
		expect(table.text('flow_slot_taken', 'es')).toMatch(/^Otra persona acaba de reservar/);
		expect(table.text('flow_cta', 'en')).toBe('Book appointment');
		expect(Object.keys(FLOW_TEXTS).length).toBeGreaterThan(20);
		expect(() =>
			buildTextTable({
				defaultLanguage: 'pt_BR',
				overrides: { flow_cta: { en: 'Book your appointment now' } },
			}),
		).toThrow(/WhatsApp allows 20 on a button/);
	});

	it('is where the consent confirmations come from (Detect Keywords keeps its replies)', () => {
		expect(DEFAULT_REPLIES.pt.opt_out).toBe(DEFAULT_TEXTS.consent_opt_out.pt_BR);
		expect(DEFAULT_REPLIES.es.opt_in).toBe(DEFAULT_TEXTS.consent_opt_in.es);
		expect(DEFAULT_REPLIES.en.opt_out).toMatch(/^Done, you won't receive/);
	});
});

describe('buildTextTable (the Texts field)', () => {
	it('fills placeholders and never shows a placeholder without a value', () => {
		const table = buildTextTable({ defaultLanguage: 'pt_BR' });
		expect(table.text('ask_dob', 'pt_BR', { firstName: 'Maria' })).toMatch(/^Obrigada, Maria\./);
		expect(table.text('ask_dob', 'en', {})).toMatch(/^Thank you, \./);
		expect(fill('{a} and {b}', { a: 1 })).toBe('1 and ');
	});

	it("takes the clinic's entries (JSON object or text) over the built-in ones, language by language", () => {
		const table = buildTextTable({
			defaultLanguage: 'pt_BR',
			overrides: JSON.stringify({ menu: { pt_BR: 'Oi! Como posso ajudar?' } }),
		});
		expect(table.text('menu', 'pt_BR')).toBe('Oi! Como posso ajudar?');
		expect(table.text('menu', 'es')).toBe(DEFAULT_TEXTS.menu.es);
	});

	it("adds the clinic's own texts; a language they lack falls back to the clinic default", () => {
		const table = buildTextTable({
			defaultLanguage: 'es',
			overrides: { ask_email: { es: '¿Su correo, {firstName}?', 'pt-BR': 'Seu e-mail?' } },
			answerFields: ['email'],
		});
		expect(table.has('ask_email')).toBe(true);
		expect(table.text('ask_email', 'pt_BR')).toBe('Seu e-mail?');
		expect(table.text('ask_email', 'en', { firstName: 'Ana' })).toBe('¿Su correo, Ana?');
		expect(table.all('pt_BR').ask_email).toBe('Seu e-mail?');
	});

	it.each([
		['{ not json', /Texts: is not valid JSON/],
		['[1]', /must be one JSON object/],
		[{ menu: 'hi' }, /Texts → menu: must be an object of languages/],
		[{ menu: { fr: 'Bonjour' } }, /Texts → menu → fr: is not a supported language/],
		[{ menu: { en: '' } }, /Texts → menu → en: must be a non-empty text/],
		[{ menu_book: { en: 'Book an appointment now' } }, /is 23 characters; WhatsApp allows 20 on a button/],
		[{ nurse_video: { en: 'Call {phone}' } }, /uses \{phone\}, which this text is never given/],
		[{ 'bad key': { en: 'x' } }, /is not a valid text name/],
	])('refuses %j naming the entry and the fix', (overrides, message) => {
		expect(() => buildTextTable({ defaultLanguage: 'pt_BR', overrides })).toThrow(message);
		try {
			buildTextTable({ defaultLanguage: 'pt_BR', overrides });
		} catch (error) {
			expect((error as { hint?: string }).hint).toBeTruthy();
		}
	});

	it('an unknown text is an error that says where to add it', () => {
		const table = buildTextTable({ defaultLanguage: 'pt_BR' });
		expect(() => table.text('ask_email', 'en')).toThrow(/Texts → ask_email: is not in the text table/);
	});
});

describe('language codes', () => {
	it('spells each language for templates, Intl and the consent keyword lists', () => {
		expect(LANGUAGES.map(templateLanguage)).toEqual(['pt_BR', 'es', 'en_US']);
		expect(LANGUAGES.map(localeOf)).toEqual(['pt-BR', 'es', 'en-US']);
	});

	it.each([
		['pt_BR', 'pt_BR'],
		['pt-br', 'pt_BR'],
		['Português', 'pt_BR'],
		['es_MX', 'es'],
		['Español', 'es'],
		['en_US', 'en'],
		['English', 'en'],
		['fr', null],
		[42, null],
	])('matchLanguage(%j) → %s', (value, language) => {
		expect(matchLanguage(value)).toBe(language);
	});

	it('parseLanguage names the field', () => {
		expect(() => parseLanguage('fr', 'Clinic Language')).toThrow(
			/Clinic Language: "fr" is not a supported language/,
		);
	});
});

describe('docs/language.md', () => {
	it('lists every built-in text with its Brazilian Portuguese wording', () => {
		const page = readFileSync(join(__dirname, '../../../docs/language.md'), 'utf8');
		const missing = Object.entries({ ...DEFAULT_TEXTS, ...FLOW_TEXTS })
			.filter(([key, texts]) => !page.includes(`| \`${key}\` | ${texts.pt_BR.replace(/\|/g, '\\|')} |`))
			.map(([key]) => key);
		expect(missing).toEqual([]);
	});
});
