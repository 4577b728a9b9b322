/**
 * Parameters that several Consent Check operations show: the patient (Recipient + WhatsApp User ID) and the Default
 * Country option, worded as on the Send nodes (nodes/shared/send-fields.ts). The purpose choices and the Purpose
 * Policies option are shared with the Send nodes' "Require Consent for Purpose" (nodes/shared/consent-fields.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { PURPOSE_OPTIONS } from '../../shared/consent-fields';
import { defaultCountryOption, recipientProperty } from '../../shared/send-fields';

/** The built-in purposes without Custom (for multi-select purpose lists, which take custom ones in a text field). */
export const BUILT_IN_PURPOSE_OPTIONS = PURPOSE_OPTIONS.filter((p) => p.value !== 'custom').map(
	({ name, value }) => ({ name, value }),
);

/** Recipient (phone or user ID, as the Send nodes take it) and an optional separate WhatsApp User ID. */
export const recipientFields = (operations: string[]): INodeProperties[] => [
	{ ...recipientProperty, displayOptions: { show: { operation: operations } } },
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

/** The Default Country option, as on the Send nodes. */
export const defaultCountryField: INodeProperties = defaultCountryOption;
