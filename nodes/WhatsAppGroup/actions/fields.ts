/**
 * WhatsApp Group: the operation list, the fields several operations share (Group ID, the sender phone number) and
 * how an operation reads them for one item.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseGroupId } from '../../../core/whatsapp/groups-limits';

export type GroupOperation =
	| 'create'
	| 'get'
	| 'listActive'
	| 'updateSettings'
	| 'getInviteLink'
	| 'resetInviteLink'
	| 'sendInvite'
	| 'listJoinRequests'
	| 'approveJoinRequest'
	| 'rejectJoinRequest'
	| 'removeParticipant'
	| 'delete';

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'create',
	options: [
		{
			name: 'Approve Join Request',
			value: 'approveJoinRequest',
			action: 'Approve join requests',
			description: 'Let people who asked to join (groups with join approval) into the group',
		},
		{
			name: 'Create',
			value: 'create',
			action: 'Create a group',
			description: 'A new group owned by the clinic number, with its invite link',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a group',
			description: 'Remove every participant and close the group, e.g. at the end of care',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a group',
			description: 'Subject, description and participants',
		},
		{
			name: 'Get Invite Link',
			value: 'getInviteLink',
			action: 'Get the invite link',
			description: 'The link people join the group with',
		},
		{
			name: 'List Active',
			value: 'listActive',
			action: 'List active groups',
			description: 'The groups of the clinic number that are still open',
		},
		{
			name: 'List Join Requests',
			value: 'listJoinRequests',
			action: 'List join requests',
			description: 'Who is waiting to be let in (groups with join approval)',
		},
		{
			name: 'Reject Join Request',
			value: 'rejectJoinRequest',
			action: 'Reject join requests',
			description: 'Turn down people who asked to join',
		},
		{
			name: 'Remove Participant',
			value: 'removeParticipant',
			action: 'Remove participants',
			description: 'Take people out of the group (e.g. a patient who wrote STOP)',
		},
		{
			name: 'Reset Invite Link',
			value: 'resetInviteLink',
			action: 'Reset the invite link',
			description: 'A new link; invites already sent stop working',
		},
		{
			name: 'Send Invite',
			value: 'sendInvite',
			action: 'Send a group invite',
			description:
				'Send the invite link to a patient, relative or specialist (consent checked for patients and relatives)',
		},
		{
			name: 'Update Settings',
			value: 'updateSettings',
			action: 'Update group settings',
			description: 'Subject, description or join approval',
		},
	],
};

/** Shows a property only for the given operations. */
export function forOperations(operations: GroupOperation[], property: INodeProperties): INodeProperties {
	return { ...property, displayOptions: { show: { operation: operations } } };
}

export function groupIdField(operations: GroupOperation[]): INodeProperties {
	return forOperations(operations, {
		displayName: 'Group ID',
		name: 'groupId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Y2FwaV9ncm91cDox…',
		description:
			'The group: the groupId output of Create or List Active, or of a group message or group update from the WhatsApp Clinic Trigger',
	});
}

/** Operations that work on the phone number (not on one group) may use another number than the credential's. */
export const phoneNumberIdField: INodeProperties = forOperations(['create', 'listActive'], {
	displayName: 'Sender Phone Number ID',
	name: 'phoneNumberId',
	type: 'string',
	default: '',
	description:
		"The clinic number that owns the groups, if not the credential's (Meta's numeric phone number ID, not the phone number)",
});

export function readGroupId(ctx: IExecuteFunctions, itemIndex: number): string {
	return parseGroupId(ctx.getNodeParameter('groupId', itemIndex, ''));
}

/** A list typed as text (comma, semicolon or new line separated) or given as an array by an expression. */
export function readList(ctx: IExecuteFunctions, name: string, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const parts = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/[\n,;]+/);
	return [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
}
