/** Get (one group's subject, description, participants) and List Active (the number's open groups). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	getGroup,
	getInviteLink,
	listActiveGroups,
	listAllActiveGroups,
} from '../../../core/whatsapp/groups';
import { perItem } from '../../shared/router';
import type { WhatsAppContext } from '../../shared/transport';
import { forOperations, readGroupId } from './fields';

export const description: INodeProperties[] = [
	forOperations(['get'], {
		displayName: 'Include Invite Link',
		name: 'includeInviteLink',
		type: 'boolean',
		default: false,
		description: 'Whether to also read the group’s current invite link (one more request)',
	}),
	forOperations(['listActive'], {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	}),
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1024 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['listActive'], returnAll: [false] } },
	},
];

export const get = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const groupId = readGroupId(this, i);
	const info = await getGroup(context.client, groupId);
	const out: IDataObject = { ...info };
	if (this.getNodeParameter('includeInviteLink', i, false) === true)
		out.inviteLink = await getInviteLink(context.client, groupId);
	return out;
});

export const listActive = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject[]> {
	if (this.getNodeParameter('returnAll', i, false) === true)
		return (await listAllActiveGroups(context.client, context.phoneNumberId)).map((g) => ({ ...g }));
	const limit = Number(this.getNodeParameter('limit', i, 50)) || 50;
	const page = await listActiveGroups(context.client, context.phoneNumberId, { limit });
	return page.groups.slice(0, limit).map((g) => ({ ...g }));
});
