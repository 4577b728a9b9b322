/**
 * Parameters that several Consent Check operations show: the patient (Recipient + WhatsApp User ID) and the Default
 * Country option. The purpose choices and the Purpose Policies option are shared with the Send nodes'
 * "Require Consent for Purpose" (nodes/shared/consent-fields.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { PURPOSE_OPTIONS } from '../../shared/consent-fields';

/** The built-in purposes without Custom (for multi-select purpose lists, which take custom ones in a text field). */
export const BUILT_IN_PURPOSE_OPTIONS = PURPOSE_OPTIONS.filter((p) => p.value !== 'custom').map(
	({ name, value }) => ({ name, value }),
);

export const recipientFields = (operations: string[]): INodeProperties[] => [
	{
		displayName: 'Recipient',
		name: 'recipient',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+5511912345678',
		description:
			"The patient's WhatsApp phone number (any format: +55 11 91234-5678, 5511912345678) or WhatsApp user ID (e.g. BR.13491208655302741918)",
		hint: 'Local numbers without a country code need the Default Country option',
		displayOptions: { show: { operation: operations } },
	},
	{
		displayName: 'WhatsApp User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: 'BR.13491208655302741918',
		description:
			'Optional business-scoped user ID of the same patient. Giving both links them: a consent change through either then applies to both.',
		displayOptions: { show: { operation: operations } },
	},
];

export const defaultCountryField: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'string',
	default: '',
	placeholder: 'BR',
	description:
		'Two-letter country code for phone numbers written without a country code, e.g. BR turns (11) 91234-5678 into +5511912345678',
};
