/**
 * The send job of one ready message content to one recipient (nodes/shared/send.ts runs it): the Send API body built
 * and validated now (callback data with the item's idempotency key), the summary every send item starts with, and
 * the request. Used by operations that send a fixed kind of message: WhatsApp Group · Send Invite, WhatsApp
 * Calling · Send Call Button / Send Call Permission Request.
 */
import type { IDataObject } from 'n8n-workflow';

import { newIdempotencyKey } from '../../core/whatsapp/callback-data';
import { buildMessageRequest, type MessageContent } from '../../core/whatsapp/messages/request';
import type { Recipient } from '../../core/whatsapp/phone';
import { acceptedFields, recipientSummary, type SendJob } from './send';

export function contentJob(
	recipient: Recipient,
	content: MessageContent,
	options: { bizOpaqueCallbackData?: string },
	fields: IDataObject = {},
): SendJob {
	const envelope = {
		bizOpaqueCallbackData: options.bizOpaqueCallbackData,
		idempotencyKey: newIdempotencyKey(),
	};
	const payload = buildMessageRequest(recipient, content, envelope);
	return {
		summary: recipientSummary(recipient, { ...fields, type: content.type }, envelope),
		recipient,
		send: async (context) => acceptedFields(await context.client.sendMessage(context.phoneNumberId, payload)),
	};
}
