/**
 * Mark an inbound message as read (blue ticks) and optionally show a typing indicator for up to 25 s or until the
 * next reply: `POST /<PHONE_NUMBER_ID>/messages` `{messaging_product, status: "read", message_id,
 * typing_indicator: {type: "text"}}`. Meta answers `{success: true}` (no wamid).
 */
import { z } from 'zod';

import { messageIdSchema, parseOrThrow } from './validation';

export interface MarkReadRequest {
	messaging_product: 'whatsapp';
	status: 'read';
	message_id: string;
	typing_indicator?: { type: 'text' };
}

const markReadSchema = z.object({
	message_id: messageIdSchema(
		'Map the id of the patient’s inbound message, e.g. {{ $json.message.id }} from the trigger.',
	),
	typingIndicator: z.boolean().optional(),
});

export function buildMarkRead(input: z.input<typeof markReadSchema>): MarkReadRequest {
	const { message_id, typingIndicator } = parseOrThrow(markReadSchema, input, '');
	const request: MarkReadRequest = { messaging_product: 'whatsapp', status: 'read', message_id };
	if (typingIndicator) request.typing_indicator = { type: 'text' };
	return request;
}
