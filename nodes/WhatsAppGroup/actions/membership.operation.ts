/**
 * Who is in the group: Get / Reset Invite Link, List / Approve / Reject Join Requests, Remove Participant. Nobody is
 * ever added directly (Meta: people join through the invite link only).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ClinicError } from '../../../core/errors';
import {
	answerJoinRequests,
	getInviteLink,
	listJoinRequests,
	removeParticipants,
	resetInviteLink,
} from '../../../core/whatsapp/groups';
import { assertParticipantCount } from '../../../core/whatsapp/groups-limits';
import { parseRecipient, recipientLabel } from '../../../core/whatsapp/phone';
import { perItem } from '../../shared/router';
import type { WhatsAppContext } from '../../shared/transport';
import { forOperations, readGroupId, readList } from './fields';

export const description: INodeProperties[] = [
	forOperations(['approveJoinRequest', 'rejectJoinRequest'], {
		displayName: 'Join Request IDs',
		name: 'joinRequestIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'MTY0NjcwNDM1OTU6MTIw…',
		description:
			'One or more join request IDs (comma or new line separated): the joinRequestId of List Join Requests or of the trigger’s group_join_request_created update',
	}),
	forOperations(['removeParticipant'], {
		displayName: 'Participants',
		name: 'participants',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+5511912345678',
		description:
			'Phone numbers (international format) or WhatsApp user IDs of the people to remove, comma or new line separated (at most 8)',
	}),
];

export const getLink = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const groupId = readGroupId(this, i);
	return { groupId, inviteLink: await getInviteLink(context.client, groupId) };
});

export const resetLink = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const groupId = readGroupId(this, i);
	return { groupId, inviteLink: await resetInviteLink(context.client, groupId), previousLinkRevoked: true };
});

export const listRequests = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject[]> {
	const groupId = readGroupId(this, i);
	return (await listJoinRequests(context.client, groupId)).map((r) => ({ groupId, ...r }));
});

function answer(approve: boolean) {
	return perItem<WhatsAppContext>(async function (this: IExecuteFunctions, i, context): Promise<IDataObject> {
		const groupId = readGroupId(this, i);
		const ids = readList(this, 'joinRequestIds', i);
		if (!ids.length)
			throw new ClinicError('Join Request IDs is empty', {
				code: 'invalid_input',
				field: 'Join Request IDs',
				hint: 'Give the joinRequestId of List Join Requests or of the trigger’s join request update.',
			});
		const result = await answerJoinRequests(context.client, groupId, ids, approve);
		return { groupId, [approve ? 'approved' : 'rejected']: result.done, failed: result.failed };
	});
}

export const approve = answer(true);
export const reject = answer(false);

export const removeParticipant = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const groupId = readGroupId(this, i);
	const users = readList(this, 'participants', i).map((p) =>
		recipientLabel(parseRecipient(p, { field: 'Participants' })).replace(/^\+/, ''),
	);
	assertParticipantCount(users.length, 'Participants');
	const result = await removeParticipants(context.client, groupId, users);
	return { groupId, removed: result.done, failed: result.failed };
});
