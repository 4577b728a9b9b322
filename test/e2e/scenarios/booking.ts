/**
 * Workflow 01 end to end, in Brazilian Portuguese (the clinic's language, and the language of a Brazilian number
 * that writes "Oi"): a patient books an appointment through the bot (menu → name → date of birth → insurance, each
 * validated → free-time list → pick → confirmation template in pt_BR), and a second patient picking the same time
 * is told it was just taken and gets new times (no double booking).
 */
import { decodeCallbackData } from '../../../core/whatsapp/callback-data';
import { assert, assertEqual, type Scenario } from '../scenario';
import { appointmentFromInbox, assertTemplateDate } from './dates';
import { Patient, buttonIds, buttonTitles, listRows, textOf } from './patient';
import { WF, assertNoFailedExecutions, patientPhone } from './util';

export const bookingScenario: Scenario = {
	name: 'booking-bot',
	description:
		'Workflow 01 in pt_BR: intake validated, slot list, booking confirmed by template, same slot twice → "acabou de ser reservado"',
	requires: {
		nodes: [
			'whatsAppClinicTrigger',
			'whatsAppSendMessage',
			'whatsAppSendTemplate',
			'appointmentSlotLookup',
			'consentCheck',
			'auditLog',
			'clinicConversation',
		],
	},
	async run(ctx) {
		const since = Date.now();
		const maria = new Patient(ctx, patientPhone(), 'Maria Souza');
		let out = await maria.say('Oi');
		assert(
			buttonIds(out[0]).includes('BOOK'),
			`menu with a BOOK button, got ${JSON.stringify(out[0]?.request).slice(0, 300)}`,
		);
		assertEqual(
			buttonTitles(out[0]),
			['Agendar consulta', 'Falar com enfermeira', 'Mudar idioma'],
			'menu buttons in Portuguese',
		);
		assert(/assistente virtual da clínica/.test(textOf(out[0])), `menu in Portuguese: "${textOf(out[0])}"`);
		out = await maria.tapButton('BOOK', 'Agendar consulta');
		assert(/nome completo/i.test(textOf(out[0])), `asks the name, got "${textOf(out[0])}"`);
		out = await maria.say('M4ria');
		assert(/nome e sobrenome/i.test(textOf(out[0])), `rejects a bad name, got "${textOf(out[0])}"`);
		out = await maria.say('Maria Souza');
		assert(/data de nascimento/i.test(textOf(out[0])), `asks the date of birth, got "${textOf(out[0])}"`);
		out = await maria.say('31/02/1984');
		assert(/não consegui entender essa data/i.test(textOf(out[0])), `rejects 31/02, got "${textOf(out[0])}"`);
		out = await maria.say('25/03/1984');
		assert(/convênio/i.test(textOf(out[0])), `asks the insurance, got "${textOf(out[0])}"`);
		out = await maria.say('Unimed');
		const list = out.find((m) => m.type === 'interactive' && listRows(m).length > 0);
		assert(list, `a list of free times, got ${out.map((m) => m.type).join(', ')}`);
		assertEqual(list.request?.interactive?.action?.button, 'Ver horários', 'list button in Portuguese');
		const rows = listRows(list);
		assert(rows.length >= 2 && rows.length <= 10, `2–10 rows, got ${rows.length}`);
		ctx.log(
			`list: ${rows
				.map((r) => r.title)
				.slice(0, 3)
				.join(' | ')} …`,
		);
		out = await maria.pickRow(rows[0].id, rows[0].title);
		const confirmation = out.find((m) => m.type === 'template');
		assert(
			confirmation,
			`a confirmation template, got ${out.map((m) => `${m.type}:${textOf(m)}`).join(', ')}`,
		);
		assertEqual(confirmation.templateName, 'appointment_confirmation', 'confirmation template');
		assert(/Maria/.test(textOf(confirmation)), `confirmation names the patient: "${textOf(confirmation)}"`);
		// What Meta receives is the appointment id plus the send item's idempotency key (`<id>|wac:<key>`).
		const appointmentId = decodeCallbackData(confirmation.bizOpaqueCallbackData).userValue;
		assert(appointmentId, 'confirmation carries the appointment id as callback data');
		// Date and time are typed date_time values: written in the template's language (pt_BR) and clinic zone.
		const booked = await appointmentFromInbox(ctx, 'Book', appointmentId);
		const day = assertTemplateDate(
			confirmation,
			'appointment_date',
			booked.start,
			'pt_BR',
			'date',
			'confirmation',
		);
		const time = assertTemplateDate(
			confirmation,
			'appointment_time',
			booked.start,
			'pt_BR',
			'time',
			'confirmation',
		);
		assert(
			rows[0].title.split(' · ')[0] === time,
			`the confirmed time "${time}" is the time the patient picked ("${rows[0].title}")`,
		);
		ctx.log(`confirmation dates: "${day}" / "${time}"`);
		ctx.log(`booked ${appointmentId}: "${textOf(confirmation)}"`);

		// A second patient tries the very same time.
		const joao = new Patient(ctx, patientPhone(), 'Joao Lima');
		await joao.tapButton('BOOK', 'Agendar consulta');
		await joao.say('Joao Lima');
		await joao.say('01/01/1990');
		await joao.say('particular');
		out = await joao.pickRow(rows[0].id, rows[0].title, { expect: 2 });
		assert(
			out.some((m) => /acabou de ser reservado/i.test(textOf(m))),
			`told the time was taken: ${out.map(textOf).join(' / ')}`,
		);
		const newList = out.find((m) => listRows(m).length > 0);
		assert(newList && !listRows(newList).some((r) => r.id === rows[0].id), 'new list without the taken time');
		await assertNoFailedExecutions(ctx, [WF.inbox], since);
	},
};
