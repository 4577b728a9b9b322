/**
 * Check: routes each item to Allowed (output 1) or Blocked (output 2) for one purpose. All items are decided with
 * ONE store read, made when this execution runs (no cache), so an opt-out recorded earlier always blocks.
 * Items whose recipient is invalid go to Blocked as error items (with Continue On Fail), never to Allowed.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CheckRequest, ConsentService } from '../../../core/consent/service';
import { PURPOSE_OPTIONS, iso, policyOverridesField } from '../../shared/consent-fields';
import { failItem } from '../../shared/items';
import { defaultCountryField, recipientFields } from './fields';
import { readIdentity, readPurpose } from './parameters';

const show = { operation: ['check'] };

export const description: INodeProperties[] = [
	...recipientFields(['check']),
	{
		displayName: 'Purpose',
		name: 'purpose',
		type: 'options',
		options: PURPOSE_OPTIONS,
		default: 'appointment_reminders',
		description: 'What the message you are about to send is for',
		displayOptions: { show },
	},
	{
		displayName: 'Custom Purpose',
		name: 'customPurpose',
		type: 'string',
		default: '',
		placeholder: 'vaccination_campaign',
		description:
			'Lowercase letters, digits, "_" or "-". Custom purposes need an opt-in unless a policy says otherwise.',
		displayOptions: { show: { ...show, purpose: ['custom'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [defaultCountryField, policyOverridesField],
	},
];

/** Phase 1 reads every item (bad ones become error items on Blocked), phase 2 decides all with one store read. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	service: ConsentService,
): Promise<INodeExecutionData[][]> {
	const allowed: INodeExecutionData[] = [];
	const blocked: INodeExecutionData[] = [];
	const requests: Array<CheckRequest & { index: number }> = [];
	const failed = new Map<number, INodeExecutionData>();
	for (let i = 0; i < items.length; i++) {
		try {
			requests.push({ index: i, identity: readIdentity(this, i), purpose: readPurpose(this, i) });
		} catch (error) {
			failed.set(i, failItem(this, error, i, items[i].json));
		}
	}
	// A failed read throws (ConsentStoreError): no item is decided, none reaches Allowed (see fail-closed.ts).
	const decisions = await service.check(requests);
	const checkedAt = iso(service.now());
	const byIndex = new Map(requests.map((r, k) => [r.index, decisions[k]]));
	for (let i = 0; i < items.length; i++) {
		const failure = failed.get(i);
		if (failure) {
			blocked.push(failure);
			continue;
		}
		const d = byIndex.get(i)!;
		const consent = d.allowed
			? { allowed: true, purpose: d.purpose, basis: d.basis, since: iso(d.since), checkedAt }
			: { allowed: false, reason: d.reason, purpose: d.purpose, since: iso(d.since), checkedAt };
		const out: INodeExecutionData = { json: { ...items[i].json, consent }, pairedItem: { item: i } };
		if (items[i].binary) out.binary = items[i].binary;
		(d.allowed ? allowed : blocked).push(out);
	}
	return [allowed, blocked];
}
