/**
 * Workflow 01 speaks the patient's language (docs/language.md): a Spanish-writing patient on a Brazilian number
 * books in Spanish (menu, questions, list labels, confirmation template es with a Spanish date); patients who say
 * nothing in any language get their phone country's language (Brazil → Portuguese, US → English, Mexico →
 * Spanish), a language picked with the menu's button wins over what they write, and an opt-out is confirmed in the
 * patient's language.
 */
import { decodeCallbackData } from '../../../core/whatsapp/callback-data';
import { assert, assertEqual, type Scenario } from '../scenario';
import { appointmentFromInbox, assertTemplateDate } from './dates';
import { Patient, buttonIds, buttonTitles, listRows, textOf } from './patient';
import { WF, assertNoFailedExecutions, patientPhone } from './util';

const NODES = [
	'whatsAppClinicTrigger',
	'whatsAppSendMessage',
	'whatsAppSendTemplate',
	'appointmentSlotLookup',
	'consentCheck',
	'auditLog',
	'clinicConversation',
];

let counter = 0;
/** A unique number in another country: US (+1 415 555 01xx) or Mexico (+52 1 55 …). */
function foreignPhone(country: 'us' | 'mx'): string {
	counter += 1;
	const n = String((Date.now() % 10_000) * 10 + counter)
		.padStart(5, '0')
		.slice(-4);
	return country === 'us'
		? `1415555${n}`
		: `5215512${String(Date.now() % 10_000).padStart(4, '0')}${counter % 10}`;
}

export const languageSpanishScenario: Scenario = {
	name: 'language-spanish',
	description:
		'Workflow 01: a Spanish-writing patient on a Brazilian number books in Spanish (texts, labels, template es)',
	requires: { nodes: NODES },
	async run(ctx) {
		const since = Date.now();
		const ana = new Patient(ctx, patientPhone(), 'Ana Pérez');
		let out = await ana.say('Hola, quiero reservar una cita');
		assert(/asistente virtual de la clínica/.test(textOf(out[0])), `menu in Spanish: "${textOf(out[0])}"`);
		assertEqual(
			buttonTitles(out[0]),
			['Reservar cita', 'Hablar con enfermera', 'Cambiar idioma'],
			'menu buttons in Spanish',
		);
		out = await ana.tapButton('BOOK', 'Reservar cita');
		assert(
			/¿Cuál es su nombre completo/.test(textOf(out[0])),
			`asks the name in Spanish: "${textOf(out[0])}"`,
		);
		out = await ana.say('Ana Pérez');
		assertEqual(
			textOf(out[0]),
			'Gracias, Ana. ¿Cuál es su fecha de nacimiento? (DD/MM/AAAA)',
			'date of birth question',
		);
		out = await ana.say('30/02/1990');
		assert(/No pude entender esa fecha/.test(textOf(out[0])), `retry in Spanish: "${textOf(out[0])}"`);
		out = await ana.say('12/05/1990');
		assert(/seguro médico/.test(textOf(out[0])), `insurance question in Spanish: "${textOf(out[0])}"`);
		out = await ana.say('ninguno');
		const list = out.find((m) => listRows(m).length > 0);
		assert(list, `a list of free times, got ${out.map((m) => m.type).join(', ')}`);
		assertEqual(list.request?.interactive?.action?.button, 'Ver horarios', 'list button in Spanish');
		assertEqual(textOf(list), 'Elija un horario para su cita:', 'list body in Spanish');
		const row = listRows(list)[0];
		out = await ana.pickRow(row.id, row.title);
		const confirmation = out.find((m) => m.type === 'template');
		assert(
			confirmation,
			`a confirmation template, got ${out.map((m) => `${m.type}:${textOf(m)}`).join(', ')}`,
		);
		const appointmentId = decodeCallbackData(confirmation.bizOpaqueCallbackData).userValue;
		const booked = await appointmentFromInbox(ctx, 'Book', appointmentId!);
		const day = assertTemplateDate(
			confirmation,
			'appointment_date',
			booked.start,
			'es',
			'date',
			'confirmation',
		);
		assert(/su cita con/.test(textOf(confirmation)), `Spanish template text: "${textOf(confirmation)}"`);
		ctx.log(`Spanish booking confirmed: "${textOf(confirmation)}" (${day})`);
		await assertNoFailedExecutions(ctx, [WF.inbox], since);
	},
};

export const languageChoiceScenario: Scenario = {
	name: 'language-choice',
	description:
		'Workflow 01: no language in the message → phone country (BR pt, US en, MX es); a picked language wins; opt-out confirmed in the language',
	requires: { nodes: NODES },
	async run(ctx) {
		const since = Date.now();
		// A Brazilian number whose first message says nothing in any language: Portuguese (phone country).
		const bruno = new Patient(ctx, patientPhone(), 'Bruno Costa');
		let out = await bruno.say('👍');
		assert(/O que você gostaria de fazer/.test(textOf(out[0])), `Brazilian number → pt: "${textOf(out[0])}"`);
		// A US number: English; a Mexican one: Spanish.
		const john = new Patient(ctx, foreignPhone('us'), 'John Smith');
		out = await john.say('12345');
		assert(/What would you like to do/.test(textOf(out[0])), `US number → en: "${textOf(out[0])}"`);
		const lupe = new Patient(ctx, foreignPhone('mx'), 'Lupe Díaz');
		out = await lupe.say('👋');
		assert(/¿Qué le gustaría hacer/.test(textOf(out[0])), `Mexican number → es: "${textOf(out[0])}"`);
		// The US patient writes Portuguese: the language they write in comes before the phone's country.
		out = await john.say('Oi, bom dia, tudo bem?');
		assert(/O que você gostaria de fazer/.test(textOf(out[0])), `writes pt → pt: "${textOf(out[0])}"`);

		// Picking a language with the menu's third button wins over what the patient writes afterwards.
		out = await bruno.tapButton('LANG', 'Mudar idioma');
		assertEqual(buttonIds(out[0]), ['LANG:pt_BR', 'LANG:es', 'LANG:en'], 'language picker');
		out = await bruno.tapButton('LANG:en', 'English');
		assert(/What would you like to do/.test(textOf(out[0])), `picked en: "${textOf(out[0])}"`);
		out = await bruno.say('Oi, quero marcar uma consulta');
		assert(/What would you like to do/.test(textOf(out[0])), `picked en stays: "${textOf(out[0])}"`);
		out = await bruno.tapButton('BOOK', 'Book appointment');
		assert(/full name/.test(textOf(out[0])), `questions in the picked language: "${textOf(out[0])}"`);

		// An opt-out word is confirmed in the patient's language (BAJA is Spanish).
		out = await lupe.say('BAJA');
		assert(/ya no recibirás mensajes/.test(textOf(out[0])), `opt-out confirmed in es: "${textOf(out[0])}"`);
		await assertNoFailedExecutions(ctx, [WF.inbox], since);
	},
};
