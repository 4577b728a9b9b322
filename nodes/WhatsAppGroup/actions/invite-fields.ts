/**
 * Send Invite's parameters (who is invited and as what, whose consent allows it, text or template) and how one
 * item's invite is read. Shared by the operation (sendInvite.operation.ts) and its consent gate (invite-consent.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parsePurpose, type Purpose } from '../../../core/consent/purposes';
import { ClinicError } from '../../../core/errors';
import { LINK_PLACEHOLDER } from '../../../core/whatsapp/group-invite';
import { parseRecipient, type PersonRecipient } from '../../../core/whatsapp/phone';
import { PURPOSE_OPTIONS, policyOverridesField } from '../../shared/consent-fields';
import {
	callbackDataOption,
	defaultCountryOption,
	messagesPerSecondOption,
	optionsCollection,
	phoneNumberIdOption,
	readDefaultCountry,
	type SendOptions,
} from '../../shared/send-fields';
import { forOperations } from './fields';

const show = { operation: ['sendInvite'] };
const only = (extra: Record<string, unknown[]>) => ({ show: { ...show, ...extra } });

export type InviteeRole = 'patient' | 'relative' | 'staff';

export const DEFAULT_INVITE_TEXT = `You are invited to your care team group at the clinic, where your nurse and doctor can answer you. Tap to join: ${LINK_PLACEHOLDER}`;

export const description: INodeProperties[] = [
	forOperations(['sendInvite'], {
		displayName: 'Invitee',
		name: 'invitee',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+5511912345678',
		description:
			'Phone number (any format) or WhatsApp user ID of the person to invite; the invite link is sent to them one to one',
	}),
	forOperations(['sendInvite'], {
		displayName: 'Invitee Role',
		name: 'inviteeRole',
		type: 'options',
		default: 'patient',
		options: [
			{
				name: 'Patient',
				value: 'patient',
				description: 'Invited only if the patient’s own consent allows the purpose below',
			},
			{
				name: 'Relative or Caregiver',
				value: 'relative',
				description:
					'Invited only if the PATIENT’s consent allows the purpose below (e.g. an opt-in for family)',
			},
			{
				name: 'Clinic Staff or Specialist',
				value: 'staff',
				description: 'A nurse, doctor or specialist of the care team: no patient consent is checked',
			},
		],
		description: 'Who the invitee is: it decides whose consent is checked before the invite is sent',
	}),
	{
		displayName: 'Patient',
		name: 'patient',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+5511987654321',
		description:
			'The patient the group is about (phone number or WhatsApp user ID): the relative is invited only if this patient’s consent allows the purpose',
		displayOptions: only({ inviteeRole: ['relative'] }),
	},
	{
		displayName: 'Consent Purpose',
		name: 'invitePurpose',
		type: 'options',
		default: 'telemedicine',
		options: PURPOSE_OPTIONS,
		description:
			'The purpose the patient must have agreed to. Patients who opted out (or, for purposes needing an opt-in, never opted in) are not invited: their item comes out with status blocked and the reason.',
		hint: 'For relatives, a custom purpose such as care_team_family (opt-in required) records that the patient agreed to involve them',
		displayOptions: only({ inviteeRole: ['patient', 'relative'] }),
	},
	{
		displayName: 'Custom Consent Purpose',
		name: 'inviteCustomPurpose',
		type: 'string',
		default: '',
		placeholder: 'care_team_family',
		description:
			'The purpose ID, exactly as used in your Consent Check nodes: lowercase letters, digits, "_" or "-"',
		displayOptions: only({ inviteeRole: ['patient', 'relative'], invitePurpose: ['custom'] }),
	},
	{
		...policyOverridesField,
		displayName: 'Consent Purpose Policies',
		name: 'invitePolicies',
		hint: 'Use the same policies as your Consent Check nodes, so both decide alike',
		displayOptions: only({ inviteeRole: ['patient', 'relative'] }),
	},
	forOperations(['sendInvite'], {
		displayName: 'Invite Link',
		name: 'inviteLink',
		type: 'string',
		default: '',
		placeholder: 'https://chat.whatsapp.com/AbCdEf123',
		description:
			'The group’s invite link (the inviteLink output of Create). Leave empty to read the current link of the group.',
	}),
	forOperations(['sendInvite'], {
		displayName: 'Send As',
		name: 'sendAs',
		type: 'options',
		default: 'text',
		options: [
			{
				name: 'Text Message',
				value: 'text',
				description: 'Free-form text: only reaches people who wrote to the clinic in the last 24 hours',
			},
			{
				name: 'Template',
				value: 'template',
				description: 'An approved template carrying the link: works outside the 24-hour window',
			},
		],
		description: 'How the invite is sent: text inside the 24-hour window, an approved template outside it',
	}),
	{
		displayName: 'Text',
		name: 'inviteText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: DEFAULT_INVITE_TEXT,
		description: `The invite text; ${LINK_PLACEHOLDER} is replaced by the invite link (added at the end when missing)`,
		displayOptions: only({ sendAs: ['text'] }),
	},
	{
		displayName: 'Template Name',
		name: 'inviteTemplate',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'care_team_group_invite',
		description: 'Name of the approved template that carries the group link, as in WhatsApp Manager',
		displayOptions: only({ sendAs: ['template'] }),
	},
	{
		displayName: 'Template Language',
		name: 'inviteTemplateLanguage',
		type: 'string',
		default: 'pt_BR',
		placeholder: 'pt_BR',
		description: 'The template’s language code, e.g. pt_BR, en_US, es',
		displayOptions: only({ sendAs: ['template'] }),
	},
	{
		displayName: 'Link Goes Into',
		name: 'linkPlacement',
		type: 'options',
		default: 'body',
		options: [
			{ name: 'A Body Variable', value: 'body', description: 'The link fills one variable of the text' },
			{
				name: 'The URL Button',
				value: 'urlButton',
				description: 'The link’s code fills the dynamic suffix of the template’s first button',
			},
		],
		description: 'Where the template takes the invite link',
		displayOptions: only({ sendAs: ['template'] }),
	},
	{
		displayName: 'Link Variable',
		name: 'linkVariable',
		type: 'string',
		default: '1',
		placeholder: '1',
		description:
			'The body variable of the link: 1 for {{1}}, or the name of a named variable such as invite_link',
		displayOptions: only({ sendAs: ['template'], linkPlacement: ['body'] }),
	},
	forOperations(
		['sendInvite'],
		optionsCollection(
			[callbackDataOption, defaultCountryOption, messagesPerSecondOption, phoneNumberIdOption].sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		),
	),
];

export interface InviteRequest {
	role: InviteeRole;
	invitee: PersonRecipient;
	/** Whose consent allows the invite (the invitee, or the patient for a relative); null for staff. */
	consentSubject: PersonRecipient | null;
	/** The consent purpose, or null for staff. */
	purpose: Purpose | null;
}

