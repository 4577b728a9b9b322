import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	buildContacts,
	MAX_CONTACTS,
	whatsAppIdOf,
	type ContactInput,
} from '../../../core/whatsapp/messages/contacts';
import type { SendJob } from '../../shared/send';
import { readDefaultCountry } from '../../shared/send-fields';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

const defineBelow = { show: { operation: ['contacts'], contactsSource: ['defineBelow'] } };

const phoneTypes = [
	{ name: 'Home', value: 'HOME' },
	{ name: 'Main', value: 'MAIN' },
	{ name: 'Mobile', value: 'CELL' },
	{ name: 'Work', value: 'WORK' },
];

const text = (
	displayName: string,
	name: string,
	description: string,
	placeholder = '',
	hint?: string,
): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder,
	description,
	...(hint ? { hint } : {}),
});

export const description: INodeProperties[] = [
	forOperations(['contacts'], {
		displayName: 'Contacts Source',
		name: 'contactsSource',
		type: 'options',
		noDataExpression: true,
		default: 'defineBelow',
		description: 'Where the contact card(s) come from',
		hint: `One message can carry up to ${MAX_CONTACTS} contact cards`,
		options: [
			{
				name: 'Define Below',
				value: 'defineBelow',
				description: 'Type one contact card here, e.g. the reception desk',
			},
			{
				name: 'From JSON',
				value: 'json',
				description:
					'A list of contacts from a previous node (or typed as JSON); all of them go in one message',
			},
		],
	}),
	{
		displayName: 'Contact Name',
		name: 'contactName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Clínica Sol – Reception',
		description: 'Name shown on the contact card (required by WhatsApp)',
		hint: 'The patient sees this name in the chat and when saving the contact',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Contact Phone',
		name: 'contactPhone',
		type: 'string',
		default: '',
		placeholder: '+551130000000',
		description: 'Phone number on the card, in international format with the country code',
		hint: 'Sent exactly as typed. Turn on "Phone Is on WhatsApp" under Additional Fields to show a Message button.',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Contact Email',
		name: 'contactEmail',
		type: 'string',
		placeholder: 'reception@clinic.com',
		default: '',
		description: 'Email address on the card (optional)',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Contact Website',
		name: 'contactUrl',
		type: 'string',
		default: '',
		placeholder: 'https://clinic.example.com',
		description: 'Website on the card, starting with https:// (optional)',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Additional Fields',
		name: 'contactAdditionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'More details for the contact card: name parts, organization, address, birthday, a second phone',
		displayOptions: defineBelow,
		options: [
			{
				...text('Address Type', 'addressType', 'What kind of address it is'),
				type: 'options',
				default: 'WORK',
				options: [
					{ name: 'Home', value: 'HOME' },
					{ name: 'Work', value: 'WORK' },
				],
			},
			text(
				'Birthday',
				'birthday',
				'Date of birth on the card, as year-month-day (YYYY-MM-DD)',
				'1985-04-23',
				"From a date field use an expression such as {{ $json.birthDate.toFormat('yyyy-MM-dd') }}",
			),
			text('City', 'city', 'City of the address', 'São Paulo'),
			text('Country', 'country', 'Country of the address, as text', 'Brazil'),
			text('Country Code', 'countryCode', 'Two-letter ISO code of the address country', 'BR'),
			text('Department', 'department', 'Department within the organization', 'Cardiology'),
			text('Email Type', 'emailType', 'Label of the email address, e.g. WORK or HOME', 'WORK'),
			text('First Name', 'firstName', 'Given name of the person', 'Ana'),
			text('Job Title', 'jobTitle', 'Role of the person', 'Nurse'),
			text('Last Name', 'lastName', 'Family name of the person', 'Silva'),
			text('Middle Name', 'middleName', 'Middle name of the person'),
			text('Name Prefix', 'namePrefix', 'Title before the name', 'Dr.'),
			text('Name Suffix', 'nameSuffix', 'Text after the name', 'Jr.'),
			text('Organization', 'company', 'Company or clinic name', 'Clínica Sol'),
			{
				displayName: 'Phone Is on WhatsApp',
				name: 'phoneOnWhatsApp',
				type: 'boolean',
				default: false,
				description:
					'Whether Contact Phone has WhatsApp. On: the card shows Message and Call buttons; off: WhatsApp shows "Invite to WhatsApp".',
				hint: 'Needs the phone in international format (or the Default Country option)',
			},
			{
				displayName: 'Phone Type',
				name: 'phoneType',
				type: 'options',
				default: 'WORK',
				description: 'Label of Contact Phone',
				options: phoneTypes,
			},
			text(
				'Second Phone',
				'secondPhone',
				'Another number on the card, e.g. an emergency or mobile line',
				'+5511912345678',
			),
			{
				displayName: 'Second Phone Type',
				name: 'secondPhoneType',
				type: 'options',
				default: 'CELL',
				description: 'Label of the second phone',
				options: phoneTypes,
			},
			text('State', 'state', 'State or region of the address', 'SP'),
			text('Street', 'street', 'Street and number of the address', 'Rua das Flores, 100'),
			text('ZIP Code', 'zip', 'Postal code of the address', '01000-000'),
		],
	},
	{
		displayName: 'Contacts (JSON)',
		name: 'contactsJson',
		type: 'json',
		default: '={{ $json.contacts }}',
		description:
			'A list of contacts in WhatsApp\'s format, e.g. [{"name": {"formatted_name": "Dr. Lima", "first_name": "Rui"}, "phones": [{"phone": "+551130000001", "type": "WORK"}], "emails": [{"email": "lima@clinic.com"}], "org": {"company": "Clínica Sol", "title": "Cardiologist"}, "birthday": "1970-01-31"}]. Shortcuts: "name": "Dr. Lima", "phones": ["+551130000001"].',
		hint: `One message with up to ${MAX_CONTACTS} contacts per item. If each contact is a separate item, combine them first with the Aggregate node, otherwise each item sends its own message.`,
		displayOptions: { show: { operation: ['contacts'], contactsSource: ['json'] } },
	},
	sendOptionsProperty(['contacts']),
];

