/**
 * Dispatches WhatsApp Send Message to its operation. Each `<op>.operation.ts` exports `description` (its fields)
 * and `prepare` (validate one item → send job); the bulk runner in nodes/shared/send.ts validates every item first,
 * then sends them all under the shared limiter.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { sendAuditHook } from '../../shared/audit-option';
import { sendConsentGate } from '../../shared/consent-option';
import { readMps, runBulkSend, type SendOptions } from '../../shared/send';
import * as buttons from './buttons.operation';
import type { Operation, PrepareFn } from './common';
import * as contacts from './contacts.operation';
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
	markAsRead,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const op = operations[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	const options = this.getNodeParameter('options', 0, {}) as SendOptions & IDataObject;
	const items = await runBulkSend.call(this, {
		mps: readMps(this, options.messagesPerSecond),
		phoneNumberId: options.phoneNumberId?.trim() || undefined,
		prepare: op.prepare,
		// Mark as Read sends no message to anyone: no consent to check, nothing to audit.
		gate: operation === 'markAsRead' ? undefined : await sendConsentGate(this),
		onOutcomes: operation === 'markAsRead' ? undefined : await sendAuditHook(this),
	});
	return [items];
}
