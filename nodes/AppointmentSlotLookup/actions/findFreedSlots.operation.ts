/**
 * Find Freed Slots: for a scheduling system that other tools change too (a FHIR server the EHR writes to, staff
 * cancelling in another app). Run from a Schedule Trigger: each run reads the free times of one practitioner /
 * service and outputs the ones that were not free at the previous run (each freed time once), in the shape Offer
 * Freed Slot takes. The first run only records what is free.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { pollFreedSlots } from '../../../core/waitlist';
import { readLocale } from './provider-factory';
import type { WaitlistItem } from './waitlist-access';
import { waitlistShow, waitlistWho } from './waitlist-fields';
import { CallWarnings } from './warnings';

const show = waitlistShow(['findFreedSlots']);

export const description: INodeProperties[] = [
	...waitlistWho(['findFreedSlots'], 'Watch'),
	{
		displayName: 'Days Ahead',
		name: 'watchDaysAhead',
		type: 'number',
		default: 14,
		typeOptions: { minValue: 1, maxValue: 366 },
		description: 'How many days from now to watch for freed times',
		displayOptions: show,
	},
	{
		displayName: 'Max Free Slots Read',
		name: 'watchMaxSlots',
		type: 'number',
		default: 500,
		typeOptions: { minValue: 10 },
		description:
			'How many free times one run reads at most; when there are more, only the days read are compared (raise it, or watch fewer days)',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions, w: WaitlistItem, i: number): Promise<IDataObject[]> {
	const text = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const warnings = new CallWarnings();
	const freed = await pollFreedSlots(w.service, w.listId, w.provider, {
		practitionerId: text('waitlistPractitionerId'),
		serviceId: text('waitlistServiceId'),
		daysAhead: Number(this.getNodeParameter('watchDaysAhead', i, 14)) || 14,
		limit: Number(this.getNodeParameter('watchMaxSlots', i, 500)) || 500,
		locale: readLocale(this, i),
		onWarning: warnings.sink,
	});
	const backend = w.provider.backend;
	return warnings.apply(
		this,
		freed.map((s) => ({ ...s, backend, freed: true }) as unknown as IDataObject),
	);
}
