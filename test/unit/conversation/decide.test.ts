import {
	type ConversationState,
	LANGUAGE_BUTTONS,
	MENU_BUTTONS,
	buildScript,
	decide,
	emptyState,
} from '../../../core/conversation';
import { buildTextTable } from '../../../core/i18n';
import { NOW, msg, pick, say, script, table, tap } from './helpers';

const at = (step: string, context: Record<string, unknown> = {}): ConversationState => ({
	...emptyState(),
	step,
	context,
});
const run = (m: Parameters<typeof decide>[0], state = emptyState(), s = script) => decide(m, state, s, NOW);

describe('decide: the booking questions', () => {
	it('BOOK asks the first question; each valid answer asks the next; the last shows free times', () => {
		let d = run(tap('BOOK'));
		expect(d).toMatchObject({ action: 'reply', say: { key: 'ask_name' }, nextStep: 'ask_name', context: {} });
		d = run(say('Maria Souza'), at('ask_name'));
		expect(d).toMatchObject({
			action: 'reply',
			say: { key: 'ask_dob', variables: { firstName: 'Maria', name: 'Maria Souza' } },
			nextStep: 'ask_dob',
			context: { name: 'Maria Souza' },
		});
		d = run(say('25/03/1984'), at('ask_dob', d.context));
		expect(d).toMatchObject({ say: { key: 'ask_insurance' }, nextStep: 'ask_insurance' });
		d = run(say('Unimed'), at('ask_insurance', d.context));
		expect(d).toEqual({
			action: 'slots',
			nextStep: 'pick_slot',
			context: { name: 'Maria Souza', dob: '1984-03-25', insurance: 'Unimed' },
		});
	});

	it('an answer that is not valid is asked again with the retry text, the step and answers kept', () => {
		expect(run(say('M4ria'), at('ask_name'))).toMatchObject({
			action: 'reply',
			say: { key: 'retry_name' },
			nextStep: 'ask_name',
		});
		expect(run(say('31/02/1984'), at('ask_dob', { name: 'Maria Souza' }))).toMatchObject({
			say: { key: 'retry_date_of_birth' },
			nextStep: 'ask_dob',
			context: { name: 'Maria Souza' },
		});
		expect(run(tap('SOMETHING_ELSE'), at('ask_insurance'))).toMatchObject({
			say: { key: 'retry_insurance' },
		});
	});

	it('a step staff added is asked in order with its own validator; one they removed is skipped', () => {
		const withEmail = buildScript(
			{
				questions: [
					{ field: 'name', validator: 'name' },
					{ field: 'email', validator: 'email', ask: 'ask_email' },
				],
			},
			buildTextTable({
				defaultLanguage: 'pt_BR',
				overrides: { ask_email: { pt_BR: 'E-mail, {firstName}?' } },
			}),
		);
		let d = run(say('Ana Lima'), at('ask_name'), withEmail);
		expect(d).toMatchObject({ say: { key: 'ask_email' }, nextStep: 'ask_email' });
		d = run(say('ana@'), at('ask_email', d.context), withEmail);
		expect(d).toMatchObject({ say: { key: 'retry_email' }, nextStep: 'ask_email' });
		d = run(say('ana@lima.com'), at('ask_email', { name: 'Ana Lima' }), withEmail);
		expect(d).toMatchObject({ action: 'slots', context: { name: 'Ana Lima', email: 'ana@lima.com' } });
		// The patient was asked the date of birth before staff removed that question.
		expect(run(say('01/01/1990'), at('ask_dob', { name: 'Ana Lima' }), withEmail)).toMatchObject({
			say: { key: 'ask_email' },
			nextStep: 'ask_email',
		});
	});
});

describe('decide: free times, booking, reschedule', () => {
	const answered = { name: 'Maria Souza', dob: '1984-03-25', insurance: 'Unimed' };

	it('a tapped row books when every question is answered, else asks what is missing', () => {
		expect(run(pick('slot-1'), at('pick_slot', answered))).toEqual({
			action: 'book',
			slotId: 'slot-1',
			nextStep: 'idle',
			context: answered,
		});
		expect(run(pick('slot-1'), at('idle', { name: 'Maria Souza' }))).toMatchObject({
			action: 'reply',
			say: { key: 'ask_dob' },
		});
	});

	it('typing while the list is out shows the list again', () => {
		expect(run(say('amanhã?'), at('pick_slot', answered))).toMatchObject({
			action: 'slots',
			say: { key: 'pick_slot' },
			nextStep: 'pick_slot',
		});
	});

	it('RESCHEDULE:<id> shows free times; the row then moves that appointment', () => {
		const d = run(tap('RESCHEDULE:apt-7'));
		expect(d).toEqual({
			action: 'slots',
			nextStep: 'pick_slot',
			context: { mode: 'reschedule', appointmentId: 'apt-7' },
		});
		expect(run(pick('slot-9'), at('pick_slot', d.context))).toEqual({
			action: 'reschedule',
			slotId: 'slot-9',
			appointmentId: 'apt-7',
			nextStep: 'idle',
			context: {},
		});
	});

	it('the waitlist row leaves by Book in any mode: a reschedule keeps its appointment', () => {
		expect(run(pick('WAITLIST_JOIN'), at('pick_slot', answered))).toEqual({
			action: 'book',
			slotId: 'WAITLIST_JOIN',
			nextStep: 'idle',
			context: answered,
		});
		const rescheduling = { mode: 'reschedule', appointmentId: 'apt-7' };
		expect(run(pick('WAITLIST_JOIN'), at('pick_slot', rescheduling))).toEqual({
			action: 'book',
			slotId: 'WAITLIST_JOIN',
			nextStep: 'idle',
			context: {},
		});
	});

	it('CANCEL:<id> cancels; a row of the times offered then books without asking again', () => {
		const d = run(tap('CANCEL:apt-3'));
		expect(d).toEqual({
			action: 'cancel',
			appointmentId: 'apt-3',
			nextStep: 'idle',
			context: { mode: 'rebook' },
		});
		expect(run(pick('slot-4'), at('idle', d.context))).toEqual({
			action: 'book',
			slotId: 'slot-4',
			nextStep: 'idle',
			context: {},
		});
		expect(run(pick('WAITLIST_JOIN'), at('idle', d.context))).toMatchObject({
			action: 'book',
			slotId: 'WAITLIST_JOIN',
		});
		// Anything typed after the cancel goes to the menu (and forgets the offer).
		expect(run(say('obrigada'), at('idle', d.context))).toMatchObject({ action: 'buttons', context: {} });
	});
});

