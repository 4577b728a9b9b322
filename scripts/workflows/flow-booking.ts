/**
 * 09 · Flow booking: the data endpoint of the appointment-booking WhatsApp Flow (workflows/flows/). Each screen the
 * patient submits arrives at "Flow endpoint" with `data.step`; "Step" routes it; free times come live from
 * Appointment Slot Lookup, and "Book" uses the same no-double-booking path as the chat bot (a slot taken meanwhile
 * answers the time screen again with the alternatives and the "just taken" note, never an error screen).
 * Also writes the Flow JSON per language: appointment-booking.json (pt_BR), .es.json, .en_US.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { appointmentBookingFlow, bookingFlowFile, builtInTexts } from '../../core/flows/booking-flow';
import { LANGUAGES, localeOf, shortLanguage } from '../../core/i18n';
import type { FlowTextKey } from '../../core/i18n/flow-texts';
import { CLINIC_RULES } from './clinic-settings';
import { CRED, Flow, PKG, X } from './flow';
import { builtinScheduler, slotLookup, switchNode } from './nodes';

export const FLOW_BOOKING_NAME = '09 · Flow booking (WhatsApp Flow data endpoint)';
/**
 * Meta expects every endpoint answer within 1 s: the endpoint does not save its successful executions (one per
 * screen the patient opens; the booking itself is in the Clinic Store and its audit), nor their progress node by
 * node. Failed executions are still saved, so a failing endpoint shows in n8n's Executions list.
 */
export const LEAN_ENDPOINT_SETTINGS = {
	saveDataSuccessExecution: 'none',
	saveDataErrorExecution: 'all',
	saveExecutionProgress: false,
};
const FLOW_KEY = { whatsAppFlowKeyApi: { id: 'REPLACE_ME', name: 'WhatsApp Flow Key' } };
const TRIGGER = 'Flow endpoint';
const req = `$('${TRIGGER}').item.json.data`;

/** The clinic's specialties (services of the rules) and who offers each, as the Flow's dropdowns show them. */
const rules = JSON.parse(CLINIC_RULES) as {
	services: Array<{ id: string; name: string }>;
	practitioners: Array<{ id: string; name: string; serviceIds: string[] }>;
};
const SPECIALTIES = rules.services.map((s) => ({ id: s.id, title: s.name }));
const PRACTITIONERS = Object.fromEntries(
	rules.services.map((s) => [
		s.id,
		rules.practitioners.filter((p) => p.serviceIds.includes(s.id)).map((p) => ({ id: p.id, title: p.name })),
	]),
);
const NAMES = Object.fromEntries(rules.practitioners.map((p) => [p.id, p.name]));
/**
 * The patient's language in an expression: the signed flow token's (Send Flow's Flow Language), as its two-letter
 * code (pt, es, en); the clinic default's when the token names none.
 */
const SHORT = `String($('${TRIGGER}').first().json.language ?? '').slice(0, 2).toLowerCase()`;
/** An expression choosing one of `values` (keyed by two-letter code) by the patient's language. */
const byLanguage = (values: Record<string, string>) =>
	`((${JSON.stringify(values)})[${SHORT}] ?? ${JSON.stringify(values.pt)})`;
/** A `flow_*` text of the table in the patient's language. */
const text = (key: FlowTextKey) =>
	byLanguage(Object.fromEntries(LANGUAGES.map((l) => [shortLanguage(l), builtInTexts().text(key, l)])));
