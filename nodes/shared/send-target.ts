/**
 * "Send To" on WhatsApp Send Message and WhatsApp Send Template: a patient (the Recipient field) or a WhatsApp group
 * (the Group ID field; Groups API, `recipient_type: "group"`). Meta's group limits (no interactive messages, no
 * authentication templates) are checked by core/whatsapp/groups-limits.ts when the message is built, so a refused
 * item fails before anything is sent.
 *
 *   properties: [sendToProperty(hide), { ...recipientProperty, displayOptions: recipientDisplay(hide) }, groupIdProperty(hide)]
 *   const target = readSendTarget(ctx, itemIndex, defaultCountry);
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { CountryCode } from 'libphonenumber-js';

import { parseGroupId } from '../../core/whatsapp/groups-limits';
import type { Recipient } from '../../core/whatsapp/phone';
import { readRecipient } from './send-fields';

export const SEND_TO = 'sendTo';
export const GROUP_ID = 'groupId';

type Hide = Record<string, string[]> | undefined;

export function sendToProperty(hide?: Hide): INodeProperties {
	return {
		displayName: 'Send To',
		name: SEND_TO,
		type: 'options',
		default: 'patient',
		options: [
			{ name: 'Patient', value: 'patient', description: 'One person, by phone number or WhatsApp user ID' },
			{
				name: 'Group',
				value: 'group',
				description:
					'A WhatsApp group made with WhatsApp Group · Create (text, media and templates only: no buttons or lists)',
			},
		],
		description: 'Whether the message goes to one patient or to a WhatsApp group (e.g. a care team group)',
		...(hide ? { displayOptions: { hide } } : {}),
	};
}

/** Display options of the Recipient field: hidden for groups (and for `hide`). */
export function recipientDisplay(hide?: Hide): INodeProperties['displayOptions'] {
	return { hide: { ...(hide ?? {}), [SEND_TO]: ['group'] } };
}

export function groupIdProperty(hide?: Hide): INodeProperties {
	return {
		displayName: 'Group ID',
		name: GROUP_ID,
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Y2FwaV9ncm91cDox…',
		description:
			'The WhatsApp group to write to: the groupId output of WhatsApp Group · Create or List Active, or of a group message from the trigger',
		hint: 'Groups take text, media and text or media templates only; every participant sees the message',
		displayOptions: { show: { [SEND_TO]: ['group'] }, ...(hide ? { hide } : {}) },
	};
}

/** The item's target: the WhatsApp group, or the patient of the Recipient field. */
export function readSendTarget(
	ctx: IExecuteFunctions,
	itemIndex: number,
	defaultCountry: CountryCode | undefined,
): Recipient {
	if (ctx.getNodeParameter(SEND_TO, itemIndex, 'patient') === 'group')
		return { kind: 'group', groupId: parseGroupId(ctx.getNodeParameter(GROUP_ID, itemIndex, '')) };
	return readRecipient(ctx.getNodeParameter('recipient', itemIndex, ''), defaultCountry);
}