/** The consent purpose (InvalidPurposeError names the field when it is not a purpose ID). */
function readPurpose(ctx: IExecuteFunctions, i: number): Purpose {
	const choice = String(ctx.getNodeParameter('invitePurpose', i, 'telemedicine'));
	return choice === 'custom'
		? parsePurpose(ctx.getNodeParameter('inviteCustomPurpose', i, ''), 'Custom Consent Purpose')
		: parsePurpose(choice, 'Consent Purpose');
}

/** Who one item invites, and whose consent for which purpose must allow it. */
export function readInvite(ctx: IExecuteFunctions, i: number): InviteRequest {
	const options = ctx.getNodeParameter('options', i, {}) as SendOptions;
	const defaultCountry = readDefaultCountry(options.defaultCountry);
	const invitee = parseRecipient(ctx.getNodeParameter('invitee', i, ''), {
		defaultCountry,
		field: 'Invitee',
	});
	const role = String(ctx.getNodeParameter('inviteeRole', i, 'patient')) as InviteeRole;
	if (role === 'staff') return { role, invitee, consentSubject: null, purpose: null };
	if (role !== 'patient' && role !== 'relative')
		throw new ClinicError(`Invitee Role "${String(role)}" is not one of the choices`, {
			code: 'invalid_input',
			field: 'Invitee Role',
			hint: 'Pick Patient, Relative or Caregiver, or Clinic Staff or Specialist.',
		});
	const consentSubject =
		role === 'relative'
			? parseRecipient(ctx.getNodeParameter('patient', i, ''), { defaultCountry, field: 'Patient' })
			: invitee;
	return { role, invitee, consentSubject, purpose: readPurpose(ctx, i) };
}

/** The non-PHI facts of an invite for its output item. */
export function inviteSummary(request: InviteRequest, groupId: string): IDataObject {
	return {
		groupId,
		inviteeRole: request.role,
		...(request.purpose ? { consentPurpose: request.purpose } : {}),
	};
}
