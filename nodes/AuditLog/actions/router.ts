/** Dispatches the Audit Log operation with the clinic store opened once per execution. */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { ClinicStore } from '../../../core/store/ports';
import { getClinicStore } from '../../shared/store';
import * as append from './append.operation';
import * as exportOp from './export.operation';
import * as purge from './purge.operation';
import * as query from './query.operation';
import * as verify from './verify.operation';

export type AuditOperation = 'append' | 'query' | 'verify' | 'export' | 'purge';

const handlers: Record<
	AuditOperation,
	(
		this: IExecuteFunctions,
		store: ClinicStore,
		items: INodeExecutionData[],
	) => Promise<INodeExecutionData[][]>
> = {
	append: append.execute,
	query: query.execute,
	verify: verify.execute,
	export: exportOp.execute,
	purge: purge.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as AuditOperation;
	const handler = handlers[operation];
	if (!handler)
		throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
	const store = await getClinicStore(this);
	return handler.call(this, store, items);
}
