import {
	type Answer,
	DEFAULT_QUESTIONS,
	answerJson,
	buildScript,
	conversationJson,
	emptyState,
} from '../../../core/conversation';
import { buildTextTable } from '../../../core/i18n';
import { NOW, say, script, table } from './helpers';

describe('buildScript (the node’s Questions and word lists)', () => {
	it('defaults to name, date of birth and insurance with the built-in texts', () => {
		expect(script.questions).toEqual(DEFAULT_QUESTIONS);
		expect(script.restartWords).toContain('menu');
	});

	it('an added question takes ask_<field> and its validator’s retry text unless named', () => {
		const t = buildTextTable({ defaultLanguage: 'pt_BR', overrides: { ask_email: { pt_BR: 'E-mail?' } } });
		expect(buildScript({ questions: [{ field: 'email', validator: 'email' }] }, t).questions).toEqual([
			{ field: 'email', validator: 'email', ask: 'ask_email', retry: 'retry_email' },
		]);
	});

	it('normalises the word lists like the messages (accents, case)', () => {
		expect(buildScript({ restartWords: ['Início', ' '] }, table).restartWords).toEqual(['inicio']);
	});

	it.each([
		[[], /Questions: the booking needs at least one question/],
		[[{ field: '1st', validator: 'name' }], /question 1 → Answer Name: "1st" is not a valid answer name/],
		[
			[
				{ field: 'name', validator: 'name' },
				{ field: 'name', validator: 'text' },
			],
			/question 2 → Answer Name: "name" is used by another question/,
		],
		[[{ field: 'mode', validator: 'text' }], /"mode" is used by the bot itself/],
		[[{ field: 'cpf', validator: 'cpf' }], /question 1 → Check Answer With: "cpf" is not a validator/],
		[[{ field: 'email', validator: 'email' }], /question 1 → Question Text: there is no text "ask_email"/],
		[
			[{ field: 'name', validator: 'name', retry: 'nope' }],
			/question 1 → Retry Text: there is no text "nope" in the Texts field/,
		],
	])('refuses %j naming the question and the fix', (questions, message) => {
		expect(() => buildScript({ questions }, table)).toThrow(message);
	});
});

describe('answerJson: what the node outputs', () => {
	const answer = (over: Partial<Answer>): Answer => ({
		patient: '5511912345678',
		message: say('Oi'),
		decision: { action: 'reply', nextStep: 'idle', context: {} },
		language: { language: 'es', source: 'written', detected: 'es', evidence: 'weak' },
		previousStep: 'idle',
		state: emptyState(),
		...over,
	});

	it('writes the reply and button titles in the patient’s language and gives every language spelling', () => {
		const json = answerJson(
			answer({
				decision: {
					action: 'buttons',
					say: { key: 'menu' },
					buttons: [{ id: 'BOOK', label: 'menu_book' }],
					nextStep: 'idle',
					context: {},
				},
			}),
			script,
			table,
		);
		expect(json).toMatchObject({
			recipient: '5511912345678',
			action: 'buttons',
			reply: table.text('menu', 'es'),
			buttons: [{ id: 'BOOK', title: 'Reservar cita' }],
			language: 'es',
			locale: 'es',
			templateLanguage: 'es',
			languageSource: 'written',
		});
		expect((json.texts as Record<string, string>).slot_taken).toMatch(/^Lo sentimos/);
	});

	it('gives the answers for booking notes (all but the name) and the first name', () => {
		const context = { name: 'Maria Souza', dob: '1984-03-25', insurance: 'Unimed' };
		const json = answerJson(
			answer({ decision: { action: 'book', slotId: 's1', nextStep: 'idle', context } }),
			script,
			table,
		);
		expect(json).toMatchObject({
			slotId: 's1',
			firstName: 'Maria',
			answersText: 'dob: 1984-03-25\ninsurance: Unimed',
			reply: null,
		});
	});

	it('a consent confirmation goes to whom Detect Keywords says', () => {
		const json = answerJson(
			answer({
				message: { ...say('STOP'), consent: { action: 'opt_out', language: 'en', replyTo: '+5511999' } },
				decision: { action: 'consent', say: { key: 'consent_opt_out' }, nextStep: 'idle', context: {} },
			}),
			script,
			table,
		);
		expect(json.recipient).toBe('+5511999');
	});

	it('conversationJson gives the state, the language and an optional text', () => {
		expect(
			conversationJson(
				{
					patient: '5511912345678',
					state: emptyState(),
					stored: true,
					expiresAtMs: NOW,
					language: { language: 'en', source: 'phone', detected: null, evidence: null },
				},
				table,
				{ key: 'staff_answer', variables: { text: 'Rest.' } },
			),
		).toEqual({
			conversation: {
				patient: '5511912345678',
				step: 'idle',
				context: {},
				stored: true,
				expiresAt: new Date(NOW).toISOString(),
			},
			language: 'en',
			languageSource: 'phone',
			locale: 'en-US',
			templateLanguage: 'en_US',
			text: 'Nurse: Rest.',
		});
	});
});
