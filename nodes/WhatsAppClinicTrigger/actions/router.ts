/**
 * The trigger's router: picks the handler of the webhook n8n was called on, the trigger's counterpart of
 * `createRouter` (nodes/shared/router.ts), which a trigger cannot use:
 *
 * 1. Different entry point and result. `createRouter` builds an `execute()`: `(this: IExecuteFunctions) =>
 *    INodeExecutionData[][]`, running over the node's input items. A webhook trigger has no input and no
 *    `execute()`; n8n calls `webhook(this: IWebhookFunctions)` and expects `IWebhookResponseData`, which says both
 *    how the HTTP request is answered (`noWebhookResponse` after answering it ourselves) and which items start the
 *    workflow (`workflowData`). `IWebhookFunctions` has no `getInputData()` and its `getNodeParameter()` takes no
 *    item index.
 * 2. Different selector. The route is the webhook Meta called, `this.getWebhookName()`: `setup` (GET, the
 *    verification handshake) or `default` (POST, a delivery), not an `operation` parameter chosen by the user.
 * 3. Different error contract. `createRouter` turns every error into a NodeApiError/NodeOperationError and throws it
 *    so that n8n fails the execution. A webhook must not throw: there is no execution yet, and a thrown error makes
 *    n8n answer Meta with its own 500. Every refusal here is a deliberate HTTP answer (401, 400, 403, 500 or 200,
 *    decided in core/webhook/pipeline.ts) because the status decides whether Meta re-sends the webhook.
 * 4. No item loop. `perItem`/`runItems` (Continue On Fail, pairedItem) need input items; the trigger's items are
 *    built from the events of the delivery.
 * Errors raised while the workflow is being published (webhookMethods in registration.ts) do reach n8n, and they go
 * through nodes/shared/errors.ts like every other node's.
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { triggerAuditHooks } from '../../shared/audit-option';
import { handleDelivery, resolveDedupStore } from './delivery';
import { reply, triggerLog } from './reply';
import { handleVerification } from './verification';

export type WebhookHandler = (this: IWebhookFunctions) => Promise<IWebhookResponseData>;

/** One handler per webhook of the node description (`webhooks[].name`). */
export const webhooks: Record<'setup' | 'default', WebhookHandler> = {
	setup: handleVerification,
	default: async function (this: IWebhookFunctions) {
		return await handleDelivery.call(this, {
			resolveStore: resolveDedupStore,
			emitHooks: triggerAuditHooks(this),
		});
	},
};

export async function router(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const name = this.getWebhookName();
	const handler = Object.prototype.hasOwnProperty.call(webhooks, name)
		? webhooks[name as keyof typeof webhooks]
		: undefined;
	if (!handler) {
		// n8n only calls the webhooks the description declares; anything else is answered, never thrown.
		triggerLog(this).error(`no handler for webhook "${name}"`);
		return reply(this, 404, 'Not found');
	}
	return await handler.call(this);
}
