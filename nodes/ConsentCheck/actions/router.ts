/** Dispatches the Consent Check operation; builds the consent service once per execution. */
import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { ConsentService } from '../../../core/consent/service';
import { settle } from '../../../core/settle';
import { getConsentService } from '../helpers/service';
import * as check from './check.operation';
import { readPolicy } from './common';
import * as detectKeywords from './detectKeywords.operation';
import * as getHistory from './getHistory.operation';
import * as record from './record.operation';

export type ConsentOperation = 'check' | 'recordOptIn' | 'recordOptOut' | 'detectKeywords' | 'getHistory';

const handlers: Record<
	ConsentOperation,
	(this: IExecuteFunctions, service: ConsentService) => Promise<INodeExecutionData[][]>
> = {
	check: check.execute,
	recordOptIn(service) {
		return record.execute.call(this, service, 'opt_in');
	},
	recordOptOut(service) {
		return record.execute.call(this, service, 'opt_out');
	},
	detectKeywords: detectKeywords.execute,
	getHistory: getHistory.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as ConsentOperation;
	const handler = handlers[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
	}
	const service = await getConsentService(this, readPolicy(this));
	const outcome = await settle(async () => await handler.call(this, service));
	if (outcome.ok) return outcome.value;
	const error = outcome.error;
	if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
	// Store failures (connection lost, lock timeout…): nothing was decided, nothing is half-recorded.
	throw new NodeOperationError(this.getNode(), `Consent store error: ${(error as Error).message}`, {
		description:
			'No consent decision or change was made for the failing step. Check the Clinic Store credential and database, then retry.',
	});
}
