import { chooseLanguage, languageOfSender, typedLanguagePick } from '../../../core/i18n';

const base = { clinicDefault: 'pt_BR' as const };

describe('chooseLanguage: picked → written → phone country → clinic default', () => {
	it('what the patient picked wins over everything', () => {
		expect(
			chooseLanguage({ ...base, picked: 'en', text: 'Hola, quiero una cita', phone: '5511912345678' }),
		).toMatchObject({ language: 'en', source: 'picked', detected: 'es' });
	});

	it('then the language of the message (a Spanish-writing patient on a Brazilian number gets Spanish)', () => {
		expect(
			chooseLanguage({ ...base, text: 'Hola, quiero reservar una cita', phone: '5511912345678' }),
		).toEqual({
			language: 'es',
			source: 'written',
			detected: 'es',
			evidence: 'strong',
		});
	});

	it('weak evidence (a lone "Hi") counts only where allowed, e.g. not while answering a question', () => {
		expect(chooseLanguage({ ...base, text: 'Hi', phone: '5511912345678', acceptWeak: true })).toMatchObject({
			language: 'en',
			source: 'written',
		});
		expect(chooseLanguage({ ...base, text: 'none', phone: '5511912345678' })).toMatchObject({
			language: 'pt_BR',
			source: 'phone',
			detected: null,
		});
	});

	it('then the language earlier messages were written in', () => {
		expect(
			chooseLanguage({ ...base, text: 'Maria Souza', written: 'es', phone: '5511912345678' }),
		).toMatchObject({ language: 'es', source: 'written', detected: null });
	});

	it('then the phone number country', () => {
		expect(chooseLanguage({ ...base, text: '25/03/1984', phone: '5215512345678' })).toMatchObject({
			language: 'es',
			source: 'phone',
		});
		expect(chooseLanguage({ ...base, text: '👍', phone: '+1 415 555 2671' })).toMatchObject({
			language: 'en',
			source: 'phone',
		});
		expect(chooseLanguage({ ...base, userId: 'AR.12345abc' })).toMatchObject({
			language: 'es',
			source: 'phone',
		});
	});

	it('a Brazilian patient who says nothing in any language gets Brazilian Portuguese', () => {
		expect(chooseLanguage({ ...base, text: 'Maria Souza', phone: '5511912345678' })).toMatchObject({
			language: 'pt_BR',
			source: 'phone',
		});
	});

	it('finally the clinic default (a country with none of the three languages, or no phone)', () => {
		expect(chooseLanguage({ clinicDefault: 'es', text: '123', phone: '+49 30 123456' })).toMatchObject({
			language: 'es',
			source: 'default',
		});
		expect(chooseLanguage({ clinicDefault: 'en' })).toMatchObject({ language: 'en', source: 'default' });
	});

	it('detection and the phone country can be switched off', () => {
		expect(
			chooseLanguage({
				...base,
				text: 'Hola, quiero una cita',
				written: 'es',
				phone: '+1 415 555 2671',
				detectFromText: false,
				useCountry: false,
			}),
		).toMatchObject({ language: 'pt_BR', source: 'default', detected: null });
	});
});

describe('languageOfSender and typedLanguagePick', () => {
	it('reads the country of a wa_id without "+" and of an E.164 number', () => {
		expect(languageOfSender('5511912345678')).toBe('pt_BR');
		expect(languageOfSender('+34 612 345 678')).toBe('es');
		expect(languageOfSender('4930123456')).toBeNull();
		expect(languageOfSender(null, null)).toBeNull();
	});

	it.each([
		['English', 'en'],
		['español', 'es'],
		['Português', 'pt_BR'],
		['idioma inglés', 'en'],
		['Português (Brasil)', 'pt_BR'],
		['I speak English very well', null],
		['Maria', null],
	])('"%s" → %s', (text, language) => {
		expect(typedLanguagePick(text)).toBe(language);
	});
});
