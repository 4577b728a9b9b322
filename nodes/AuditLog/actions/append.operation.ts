/**
 * Append: one audit entry per input item, all in ONE store transaction (one contiguous chain segment per execution).
 * Fields are detected from the item (Trigger events, send results, consent changes, bookings); anything set under
 * "Fields" overrides the detection. Output = the input item plus `audit: { seq, hash, recordedAt }`.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type PreparedEntry, appendPreparedEntries, prepareEntry } from '../../../core/audit/chain';
import { AUDIT_OUTCOMES, type AuditDirection, type AuditEntryInput } from '../../../core/audit/entry';
import { ClinicError } from '../../../core/errors';
import type { ClinicStore } from '../../../core/store/ports';
import { settle } from '../../../core/settle';
import { auditActor, buildAuditEntry } from '../../shared/audit';
import { failItem } from '../../shared/items';
import { directionOptions } from './filter-fields';

const show = { operation: ['append'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Auto-Detect',
				value: 'auto',
				description: 'Inbound for received messages, status for delivery updates, outbound for send results',
			},
			...directionOptions,
		],
		description: 'Which way the communication went',
		displayOptions: { show },
	},
	{
		displayName: 'Purpose',
		name: 'purpose',
		type: 'string',
		default: '',
		placeholder: 'appointment-reminder',
		description: 'Why the patient was contacted (used when the item does not carry its own purpose)',
		hint: 'Use the same purpose names as in Consent Check',
		displayOptions: { show },
	},
	{
		displayName: 'Store Message Text',
		name: 'includeContent',
		type: 'boolean',
		default: true,
		description:
			'Whether to keep the message text or caption (encrypted with the PHI key). Its SHA-256 digest is always part of the tamper-evident chain.',
		displayOptions: { show },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Set Field',
		default: {},
		description: 'Values to record instead of the detected ones (use expressions to map from the item)',
		displayOptions: { show },
		options: [
			{
				displayName: 'Details (JSON)',
				name: 'details',
				type: 'json',
				default: '{}',
				description:
					'Extra facts without health data, e.g. {"appointmentId": "A-12", "status": "booked"}. Values must be text, numbers or true/false.',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'string',
				default: '',
				placeholder: 'booking.created',
				description: 'Short event name, e.g. message.sent, consent.granted, booking.created',
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '',
				placeholder: '={{ $json.messageId }}',
			},
			{
				displayName: 'Message Text',
				name: 'content',
				type: 'string',
				default: '',
				typeOptions: { rows: 2 },
				description: 'Text to record (stored encrypted)',
			},
			{
				displayName: 'Outcome',
				name: 'outcome',
				type: 'options',
				default: 'success',
				options: AUDIT_OUTCOMES.map((o) => ({
					name: o.replace('-', ' ').replace(/^./, (c) => c.toUpperCase()),
					value: o,
				})),
			},
			{
				displayName: 'Patient Phone',
				name: 'patientPhone',
				type: 'string',
				default: '',
				placeholder: '+5511987654321',
				description: 'International number (stored encrypted, searchable through a keyed digest)',
			},
			{
				displayName: 'Template',
				name: 'template',
				type: 'string',
				default: '',
				placeholder: 'appointment_reminder',
			},
			{
				displayName: 'WhatsApp User ID',
				name: 'userId',
				type: 'string',
				default: '',
				description: 'Business-scoped user ID (BSUID) of the patient',
			},
		],
	},
];

const DETAILS_FIELD = 'Details (JSON)';
const DETAILS_HINT =
	'Write a JSON object of plain values, e.g. {"appointmentId": "A-12", "status": "booked"}';

function readDetails(value: unknown, fieldOwner: string): AuditEntryInput['details'] {
	if (value === undefined || value === null || value === '' || value === '{}') return undefined;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			parsed = undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ClinicError(
			`${fieldOwner}: "${DETAILS_FIELD}" must be a JSON object, e.g. {"appointmentId": "A-12"}`,
			{
				code: 'invalid_input',
				field: DETAILS_FIELD,
				hint: DETAILS_HINT,
			},
		);
	}
	return parsed as AuditEntryInput['details'];
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	store: ClinicStore,
): Promise<INodeExecutionData[][]> {
	const actor = auditActor(this);
	const entries: Array<{ index: number; entry: PreparedEntry }> = [];
	const out: INodeExecutionData[] = new Array(items.length);
	// Phase 1: map + validate every item (nothing is written if an item is bad and Continue On Fail is off).
	for (let i = 0; i < items.length; i++) {
		const mapped = await settle(async () => {
			const direction = this.getNodeParameter('direction', i, 'auto') as AuditDirection | 'auto';
			const fields = this.getNodeParameter('fields', i, {}) as IDataObject;
			const { details, ...rest } = fields;
			const entry = buildAuditEntry(
				items[i].json,
				direction,
				{
					purpose: this.getNodeParameter('purpose', i, '') as string,
					includeContent: this.getNodeParameter('includeContent', i, true) as boolean,
					actor,
					overrides: () => ({
						...(rest as Partial<AuditEntryInput>),
						details: readDetails(details, `Item ${i}`),
					}),
				},
				i,
			);
			// Validates (direction, phone, lengths) and encrypts before the transaction.
			return prepareEntry(entry, store.cipher);
		});
		if (!mapped.ok) {
			out[i] = failItem(this, mapped.error, i);
			continue;
		}
		entries.push({ index: i, entry: mapped.value });
	}
	// Phase 2: one transaction for the whole execution.
	const appended = await settle(
		async () =>
			await appendPreparedEntries(
				store,
				entries.map((e) => e.entry),
			),
	);
	if (!appended.ok) {
		// Nothing of the batch was written: every mapped item fails (the first one throws without Continue On Fail).
		for (const e of entries) out[e.index] = failItem(this, appended.error, e.index);
		return [out];
	}
	entries.forEach((e, k) => {
		const a = appended.value[k];
		out[e.index] = {
			json: { ...items[e.index].json, audit: { seq: a.seq, hash: a.hash, recordedAt: a.ts } },
			pairedItem: { item: e.index },
		};
	});
	return [out];
}
