/** Join Waitlist: a patient waits for an earlier time (practitioner and/or service, dates, times of day). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { joinReply } from '../../../core/waitlist';
import { readLocale } from './provider-factory';
import { entryJson, practitionerFor, type WaitlistItem } from './waitlist-access';
import { waitlistPatientPhone, waitlistShow, waitlistWho } from './waitlist-fields';

const show = waitlistShow(['joinWaitlist']);

export const description: INodeProperties[] = [
	{
		displayName: 'Patient Name',
		name: 'waitlistPatientName',
		type: 'string',
		default: '',
		required: true,
		description: 'Full name (stored encrypted; used to book the time the patient claims)',
		hint: 'From the WhatsApp Clinic Trigger: {{ $json.profileName }}',
		displayOptions: show,
	},
	waitlistPatientPhone(
		['joinWaitlist'],
		'WhatsApp number the offer of a freed time is sent to (international format)',
	),
	...waitlistWho(['joinWaitlist'], 'Wait for'),
	{
		displayName: 'Earliest Date',
		name: 'waitlistEarliest',
		type: 'dateTime',
		default: '',
		description: 'Offer no time before this date (clinic time). Empty = from now.',
		displayOptions: show,
	},
	{
		displayName: 'Latest Date',
		name: 'waitlistLatest',
		type: 'dateTime',
		default: '',
		description: 'Offer no time after this day (the whole day is included). Empty = no end.',
		displayOptions: show,
	},
	{
		displayName: 'Preferred Times',
		name: 'waitlistTimesOfDay',
		type: 'multiOptions',
		default: [],
		description: 'Times of day the patient can come (clinic time); none = any time',
		displayOptions: show,
		options: [
			{ name: 'Morning (Before 12:00)', value: 'morning' },
			{ name: 'Afternoon (12:00–18:00)', value: 'afternoon' },
			{ name: 'Evening (After 18:00)', value: 'evening' },
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'waitlistFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Email', name: 'email', type: 'string', default: '', placeholder: 'name@email.com' },
			{
				displayName: 'FHIR Patient Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'Patient/123',
				description: 'FHIR backend: the claimed time is booked for this Patient',
			},
			{ displayName: 'Notes', name: 'notes', type: 'string', default: '', typeOptions: { rows: 2 } },
			{
				displayName: 'WhatsApp User ID',
				name: 'userId',
				type: 'string',
				default: '',
				description: 'Business-scoped user ID, for patients who do not share their number',
				hint: 'From the WhatsApp Clinic Trigger: {{ $json.userId }}',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, w: WaitlistItem, i: number): Promise<IDataObject[]> {
	const text = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const fields = this.getNodeParameter('waitlistFields', i, {}) as IDataObject;
	const field = (name: string) => (fields[name] ? String(fields[name]) : undefined);
	const { entry, updated } = await w.service.join(w.listId, {
		patient: {
			name: text('waitlistPatientName'),
			phone: text('waitlistPatientPhone'),
			userId: field('userId'),
			email: field('email'),
			reference: field('reference'),
		},
		practitionerId: practitionerFor(w.provider, text('waitlistPractitionerId')),
		serviceId: text('waitlistServiceId'),
		earliest: text('waitlistEarliest'),
		latest: text('waitlistLatest'),
		timesOfDay: (this.getNodeParameter('waitlistTimesOfDay', i, []) as string[]) ?? [],
		notes: field('notes'),
		timeZone: w.provider.timeZone,
	});
	return [{ joined: true, updated, ...entryJson(entry), replyText: joinReply(readLocale(this, i)) }];
}
