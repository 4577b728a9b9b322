/**
 * Record Opt-in / Record Opt-out: append a consent change with its evidence (source message id, text shown to
 * the patient, channel, time, and the workflow/execution/node that recorded it). Each change is written to the
 * audit log in the same transaction.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { ConsentInputError } from '../../../core/consent/identity';
import type { ConsentService } from '../../../core/consent/service';
import { iso } from '../../shared/consent-fields';
import { BUILT_IN_PURPOSE_OPTIONS, defaultCountryField, recipientFields } from './fields';
import { actorOf, readIdentity, readPurposes } from './parameters';

const OPS = ['recordOptIn', 'recordOptOut'];

export const description: INodeProperties[] = [
	...recipientFields(OPS),
	{
		displayName: 'Purposes',
		name: 'purposes',
		type: 'multiOptions',
		options: BUILT_IN_PURPOSE_OPTIONS,
		default: [],
		description: 'What the patient agreed to receive',
		displayOptions: { show: { operation: ['recordOptIn'] } },
	},
	{
		displayName: 'Purposes',
		name: 'purposes',
		type: 'multiOptions',
		options: [{ name: 'All Purposes', value: 'all' }, ...BUILT_IN_PURPOSE_OPTIONS],
		default: ['all'],
		description: 'What the patient no longer wants to receive. All Purposes also covers custom ones.',
		displayOptions: { show: { operation: ['recordOptOut'] } },
	},
	{
		displayName: 'Custom Purposes',
		name: 'customPurposes',
		type: 'string',
		default: '',
		placeholder: 'vaccination_campaign, newsletter',
		description: 'Comma-separated custom purpose IDs, in addition to the purposes chosen above',
		displayOptions: { show: { operation: OPS } },
	},
	{
		displayName: 'Text Shown to the Patient',
		name: 'textShown',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description:
			'The consent wording the patient saw (or the message they sent). Kept encrypted as evidence; not exported unless asked.',
		displayOptions: { show: { operation: OPS } },
	},
	{
		displayName: 'Source Message ID',
		name: 'sourceMessageId',
		type: 'string',
		default: '',
		placeholder: 'wamid.HBgL…',
		description:
			'WhatsApp message ID of the patient’s answer (or of the question). Recording the same message again changes nothing.',
		displayOptions: { show: { operation: OPS } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: OPS } },
		options: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'options',
				default: 'whatsapp',
				options: [
					{ name: 'In Person', value: 'in_person' },
					{ name: 'Other', value: 'other' },
					{ name: 'Paper Form', value: 'paper' },
					{ name: 'Phone Call', value: 'phone' },
					{ name: 'Web Form', value: 'web' },
					{ name: 'WhatsApp', value: 'whatsapp' },
				],
				description: 'Where the patient gave or withdrew consent',
			},
			defaultCountryField,
			{
				displayName: 'Given At',
				name: 'givenAt',
				type: 'dateTime',
				default: '',
				description: 'When the patient acted (e.g. the message time). Empty = now.',
			},
			{
				displayName: 'Expires At',
				name: 'expiresAt',
				type: 'dateTime',
				default: '',
				description: 'Opt-in only: the consent stops counting at this time. Empty = no expiry.',
			},
		],
	},
];

function parseDate(value: unknown, field: string): number | null {
	if (value === undefined || value === null || value === '') return null;
	const dt =
		value instanceof Date
			? DateTime.fromJSDate(value)
			: typeof value === 'number'
				? DateTime.fromMillis(value)
				: DateTime.fromISO(String(value), { setZone: true });
	if (!dt.isValid) {
		throw new ConsentInputError(
			field,
			`"${String(value)}" is not a date. Use ISO 8601, e.g. 2026-11-25T14:30:00Z.`,
		);
	}
	return dt.toMillis();
}

/** Records one item's opt-in or opt-out; the output keeps the input fields and adds `consentRecord`. */
export async function recordItem(
	this: IExecuteFunctions,
	itemIndex: number,
	service: ConsentService,
	action: 'opt_in' | 'opt_out',
): Promise<INodeExecutionData> {
	const identity = readIdentity(this, itemIndex);
	const purposes = readPurposes(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const text = String(this.getNodeParameter('textShown', itemIndex, '') ?? '');
	const sourceMessageId = String(this.getNodeParameter('sourceMessageId', itemIndex, '') ?? '').trim();
	const evidence = {
		sourceMessageId: sourceMessageId || null,
		textShown: text.trim() === '' ? null : text,
		channel: (options.channel as string) || 'whatsapp',
		timestamp: parseDate(options.givenAt, 'Given At') ?? service.now(),
		actor: actorOf(this),
		keyword: null,
	};
	const stored =
		action === 'opt_in'
			? await service.recordOptIn(identity, {
					purposes,
					evidence,
					expiresAt: parseDate(options.expiresAt, 'Expires At'),
				})
			: await service.recordOptOut(identity, { purposes, evidence });
	return {
		json: {
			...this.getInputData()[itemIndex].json,
			consentRecord: {
				action,
				purposes: stored.map((e) => e.purpose),
				recordedAt: iso(stored[0]?.recordedAt ?? null),
				expiresAt: iso(stored[0]?.expiresAt ?? null),
				eventIds: stored.map((e) => e.id),
				alreadyRecorded: stored.every((e) => e.duplicate === true),
			},
		},
	};
}
