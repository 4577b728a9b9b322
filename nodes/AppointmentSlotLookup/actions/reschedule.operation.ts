/** Reschedule: moves an appointment to a new slot atomically; a taken slot returns alternatives. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { alternativesList, slotIdHint } from './book.operation';
import { appointmentIdProperty } from './cancel.operation';
import { readLocale } from './provider-factory';

const show = { operation: ['reschedule'] };

export const description: INodeProperties[] = [
	appointmentIdProperty(['reschedule']),
	{
		displayName: 'New Slot ID',
		name: 'newSlotId',
		type: 'string',
		default: '',
		required: true,
		description: 'The new time, as a slot ID from Find Free Slots',
		hint: slotIdHint,
		displayOptions: { show },
	},
	{
		displayName: 'Reason',
		name: 'rescheduleReason',
		type: 'string',
		default: '',
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const outcome = await provider.reschedule({
		appointmentId: String(this.getNodeParameter('appointmentId', i, '') ?? ''),
		newSlotId: String(this.getNodeParameter('newSlotId', i, '') ?? ''),
		reason: String(this.getNodeParameter('rescheduleReason', i, '') ?? '') || undefined,
	});
	if (outcome.rescheduled) return [{ ...outcome } as unknown as IDataObject];
	return [
		{
			...outcome,
			alternativesWhatsappList: alternativesList(outcome.alternatives, readLocale(this, i)),
		} as unknown as IDataObject,
	];
}
