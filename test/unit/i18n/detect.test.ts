import { WORD_LISTS, detectLanguage } from '../../../core/i18n';

describe('detectLanguage (word-list scorer)', () => {
	it.each([
		['Hola, quiero reservar una cita', 'es', 'strong'],
		['Buenos días, necesito hablar con la enfermera', 'es', 'strong'],
		['¿Tiene horario mañana?', 'es', 'strong'],
		['Oi, bom dia! Quero marcar uma consulta', 'pt_BR', 'strong'],
		['Não tenho convênio', 'pt_BR', 'strong'],
		['Preciso remarcar minha consulta', 'pt_BR', 'strong'],
		['Is my hemoglobin value normal?', 'en', 'strong'],
		['I have had a fever since yesterday', 'en', 'strong'],
		['Hello, I would like to book an appointment', 'en', 'strong'],
	])('%s → %s (%s)', (text, language, evidence) => {
		const d = detectLanguage(text);
		expect([d.language, d.evidence]).toEqual([language, evidence]);
	});

	it.each([
		['Hi', 'en'],
		['Hello', 'en'],
		['Oi', 'pt_BR'],
		['Olá', 'pt_BR'],
		['Hola', 'es'],
		['none', 'en'],
	])('a lone greeting or word is weak evidence: %s → %s', (text, language) => {
		expect(detectLanguage(text)).toMatchObject({ language, evidence: 'weak' });
	});

	it.each(['Maria Souza', '25/03/1984', 'Unimed', '👍', '', '   ', 'consulta', 'por favor'])(
		'says nothing for names, dates, emoji and words Portuguese and Spanish share: "%s"',
		(text) => {
			expect(detectLanguage(text)).toMatchObject({ language: null, evidence: null });
		},
	);

	it('counts letters only one language writes (ã, ç / ñ, ¿), at most two points', () => {
		expect(detectLanguage('Maria Conceição').scores.pt_BR).toBe(2);
		expect(detectLanguage('¿Año?').scores.es).toBe(2);
	});

	it('a mixed message with no clear winner is not decided', () => {
		expect(detectLanguage('hello hola').language).toBeNull();
	});

	it('the three word lists share no word (a shared word would tell nothing)', () => {
		const [pt, es, en] = [WORD_LISTS.pt_BR, WORD_LISTS.es, WORD_LISTS.en];
		const shared = [...pt].filter((w) => es.has(w) || en.has(w)).concat([...es].filter((w) => en.has(w)));
		expect(shared).toEqual([]);
	});
});
