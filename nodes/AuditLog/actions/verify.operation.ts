/** Verify: walks the whole hash chain and reports the first broken link. Runs once per execution. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { AuditChainBrokenError, verifyAuditChain } from '../../../core/audit/verify';
import type { ClinicStore } from '../../../core/store/ports';
import { settle } from '../../../core/settle';
import { allInputs, failItem } from '../../shared/items';
import { operationOptions } from '../../shared/operation-options';

const show = { operation: ['verify'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Fail When Broken',
		name: 'failWhenBroken',
		type: 'boolean',
		default: false,
		description:
			'Whether to stop the workflow with an error when the chain is broken (otherwise the result item says valid: false)',
		displayOptions: { show },
	},
	operationOptions(show, [
		{
			displayName: 'Checkpoint Hash',
			name: 'checkpointHash',
			type: 'string',
			default: '',
			description: 'The headHash of an earlier Verify, kept outside the database',
		},
		{
			displayName: 'Checkpoint Seq',
			name: 'checkpointSeq',
			type: 'number',
			default: 0,
			description:
				'The headSeq of an earlier Verify. With the hash, this also detects deletion of the newest entries.',
		},
	]),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	store: ClinicStore,
): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const checkpoint =
		options.checkpointSeq && options.checkpointHash
			? { seq: Number(options.checkpointSeq), hash: String(options.checkpointHash) }
			: undefined;
	const res = await settle(async () => await verifyAuditChain(store, { checkpoint }));
	if (!res.ok) return [[failItem(this, res.error, 0)]];
	const r = res.value;
	if (r.broken && this.getNodeParameter('failWhenBroken', 0, false))
		throw new AuditChainBrokenError(r.broken);
	return [[{ json: r as unknown as IDataObject, pairedItem: allInputs(items) }]];
}
