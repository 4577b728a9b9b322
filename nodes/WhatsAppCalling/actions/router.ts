/**
 * WhatsApp Calling's operations on the shared router contract: the two sends run through the bulk sender (consent
 * gate, audit, pacing), everything else item by item with the WhatsApp context opened once per execution.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { createRouter, type OperationHandler } from '../../shared/router';
import { bulkSendOperation } from '../../shared/send';
import { getWhatsAppContext, type WhatsAppContext } from '../../shared/transport';
import * as control from './control.operation';
import type { CallingOperation } from './fields';
import * as send from './send.operation';
import * as settings from './settings.operation';

/** A bulk-send operation in this router (the bulk sender opens its own WhatsApp context). */
function sending(prepare: Parameters<typeof bulkSendOperation>[0]): OperationHandler<WhatsAppContext> {
	const handler = bulkSendOperation(prepare);
	return async function (this: IExecuteFunctions, items) {
		return await handler.call(this, items, undefined);
	};
}

export const router = createRouter<WhatsAppContext, CallingOperation>({
	open: async (ctx) =>
		await getWhatsAppContext.call(ctx, {
			phoneNumberId: String(ctx.getNodeParameter('callingPhoneNumberId', 0, '') ?? '').trim() || undefined,
		}),
	operations: {
		sendCallButton: sending(send.prepareCallButton),
		sendPermissionRequest: sending(send.preparePermissionRequest),
		getPermission: settings.getPermission,
		getSettings: settings.getSettings,
		updateSettings: settings.updateSettings,
		startCall: control.startCall,
		preAcceptCall: control.preAcceptCall,
		acceptCall: control.acceptCall,
		rejectCall: control.rejectCall,
		terminateCall: control.terminateCall,
	},
});
