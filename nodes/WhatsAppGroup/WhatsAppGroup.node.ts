import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { sendAuditProperties } from '../shared/audit-option';
import { clinicStoreConnectionTest, clinicStoreCredential } from '../shared/store';
import * as create from './actions/create.operation';
import { groupIdField, operationProperty, phoneNumberIdField, type GroupOperation } from './actions/fields';
import * as info from './actions/info.operation';
import * as invite from './actions/invite-fields';
import * as membership from './actions/membership.operation';
import { router } from './actions/router';
import * as settings from './actions/settings.operation';

const ONE_GROUP: GroupOperation[] = [
	'get',
	'updateSettings',
	'getInviteLink',
	'resetInviteLink',
	'sendInvite',
	'listJoinRequests',
	'approveJoinRequest',
	'rejectJoinRequest',
	'removeParticipant',
	'delete',
];
/** Every operation but Send Invite: the ones "Audit to Store" is hidden for. */
const NOT_INVITE = (operationProperty.options ?? [])
	.map((o) => String((o as { value: string }).value))
	.filter((v) => v !== 'sendInvite');

export class WhatsAppGroup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Group',
		name: 'whatsAppGroup',
		icon: { light: 'file:whatsAppGroup.svg', dark: 'file:whatsAppGroup.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Care team groups on the WhatsApp Cloud API: create a group, invite the patient, a relative or a specialist (consent checked), manage join requests and participants, close it at the end of care',
		defaults: { name: 'WhatsApp Group' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppClinicApi', required: true },
			// Read only by Send Invite: the patient's consent, and "Audit to Store".
			{ ...clinicStoreCredential, required: false, displayOptions: { show: { operation: ['sendInvite'] } } },
		],
		properties: [
			operationProperty,
			groupIdField(ONE_GROUP),
			phoneNumberIdField,
			...create.description,
			...info.description,
			...settings.description,
			...membership.description,
			...invite.description,
			...sendAuditProperties({ operation: NOT_INVITE }),
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
