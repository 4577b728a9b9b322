/**
 * The Send API envelope (`POST /<PHONE_NUMBER_ID>/messages`): recipient, optional reply context and
 * `biz_opaque_callback_data` around one message content built by a sibling module (text.ts, interactive.ts, …).
 * With an idempotency key, `biz_opaque_callback_data` is the user's value plus the key (../callback-data.ts).
 */
import {
	CALLBACK_KEY_BYTES,
	MAX_CALLBACK_DATA_BYTES,
	MAX_USER_CALLBACK_DATA_BYTES,
	encodeCallbackData,
} from '../callback-data';
import { assertGroupMessageType } from '../groups-limits';
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
	/** `group` for a WhatsApp group (Groups API), else `individual`. */
	recipient_type: 'individual' | 'group';
	to?: string;
	recipient?: string;
	context?: { message_id: string };
	biz_opaque_callback_data?: string;
}

export interface EnvelopeOptions {
	/** wamid of the message this one replies to (shown quoted in WhatsApp). */
	replyTo?: string;
	/** Echoed back in status webhooks, e.g. an appointment id: up to 512 bytes, 485 with an idempotency key. */
	bizOpaqueCallbackData?: string;
	/** The item's idempotency key (../callback-data.ts), appended to the callback data. */
	idempotencyKey?: string;
}

export { MAX_CALLBACK_DATA_BYTES } from '../callback-data';

export function buildMessageRequest(
	recipient: Recipient,
	content: MessageContent,
	options: EnvelopeOptions = {},
): SendMessageRequest {
	// Meta's group limits (no interactive messages, …) are checked before anything is sent.
	if (recipient.kind === 'group') assertGroupMessageType(content.type);
	const request: SendMessageRequest = {
		messaging_product: 'whatsapp',
		recipient_type: recipient.kind === 'group' ? 'group' : 'individual',
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
	const callback = options.bizOpaqueCallbackData ?? '';
	const key = options.idempotencyKey;
	const bytes = Buffer.byteLength(callback, 'utf8');
	const max = key ? MAX_USER_CALLBACK_DATA_BYTES : MAX_CALLBACK_DATA_BYTES;
	if (bytes > max)
		throw new MessageValidationError(
			'biz_opaque_callback_data',
			key
				? `is ${bytes} bytes; at most ${max} fit (WhatsApp allows ${MAX_CALLBACK_DATA_BYTES}, the node adds a ${CALLBACK_KEY_BYTES}-byte key that matches status updates to this message)`
				: `is ${bytes} bytes; WhatsApp allows at most ${MAX_CALLBACK_DATA_BYTES}`,
			'Put only an identifier there (e.g. the appointment id), not a whole record.',
		);
	if (key) request.biz_opaque_callback_data = encodeCallbackData(callback, key);
	else if (callback) request.biz_opaque_callback_data = callback;
	return request;
}
