/** The filter fields Query and Export share (direction, event, period, message, patient, purpose) and their reader. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { AUDIT_DIRECTIONS } from '../../../core/audit/entry';

export const directionOptions = AUDIT_DIRECTIONS.map((d) => ({
	name: d.charAt(0).toUpperCase() + d.slice(1),
	value: d,
}));

/** Filter fields shared by Query and Export. */
export function filterFields(operation: string): INodeProperties[] {
	const show = { operation: [operation] };
	return [
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'Direction',
					name: 'direction',
					type: 'options',
					default: 'inbound',
					options: directionOptions,
				},
				{
					displayName: 'Event',
					name: 'event',
					type: 'string',
					default: '',
					placeholder: 'message.sent',
					description:
						'Exact event name, e.g. message.received, message.sent, status.read, consent.withdrawn',
				},
				{
					displayName: 'From',
					name: 'from',
					type: 'dateTime',
					default: '',
					description:
						'Only entries recorded at or after this time (ISO 8601, e.g. 2025-01-31T08:00:00; without an offset it is read in the workflow time zone)',
				},
				{
					displayName: 'Message ID',
					name: 'messageId',
					type: 'string',
					default: '',
					placeholder: 'wamid.HBgM…',
					description:
						'The WhatsApp message ID. Matched through its keyed digest (message IDs are stored encrypted: they contain the phone number).',
				},
				{
					displayName: 'Patient Phone',
					name: 'patientPhone',
					type: 'string',
					default: '',
					placeholder: '+5511987654321',
					description:
						'International number in any format. Matched through its keyed digest (phones are stored encrypted).',
				},
				{
					displayName: 'Purpose',
					name: 'purpose',
					type: 'string',
					default: '',
					placeholder: 'appointment-reminder',
				},
				{
					displayName: 'To',
					name: 'to',
					type: 'dateTime',
					default: '',
					description:
						'Only entries recorded before this time (ISO 8601, e.g. 2025-02-01; without an offset it is read in the workflow time zone)',
				},
				{
					displayName: 'WhatsApp User ID',
					name: 'userId',
					type: 'string',
					default: '',
					placeholder: 'US.13491208655302741918',
					description: 'Business-scoped user ID (BSUID) of the patient',
				},
			],
		},
	];
}

export function readFilters(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const f = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(f)) if (v !== '' && v !== undefined && v !== null) out[k] = v;
	return out;
}
