/** Update Settings (subject, description, join approval) and Delete (close the group at the end of care). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ClinicError } from '../../../core/errors';
import { deleteGroup, updateGroupSettings, type GroupSettings } from '../../../core/whatsapp/groups';
import {
	MAX_GROUP_DESCRIPTION,
	MAX_GROUP_SUBJECT,
	parseGroupDescription,
	parseGroupSubject,
	parseJoinApprovalMode,
} from '../../../core/whatsapp/groups-limits';
import { perItem } from '../../shared/router';
import type { WhatsAppContext } from '../../shared/transport';
import { joinApprovalField } from './create.operation';
import { forOperations, readGroupId } from './fields';

export const description: INodeProperties[] = [
	forOperations(['updateSettings'], {
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'The settings to change; the others stay as they are',
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: `Up to ${MAX_GROUP_DESCRIPTION} characters`,
			},
			joinApprovalField,
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: `The group name, up to ${MAX_GROUP_SUBJECT} characters`,
			},
		],
	}),
];

export const updateSettings = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const groupId = readGroupId(this, i);
	const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
	const settings: GroupSettings = {};
	if (fields.subject !== undefined) settings.subject = parseGroupSubject(fields.subject, 'Subject');
	if (fields.description !== undefined)
		settings.description = parseGroupDescription(fields.description, 'Description') ?? '';
	if (fields.joinApprovalMode !== undefined)
		settings.joinApprovalMode = parseJoinApprovalMode(fields.joinApprovalMode);
	if (!Object.keys(settings).length)
		throw new ClinicError('Update Fields is empty: there is nothing to change', {
			code: 'invalid_input',
			field: 'Update Fields',
			hint: 'Add the Subject, Description or Join Approval to change.',
		});
	await updateGroupSettings(context.client, groupId, settings);
	return { groupId, updated: Object.keys(settings), ...settings };
});

export const remove = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const groupId = readGroupId(this, i);
	await deleteGroup(context.client, groupId);
	return { groupId, deleted: true };
});
