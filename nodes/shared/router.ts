/**
 * The one operation-routing contract. Every node's `actions/router.ts` is `createRouter({...})`:
 *
 * - `open(ctx)` builds what every operation of the node needs once per execution (a consent service, the clinic
 *   store, a WhatsApp context…). Optional.
 * - `operations[name]` is an `OperationHandler`: `(this, items, service) => output branches`. Operations that work
 *   item by item are written with `perItem(fn)`, which runs them through the one item loop (nodes/shared/items.ts).
 * - `operationParameter` names the parameter that selects the operation (default `operation`); a node with a single
 *   operation sets `operation` instead.
 *
 * Anything an operation throws leaves the node through nodes/shared/errors.ts.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toNodeError } from './errors';
import { runItems, type ItemResult } from './items';

export type OperationHandler<S> = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	service: S,
) => Promise<INodeExecutionData[][]>;

export interface RouterDefinition<S, O extends string> {
	operations: Record<O, OperationHandler<S>>;
	open?: (ctx: IExecuteFunctions, operation: O) => Promise<S> | S;
	/** Parameter holding the operation name (default `operation`). */
	operationParameter?: string;
	/** Fixed operation for single-operation nodes (then no parameter is read). */
	operation?: O;
}

export function createRouter<S, O extends string>(
	definition: RouterDefinition<S, O>,
): (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> {
	return async function router(this: IExecuteFunctions) {
		const operation =
			definition.operation ?? (this.getNodeParameter(definition.operationParameter ?? 'operation', 0) as O);
		const handler = Object.prototype.hasOwnProperty.call(definition.operations, operation)
			? definition.operations[operation]
			: undefined;
		if (!handler)
			throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`, {
				description: 'Choose one of the operations listed in the node.',
			});
		try {
			const service = definition.open ? await definition.open(this, operation) : (undefined as S);
			return await handler.call(this, this.getInputData(), service);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	};
}

/** An operation that handles one item at a time, through the one item loop; a single output branch. */
export function perItem<S>(
	fn: (
		this: IExecuteFunctions,
		itemIndex: number,
		service: S,
	) => Promise<ItemResult | IDataObject> | ItemResult,
): OperationHandler<S> {
	return async function (this: IExecuteFunctions, _items, service) {
		return [await runItems(this, async (i) => await fn.call(this, i, service))];
	};
}
