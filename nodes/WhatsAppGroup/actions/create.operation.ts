/**
 * Create: POST /{phone-number-id}/groups. Meta creates the group asynchronously (the answer is a request ID; the
 * group_lifecycle_update webhook carries the group ID and invite link). "Wait for the Group" (default on) looks the
 * new group up in List Active until it appears, then reads its invite link, so the next node can send invites.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ClinicError } from '../../../core/errors';
import { createGroup, getInviteLink, waitForCreatedGroup } from '../../../core/whatsapp/groups';
import {
	MAX_GROUP_DESCRIPTION,
	MAX_GROUP_SUBJECT,
	parseGroupDescription,
	parseGroupSubject,
	parseJoinApprovalMode,
} from '../../../core/whatsapp/groups-limits';
import { perItem } from '../../shared/router';
import type { WhatsAppContext } from '../../shared/transport';
import { forOperations } from './fields';

const show = ['create'] as const;

export const joinApprovalField: INodeProperties = {
	displayName: 'Join Approval',
	name: 'joinApprovalMode',
	type: 'options',
	default: 'auto_approve',
	options: [
		{
			name: 'Anyone With the Link Joins',
			value: 'auto_approve',
			description: 'Whoever taps the invite link is in the group at once',
		},
		{
			name: 'Approve Each Join Request',
			value: 'approval_required',
			description: 'Tapping the link sends a join request; Approve Join Request lets the person in',
		},
	],
	description: 'Whether people who tap the invite link join at once or wait for the clinic to approve them',
};

export const description: INodeProperties[] = [
	forOperations([...show], {
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Care team · Maria S.',
		description: `The group name every participant sees, up to ${MAX_GROUP_SUBJECT} characters`,
		hint: 'Avoid diagnoses or full names: everyone in the group and on their lock screen sees it',
	}),
	forOperations([...show], {
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: `Shown in the group info, up to ${MAX_GROUP_DESCRIPTION} characters (optional)`,
	}),
	forOperations([...show], joinApprovalField),
	forOperations([...show], {
		displayName: 'Wait for the Group',
		name: 'waitForGroup',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until WhatsApp has created the group and output its ID and invite link. Off: output only the request ID; the group ID then arrives as a group update (group_create) in the WhatsApp Clinic Trigger.',
	}),
	{
		displayName: 'Wait Up To (Seconds)',
		name: 'waitSeconds',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 1, maxValue: 300 },
		description: 'How long to wait for WhatsApp to create the group before failing the item',
		displayOptions: { show: { operation: [...show], waitForGroup: [true] } },
	},
];

export const execute = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const subject = parseGroupSubject(this.getNodeParameter('subject', i, ''));
	const description = parseGroupDescription(this.getNodeParameter('description', i, ''));
	const joinApprovalMode =
		parseJoinApprovalMode(this.getNodeParameter('joinApprovalMode', i, 'auto_approve')) ?? 'auto_approve';
	const since = Date.now();
	const { requestId } = await createGroup(context.client, context.phoneNumberId, {
		subject,
		description,
		joinApprovalMode,
	});
	const out: IDataObject = { requestId, subject, joinApprovalMode, groupId: null, inviteLink: null };
	if (this.getNodeParameter('waitForGroup', i, true) !== true) return { status: 'requested', ...out };
	const seconds = Number(this.getNodeParameter('waitSeconds', i, 30)) || 30;
	const group = await waitForCreatedGroup(context.client, context.phoneNumberId, subject, since, {
		timeoutMs: seconds * 1000,
	});
	if (!group)
		throw new ClinicError(`WhatsApp did not create the group "${subject}" within ${seconds} s`, {
			code: 'group_not_created',
			field: 'Wait Up To (Seconds)',
			hint: `The request (ID ${requestId ?? 'unknown'}) was accepted: the group may still appear. Check List Active before creating it again, wait longer, or turn "Wait for the Group" off and take the group ID from the trigger's group_create update.`,
			kind: 'remote',
		});
	return {
		status: 'created',
		...out,
		groupId: group.groupId,
		createdAt: group.createdAt,
		inviteLink: await getInviteLink(context.client, group.groupId),
	};
});
