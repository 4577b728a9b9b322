/**
 * Reading the Consent Check parameters into core values: the patient identity, purposes, the policy, the default
 * country and the actor (workflow, execution, node) recorded as evidence. Bad values throw core errors naming the
 * field (ConsentInputError, InvalidPurposeError…); nodes/shared/errors.ts turns them into node errors.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { CountryCode } from 'libphonenumber-js';

import {
	ConsentInputError,
	parseDefaultCountry,
	parseIdentity,
	type PatientIdentity,
} from '../../../core/consent/identity';
import type { ConsentPolicy } from '../../../core/consent/policy';
import { ALL_PURPOSES, parsePurpose, type Purpose } from '../../../core/consent/purposes';
import type { ConsentActor } from '../../../core/consent/repositories/port';
import { policyFromField } from '../../shared/consent-fields';

export function readDefaultCountry(ctx: IExecuteFunctions, itemIndex: number): CountryCode | undefined {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return parseDefaultCountry((options.defaultCountry as string) ?? '', 'Default Country');
}

/** The patient of item `itemIndex` from Recipient (phone or user ID) and WhatsApp User ID. */
export function readIdentity(ctx: IExecuteFunctions, itemIndex: number): PatientIdentity {
	return parseIdentity(
		{
			phone: ctx.getNodeParameter('recipient', itemIndex, ''),
			userId: ctx.getNodeParameter('userId', itemIndex, ''),
		},
		{
			defaultCountry: readDefaultCountry(ctx, itemIndex),
			phoneField: 'Recipient',
			userIdField: 'WhatsApp User ID',
		},
	);
}

/** One purpose from the Purpose options field (+ "Custom Purpose"). */
export function readPurpose(ctx: IExecuteFunctions, itemIndex: number): Purpose {
	const choice = ctx.getNodeParameter('purpose', itemIndex) as string;
	if (choice === 'custom')
		return parsePurpose(ctx.getNodeParameter('customPurpose', itemIndex, ''), 'Custom Purpose');
	return parsePurpose(choice, 'Purpose');
}

/** Purposes from a multi-options field; `all` → every purpose (`*`). Empty lists stay empty. */
export function readPurposeList(ctx: IExecuteFunctions, field: string, itemIndex: number): Purpose[] {
	const chosen = (ctx.getNodeParameter(field, itemIndex, []) as string[]) ?? [];
	if (chosen.includes('all')) return [ALL_PURPOSES];
	return chosen.map((p) => parsePurpose(p, field));
}

/** Purposes (+ comma-separated "Custom Purposes") for Record Opt-in / Opt-out; at least one. */
export function readPurposes(ctx: IExecuteFunctions, itemIndex: number): Purpose[] {
	const chosen = (ctx.getNodeParameter('purposes', itemIndex, []) as string[]) ?? [];
	const custom = String(ctx.getNodeParameter('customPurposes', itemIndex, '') ?? '')
		.split(',')
		.map((p) => p.trim())
		.filter((p) => p !== '');
	if (chosen.includes('all')) return [ALL_PURPOSES];
	const list = [
		...chosen.map((p) => parsePurpose(p, 'Purposes')),
		...custom.map((p) => parsePurpose(p, 'Custom Purposes')),
	];
	if (list.length === 0) {
		throw new ConsentInputError('Purposes', 'choose at least one purpose (or add a custom purpose).');
	}
	return [...new Set(list)];
}

/** The node's policy: defaults with the "Purpose Policies" option applied (read once, from item 0). */
export function readPolicy(ctx: IExecuteFunctions): ConsentPolicy {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return policyFromField(options.policies, 'Purpose Policies');
}

/** Who records a consent change: this workflow, execution and node. */
export function actorOf(ctx: IExecuteFunctions): ConsentActor {
	return {
		workflowId: ctx.getWorkflow().id ?? null,
		executionId: ctx.getExecutionId() ?? null,
		node: ctx.getNode().name,
	};
}
