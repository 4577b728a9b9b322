/** Shared helpers of the Audit Log operations. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { AUDIT_DIRECTIONS } from '../../../core/audit/entry';
import { PhiKeyError } from '../../../core/store/phi-cipher';

export const directionOptions = AUDIT_DIRECTIONS.map((d) => ({
	name: d.charAt(0).toUpperCase() + d.slice(1),
	value: d,
}));

/** Filter fields shared by Query and Export. */
export function filterFields(operation: string): INodeProperties[] {
	const show = { operation: [operation] };
	return [
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'Direction',
					name: 'direction',
					type: 'options',
					default: 'inbound',
					options: directionOptions,
				},
				{
					displayName: 'Event',
					name: 'event',
					type: 'string',
					default: '',
					placeholder: 'message.sent',
					description:
						'Exact event name, e.g. message.received, message.sent, status.read, consent.withdrawn',
				},
				{
					displayName: 'From',
					name: 'from',
					type: 'dateTime',
					default: '',
					description: 'Only entries recorded at or after this time',
				},
				{
					displayName: 'Message ID',
					name: 'messageId',
					type: 'string',
					default: '',
					placeholder: 'wamid.HBgM…',
				},
				{
					displayName: 'Patient Phone',
					name: 'patientPhone',
					type: 'string',
					default: '',
					placeholder: '+5511987654321',
					description:
						'International number in any format. Matched through its keyed digest (phones are stored encrypted).',
				},
				{
					displayName: 'Purpose',
					name: 'purpose',
					type: 'string',
					default: '',
					placeholder: 'appointment-reminder',
				},
				{
					displayName: 'To',
					name: 'to',
					type: 'dateTime',
					default: '',
					description: 'Only entries recorded before this time',
				},
				{
					displayName: 'WhatsApp User ID',
					name: 'userId',
					type: 'string',
					default: '',
					placeholder: 'US.13491208655302741918',
					description: 'Business-scoped user ID (BSUID) of the patient',
				},
			],
		},
	];
}

export function readFilters(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const f = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(f)) if (v !== '' && v !== undefined && v !== null) out[k] = v;
	return out;
}

/** Wraps a core error for item `itemIndex` (wrong key, bad input, store failure). */
export function nodeError(ctx: IExecuteFunctions, error: unknown, itemIndex?: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), message, {
		itemIndex,
		description:
			error instanceof PhiKeyError
				? 'Open the Clinic Store credential and add the key used for these entries under Previous Keys (format keyID=key). The stored data is unchanged.'
				: undefined,
	});
}

export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	return { json: { error: message }, pairedItem: { item: itemIndex } };
}

/** pairedItem for an output built from all inputs. */
export function allInputs(items: INodeExecutionData[]): Array<{ item: number }> {
	return items.length ? items.map((_, i) => ({ item: i })) : [{ item: 0 }];
}
