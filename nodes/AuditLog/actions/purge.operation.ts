/**
 * Purge: deletes entries older than the retention period and appends an anchor entry (last removed seq + hash),
 * so the remaining chain still verifies. Runs once per execution.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETENTION_DAYS, purgeAuditEntries } from '../../../core/audit/retention';
import type { ClinicStore } from '../../../core/store/ports';
import { settle } from '../../../core/settle';
import { auditActor } from '../../shared/audit';
import { allInputs, failItem } from '../../shared/items';

const show = { operation: ['purge'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Keep Entries for (Days)',
		name: 'retentionDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_RETENTION_DAYS,
		description:
			'Entries recorded longer ago than this are deleted. 2190 days = 6 years (HIPAA documentation retention); check your local rules (e.g. LGPD, GDPR Art. 30).',
		displayOptions: { show },
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: true,
		description: 'Whether to only count what would be deleted. Turn off to delete.',
		hint: 'Export the entries first if you must keep an archive',
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	store: ClinicStore,
): Promise<INodeExecutionData[][]> {
	const res = await settle(
		async () =>
			await purgeAuditEntries(store, {
				retentionDays: this.getNodeParameter('retentionDays', 0, DEFAULT_RETENTION_DAYS) as number,
				dryRun: this.getNodeParameter('dryRun', 0, true) as boolean,
				actor: auditActor(this),
			}),
	);
	if (!res.ok) return [[failItem(this, res.error, 0)]];
	return [[{ json: res.value as unknown as IDataObject, pairedItem: allInputs(items) }]];
}
