import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildMarkRead } from '../../../core/whatsapp/messages/mark-read';
import type { SendJob } from '../../shared/send';
import { optionsCollection, phoneNumberIdOption } from '../../shared/send-fields';
import { forOperations } from './fields';

export const description: INodeProperties[] = [
	forOperations(['markAsRead'], {
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		required: true,
		placeholder: 'wamid.HBgM…',
		description: "ID (wamid) of the patient's message to mark as read (blue ticks)",
	}),
	forOperations(['markAsRead'], {
		displayName: 'Show Typing Indicator',
		name: 'typingIndicator',
		type: 'boolean',
		default: false,
		description: 'Whether to show "typing…" to the patient until the next reply (at most 25 seconds)',
	}),
	forOperations(['markAsRead'], optionsCollection([phoneNumberIdOption])),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const typingIndicator = this.getNodeParameter('typingIndicator', itemIndex, false) as boolean;
	const body = buildMarkRead({
		message_id: String(this.getNodeParameter('messageId', itemIndex, '') ?? ''),
		typingIndicator,
	});
	return {
		summary: { messageId: body.message_id, status: 'read', typingIndicator },
		send: async (context) => {
			const data = (await context.client.request('POST', `${context.phoneNumberId}/messages`, {
				body,
				idempotent: true,
			})) as { success?: boolean };
			return { success: data?.success === true };
		},
	};
}
