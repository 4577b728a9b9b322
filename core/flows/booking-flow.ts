/**
 * The shipped appointment-booking Flow (workflows/flows/appointment-booking*.json is generated from this):
 *
 *   SPECIALTY → PRACTITIONER → DATE → TIME (free slots, live from the endpoint) → DETAILS (name, date of birth
 *   with a date picker, insurance) → SUMMARY → confirm → the endpoint books and closes the Flow (SUCCESS), or, when
 *   the slot was taken meanwhile, answers TIME again with the alternatives and the "just taken" note.
 *
 * Every footer is a `data_exchange` whose payload carries `step` (what the patient just did) and everything chosen
 * so far, so the workflow needs no conversation state. Every text comes from the one text table (core/i18n, its
 * `flow_*` entries): the built-in texts, or a table with the clinic's own entries on top (WhatsApp Flow → Create or
 * Update Flow, Flow JSON source "Shipped Booking Flow", field Texts).
 */
import {
	buildTextTable,
	DEFAULT_LANGUAGE,
	type Language,
	matchLanguage,
	type TextTable,
	templateLanguage,
} from '../i18n';
import type { FlowTextKey } from '../i18n/flow-texts';
import { RECOMMENDED_FLOW_JSON_VERSION } from './flow-json';

export const BOOKING_SCREENS = ['SPECIALTY', 'PRACTITIONER', 'DATE', 'TIME', 'DETAILS', 'SUMMARY'] as const;

const option = [{ id: 'x', title: 'X' }];
const str = (example: string) => ({ type: 'string', __example__: example });
const bool = (example: boolean) => ({ type: 'boolean', __example__: example });
const list = () => ({
	type: 'array',
	items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } },
	__example__: option,
});

/** What each step carries forward (the footer payloads). */
const carried = {
	specialty: '${data.specialty}',
	practitioner: '${data.practitioner}',
};

function footer(label: string, step: string, payload: Record<string, string>) {
	return {
		type: 'Footer',
		label,
		'on-click-action': { name: 'data_exchange', payload: { step, ...payload } },
	};
}

let builtIn: TextTable | undefined;
/** The built-in text table (no clinic overrides), built once. */
export const builtInTexts = (): TextTable =>
	(builtIn ??= buildTextTable({ defaultLanguage: DEFAULT_LANGUAGE }));

/**
 * The 427 text ("this form has expired") in the flow token's language (any spelling: pt_BR, en_US…; the clinic
 * default when unknown), from `texts` (default: the built-in table).
 */
export function flowTokenExpiredText(language: string | null | undefined, texts = builtInTexts()): string {
	return texts.text('flow_token_expired', matchLanguage(language) ?? texts.defaultLanguage);
}

