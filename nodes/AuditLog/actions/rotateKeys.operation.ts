/**
 * Rotate Keys: moves every stored PHI value (consent records, bookings) to the Clinic Store credential's current
 * PHI key, and reports what still needs an older key. Resumable: a run stops after Max Rows per Run and the next run
 * continues. The run itself is recorded in the audit log. Runs once per execution. See docs/key-rotation.md.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { appendAuditEntries } from '../../../core/audit';
import { settle } from '../../../core/settle';
import type { ClinicStore } from '../../../core/store/ports';
import { rotatePhiKeys, summarizeRotation } from '../../../core/store/rotate-keys';
import { auditActor } from '../../shared/audit';
import { allInputs, failItem } from '../../shared/items';
import { operationOptions } from '../../shared/operation-options';

const show = { operation: ['rotateKeys'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Set the new key as PHI Encryption Key (with a new PHI Key ID) and the old one under Previous Keys in the Clinic Store credential first. See docs/key-rotation.md.',
		name: 'rotateKeysNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Max Rows per Run',
		name: 'maxRows',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50000,
		description:
			'Stops after this many rows so one run stays short. Run the operation again to continue: what was done stays done.',
		displayOptions: { show },
	},
	operationOptions(show, [
		{
			displayName: 'Rows per Transaction',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 5000 },
			default: 200,
			description:
				'How many rows are rewritten together. Smaller batches hold the database for less time next to running workflows.',
		},
	]),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	store: ClinicStore,
): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const res = await settle(async () => {
		const report = await rotatePhiKeys(store, {
			maxRows: this.getNodeParameter('maxRows', 0, 50000) as number,
			batchSize: Number(options.batchSize ?? 200),
		});
		await appendAuditEntries(store, [
			{
				direction: 'system',
				event: 'store.keys-rotated',
				actor: auditActor(this),
				outcome: report.skippedCount ? 'minor-failure' : 'success',
				details: {
					currentKeyId: report.currentKeyId,
					rotatedRows: report.rotated.reduce((n, t) => n + t.rows, 0),
					skippedRows: report.skippedCount,
					finished: report.finished,
					keyIdsStillNeeded: report.keyIdsStillNeeded.join(',') || null,
				},
			},
		]);
		return report;
	});
	if (!res.ok) return [[failItem(this, res.error, 0)]];
	const json = { summary: summarizeRotation(res.value), ...res.value } as unknown as IDataObject;
	return [[{ json, pairedItem: allInputs(items) }]];
}
