/** Get History: the patient's consent timeline (all linked identifiers), optionally as FHIR R4 Consent resources. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { decide } from '../../../core/consent/decision';
import { BUILT_IN_PURPOSES } from '../../../core/consent/purposes';
import type { ConsentService } from '../../../core/consent/service';
import { iso, policyOverridesField } from '../../shared/consent-fields';
import { defaultCountryField, recipientFields } from './fields';
import { readIdentity } from './parameters';
import { operationOptions } from '../../shared/operation-options';

const show = { operation: ['getHistory'] };

export const description: INodeProperties[] = [
	...recipientFields(['getHistory']),
	{
		displayName: 'Output',
		name: 'format',
		type: 'options',
		default: 'both',
		options: [
			{ name: 'Timeline', value: 'timeline', description: 'Events and the current state per purpose' },
			{
				name: 'FHIR Consent Bundle',
				value: 'fhir',
				description: 'FHIR R4 Consent resources in a collection Bundle',
			},
			{ name: 'Both', value: 'both' },
		],
		displayOptions: { show },
	},
	operationOptions(show, [
		{
			displayName: 'Include Evidence Text',
			name: 'includeEvidenceText',
			type: 'boolean',
			default: false,
			description:
				'Whether to include the text shown to or sent by the patient (health data: only for a legitimate request, e.g. proof of consent)',
		},
		defaultCountryField,
		policyOverridesField,
	]),
];

/** One patient's timeline (events, current state per purpose) and/or FHIR Consent Bundle. */
export async function historyItem(
	this: IExecuteFunctions,
	itemIndex: number,
	service: ConsentService,
): Promise<INodeExecutionData> {
	const identity = readIdentity(this, itemIndex);
	const format = this.getNodeParameter('format', itemIndex, 'both') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const withText = options.includeEvidenceText === true;
	const history = await service.history(identity);
	const now = service.now();
	const json: IDataObject = { patient: { ...history.identity } };
	if (format !== 'fhir') {
		const purposes = [...new Set([...BUILT_IN_PURPOSES, ...history.events.map((e) => e.purpose)])].filter(
			(p) => p !== '*',
		);
		json.current = Object.fromEntries(
			purposes.map((p) => {
				const d = decide(history.events, service.policy, p, now);
				return [p, d.allowed ? { allowed: true, basis: d.basis } : { allowed: false, reason: d.reason }];
			}),
		);
		json.events = history.events.map((e) => ({
			id: e.id,
			action: e.action,
			purpose: e.purpose === '*' ? 'all' : e.purpose,
			recordedAt: iso(e.recordedAt),
			givenAt: iso(e.evidence.timestamp),
			expiresAt: iso(e.expiresAt),
			channel: e.evidence.channel,
			sourceMessageId: e.evidence.sourceMessageId,
			keyword: e.evidence.keyword ?? null,
			actor: { ...e.evidence.actor },
			...(withText ? { textShown: e.evidence.textShown } : {}),
		}));
	}
	if (format !== 'timeline') json.fhir = service.toFhirBundle(history, withText) as unknown as IDataObject;
	return { json };
}
