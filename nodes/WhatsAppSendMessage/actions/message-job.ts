/** The send job of a WhatsApp Send Message operation that messages a patient. */
import type { IDataObject } from 'n8n-workflow';

import { newIdempotencyKey } from '../../../core/whatsapp/callback-data';
import { buildMessageRequest, type MessageContent } from '../../../core/whatsapp/messages/request';
import type { Recipient } from '../../../core/whatsapp/phone';
import { acceptedFields, recipientSummary, type SendJob } from '../../shared/send';
import type { WhatsAppContext } from '../../shared/transport';
import type { MessageOptions } from './fields';

/**
 * A job sending `content` (already validated) to the item's recipient. `late` builds the content at send time
 * (e.g. after a binary upload), in which case `content` was only used for validation.
 */
export function messageJob(
	recipient: Recipient,
	content: MessageContent,
	options: MessageOptions,
	late?: (context: WhatsAppContext) => Promise<{ content: MessageContent; extra?: IDataObject }>,
): SendJob {
	const envelope = {
		replyTo: options.replyTo,
		bizOpaqueCallbackData: options.bizOpaqueCallbackData,
		idempotencyKey: newIdempotencyKey(),
	};
	const ready = buildMessageRequest(recipient, content, envelope);
	return {
		summary: recipientSummary(recipient, { type: content.type }, envelope),
		recipient,
		send: async (context) => {
			let payload = ready;
			let extra: IDataObject = {};
			if (late) {
				const built = await late(context);
				payload = buildMessageRequest(recipient, built.content, envelope);
				extra = built.extra ?? {};
			}
			const result = await context.client.sendMessage(context.phoneNumberId, payload);
			return { ...acceptedFields(result), ...extra };
		},
	};
}
