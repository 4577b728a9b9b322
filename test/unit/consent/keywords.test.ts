import {
	buildKeywordConfig,
	detectKeyword,
	normaliseText,
	replyLanguage,
} from '../../../core/consent/keywords';

const config = buildKeywordConfig();
const detect = (text: string, cfg = config) => detectKeyword({ text }, cfg);
const action = (text: string, cfg = config) => detect(text, cfg)?.action ?? null;

describe('normaliseText', () => {
	it.each([
		['SAÍR', 'sair'],
		['  Não   MAIS ', 'nao mais'],
		['STOP!!!', 'stop'],
		['stop.', 'stop'],
		['🛑 PARAR 🙏', 'parar'],
		['No más', 'no mas'],
		['OPT-OUT', 'opt out'],
		['Ｓｔｏｐ', 'stop'], // full-width letters (NFKD)
		['ça', 'ca'],
	])('%s → %s', (input, expected) => {
		expect(normaliseText(input)).toBe(expected);
	});
});

describe('detectKeyword (default rules)', () => {
	it.each([
		// English
		['STOP', 'opt_out'],
		['stop', 'opt_out'],
		['stop.', 'opt_out'],
		['STOP!', 'opt_out'],
		['Stop please', 'opt_out'],
		['stop all', 'opt_out'],
		['UNSUBSCRIBE', 'opt_out'],
		['end', 'opt_out'],
		['Quit', 'opt_out'],
		['revoke', 'opt_out'],
		['OPTOUT', 'opt_out'],
		['opt-out', 'opt_out'],
		['cancel', 'opt_out'],
		// Portuguese
		['PARAR', 'opt_out'],
		['parar', 'opt_out'],
		['Parar, por favor', 'opt_out'],
		['SAIR', 'opt_out'],
		['SAÍR', 'opt_out'],
		['sair', 'opt_out'],
		['Sair!!', 'opt_out'],
		['descadastrar', 'opt_out'],
		['CANCELAR', 'opt_out'],
		['Cancelar.', 'opt_out'],
		['🛑 PARE', 'opt_out'],
		// Spanish
		['BAJA', 'opt_out'],
		['baja por favor', 'opt_out'],
		['dar de baja', 'opt_out'],
		['Alto', 'opt_out'],
		['NO MAS', 'opt_out'],
		['No más', 'opt_out'],
		['no más mensajes', 'opt_out'],
		// Opt-in
		['START', 'opt_in'],
		['start!', 'opt_in'],
		['VOLTAR', 'opt_in'],
		['volver', 'opt_in'],
		['unstop', 'opt_in'],
	])('"%s" → %s', (text, expected) => {
		expect(action(text)).toBe(expected);
	});

	it.each([
		'stopwatch',
		'Não',
		'não',
		'No',
		'nao quero parar o tratamento',
		'não quero parar o tratamento',
		'Quero cancelar a consulta',
		'cancelar a consulta',
		'cancel my appointment',
		'Pode parar de mandar mensagem?', // does not start with the keyword
		'stop sending me these reminders please', // longer than maxWords
		'unstoppable',
		'paraRRR',
		'obrigado',
		'the end of the street',
		'altos',
		'',
		'   ',
		'🙏🙏',
		'voltar amanhã',
	])('"%s" is not a keyword', (text) => {
		expect(detect(text)).toBeNull();
	});

	it('YES / SIM / SÍ are opt-in words that need a prior opt-out', () => {
		for (const word of ['YES', 'sim', 'SIM!', 'Sí', 'si']) {
			expect(detect(word)).toMatchObject({ action: 'opt_in', requiresPriorOptOut: true });
		}
		expect(detect('START')).toMatchObject({ requiresPriorOptOut: false });
		expect(detect('sim, confirmo')).toBeNull();
	});

	it('reports keyword, languages and source', () => {
		expect(detect('No más!!')).toEqual({
			action: 'opt_out',
			keyword: 'NO MAS',
			source: 'text',
			languages: ['es'],
			international: false,
			requiresPriorOptOut: false,
		});
		expect(detect('SAÍR')).toMatchObject({ keyword: 'SAIR', languages: ['pt'] });
	});

	it('longest keyword wins (stop all over stop)', () => {
		expect(detect('STOP ALL')?.keyword).toBe('STOP ALL');
	});
});

