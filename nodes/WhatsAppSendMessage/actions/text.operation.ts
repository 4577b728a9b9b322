import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildText } from '../../../core/whatsapp/messages/text';
import type { SendJob } from '../../shared/send';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

export const description: INodeProperties[] = [
	forOperations(['text'], {
		displayName: 'Text',
		name: 'text',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 4 },
		description:
			'The message, up to 4,096 characters. WhatsApp formatting works: *bold*, _italic_, ~strike~.',
		hint: 'Free-form messages only reach patients who wrote in the last 24 hours; otherwise use WhatsApp Send Template',
	}),
	sendOptionsProperty(
		['text'],
		[
			{
				displayName: 'Link Preview',
				name: 'previewUrl',
				type: 'boolean',
				default: false,
				description: 'Whether to show a preview of the first link in the text',
			},
		],
	),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const content = buildText({
		body: this.getNodeParameter('text', itemIndex, '') as string,
		previewUrl: options.previewUrl === true,
	});
	return messageJob(recipient, content, options);
}