const LOCALE = byLanguage(Object.fromEntries(LANGUAGES.map((l) => [shortLanguage(l), localeOf(l)])));
/** Appointment Slot Lookup's Language (its options: pt-BR, es, en). */
const SLOT_LOCALE = `={{ ${byLanguage({ pt: 'pt-BR', es: 'es', en: 'en' })} }}`;
/** Insurance plans are names; only "pay myself" is a text, in the patient's language. */
const INSURANCES = `[{ id: 'particular', title: ${text('flow_insurance_private')} }, ...${JSON.stringify([
	{ id: 'bradesco', title: 'Bradesco Saúde' },
	{ id: 'sulamerica', title: 'SulAmérica' },
	{ id: 'unimed', title: 'Unimed' },
	{ id: 'amil', title: 'Amil' },
])}]`;
/** A time option: the slot ID and its local start, so the summary can show it without another lookup. */
const OPTION = (slot: string) => `${slot}.slotId + '|' + ${slot}.startLocal`;
const TIME_TITLE = (slot: string) =>
	`DateTime.fromISO(${slot}.startLocal, { setZone: true }).toFormat('HH:mm')`;
const WHEN = `DateTime.fromISO(${req}.slot.split('|')[1], { setZone: true }).setLocale(${LOCALE}).toFormat("cccc, dd/LL/yyyy '" + ${text('flow_summary_at')} + "' HH:mm")`;

const respond = (f: Flow, name: string, y: number, col: number, params: Record<string, unknown>) =>
	f.add(
		name,
		`${PKG}.whatsAppFlow`,
		1,
		[X(col), y],
		{ operation: 'respond', ...params },
		{ credentials: FLOW_KEY },
	);
const screen = (name: string, data: string) => ({
	respondWith: 'nextScreen',
	screen: name,
	screenData: `={{ JSON.stringify(${data}) }}`,
});

