/** Leave Waitlist: every waiting entry of a patient (one word or a button in the bot), or one entry by ID. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { entryJson, practitionerFor, type WaitlistItem } from './waitlist-access';
import { waitlistPatientPhone, waitlistShow, waitlistWho } from './waitlist-fields';

export const description: INodeProperties[] = [
	waitlistPatientPhone(['leaveWaitlist'], 'Remove every waiting entry of this WhatsApp number'),
	{
		displayName: 'Entry ID',
		name: 'waitlistEntryId',
		type: 'string',
		default: '',
		description: 'Or remove just this entry (the entryId from Join Waitlist or List Waitlist)',
		displayOptions: waitlistShow(['leaveWaitlist']),
	},
	...waitlistWho(['leaveWaitlist'], 'Leave the entries for'),
];

export async function execute(this: IExecuteFunctions, w: WaitlistItem, i: number): Promise<IDataObject[]> {
	const text = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const left = await w.service.leave(w.listId, {
		entryId: text('waitlistEntryId'),
		patient: { phone: text('waitlistPatientPhone') },
		practitionerId: practitionerFor(w.provider, text('waitlistPractitionerId')),
		serviceId: text('waitlistServiceId'),
	});
	return [{ left: left.length, entries: left.map(entryJson) }];
}
