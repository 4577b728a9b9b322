/**
 * The Clinic Conversation node on a SQLite Clinic Store: Answer Message routes each trigger item to the output of
 * its decision with the texts written in the patient's language; the conversation survives between executions;
 * staff edits (a text, an added question) work from the node's fields; Get / Set Conversation; errors name the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { closeAllClinicStores } from '../../../core/store';
import { ClinicConversation } from '../../../nodes/ClinicConversation/ClinicConversation.node';
import { ANSWER_OUTPUTS } from '../../../nodes/ClinicConversation/actions/answer.operation';
import { context } from '../scheduling/node-context';

const dir = mkdtempSync(join(tmpdir(), 'conversation-node-'));
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

const credentials = {
	clinicStoreApi: {
		backend: 'sqlite',
		sqlitePath: join(dir, 'store.sqlite'),
		phiKey: 'conversation node test passphrase',
		phiKeyId: 'k1',
	},
};
const node = new ClinicConversation();
const BASE: Record<string, unknown> = {
	operation: 'answer',
	defaultLanguage: 'pt_BR',
	texts: '{}',
	idleHours: 24,
};

let phoneSeq = 0;
const newPhone = (country = '55119') => `${country}${String(10_000_000 + ++phoneSeq).slice(-8)}`;

const message = (from: string, fields: IDataObject): INodeExecutionData => ({
	json: {
		event: 'message',
		from,
		messageId: `wamid.${phoneSeq}`,
		profileName: 'Maria',
		consentKeyword: null,
		...fields,
	},
});
const text = (from: string, body: string) => message(from, { type: 'text', text: body });
const tap = (from: string, id: string) =>
	message(from, {
		type: 'interactive',
		interactive: { type: 'button_reply', buttonReply: { id, title: 'x' } },
	});

async function answer(
	items: INodeExecutionData[],
	params: Record<string, unknown> = {},
	continueOnFail = false,
) {
	const ctx = context({ params: { ...BASE, ...params }, items, credentials, continueOnFail });
	const out = await node.execute.call(ctx);
	const byOutput: Record<string, IDataObject[]> = {};
	out.forEach((list, i) => {
		if (list.length) byOutput[ANSWER_OUTPUTS[i].name] = list.map((item) => item.json);
	});
	return byOutput;
}

describe('Clinic Conversation · Answer Message', () => {
	it('books in Brazilian Portuguese for a Brazilian number, one execution per message', async () => {
		const p = newPhone();
		let out = await answer([text(p, 'Maria Souza')]);
		expect(Object.keys(out)).toEqual(['Buttons']);
		expect(out.Buttons[0]).toMatchObject({
			recipient: p,
			language: 'pt_BR',
			languageSource: 'phone',
			locale: 'pt-BR',
			templateLanguage: 'pt_BR',
			buttons: [
				{ id: 'BOOK', title: 'Agendar consulta' },
				{ id: 'NURSE', title: 'Falar com enfermeira' },
				{ id: 'LANG', title: 'Mudar idioma' },
			],
		});
		out = await answer([tap(p, 'BOOK')]);
		expect(out.Reply[0].reply).toMatch(/Qual é o seu nome completo/);
		out = await answer([text(p, 'Maria Souza')]);
		expect(out.Reply[0].reply).toBe('Obrigada, Maria. Qual é a sua data de nascimento? (DD/MM/AAAA)');
		out = await answer([text(p, '31/02/1984')]);
		expect(out.Reply[0].reply).toMatch(/^Não consegui entender essa data/);
		out = await answer([text(p, '25/03/1984')]);
		out = await answer([text(p, 'Unimed')]);
		expect(out['Free Times'][0]).toMatchObject({ nextStep: 'pick_slot', reply: null });
		expect((out['Free Times'][0].texts as IDataObject).slots_button).toBe('Ver horários');
		out = await answer([
			message(p, {
				type: 'interactive',
				interactive: { type: 'list_reply', listReply: { id: 'slot-1', title: 't' } },
			}),
		]);
		expect(out.Book[0]).toMatchObject({
			slotId: 'slot-1',
			firstName: 'Maria',
			context: { name: 'Maria Souza', dob: '1984-03-25', insurance: 'Unimed' },
			answersText: 'dob: 1984-03-25\ninsurance: Unimed',
		});
	});

	it('a Spanish-writing patient gets Spanish; English from an English message; picking a language sticks', async () => {
		const p = newPhone();
		let out = await answer([text(p, 'Hola, quiero reservar una cita')]);
		expect(out.Buttons[0]).toMatchObject({ language: 'es', languageSource: 'written' });
		expect(out.Buttons[0].reply).toMatch(/^¡Hola! Soy la asistente virtual/);
		out = await answer([tap(p, 'LANG')]);
		expect(out.Buttons[0].buttons).toEqual([
			{ id: 'LANG:pt_BR', title: 'Português' },
			{ id: 'LANG:es', title: 'Español' },
			{ id: 'LANG:en', title: 'English' },
		]);
		out = await answer([tap(p, 'LANG:en')]);
		expect(out.Buttons[0]).toMatchObject({
			language: 'en',
			languageSource: 'picked',
			reply: expect.stringMatching(/^Hello!/),
		});
		out = await answer([text(p, 'Oi, bom dia')]);
		expect(out.Buttons[0].language).toBe('en');
	});

	it('routes the other workflows’ buttons and consent confirmations to their outputs; group messages to none', async () => {
		const p = newPhone();
		const out = await answer([
			message(p, { type: 'button', button: { payload: 'CONFIRM:apt-1', text: 'Confirmar' } }),
			message(p, { type: 'button', button: { payload: 'CSAT:GOOD:apt-1', text: 'Boa' } }),
			message(p, {
				type: 'text',
				text: 'PARAR',
				consentKeyword: { action: 'opt_out', language: 'pt', replyTo: `+${p}` },
			}),
			message(p, { type: 'reaction' }),
			message(p, { type: 'text', text: 'Oi', groupId: 'group-1' }),
		]);
		expect(Object.keys(out).sort()).toEqual(['Confirm', 'Consent Reply', 'Survey Answer']);
		expect(out.Confirm[0]).toMatchObject({ appointmentId: 'apt-1', language: 'pt_BR' });
		expect(out['Survey Answer'][0]).toMatchObject({ rating: 'GOOD', reply: 'Obrigada pela sua avaliação!' });
		expect(out['Consent Reply'][0]).toMatchObject({
			recipient: `+${p}`,
			reply: expect.stringMatching(/^Pronto, você não vai mais receber/),
		});
	});

	it('staff change a question’s text and add a question in the node, with no code', async () => {
		const p = newPhone();
		const params = {
			texts: JSON.stringify({
				ask_name: { pt_BR: 'Como você se chama?' },
				ask_email: { pt_BR: 'Qual é o seu e-mail, {firstName}?', es: '¿Su correo?', en: 'Your e-mail?' },
			}),
			questions: {
				question: [
					{ field: 'name', validator: 'name', ask: '', retry: '' },
					{ field: 'email', validator: 'email', ask: '', retry: '' },
				],
			},
		};
		let out = await answer([tap(p, 'BOOK')], params);
		expect(out.Reply[0].reply).toBe('Como você se chama?');
		out = await answer([text(p, 'Ana Lima')], params);
		expect(out.Reply[0].reply).toBe('Qual é o seu e-mail, Ana?');
		out = await answer([text(p, 'ana-at-lima')], params);
		expect(out.Reply[0].reply).toMatch(/^Isso não parece um e-mail/);
		out = await answer([text(p, 'ana@lima.com')], params);
		expect(out['Free Times'][0]).toMatchObject({ context: { name: 'Ana Lima', email: 'ana@lima.com' } });
	});

	it('a wrong setting stops the node naming the field; a message without a sender is an error item', async () => {
		await expect(answer([text(newPhone(), 'Oi')], { texts: '{ "menu": ' })).rejects.toThrow(
			/Texts: is not valid JSON/,
		);
		await expect(
			answer([text(newPhone(), 'Oi')], { questions: { question: [{ field: 'email', validator: 'email' }] } }),
		).rejects.toThrow(/Questions → question 1 → Question Text: there is no text "ask_email"/);
		await expect(answer([text(newPhone(), 'Oi')], { idleHours: 0 })).rejects.toThrow(
			/Forget Conversation After \(Hours\)/,
		);
		const out = await answer([message('', { type: 'text', text: 'Oi', from: null })], {}, true);
		expect(out.Reply[0].error).toMatchObject({ field: 'userId' });
	});
});

describe('Clinic Conversation · Get / Set Conversation', () => {
	const run = async (params: Record<string, unknown>, items: INodeExecutionData[]) => {
		const ctx = context({
			params: (name, i) => {
				const v = params[name];
				return typeof v === 'function' ? (v as (i: number) => unknown)(i) : v;
			},
			items,
			credentials,
		});
		const [out] = await node.execute.call(ctx);
		return out.map((i) => i.json);
	};

	it('Set puts a patient on a step keeping their language; Get reads step and language and adds a text', async () => {
		const spanish = newPhone();
		await answer([text(spanish, 'Hola, necesito ayuda')]);
		const mexican = newPhone('52155');
		const set = await run(
			{
				operation: 'setState',
				defaultLanguage: 'pt_BR',
				texts: '{}',
				patient: (i: number) => [spanish, mexican][i],
				step: 'lab_dob',
				context: { dobHash: 'abc' },
				keepHours: 168,
			},
			[{ json: { appointment: 1 } }, { json: { appointment: 2 } }],
		);
		expect(set.map((j) => [j.appointment, (j.conversation as IDataObject).step, j.language])).toEqual([
			[1, 'lab_dob', 'es'],
			[2, 'lab_dob', 'es'],
		]);
		const got = await run(
			{
				operation: 'getState',
				defaultLanguage: 'pt_BR',
				texts: JSON.stringify({ staff_answer: { es: 'Enfermera: {text}' } }),
				patient: (i: number) => [spanish, '+1 415 555 2671'][i],
				textKey: 'staff_answer',
				textVariables: { text: 'Descanse.' },
			},
			[{ json: {} }, { json: {} }],
		);
		expect(got[0]).toMatchObject({
			conversation: { step: 'lab_dob', context: { dobHash: 'abc' }, stored: true },
			language: 'es',
			templateLanguage: 'es',
			text: 'Enfermera: Descanse.',
		});
		expect(got[1]).toMatchObject({
			conversation: { step: 'idle', stored: false },
			language: 'en',
			templateLanguage: 'en_US',
			text: 'Nurse: Descanse.',
		});
	});

	it('a bad patient is an error naming the field', async () => {
		await expect(
			run({ operation: 'getState', defaultLanguage: 'pt_BR', texts: '{}', patient: 'maria' }, [{ json: {} }]),
		).rejects.toThrow(/Patient: "maria" is not a phone number or a WhatsApp user ID/);
	});
});
