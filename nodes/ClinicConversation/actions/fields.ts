/** The Clinic Conversation fields every operation shares: the clinic's language, the text table, the patient. */
import type { INodeProperties } from 'n8n-workflow';

import { LANGUAGES, LANGUAGE_NAMES } from '../../../core/i18n';

export const LANGUAGE_OPTIONS = LANGUAGES.map((value) => ({ name: LANGUAGE_NAMES[value], value }));

export const clinicLanguageField: INodeProperties = {
	displayName: 'Clinic Language',
	name: 'defaultLanguage',
	type: 'options',
	options: LANGUAGE_OPTIONS,
	default: 'pt_BR',
	description:
		'The language used when the patient neither picked one, nor wrote in one the bot recognises, nor has a phone number from a Portuguese-, Spanish- or English-speaking country',
};

export const textsField: INodeProperties = {
	displayName: 'Texts',
	name: 'texts',
	type: 'json',
	default: '{}',
	typeOptions: { rows: 12 },
	description:
		'Every text the patient reads, per language: { "ask_name": { "pt_BR": "…", "es": "…", "en": "…" } }. Change any built-in text or add the texts of your own questions; what is not here keeps its built-in text (docs/language.md lists them all).',
	hint: 'Labels of buttons (menu_book, menu_nurse, menu_language, language_*, slots_button) have at most 20 characters',
};

export const patientField = (operations: string[]): INodeProperties => ({
	displayName: 'Patient',
	name: 'patient',
	type: 'string',
	default: '={{ $json.from || $json.userId }}',
	required: true,
	placeholder: '5511912345678',
	description:
		"The patient's phone number with country code (digits, or +55 11 91234-5678) or WhatsApp user ID (BR.1234567890)",
	displayOptions: { show: { operation: operations } },
});

export const languageOptions: INodeProperties[] = [
	{
		displayName: 'Language From What They Write',
		name: 'detectFromText',
		type: 'boolean',
		default: true,
		description:
			'Whether the language a patient writes in (Portuguese, Spanish or English, recognised from common words) chooses the language of the answers when they have not picked one',
	},
	{
		displayName: 'Language From Phone Country',
		name: 'useCountry',
		type: 'boolean',
		default: true,
		description:
			"Whether the country of the patient's phone number chooses the language (Brazil, Portugal… → Portuguese; Mexico, Spain, Argentina… → Spanish; US, UK… → English) before the Clinic Language",
	},
];

export const addTextFields = (operations: string[]): INodeProperties[] => [
	{
		displayName: 'Add Text',
		name: 'textKey',
		type: 'string',
		default: '',
		placeholder: 'handoff_closed',
		description:
			"Optional: the name of a text in the text table; the item gets it in the patient's language as `text`, ready to send",
		displayOptions: { show: { operation: operations } },
	},
	{
		displayName: 'Text Placeholders',
		name: 'textVariables',
		type: 'json',
		default: '{}',
		description:
			'Values for the {placeholders} of that text, as an object expression, e.g. { text: the staff answer } for staff_answer',
		displayOptions: { show: { operation: operations } },
	},
];
