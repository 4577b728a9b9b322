/**
 * Offer Freed Slot: the time a Cancel or Reschedule freed (or one staff enter) is offered to the first waiting
 * patients who fit, in waves; one output item per patient to message, with the "Take this time" button payload.
 * "Next Waves Due" (from a Schedule Trigger) offers the next wave of every freed time whose window has passed.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readFreedSlot } from '../../../core/waitlist';
import { readLocale } from './provider-factory';
import { offerJson, slotStillFree, type WaitlistItem } from './waitlist-access';
import { waitlistShow } from './waitlist-fields';

const show = waitlistShow(['offerFreedSlot']);

export const description: INodeProperties[] = [
	{
		displayName: 'Slots to Offer',
		name: 'offerSource',
		type: 'options',
		default: 'freedSlot',
		displayOptions: show,
		options: [
			{
				name: 'The Freed Slot of Each Item',
				value: 'freedSlot',
				description: 'A Cancel or Reschedule output, an appointment, or a Find Free Slots item',
			},
			{
				name: 'Next Waves Due',
				value: 'due',
				description:
					'Every freed time whose offer window has passed: the next patients are asked (run it from a Schedule Trigger)',
			},
		],
	},
	{
		displayName: 'Freed Slot',
		name: 'freedSlot',
		type: 'json',
		default: '={{ $json }}',
		description:
			'The freed time: the output item of Cancel or Reschedule (Reschedule frees its previous time), an appointment, or a Find Free Slots item',
		hint: 'Keep {{ $json }} after Cancel / Reschedule; nothing is offered when nothing was cancelled',
		displayOptions: { show: { ...show.show, offerSource: ['freedSlot'] } },
	},
	{
		displayName: 'Patients per Wave',
		name: 'waveSize',
		type: 'number',
		default: 3,
		typeOptions: { minValue: 1 },
		description: 'How many waiting patients (oldest first) are offered the time at once',
		displayOptions: show,
	},
	{
		displayName: 'Offer Window (Minutes)',
		name: 'offerWindowMinutes',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 1 },
		description:
			'How long an offer can be taken; after it, a run of Next Waves Due asks the next patients. Offers never outlive the time itself.',
		displayOptions: show,
	},
	{
		displayName: 'Check the Time Is Still Free',
		name: 'checkStillFree',
		type: 'boolean',
		default: true,
		description:
			'Whether to ask the scheduling system before offering a time for the first time (a repeated cancellation must not offer a time that was booked again)',
		displayOptions: { show: { ...show.show, offerSource: ['freedSlot'] } },
	},
];

export async function execute(this: IExecuteFunctions, w: WaitlistItem, i: number): Promise<IDataObject[]> {
	const options = {
		waveSize: Number(this.getNodeParameter('waveSize', i, 3)),
		windowMs: Number(this.getNodeParameter('offerWindowMinutes', i, 30)) * 60_000,
		locale: readLocale(this, i),
	};
	if (this.getNodeParameter('offerSource', i, 'freedSlot') === 'due') {
		return (await w.service.offerDueWaves(w.listId, options)).map(offerJson);
	}
	const freed = readFreedSlot(this.getNodeParameter('freedSlot', i, {}), w.provider.timeZone);
	if (!freed) return [];
	const check = this.getNodeParameter('checkStillFree', i, true) as boolean;
	const offers = await w.service.offerFreedSlot(
		w.listId,
		freed,
		options,
		check ? async (slot) => await slotStillFree(w.provider, slot) : undefined,
	);
	return offers.map(offerJson);
}
