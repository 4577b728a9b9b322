/** Cancel: FHIR `cancelled` (built-in and FHIR free the slot). "Not found" / "already cancelled" are outcomes. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';

const show = { operation: ['cancel'] };

export const appointmentIdProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Appointment ID',
	name: 'appointmentId',
	type: 'string',
	default: '',
	required: true,
	description: 'The appointment "ID" returned by Book or List Appointments (Cal.com: the booking uid)',
	displayOptions: { show: { operation: operations } },
});

export const description: INodeProperties[] = [
	appointmentIdProperty(['cancel']),
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		description: 'Why the appointment is cancelled (kept with the appointment)',
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const outcome = await provider.cancel({
		appointmentId: String(this.getNodeParameter('appointmentId', i, '') ?? ''),
		reason: String(this.getNodeParameter('reason', i, '') ?? '') || undefined,
	});
	return [{ ...outcome } as unknown as IDataObject];
}
