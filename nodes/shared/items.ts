/**
 * The node layer's ONLY item loop and Continue On Fail policy.
 *
 * - `runItems(ctx, each)`: calls `each(itemIndex)` for every input item, in order; every output item gets
 *   `pairedItem`. When `each` throws: with Continue On Fail the item becomes an error item (below) and the loop goes
 *   on; without it the error is translated (nodes/shared/errors.ts) and thrown, naming the item.
 * - `errorItem(ctx, error, itemIndex, known)`: the ONE error-item shape, `{ ...known, error: ErrorItemError }` with
 *   `pairedItem`. `known` holds what the node already knew about the item (e.g. the recipient of a send). There is
 *   deliberately no top-level `error` on the INodeExecutionData: n8n-core would replace the json with
 *   `{ error: message }` and drop the code, field and hint.
 * - `failItem(ctx, error, itemIndex, known)`: for operations that work in phases (validate every item, then one
 *   batch call): returns the error item under Continue On Fail, otherwise throws the translated error.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import { errorItemJson, toNodeError } from './errors';

/** What one item produced: one json object, several, or finished items (pairedItem is added when missing). */
export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[];

export function errorItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	known: IDataObject = {},
): INodeExecutionData {
	// Translate first so n8n errors keep their description and core errors their hint.
	const translated = toNodeError(ctx.getNode(), error, itemIndex);
	const json = errorItemJson(error instanceof Error && 'context' in error ? translated : error);
	if (json.error.description === null && translated.description)
		json.error.description = translated.description;
	return { json: { ...known, ...json }, pairedItem: { item: itemIndex } };
}

export function failItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	known: IDataObject = {},
): INodeExecutionData {
	if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, itemIndex);
	return errorItem(ctx, error, itemIndex, known);
}

function isExecutionData(value: unknown): value is INodeExecutionData {
	return (
		typeof value === 'object' &&
		value !== null &&
		'json' in value &&
		typeof (value as INodeExecutionData).json === 'object'
	);
}

/** Normalises one item's result into output items paired with `itemIndex`. */
export function toOutputItems(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const list = (Array.isArray(result) ? result : [result]) as Array<IDataObject | INodeExecutionData>;
	return list.map((entry) =>
		isExecutionData(entry)
			? { ...entry, pairedItem: entry.pairedItem ?? { item: itemIndex } }
			: { json: entry, pairedItem: { item: itemIndex } },
	);
}

/** The item loop: one call per input item, Continue On Fail handled here. */
export async function runItems(
	ctx: IExecuteFunctions,
	each: (itemIndex: number) => Promise<ItemResult> | ItemResult,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let result: ItemResult;
		try {
			result = await each(i);
		} catch (error) {
			out.push(failItem(ctx, error, i));
			continue;
		}
		out.push(...toOutputItems(result, i));
	}
	return out;
}

/** pairedItem for an output built from all inputs (e.g. a report). */
export function allInputs(items: INodeExecutionData[]): IPairedItemData[] {
	return items.length ? items.map((_, i) => ({ item: i })) : [{ item: 0 }];
}
