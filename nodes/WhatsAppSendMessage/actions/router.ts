/**
 * WhatsApp Send Message's operations. Each `<op>.operation.ts` exports `description` (its fields) and `prepare`
 * (validate one item → send job); every operation runs through the bulk sender (nodes/shared/send.ts), which
 * validates every item first, then sends them all under the shared limiter. Mark as Read messages no one, so it
 * skips "Require Consent for Purpose" and "Audit to Store".
 */
import { createRouter } from '../../shared/router';
import { bulkSendOperation } from '../../shared/send';
import * as buttons from './buttons.operation';
import type { Operation, PrepareFn } from './fields';
import * as contacts from './contacts.operation';
import * as flow from './flow.operation';
import * as list from './list.operation';
import * as location from './location.operation';
import * as markAsRead from './markAsRead.operation';
import * as media from './media.operation';
import * as reaction from './reaction.operation';
import * as text from './text.operation';

export const operations: Record<Operation, { description: typeof text.description; prepare: PrepareFn }> = {
	text,
	buttons,
	list,
	media,
	location,
	reaction,
	contacts,
	flow,
	markAsRead,
};

export const router = createRouter<undefined, Operation>({
	operations: {
		text: bulkSendOperation(text.prepare),
		buttons: bulkSendOperation(buttons.prepare),
		list: bulkSendOperation(list.prepare),
		media: bulkSendOperation(media.prepare),
		location: bulkSendOperation(location.prepare),
		reaction: bulkSendOperation(reaction.prepare),
		contacts: bulkSendOperation(contacts.prepare),
		flow: bulkSendOperation(flow.prepare),
		markAsRead: bulkSendOperation(markAsRead.prepare, { messagesPatient: false }),
	},
});