describe('decide: buttons of the other workflows win over the step', () => {
	it.each([
		['CONFIRM:apt-1', { action: 'confirm', appointmentId: 'apt-1', nextStep: 'idle' }],
		['CANCEL:apt-1', { action: 'cancel', appointmentId: 'apt-1' }],
		[
			'CSAT:GOOD:apt-1',
			{ action: 'csat', rating: 'GOOD', appointmentId: 'apt-1', say: { key: 'csat_thanks' } },
		],
		['FOLLOWUP:BETTER:apt-1', { action: 'reply', say: { key: 'followup_better' } }],
		['FOLLOWUP:HELP:apt-1', { action: 'staff', handoff: 'new', nextStep: 'with_staff' }],
		['NURSE', { action: 'staff', handoff: 'new', topic: 'asked for a nurse' }],
		['MENU', { action: 'buttons', say: { key: 'menu' }, buttons: MENU_BUTTONS }],
	])('%s', (payload, expected) => {
		expect(run(tap(payload), at('ask_dob', { name: 'Maria Souza' }))).toMatchObject(expected);
	});
});

describe('decide: language', () => {
	it('LANG shows the three languages; LANG:<code> picks one and shows the menu in it', () => {
		expect(run(tap('LANG'))).toMatchObject({
			action: 'buttons',
			buttons: LANGUAGE_BUTTONS,
			nextStep: 'idle',
		});
		expect(run(tap('LANG:es'))).toMatchObject({ action: 'buttons', say: { key: 'menu' }, picked: 'es' });
	});

	it('picking a language while answering a question asks that question again (in the new language)', () => {
		expect(run(tap('LANG:en'), at('ask_dob', { name: 'Maria Souza' }))).toMatchObject({
			action: 'reply',
			say: { key: 'ask_dob' },
			nextStep: 'ask_dob',
			picked: 'en',
		});
	});

	it('typing a language name picks it, except as an answer to a question', () => {
		expect(run(say('Español'))).toMatchObject({ action: 'buttons', picked: 'es' });
		expect(run(say('English'), at('ask_insurance', { name: 'A B', dob: '1990-01-01' }))).toMatchObject({
			action: 'slots',
			context: { insurance: 'English' },
		});
	});
});

describe('decide: nurse, staff, lab results, consent, the rest', () => {
	it('nurse words start a handoff; while with staff everything is forwarded', () => {
		expect(run(say('quero falar com a enfermeira'))).toMatchObject({
			action: 'staff',
			handoff: 'new',
			topic: 'quero falar com a enfermeira',
			nextStep: 'with_staff',
		});
		expect(run(say('Still feverish'), at('with_staff'))).toMatchObject({
			action: 'staff',
			handoff: 'message',
			topic: 'Still feverish',
			nextStep: 'with_staff',
		});
		expect(run(msg({ type: 'image' }), at('with_staff'))).toMatchObject({ topic: '(image)' });
		expect(run(say('nursery rhymes'))).toMatchObject({ action: 'buttons' });
	});

	it('the lab date of birth is passed on (or "invalid"); a question after the report goes to the nurse', () => {
		const lab = at('lab_dob', { dobHash: 'h', reportUrl: 'https://lab/r.pdf' });
		expect(run(say('02/11/1979'), lab)).toMatchObject({
			action: 'lab_dob',
			candidateDob: '1979-11-02',
			nextStep: 'lab_dob',
			context: lab.context,
		});
		expect(run(say('not a date'), lab)).toMatchObject({ candidateDob: 'invalid' });
		expect(run(say('Is it normal?'), at('lab_sent'))).toMatchObject({
			action: 'staff',
			topic: 'question about lab results: Is it normal?',
		});
	});

	it('a recorded consent keyword is confirmed and leaves the conversation as it is', () => {
		const state = at('ask_dob', { name: 'Maria Souza' });
		expect(
			run(msg({ text: 'PARAR', consent: { action: 'opt_out', language: 'pt', replyTo: 'x' } }), state),
		).toEqual({
			action: 'consent',
			say: { key: 'consent_opt_out' },
			nextStep: 'ask_dob',
			context: state.context,
			keepState: true,
		});
	});

	it('restart words and anything unexpected show the menu; an empty message is ignored', () => {
		expect(run(say('Menu'), at('ask_dob', { name: 'x y' }))).toMatchObject({
			action: 'buttons',
			nextStep: 'idle',
			context: {},
		});
		expect(run(say('Oi'))).toMatchObject({ action: 'buttons', say: { key: 'menu' } });
		expect(run(msg({ type: 'reaction' }))).toMatchObject({ action: 'ignore', keepState: true });
	});

	it('every text a decision names exists in the built-in table', () => {
		const keys = [...MENU_BUTTONS, ...LANGUAGE_BUTTONS].map((b) => b.label);
		for (const key of keys) expect(table.has(key)).toBe(true);
	});
});
