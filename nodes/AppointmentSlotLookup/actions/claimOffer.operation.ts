/**
 * Claim Offer: a patient tapped "Take this time". The first to accept gets the time through this node's Book (the
 * same no-double-booking path); later taps get `claimed: false, reason: "taken"` and stay on the waitlist; expired
 * offers book nothing. `replyText` is what to answer the patient, in the node's Language.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { claimReply } from '../../../core/waitlist';
import { readLocale } from './provider-factory';
import { entryJson, type WaitlistItem } from './waitlist-access';
import { waitlistShow } from './waitlist-fields';

const show = waitlistShow(['claimOffer']);

export const description: INodeProperties[] = [
	{
		displayName: 'Offer ID',
		name: 'offerId',
		type: 'string',
		default: '={{ $json.button?.payload ?? "" }}',
		required: true,
		description:
			'The button payload of the offer (WAITLIST_CLAIM: followed by the offer ID) or the offer ID from Offer Freed Slot',
		hint: 'From the WhatsApp Clinic Trigger, a quick-reply tap: {{ $json.button.payload }}',
		displayOptions: show,
	},
	{
		displayName: 'Tapped By (Patient Phone)',
		name: 'claimPatientPhone',
		type: 'string',
		default: '={{ $json.from ?? "" }}',
		description:
			'WhatsApp number of the patient who tapped: only the patient the offer was sent to can claim it',
		displayOptions: show,
	},
	{
		displayName: 'Tapped By (WhatsApp User ID)',
		name: 'claimUserId',
		type: 'string',
		default: '={{ $json.userId ?? "" }}',
		description: 'Business-scoped user ID of the patient who tapped (when the number is not shared)',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions, w: WaitlistItem, i: number): Promise<IDataObject[]> {
	const text = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const outcome = await w.service.claim(
		w.listId,
		{ offerId: text('offerId'), tapper: { phone: text('claimPatientPhone'), userId: text('claimUserId') } },
		async (entry, slot) =>
			await w.provider.book({
				slotId: slot.slotId,
				patient: {
					name: entry.patient.name,
					phone: entry.patient.phone,
					email: entry.patient.email,
					reference: entry.patient.reference,
				},
				notes: 'Booked from the waitlist',
			}),
	);
	const { entry, ...rest } = outcome;
	return [
		{
			...rest,
			replyText: claimReply(outcome, readLocale(this, i)),
			...(entry ? { entry: entryJson(entry) } : {}),
		} as unknown as IDataObject,
	];
}
