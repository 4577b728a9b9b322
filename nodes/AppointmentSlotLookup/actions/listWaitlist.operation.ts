/** List Waitlist: one item per entry (oldest first), by status, practitioner, service or patient. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WaitlistStatus } from '../../../core/waitlist';
import { entryJson, practitionerFor, type WaitlistItem } from './waitlist-access';
import { waitlistPatientPhone, waitlistShow, waitlistWho } from './waitlist-fields';

const show = waitlistShow(['listWaitlist']);

export const description: INodeProperties[] = [
	{
		displayName: 'Statuses',
		name: 'waitlistStatuses',
		type: 'multiOptions',
		default: ['waiting'],
		description: 'Only entries with these statuses (empty = all)',
		displayOptions: show,
		options: [
			{ name: 'Booked (Got a Freed Time)', value: 'booked' },
			{ name: 'Left', value: 'left' },
			{ name: 'Waiting', value: 'waiting' },
		],
	},
	...waitlistWho(['listWaitlist'], 'Only entries for'),
	waitlistPatientPhone(['listWaitlist'], 'Only this patient’s entries; empty = everyone'),
	{
		displayName: 'Limit',
		name: 'waitlistLimit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions, w: WaitlistItem, i: number): Promise<IDataObject[]> {
	const text = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const entries = await w.service.list(w.listId, {
		statuses: (this.getNodeParameter('waitlistStatuses', i, []) as WaitlistStatus[]) ?? [],
		practitionerId: practitionerFor(w.provider, text('waitlistPractitionerId')),
		serviceId: text('waitlistServiceId'),
		patient: { phone: text('waitlistPatientPhone') },
		limit: Number(this.getNodeParameter('waitlistLimit', i, 50)) || 50,
	});
	return entries.map(entryJson);
}
