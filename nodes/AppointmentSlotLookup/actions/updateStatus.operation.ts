/** Update Status with FHIR appointment status codes (Confirmed = booked, Arrived, No-Show, Fulfilled). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import type { UpdatableStatus } from '../../../core/scheduling/types';
import { appointmentIdProperty } from './cancel.operation';

export const description: INodeProperties[] = [
	appointmentIdProperty(['updateStatus']),
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'booked',
		displayOptions: { show: { operation: ['updateStatus'] } },
		options: [
			{ name: 'Arrived', value: 'arrived', description: 'The patient is at the clinic' },
			{ name: 'Confirmed', value: 'booked', description: 'The patient confirmed (FHIR "booked")' },
			{ name: 'Fulfilled', value: 'fulfilled', description: 'The appointment took place' },
			{ name: 'No-Show', value: 'noshow', description: 'The patient did not come (FHIR "noshow")' },
		],
		description: 'New status (Cal.com supports Confirmed and No-Show)',
	},
];

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const appointment = await provider.updateStatus({
		appointmentId: String(this.getNodeParameter('appointmentId', i, '') ?? ''),
		status: this.getNodeParameter('status', i, 'booked') as UpdatableStatus,
	});
	return [{ ...appointment } as unknown as IDataObject];
}
