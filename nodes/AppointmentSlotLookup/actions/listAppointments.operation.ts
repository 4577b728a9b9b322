/**
 * List Appointments in a window, one item each, with the patient's contact (for reminder workflows), optionally of
 * one patient ("my appointments"). Results a remote system reported but did not let us read are a warning.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import type { AppointmentStatus } from '../../../core/scheduling/types';
import { readLocale } from './provider-factory';
import { CallWarnings } from './warnings';

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
		displayName: 'Patient Phone',
		name: 'listPatientPhone',
		type: 'string',
		default: '',
		placeholder: '+5511999990000',
		description:
			'Only this patient’s appointments ("my appointments"), by the WhatsApp number they booked with; empty = everyone',
		hint: 'From the WhatsApp Clinic Trigger: {{ $json.from }}',
		displayOptions: { show: { ...show, backend: ['builtin', 'fhir'] } },
	},
	{
		displayName: 'Patient Email',
		name: 'listPatientEmail',
		type: 'string',
		default: '',
		placeholder: 'name@email.com',
		description:
			'Only this patient’s appointments, by the email they booked with (Cal.com can filter by email only); empty = everyone',
		displayOptions: { show: { ...show, backend: ['fhir', 'calcom'] } },
	},
	{
		displayName: 'FHIR Patient Reference',
		name: 'listPatientReference',
		type: 'string',
		default: '',
		placeholder: 'Patient/123',
		description: 'Only this Patient’s appointments (searched with patient=); empty = everyone',
		displayOptions: { show: { ...show, backend: ['fhir'] } },
	},
	{
		displayName: 'Limit',
		name: 'listLimit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		hint: 'Earliest first. When more appointments match, the node lists this many and says so (a warning on the node and in every item’s warnings): raise it or narrow From / To.',
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const text = (name: string) => String(this.getNodeParameter(name, i, '') || '').trim() || undefined;
	const warnings = new CallWarnings();
	const list = await provider.listAppointments({
		from: String(this.getNodeParameter('windowStart', i, '') ?? ''),
		to: String(this.getNodeParameter('windowEnd', i, '') ?? ''),
		statuses: (this.getNodeParameter('statuses', i, []) as AppointmentStatus[]) ?? [],
		practitionerId:
			provider.backend === 'calcom'
				? undefined
				: String(this.getNodeParameter('listPractitionerId', i, '') || '') || undefined,
		patient: {
			phone: provider.backend === 'calcom' ? undefined : text('listPatientPhone'),
			email: provider.backend === 'builtin' ? undefined : text('listPatientEmail'),
			reference: provider.backend === 'fhir' ? text('listPatientReference') : undefined,
		},
		limit: Number(this.getNodeParameter('listLimit', i, 50)) || 50,
		locale: readLocale(this, i),
		onWarning: warnings.sink,
	});
	return warnings.apply(
		this,
		list.map((a) => ({ ...a }) as unknown as IDataObject),
	);
}
