/**
 * Consent Check fails closed. When a node throws while Continue On Fail is on, n8n passes the node's INPUT items on to
 * its first output, and for Check that output is Allowed: a consent store that cannot be read would let every message
 * through. So when an operation fails as a whole (Clinic Store unreachable, a PHI key that does not match, bad Purpose
 * Policies, a consent read that failed), each input item becomes an error item (nodes/shared/items.ts, keeping its
 * fields, with the original error's code and hint) on Blocked for Check, on the only output otherwise. Without
 * Continue On Fail the error stops the workflow.
 *
 * The router's `open` keeps the service's opening outcome as a value (`OpenedService`) so that a failure to open
 * reaches the operation, and the same rule, too.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ConsentService } from '../../../core/consent/service';
import { settle, type Settled } from '../../../core/settle';
import { errorItem } from '../../shared/items';
import type { OperationHandler } from '../../shared/router';

export type OpenedService = Settled<ConsentService>;

export function failClosed(
	handler: OperationHandler<ConsentService>,
	/** Where the failed items go: Check puts them on Blocked. */
	outputs: (failed: INodeExecutionData[]) => INodeExecutionData[][] = (failed) => [failed],
): OperationHandler<OpenedService> {
	return async function (this: IExecuteFunctions, items, opened) {
		const outcome = opened.ok
			? await settle(async () => await handler.call(this, items, opened.value))
			: opened;
		if (outcome.ok) return outcome.value;
		if (!this.continueOnFail()) throw outcome.error;
		return outputs(items.map((item, i) => errorItem(this, outcome.error, i, item.json)));
	};
}
