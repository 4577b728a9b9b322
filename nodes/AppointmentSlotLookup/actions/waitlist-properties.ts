/** The Waitlist resource of Appointment Slot Lookup: its operation list and every operation's fields. */
import type { INodeProperties } from 'n8n-workflow';

import * as claimOffer from './claimOffer.operation';
import * as findFreedSlots from './findFreedSlots.operation';
import * as joinWaitlist from './joinWaitlist.operation';
import * as leaveWaitlist from './leaveWaitlist.operation';
import * as listWaitlist from './listWaitlist.operation';
import * as offerFreedSlot from './offerFreedSlot.operation';

export const waitlistProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'joinWaitlist',
		displayOptions: { show: { resource: ['waitlist'] } },
		options: [
			{
				name: 'Claim Offer',
				value: 'claimOffer',
				action: 'Claim a waitlist offer',
				description:
					'A patient tapped "Take this time": the first one books it, later ones are told it was taken',
			},
			{
				name: 'Find Freed Slots',
				value: 'findFreedSlots',
				action: 'Find slots freed elsewhere',
				description:
					'Run on a schedule: times that became free since the last run (cancelled in another system), ready for Offer Freed Slot',
			},
			{
				name: 'Join Waitlist',
				value: 'joinWaitlist',
				action: 'Join the waitlist',
				description: 'A patient waits for an earlier time (practitioner or service, dates, times of day)',
			},
			{
				name: 'Leave Waitlist',
				value: 'leaveWaitlist',
				action: 'Leave the waitlist',
				description: 'Remove a patient’s waiting entries',
			},
			{
				name: 'List Waitlist',
				value: 'listWaitlist',
				action: 'List the waitlist',
				description: 'Waiting (or booked, left) entries',
			},
			{
				name: 'Offer Freed Slot',
				value: 'offerFreedSlot',
				action: 'Offer a freed slot to the waitlist',
				description: 'Offer a cancelled or moved time to the first waiting patients who fit, in waves',
			},
		],
	},
	...joinWaitlist.description,
	...leaveWaitlist.description,
	...listWaitlist.description,
	...offerFreedSlot.description,
	...claimOffer.description,
	...findFreedSlots.description,
];