describe('button payloads', () => {
	it('OPT_OUT / OPT_IN payloads, case-insensitive, with optional purpose suffix', () => {
		expect(detectKeyword({ payload: 'OPT_OUT' }, config)).toMatchObject({
			action: 'opt_out',
			source: 'payload',
		});
		expect(detectKeyword({ payload: 'opt_in' }, config)).toMatchObject({
			action: 'opt_in',
			source: 'payload',
		});
		expect(detectKeyword({ payload: 'OPT_IN:marketing' }, config)).toMatchObject({
			action: 'opt_in',
			purposes: ['marketing'],
		});
		expect(detectKeyword({ payload: 'OPT_IN:lab_results,telemedicine' }, config)?.purposes).toEqual([
			'lab_results',
			'telemedicine',
		]);
	});

	it('other payloads and invalid purpose suffixes are not keywords; the text is then used', () => {
		expect(detectKeyword({ payload: 'CONFIRM_APPOINTMENT' }, config)).toBeNull();
		expect(detectKeyword({ payload: 'OPT_IN:Not A Purpose!' }, config)).toBeNull();
		expect(detectKeyword({ payload: 'CANCEL_APPT', text: 'STOP' }, config)?.action).toBe('opt_out');
	});

	it('configurable payload lists', () => {
		const cfg = buildKeywordConfig({ optOutPayloads: ['unsub'], optInPayloads: ['sub'] });
		expect(detectKeyword({ payload: 'UNSUB' }, cfg)?.action).toBe('opt_out');
		expect(detectKeyword({ payload: 'OPT_OUT' }, cfg)).toBeNull();
	});
});

describe('configuration', () => {
	it('per-keyword match mode: CANCELAR off, STOP exact', () => {
		const cfg = buildKeywordConfig({
			overrides: [
				{ phrase: 'cancelar', match: 'off' },
				{ phrase: 'STOP', match: 'exact' },
			],
		});
		expect(action('CANCELAR', cfg)).toBeNull();
		expect(action('stop', cfg)).toBe('opt_out');
		expect(action('stop please', cfg)).toBeNull();
	});

	it('additional keywords in any language, normalised', () => {
		const cfg = buildKeywordConfig({
			additionalOptOut: ['Não quero mais'],
			additionalOptIn: ['Quero receber'],
		});
		expect(action('NAO QUERO MAIS!', cfg)).toBe('opt_out');
		expect(action('quero receber', cfg)).toBe('opt_in');
		expect(action('quero receber mensagens', cfg)).toBeNull(); // additions to opt-in are exact
	});

	it('maxWords bounds the leading rule', () => {
		const cfg = buildKeywordConfig({ maxWords: 2 });
		expect(action('parar por favor', cfg)).toBeNull();
		expect(action('parar agora', cfg)).toBe('opt_out');
		expect(action('dar de baja', cfg)).toBe('opt_out'); // the keyword itself may be longer than maxWords
	});

	it('languages restrict the default lists', () => {
		const cfg = buildKeywordConfig({ languages: ['en'] });
		expect(action('BAJA', cfg)).toBeNull();
		expect(action('STOP', cfg)).toBe('opt_out');
	});

	it('errors name the field', () => {
		expect(() => buildKeywordConfig({ overrides: [{ phrase: 'zzz', match: 'off' }] })).toThrow(
			/keywordOverrides\[0\]\.phrase/,
		);
		expect(() => buildKeywordConfig({ additionalOptOut: ['!!!'] })).toThrow(/additionalOptOut\[0\]/);
		expect(() => buildKeywordConfig({ maxWords: 0 })).toThrow(/maxWords/);
		expect(() =>
			buildKeywordConfig({ overrides: [{ phrase: 'stop', match: 'sometimes' as never }] }),
		).toThrow(/keywordOverrides\[0\]\.match/);
	});

	it('errors are input errors whose hint names the Detect Keywords option to fix', () => {
		const thrown = (input: Parameters<typeof buildKeywordConfig>[0]) => {
			try {
				buildKeywordConfig(input);
			} catch (error) {
				return error;
			}
			throw new Error('expected an error');
		};
		expect(thrown({ additionalOptIn: [' '] })).toMatchObject({
			kind: 'input',
			code: 'invalid_input',
			field: 'additionalOptIn[0]',
			hint: 'Fix the "Extra Opt-in Words" option.',
		});
		expect(thrown({ overrides: [{ phrase: '', match: 'off' }] })).toMatchObject({
			hint: 'Fix the "Keyword Matching" option.',
		});
	});
});

describe('replyLanguage', () => {
	it('uses the keyword language when it is specific', () => {
		expect(replyLanguage(detect('SAIR')!, 'es', 'en')).toBe('pt');
		expect(replyLanguage(detect('BAJA')!, 'pt', 'en')).toBe('es');
	});
	it('international words and shared words follow the phone country', () => {
		expect(replyLanguage(detect('STOP')!, 'pt', 'en')).toBe('pt');
		expect(replyLanguage(detect('PARAR')!, 'es', 'pt')).toBe('es');
		expect(replyLanguage(detect('PARAR')!, null, 'pt')).toBe('pt');
		expect(replyLanguage(detect('STOP')!, null, 'es')).toBe('es');
	});
});