interface AdditionalFields {
	firstName?: string;
	lastName?: string;
	middleName?: string;
	namePrefix?: string;
	nameSuffix?: string;
	company?: string;
	department?: string;
	jobTitle?: string;
	phoneType?: string;
	phoneOnWhatsApp?: boolean;
	secondPhone?: string;
	secondPhoneType?: string;
	emailType?: string;
	street?: string;
	city?: string;
	state?: string;
	zip?: string;
	country?: string;
	countryCode?: string;
	addressType?: string;
	birthday?: string;
}

function str(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/** The Define Below fields as one card in Meta's shape (blank fields are left out by the builder). */
function definedContact(
	ctx: IExecuteFunctions,
	itemIndex: number,
	defaultCountry: ReturnType<typeof readDefaultCountry>,
): ContactInput {
	const get = (name: string) => str(ctx.getNodeParameter(name, itemIndex, ''));
	const more = ctx.getNodeParameter('contactAdditionalFields', itemIndex, {}) as AdditionalFields;
	const phone = get('contactPhone');
	const email = get('contactEmail');
	const url = get('contactUrl');
	const secondPhone = str(more.secondPhone);
	const phones: NonNullable<ContactInput['phones']> = [];
	if (phone)
		phones.push({
			phone,
			type: more.phoneType || 'WORK',
			wa_id: more.phoneOnWhatsApp
				? whatsAppIdOf(phone, defaultCountry, 'contacts[0].phones[0].wa_id')
				: undefined,
		});
	if (secondPhone) phones.push({ phone: secondPhone, type: more.secondPhoneType || 'CELL' });
	const address = {
		street: str(more.street),
		city: str(more.city),
		state: str(more.state),
		zip: str(more.zip),
		country: str(more.country),
		country_code: str(more.countryCode),
	};
	const hasAddress = Object.values(address).some((v) => v !== '');
	return {
		name: {
			formatted_name: get('contactName'),
			first_name: more.firstName,
			last_name: more.lastName,
			middle_name: more.middleName,
			prefix: more.namePrefix,
			suffix: more.nameSuffix,
		},
		phones: phones.length ? phones : undefined,
		emails: email ? [{ email, type: str(more.emailType) || 'WORK' }] : undefined,
		urls: url ? [{ url, type: 'WORK' }] : undefined,
		addresses: hasAddress ? [{ ...address, type: more.addressType || 'WORK' }] : undefined,
		org: { company: more.company, department: more.department, title: more.jobTitle },
		birthday: more.birthday,
	};
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const source = this.getNodeParameter('contactsSource', itemIndex, 'defineBelow') as string;
	const content =
		source === 'json'
			? buildContacts(this.getNodeParameter('contactsJson', itemIndex, null))
			: buildContacts([definedContact(this, itemIndex, readDefaultCountry(options.defaultCountry))]);
	return messageJob(recipient, content, options);
}
