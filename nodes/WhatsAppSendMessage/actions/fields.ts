/** Parameters and helpers shared by the WhatsApp Send Message operations. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildMessageRequest, type MessageContent } from '../../../core/whatsapp/messages/request';
import { recipientLabel, type Recipient } from '../../../core/whatsapp/phone';
import type { WhatsAppContext } from '../../shared/transport';
import {
	callbackDataOption,
	defaultCountryOption,
	messagesPerSecondOption,
	phoneNumberIdOption,
	readDefaultCountry,
	readRecipient,
	type SendJob,
	type SendOptions,
} from '../../shared/send';

export type Operation =
	| 'text'
	| 'buttons'
	| 'list'
	| 'media'
	| 'location'
	| 'reaction'
	| 'contacts'
	| 'markAsRead';

export type PrepareFn = (
	this: IExecuteFunctions,
	itemIndex: number,
	context: WhatsAppContext,
) => Promise<SendJob>;

/** Shows a property only for the given operations. */
export function forOperations(operations: Operation[], property: INodeProperties): INodeProperties {
	return { ...property, displayOptions: { show: { operation: operations } } };
}

const replyToOption: INodeProperties = {
	displayName: 'Reply To Message ID',
	name: 'replyTo',
	type: 'string',
	default: '',
	placeholder: 'wamid.HBgM…',
	description:
		"Quote the patient's message this answers: its message ID (wamid…), as given by the WhatsApp Clinic Trigger",
};

/** The "Options" collection of every sending operation. */
export function sendOptionsProperty(operations: Operation[], extra: INodeProperties[] = []): INodeProperties {
	return forOperations(operations, {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		description: 'Optional settings',
		default: {},
		options: [
			callbackDataOption,
			defaultCountryOption,
			messagesPerSecondOption,
			...(operations.includes('reaction') ? [] : [replyToOption]),
			phoneNumberIdOption,
			...extra,
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	});
}

export interface MessageOptions extends SendOptions {
	replyTo?: string;
	previewUrl?: boolean;
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): MessageOptions {
	return ctx.getNodeParameter('options', itemIndex, {}) as MessageOptions;
}

export function readItemRecipient(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: MessageOptions,
): Recipient {
	return readRecipient(
		ctx.getNodeParameter('recipient', itemIndex, ''),
		readDefaultCountry(options.defaultCountry),
	);
}

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
	const envelope = { replyTo: options.replyTo, bizOpaqueCallbackData: options.bizOpaqueCallbackData };
	const ready = buildMessageRequest(recipient, content, envelope);
	const summary: IDataObject = {
		recipient: recipientLabel(recipient),
		recipientType: recipient.kind === 'phone' ? 'phone' : 'user_id',
		type: content.type,
	};
	if (options.bizOpaqueCallbackData) summary.bizOpaqueCallbackData = options.bizOpaqueCallbackData;
	return {
		summary,
		send: async (context) => {
			let payload = ready;
			let extra: IDataObject = {};
			if (late) {
				const built = await late(context);
				payload = buildMessageRequest(recipient, built.content, envelope);
				extra = built.extra ?? {};
			}
			const result = await context.client.sendMessage(context.phoneNumberId, payload);
			const out: IDataObject = { messageId: result.messageId, waId: result.waId ?? null };
			if (result.messageStatus) out.messageStatus = result.messageStatus;
			return { ...out, ...extra };
		},
	};
}
