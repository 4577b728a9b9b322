/**
 * Consent Check's operations on the shared router contract (nodes/shared/router.ts): `open` builds the execution's
 * ConsentService (the node's policy over the Clinic Store) once; store failures leave core/consent as a
 * ConsentStoreError (kind `store`, with what to do) and every error is translated by nodes/shared/errors.ts.
 * Every operation fails closed (fail-closed.ts): under Continue On Fail a failed operation yields error items, never
 * its input items on the first output (Allowed).
 */
import type { ConsentService } from '../../../core/consent/service';
import { settle } from '../../../core/settle';
import { getConsentService } from '../../shared/consent-fields';
import { failItem } from '../../shared/items';
import { createRouter, perItem, type OperationHandler } from '../../shared/router';
import * as check from './check.operation';
import * as detectKeywords from './detectKeywords.operation';
import { failClosed, type OpenedService } from './fail-closed';
import * as getHistory from './getHistory.operation';
import { readPolicy } from './parameters';
import * as record from './record.operation';

export type ConsentOperation = 'check' | 'recordOptIn' | 'recordOptOut' | 'detectKeywords' | 'getHistory';

/** A per-item operation whose failed items keep their input fields next to `error`, through the shared item loop. */
function perInputItem(fn: Parameters<typeof perItem<ConsentService>>[0]): OperationHandler<OpenedService> {
	return failClosed(
		perItem<ConsentService>(async function (itemIndex, service) {
			const outcome = await settle(async () => await fn.call(this, itemIndex, service));
			if (outcome.ok) return outcome.value;
			return failItem(this, outcome.error, itemIndex, this.getInputData()[itemIndex].json);
		}),
	);
}

export const router = createRouter<OpenedService, ConsentOperation>({
	open: async (ctx) => await settle(async () => await getConsentService(ctx, readPolicy(ctx))),
	operations: {
		check: failClosed(check.execute, (failed) => [[], failed]),
		recordOptIn: perInputItem(function (itemIndex, service) {
			return record.recordItem.call(this, itemIndex, service, 'opt_in');
		}),
		recordOptOut: perInputItem(function (itemIndex, service) {
			return record.recordItem.call(this, itemIndex, service, 'opt_out');
		}),
		detectKeywords: failClosed(detectKeywords.execute),
		getHistory: perInputItem(getHistory.historyItem),
	},
});
