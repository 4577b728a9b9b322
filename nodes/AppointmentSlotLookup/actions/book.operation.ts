/** Book: books a slot ID (from Find Free Slots or straight from a WhatsApp list reply). "Slot just taken" is an outcome. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import type { FreeSlot, SlotLocale } from '../../../core/scheduling/types';
import { buildSlotList } from '../../../core/scheduling/whatsapp-list';
import { readLocale } from './provider-factory';

const show = { operation: ['book'] };

export const slotIdHint =
	'From Find Free Slots ({{ $json.slotId }}) or the patient’s WhatsApp list choice ({{ $json.interactive.listReply.id }})';

export const description: INodeProperties[] = [
	{
		displayName: 'Slot ID',
		name: 'slotId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'sl1~b~dra-ana~consulta~…',
		description: 'The slot to book, exactly as Find Free Slots produced it',
		hint: slotIdHint,
		displayOptions: { show },
	},
	{
		displayName: 'Patient Name',
		name: 'patientName',
		type: 'string',
		default: '',
		description: 'Full name of the patient (stored encrypted by the built-in scheduler)',
		displayOptions: { show },
	},
	{
		displayName: 'Patient Phone',
		name: 'patientPhone',
		type: 'string',
		default: '',
		placeholder: '+5511999990000',
		description: 'WhatsApp number in international format, used by reminder workflows',
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'bookFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Email', name: 'email', type: 'string', default: '', placeholder: 'name@email.com' },
			{ displayName: 'Notes', name: 'notes', type: 'string', default: '', typeOptions: { rows: 2 } },
			{
				displayName: 'FHIR Patient Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'Patient/123',
				description:
					'FHIR backend: link the Appointment to this Patient (otherwise name and phone are kept in the Appointment)',
			},
		],
	},
];

/** A WhatsApp list of alternatives, ready to send when the slot was just taken (null when there are none). */
export function alternativesList(alternatives: FreeSlot[], locale: SlotLocale) {
	return buildSlotList(alternatives, { locale }).interactive;
}

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const fields = this.getNodeParameter('bookFields', i, {}) as IDataObject;
	const outcome = await provider.book({
		slotId: String(this.getNodeParameter('slotId', i, '') ?? ''),
		patient: {
			name: String(this.getNodeParameter('patientName', i, '') ?? ''),
			phone: String(this.getNodeParameter('patientPhone', i, '') ?? ''),
			email: fields.email ? String(fields.email) : undefined,
			reference: fields.reference ? String(fields.reference) : undefined,
		},
		notes: fields.notes ? String(fields.notes) : undefined,
	});
	if (outcome.booked) return [{ ...outcome } as unknown as IDataObject];
	return [
		{
			...outcome,
			alternativesWhatsappList: alternativesList(outcome.alternatives, readLocale(this, i)),
		} as unknown as IDataObject,
	];
}