export function flowBooking(): Flow {
	const f = new Flow(FLOW_BOOKING_NAME, 'flow-booking', LEAN_ENDPOINT_SETTINGS);
	f.sticky(
		'## WhatsApp Flow booking\nSet up once: WhatsApp Flow → **Generate and Upload Key Pair**, paste the key into the *WhatsApp Flow Key* credential, then **Create or Update Flow** with `workflows/flows/appointment-booking.json` and this trigger’s Production URL as Endpoint URI. Send it with WhatsApp Send Message → **Send Flow**.',
		[X(0), -420],
		520,
		220,
	);
	f.add(
		TRIGGER,
		`${PKG}.whatsAppFlowTrigger`,
		1,
		[X(0), 300],
		{ tokenPolicy: 'signed', expiredMessage: '' },
		{
			credentials: { ...CRED.whatsApp, ...FLOW_KEY },
			webhookId: f.webhookId(TRIGGER),
		},
	);
	const steps = ['specialty', 'practitioner', 'date', 'time', 'details', 'confirm'];
	const step = switchNode(
		f,
		'Step',
		[X(1), 300],
		`$json.action === 'data_exchange' ? ${JSON.stringify(steps)}.indexOf($json.data.step) + 1 : 0`,
		7,
	);
	f.connect(TRIGGER, step);
	const row = (i: number) => i * 160;
	const outs = [
		respond(
			f,
			'Show specialties',
			row(0),
			2,
			screen('SPECIALTY', `{ specialties: ${JSON.stringify(SPECIALTIES)} }`),
		),
		respond(
			f,
			'Show practitioners',
			row(1),
			2,
			screen(
				'PRACTITIONER',
				`{ specialty: $json.data.specialty, practitioners: (${JSON.stringify(PRACTITIONERS)})[$json.data.specialty] ?? [] }`,
			),
		),
		respond(
			f,
			'Show dates',
			row(2),
			2,
			screen(
				'DATE',
				`{ specialty: $json.data.specialty, practitioner: $json.data.practitioner, min_date: $today.toISODate(), max_date: $today.plus({ days: 30 }).toISODate(), no_times: false }`,
			),
		),
	];
	outs.forEach((node, i) => f.connect(step, node, i));
	const times = slotLookup(
		f,
		'Free times that day',
		[X(2), row(3)],
		builtinScheduler('findSlots', {
			serviceId: `={{ $json.data.specialty }}`,
			practitionerId: `={{ $json.data.practitioner }}`,
			from: `={{ $json.data.date + 'T00:00:00' }}`,
			daysAhead: 1,
			maxSlots: 20,
			output: 'slots',
			locale: SLOT_LOCALE,
		}),
		{ alwaysOutputData: true },
	);
	f.connect(step, times, 3);
	const any = switchNode(f, 'Any free time?', [X(3), row(3)], `$json.slotId ? 0 : 1`, 2);
	f.connect(times, any);
	f.connect(
		any,
		respond(f, 'Show times', row(3) - 60, 4, {
			...screen(
				'TIME',
				`{ specialty: ${req}.specialty, practitioner: ${req}.practitioner, date: ${req}.date, slot_taken: false }`,
			),
			optionsFromItems: true,
			optionsField: 'slots',
			optionId: `={{ ${OPTION('$json')} }}`,
			optionTitle: `={{ ${TIME_TITLE('$json')} }}`,
		}),
		0,
	);
	f.connect(
		any,
		respond(
			f,
			'No times that day',
			row(3) + 80,
			4,
			screen(
				'DATE',
				`{ specialty: ${req}.specialty, practitioner: ${req}.practitioner, min_date: $today.toISODate(), max_date: $today.plus({ days: 30 }).toISODate(), no_times: true }`,
			),
		),
		1,
	);
	f.connect(
		step,
		respond(
			f,
			'Ask details',
			row(4) + 40,
			2,
			screen(
				'DETAILS',
				`{ specialty: $json.data.specialty, practitioner: $json.data.practitioner, slot: $json.data.slot, insurances: ${INSURANCES}, max_birth_date: $today.toISODate() }`,
			),
		),
		4,
	);
	f.connect(
		step,
		respond(
			f,
			'Show summary',
			row(5) + 40,
			2,
			screen(
				'SUMMARY',
				`{ ...$json.data, when: ${WHEN}, practitioner_name: (${JSON.stringify(NAMES)})[$json.data.practitioner] ?? $json.data.practitioner }`,
			),
		),
		5,
	);
	const book = slotLookup(
		f,
		'Book',
		[X(2), row(6) + 80],
		builtinScheduler('book', {
			slotId: `={{ $json.data.slot.split('|')[0] }}`,
			patientName: '={{ $json.data.name }}',
			patientPhone: '={{ $json.data.phone }}',
			bookFields: {
				notes: `={{ 'Born ' + $json.data.birth_date + ' · insurance ' + $json.data.insurance + ' · booked in WhatsApp Flow' }}`,
			},
			locale: SLOT_LOCALE,
		}),
	);
	f.connect(step, book, 6);
	const booked = switchNode(f, 'Booked?', [X(3), row(6) + 80], '$json.booked ? 0 : 1', 2);
	f.connect(book, booked);
	f.connect(
		booked,
		respond(f, 'Close the Flow', row(6) + 20, 4, {
			respondWith: 'complete',
			completeParams: `={{ JSON.stringify({ appointment_id: $json.appointment.id, start: $json.appointment.start }) }}`,
		}),
		0,
	);
	f.connect(
		booked,
		respond(
			f,
			'Taken: other times',
			row(6) + 160,
			4,
			screen(
				'TIME',
				`{ specialty: ${req}.specialty, practitioner: ${req}.practitioner, date: ${req}.slot.split('|')[1].slice(0, 10), slot_taken: true, slots: ($json.alternatives ?? []).map(s => ({ id: ${OPTION('s')}, title: ${TIME_TITLE('s')} })) }`,
			),
		),
		1,
	);
	return f;
}

/** workflows/flows/appointment-booking.json (pt_BR) and its es / en_US twins, from the built-in text table. */
export function writeBookingFlows(workflowsDir: string): string[] {
	const dir = join(workflowsDir, 'flows');
	mkdirSync(dir, { recursive: true });
	return LANGUAGES.map((language) => {
		const file = bookingFlowFile(language);
		writeFileSync(join(dir, file), `${JSON.stringify(appointmentBookingFlow(language), null, '\t')}\n`);
		return `workflows/flows/${file}`;
	});
}
