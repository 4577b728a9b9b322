/**
 * The Send API envelope (`POST /<PHONE_NUMBER_ID>/messages`): recipient, optional reply context and
 * `biz_opaque_callback_data` around one message content built by a sibling module (text.ts, interactive.ts, …).
 */
import { recipientFields, type Recipient } from '../phone';
import { MessageValidationError } from './validation';

export type MessageType =
	| 'text'
	| 'interactive'
	| 'image'
	| 'document'
	| 'video'
	| 'audio'
	| 'sticker'
	| 'location'
	| 'reaction'
	| 'contacts'
	| 'template';

/** One message body, in Meta's wire shape: `{type: 'text', text: {...}}`. */
export interface MessageContent {
	type: MessageType;
	[key: string]: unknown;
}

export interface SendMessageRequest extends MessageContent {
	messaging_product: 'whatsapp';
	recipient_type: 'individual';
	to?: string;
	recipient?: string;
	context?: { message_id: string };
	biz_opaque_callback_data?: string;
}

export interface EnvelopeOptions {
	/** wamid of the message this one replies to (shown quoted in WhatsApp). */
	replyTo?: string;
	/** Up to 512 bytes echoed back in status webhooks, e.g. an appointment id. */
	bizOpaqueCallbackData?: string;
}

/** Meta's limit for `biz_opaque_callback_data`. */
export const MAX_CALLBACK_DATA_BYTES = 512;

export function buildMessageRequest(
	recipient: Recipient,
	content: MessageContent,
	options: EnvelopeOptions = {},
): SendMessageRequest {
	const request: SendMessageRequest = {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		...recipientFields(recipient),
		...content,
	};
	const replyTo = options.replyTo?.trim();
	if (replyTo) {
		if (content.type === 'reaction')
			throw new MessageValidationError(
				'context.message_id',
				'cannot be used with a reaction',
				'A reaction already names its message; clear the "Reply To" field.',
			);
		request.context = { message_id: replyTo };
	}
	const callback = options.bizOpaqueCallbackData;
	if (callback !== undefined && callback !== '') {
		const bytes = Buffer.byteLength(callback, 'utf8');
		if (bytes > MAX_CALLBACK_DATA_BYTES)
			throw new MessageValidationError(
				'biz_opaque_callback_data',
				`is ${bytes} bytes; WhatsApp allows at most ${MAX_CALLBACK_DATA_BYTES}`,
				'Put only an identifier there (e.g. the appointment id), not a whole record.',
			);
		request.biz_opaque_callback_data = callback;
	}
	return request;
}
