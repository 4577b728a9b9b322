import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { sendAuditProperties } from '../shared/audit-option';
import { sendConsentProperties } from '../shared/consent-option';
import { recipientProperty } from '../shared/send-fields';
import { clinicStoreConnectionTest } from '../shared/store';
import * as control from './actions/control.operation';
import { CONTROL_OPERATIONS, SEND_OPERATIONS, allBut, operationProperty } from './actions/fields';
import { router } from './actions/router';
import * as send from './actions/send.operation';
import * as settings from './actions/settings.operation';

const NOT_SENDS = { operation: allBut(SEND_OPERATIONS) };

export class WhatsAppCalling implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Calling',
		name: 'whatsAppCalling',
		icon: { light: 'file:whatsAppCalling.svg', dark: 'file:whatsAppCalling.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'WhatsApp voice calls with patients (Business Calling API): call buttons, call permission requests, the number’s calling settings (hours, SIP) and call control for your own WebRTC or SIP endpoint',
		defaults: { name: 'WhatsApp Calling' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppClinicApi', required: true },
			{
				name: 'clinicStoreApi',
				required: false,
				testedBy: 'clinicStoreConnectionTest',
				// Read only by the sends' "Require Consent for Purpose" and "Audit to Store".
				displayOptions: { show: { operation: SEND_OPERATIONS } },
			},
		],
		properties: [
			operationProperty,
			{
				...recipientProperty,
				description:
					"The patient's WhatsApp phone number (any format: +55 11 91234-5678, 5511912345678) or their WhatsApp user ID (e.g. BR.13491208655302741918); Start Call and Get Call Permission take international format",
				displayOptions: { show: { operation: [...SEND_OPERATIONS, 'getPermission', 'startCall'] } },
			},
			...send.description,
			...control.description,
			...settings.description,
			{
				displayName: 'Sender Phone Number ID',
				name: 'callingPhoneNumberId',
				type: 'string',
				default: '',
				description:
					"The clinic number to use, if not the credential's (Meta's numeric phone number ID, not the phone number)",
				displayOptions: {
					show: { operation: ['getPermission', 'getSettings', 'updateSettings', ...CONTROL_OPERATIONS] },
				},
			},
			...sendConsentProperties(NOT_SENDS),
			...sendAuditProperties(NOT_SENDS),
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
