import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operations, router } from './actions/router';
import { recipientProperty } from '../shared/send-fields';
import { sendAuditProperties } from '../shared/audit-option';
import { sendConsentProperties } from '../shared/consent-option';
import { groupIdProperty, recipientDisplay, sendToProperty } from '../shared/send-target';
import { clinicStoreConnectionTest, clinicStoreCredential } from '../shared/store';

/** Mark as Read messages no one: no recipient, consent or audit fields. */
const NOT_READ = { operation: ['markAsRead'] };

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'text',
	description: 'What to send to the patient',
	options: [
		{
			name: 'Mark as Read',
			value: 'markAsRead',
			action: 'Mark a message as read',
			description: 'Blue ticks on the patient’s message, optionally with a typing indicator',
		},
		{
			name: 'Send Buttons',
			value: 'buttons',
			action: 'Send reply buttons',
			description: 'A question with up to 3 reply buttons',
		},
		{
			name: 'Send Contact',
			value: 'contacts',
			action: 'Send contact cards',
			description: 'One or more contact cards, e.g. the reception desk and the on-call nurse',
		},
		{
			name: 'Send Flow',
			value: 'flow',
			action: 'Send a flow',
			description: 'A button that opens a WhatsApp Flow (a form inside WhatsApp, e.g. booking)',
		},
		{
			name: 'Send List',
			value: 'list',
			action: 'Send a list',
			description: 'A menu of up to 10 rows, e.g. free appointment slots',
		},
		{
			name: 'Send Location',
			value: 'location',
			action: 'Send a location',
			description: 'A map pin, e.g. the clinic address',
		},
		{
			name: 'Send Media',
			value: 'media',
			action: 'Send a media file',
			description: 'A document, image, video, audio or sticker',
		},
		{
			name: 'Send Reaction',
			value: 'reaction',
			action: 'React to a message',
			description: 'An emoji on the patient’s message',
		},
		{
			name: 'Send Text',
			value: 'text',
			action: 'Send a text message',
			description: 'A free-form text reply',
		},
	],
};

export class WhatsAppSendMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Send Message',
		name: 'whatsAppSendMessage',
		icon: { light: 'file:whatsAppSendMessage.svg', dark: 'file:whatsAppSendMessage.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Reply to a patient inside the 24-hour window: text, buttons, lists, documents and other media, location, reactions, read receipts',
		defaults: { name: 'WhatsApp Send Message' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppClinicApi', required: true },
			// Read only by "Require Consent for Purpose" and "Audit to Store" (n8n cannot show a credential when
			// either of two parameters is set, so every operation that messages a patient offers it).
			{ ...clinicStoreCredential, required: false, displayOptions: { hide: NOT_READ } },
		],
		properties: [
			operationProperty,
			sendToProperty(NOT_READ),
			{ ...recipientProperty, displayOptions: recipientDisplay(NOT_READ) },
			groupIdProperty(NOT_READ),
			...Object.values(operations).flatMap((op) => op.description),
			...sendConsentProperties({ operation: ['markAsRead'] }),
			...sendAuditProperties({ operation: ['markAsRead'] }),
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