/** The booking Flow JSON in `language`, its texts from `texts` (default: the built-in table). */
export function appointmentBookingFlow(language: Language, texts: TextTable = builtInTexts()) {
	const text = (key: FlowTextKey) => texts.text(key, language);
	const t = {
		specialtyTitle: text('flow_specialty_title'),
		specialtyHeading: text('flow_specialty_heading'),
		specialtyLabel: text('flow_specialty_label'),
		practitionerTitle: text('flow_practitioner_title'),
		practitionerLabel: text('flow_practitioner_label'),
		dateTitle: text('flow_date_title'),
		dateLabel: text('flow_date_label'),
		dateHelper: text('flow_date_helper'),
		timeTitle: text('flow_time_title'),
		timeLabel: text('flow_time_label'),
		slotTaken: text('flow_slot_taken'),
		noTimes: text('flow_no_times'),
		detailsTitle: text('flow_details_title'),
		nameLabel: text('flow_name_label'),
		birthDateLabel: text('flow_birth_date_label'),
		insuranceLabel: text('flow_insurance_label'),
		phoneLabel: text('flow_phone_label'),
		summaryTitle: text('flow_summary_title'),
		summaryHeading: text('flow_summary_heading'),
		summaryWhen: text('flow_summary_when'),
		summaryWho: text('flow_summary_who'),
		summaryPatient: text('flow_summary_patient'),
		continue: text('flow_continue'),
		confirm: text('flow_confirm'),
	};
	return {
		version: RECOMMENDED_FLOW_JSON_VERSION,
		data_api_version: '3.0',
		routing_model: {
			SPECIALTY: ['PRACTITIONER'],
			PRACTITIONER: ['DATE'],
			DATE: ['TIME'],
			TIME: ['DETAILS', 'DATE'],
			DETAILS: ['SUMMARY'],
			SUMMARY: ['TIME'],
		},
		screens: [
			{
				id: 'SPECIALTY',
				title: t.specialtyTitle,
				data: { specialties: list() },
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{ type: 'TextSubheading', text: t.specialtyHeading },
						{
							type: 'Dropdown',
							name: 'specialty',
							label: t.specialtyLabel,
							required: true,
							'data-source': '${data.specialties}',
						},
						footer(t.continue, 'specialty', { specialty: '${form.specialty}' }),
					],
				},
			},
			{
				id: 'PRACTITIONER',
				title: t.practitionerTitle,
				data: { specialty: str('consultation'), practitioners: list() },
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{
							type: 'Dropdown',
							name: 'practitioner',
							label: t.practitionerLabel,
							required: true,
							'data-source': '${data.practitioners}',
						},
						footer(t.continue, 'practitioner', {
							specialty: carried.specialty,
							practitioner: '${form.practitioner}',
						}),
					],
				},
			},
			{
				id: 'DATE',
				title: t.dateTitle,
				data: {
					specialty: str('consultation'),
					practitioner: str('dr-silva'),
					min_date: str('2026-01-05'),
					max_date: str('2026-02-04'),
					no_times: bool(false),
				},
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{ type: 'TextBody', text: t.noTimes, visible: '${data.no_times}' },
						{
							type: 'DatePicker',
							name: 'date',
							label: t.dateLabel,
							required: true,
							'min-date': '${data.min_date}',
							'max-date': '${data.max_date}',
							'helper-text': t.dateHelper,
						},
						footer(t.continue, 'date', { ...carried, date: '${form.date}' }),
					],
				},
			},
			{
				id: 'TIME',
				title: t.timeTitle,
				data: {
					specialty: str('consultation'),
					practitioner: str('dr-silva'),
					date: str('2026-01-05'),
					slots: list(),
					slot_taken: bool(false),
				},
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{ type: 'TextBody', text: t.slotTaken, visible: '${data.slot_taken}' },
						{
							type: 'RadioButtonsGroup',
							name: 'slot',
							label: t.timeLabel,
							required: true,
							'data-source': '${data.slots}',
						},
						footer(t.continue, 'time', { ...carried, date: '${data.date}', slot: '${form.slot}' }),
					],
				},
			},
			{
				id: 'DETAILS',
				title: t.detailsTitle,
				data: {
					specialty: str('consultation'),
					practitioner: str('dr-silva'),
					slot: str('sl1~…'),
					insurances: list(),
					max_birth_date: str('2026-01-05'),
				},
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{ type: 'TextInput', name: 'name', label: t.nameLabel, 'input-type': 'text', required: true },
						{
							type: 'DatePicker',
							name: 'birth_date',
							label: t.birthDateLabel,
							required: true,
							'max-date': '${data.max_birth_date}',
						},
						{ type: 'TextInput', name: 'phone', label: t.phoneLabel, 'input-type': 'phone', required: true },
						{
							type: 'Dropdown',
							name: 'insurance',
							label: t.insuranceLabel,
							required: true,
							'data-source': '${data.insurances}',
						},
						footer(t.continue, 'details', {
							...carried,
							slot: '${data.slot}',
							name: '${form.name}',
							birth_date: '${form.birth_date}',
							phone: '${form.phone}',
							insurance: '${form.insurance}',
						}),
					],
				},
			},
			{
				id: 'SUMMARY',
				title: t.summaryTitle,
				terminal: true,
				data: {
					specialty: str('consultation'),
					practitioner: str('dr-silva'),
					slot: str('sl1~…'),
					name: str('Ana Pereira'),
					birth_date: str('1991-07-12'),
					phone: str('+5511999990000'),
					insurance: str('bradesco'),
					when: str('ter., 14 jan · 09:30'),
					practitioner_name: str('Dr. Ana Silva'),
				},
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{ type: 'TextHeading', text: t.summaryHeading },
						{ type: 'TextCaption', text: t.summaryWhen },
						{ type: 'TextBody', text: '${data.when}' },
						{ type: 'TextCaption', text: t.summaryWho },
						{ type: 'TextBody', text: '${data.practitioner_name}' },
						{ type: 'TextCaption', text: t.summaryPatient },
						{ type: 'TextBody', text: '${data.name}' },
						footer(t.confirm, 'confirm', {
							...carried,
							slot: '${data.slot}',
							name: '${data.name}',
							birth_date: '${data.birth_date}',
							phone: '${data.phone}',
							insurance: '${data.insurance}',
						}),
					],
				},
			},
		],
	};
}

/** Flow names per language as the shipped workflow sends them (flow_name): appointment_booking_pt_BR, _es, _en_US. */
export function bookingFlowName(language: Language): string {
	return `appointment_booking_${templateLanguage(language)}`;
}

/** The shipped Flow file of a language: appointment-booking.json (pt_BR), .es.json, .en_US.json. */
export function bookingFlowFile(language: Language): string {
	return language === 'pt_BR'
		? 'appointment-booking.json'
		: `appointment-booking.${templateLanguage(language)}.json`;
}
