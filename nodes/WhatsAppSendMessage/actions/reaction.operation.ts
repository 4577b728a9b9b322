import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildReaction } from '../../../core/whatsapp/messages/reaction';
import type { SendJob } from '../../shared/send';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

export const description: INodeProperties[] = [
	forOperations(['reaction'], {
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'wamid.HBgM…',
		description: "ID (wamid…) of the patient's message to react to, as given by the WhatsApp Clinic Trigger",
	}),
	forOperations(['reaction'], {
		displayName: 'Emoji',
		name: 'emoji',
		type: 'string',
		default: '👍',
		description: 'One emoji; leave empty to remove an earlier reaction',
	}),
	sendOptionsProperty(['reaction']),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const content = buildReaction({
		message_id: this.getNodeParameter('messageId', itemIndex, '') as string,
		emoji: this.getNodeParameter('emoji', itemIndex, '') as string,
	});
	return messageJob(recipient, content, options);
}
