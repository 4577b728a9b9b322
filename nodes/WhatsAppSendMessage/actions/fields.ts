/**
 * Parameters shared by the WhatsApp Send Message operations (the operation list, the "Options" collection, Reply To)
 * and how an operation reads them for one item.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Recipient } from '../../../core/whatsapp/phone';
import type { SendJob } from '../../shared/send';
import {
	callbackDataOption,
	defaultCountryOption,
	messagesPerSecondOption,
	optionsCollection,
	phoneNumberIdOption,
	readDefaultCountry,
	type SendOptions,
} from '../../shared/send-fields';
import { readSendTarget } from '../../shared/send-target';
import type { WhatsAppContext } from '../../shared/transport';

export type Operation =
	| 'text'
	| 'buttons'
	| 'list'
	| 'media'
	| 'location'
	| 'reaction'
	| 'contacts'
	| 'flow'
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
	return forOperations(
		operations,
		optionsCollection(
			[
				callbackDataOption,
				defaultCountryOption,
				messagesPerSecondOption,
				...(operations.includes('reaction') ? [] : [replyToOption]),
				phoneNumberIdOption,
				...extra,
			].sort((a, b) => a.displayName.localeCompare(b.displayName)),
		),
	);
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
	return readSendTarget(ctx, itemIndex, readDefaultCountry(options.defaultCountry));
}
