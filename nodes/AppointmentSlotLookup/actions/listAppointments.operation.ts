/** List Appointments in a window, one item each, with the patient's contact (for reminder workflows). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import type { AppointmentStatus } from '../../../core/scheduling/types';
import { readLocale } from './provider-factory';

const show = { operation: ['listAppointments'] };

export const description: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'windowStart',
		type: 'dateTime',
		default: '={{ $now.plus({ hours: 24 }).startOf("day").toISO() }}',
		required: true,
		description: 'Appointments starting at or after this time (clinic local time when no offset is given)',
		displayOptions: { show },
	},
	{
		displayName: 'To',
		name: 'windowEnd',
		type: 'dateTime',
		default: '={{ $now.plus({ hours: 24 }).endOf("day").toISO() }}',
		required: true,
		description: 'Appointments starting before this time',
		displayOptions: { show },
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		default: ['booked'],
		description: 'Only appointments with these statuses (empty = all)',
		displayOptions: { show },
		options: [
			{ name: 'Arrived', value: 'arrived' },
			{ name: 'Cancelled', value: 'cancelled' },
			{ name: 'Confirmed (Booked)', value: 'booked' },
			{ name: 'Fulfilled', value: 'fulfilled' },
			{ name: 'No-Show', value: 'noshow' },
			{ name: 'Pending', value: 'pending' },
		],
	},
	{
		displayName: 'Practitioner',
		name: 'listPractitionerId',
		type: 'string',
		default: '',
		description: 'Only this practitioner (built-in ID or FHIR Practitioner ID); empty = all',
		displayOptions: { show: { ...show, backend: ['builtin', 'fhir'] } },
	},
	{
		displayName: 'Limit',
		name: 'listLimit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const list = await provider.listAppointments({
		from: String(this.getNodeParameter('windowStart', i, '') ?? ''),
		to: String(this.getNodeParameter('windowEnd', i, '') ?? ''),
		statuses: (this.getNodeParameter('statuses', i, []) as AppointmentStatus[]) ?? [],
		practitionerId:
			provider.backend === 'calcom'
				? undefined
				: String(this.getNodeParameter('listPractitionerId', i, '') || '') || undefined,
		limit: Number(this.getNodeParameter('listLimit', i, 50)) || 50,
		locale: readLocale(this, i),
	});
	return list.map((a) => ({ ...a }) as unknown as IDataObject);
}
