/** Parameters and helpers shared by the Consent Check operations. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	ConsentInputError,
	parseDefaultCountry,
	parseIdentity,
	type PatientIdentity,
} from '../../../core/consent/identity';
import { buildPolicy, type ConsentPolicy, type PolicyOverride } from '../../../core/consent/policy';
import { ALL_PURPOSES, parsePurpose, type Purpose } from '../../../core/consent/purposes';
import type { ConsentActor } from '../../../core/consent/repositories/port';

export const PURPOSE_OPTIONS = [
	{
		name: 'Appointment Reminders',
		value: 'appointment_reminders',
		description: 'Treatment communication: allowed unless the patient opted out (default policy)',
	},
	{ name: 'Lab Results', value: 'lab_results', description: 'Needs a recorded opt-in (default policy)' },
	{
		name: 'Telemedicine',
		value: 'telemedicine',
		description: 'Allowed unless the patient opted out (default policy)',
	},
	{ name: 'Marketing', value: 'marketing', description: 'Needs a recorded opt-in (default policy)' },
	{ name: 'Custom', value: 'custom', description: 'A purpose of your own, e.g. vaccination_campaign' },
];

export const recipientFields = (operations: string[]): INodeProperties[] => [
	{
		displayName: 'Recipient',
		name: 'recipient',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+5511912345678',
		description:
			"The patient's WhatsApp phone number (any format: +55 11 91234-5678, 5511912345678) or WhatsApp user ID (e.g. BR.13491208655302741918)",
		hint: 'Local numbers without a country code need the Default Country option',
		displayOptions: { show: { operation: operations } },
	},
	{
		displayName: 'WhatsApp User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: 'BR.13491208655302741918',
		description:
			'Optional business-scoped user ID of the same patient. Giving both links them: a consent change through either then applies to both.',
		displayOptions: { show: { operation: operations } },
	},
];

export const defaultCountryField: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'string',
	default: '',
	placeholder: 'BR',
	description:
		'Two-letter country code for phone numbers written without a country code, e.g. BR turns (11) 91234-5678 into +5511912345678',
};

export const policyOverridesField: INodeProperties = {
	displayName: 'Purpose Policies',
	name: 'policies',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Policy',
	description:
		'Change the policy of a purpose. Defaults: appointment reminders and telemedicine are allowed unless the patient opted out; lab results, marketing and custom purposes need an opt-in.',
	options: [
		{
			displayName: 'Policy',
			name: 'policy',
			values: [
				{
					displayName: 'Purpose',
					name: 'purpose',
					type: 'string',
					default: '',
					placeholder: 'marketing',
					description:
						'Purpose ID: appointment_reminders, lab_results, telemedicine, marketing or a custom one',
				},
				{
					displayName: 'Policy',
					name: 'mode',
					type: 'options',
					default: 'opt_in_required',
					options: [
						{ name: 'Opt-in Required', value: 'opt_in_required' },
						{ name: 'Allowed Unless Opted Out', value: 'allowed_unless_opted_out' },
					],
				},
				{
					displayName: 'Opt-in Valid for (Days)',
					name: 'validityDays',
					type: 'number',
					default: 0,
					description: 'Opt-ins older than this count as expired. 0 = no limit.',
				},
			],
		},
	],
};

export function nodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError {
	if (error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	const description =
		error instanceof ConsentInputError
			? `Fix the "${error.field}" parameter of item ${itemIndex + 1}.`
			: undefined;
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** A continue-on-fail item for input `itemIndex` (never mutates the input). */
export function errorItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const e = nodeError(ctx, error, itemIndex);
	return {
		json: {
			...ctx.getInputData()[itemIndex].json,
			error: { message: e.message, description: e.description ?? null },
		},
		error: e,
		pairedItem: { item: itemIndex },
	};
}

export function readDefaultCountry(ctx: IExecuteFunctions, itemIndex: number) {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	try {
		return parseDefaultCountry((options.defaultCountry as string) ?? '', 'Default Country');
	} catch (error) {
		return nodeError(ctx, error, itemIndex);
	}
}

export function readIdentity(ctx: IExecuteFunctions, itemIndex: number): PatientIdentity {
	const country = readDefaultCountry(ctx, itemIndex);
	if (country instanceof NodeOperationError) throw country;
	return parseIdentity(
		{
			phone: ctx.getNodeParameter('recipient', itemIndex, ''),
			userId: ctx.getNodeParameter('userId', itemIndex, ''),
		},
		{ defaultCountry: country, phoneField: 'Recipient', userIdField: 'WhatsApp User ID' },
	);
}

/** One purpose from an options field + "Custom Purpose" field. */
export function readPurpose(ctx: IExecuteFunctions, itemIndex: number): Purpose {
	const choice = ctx.getNodeParameter('purpose', itemIndex) as string;
	if (choice === 'custom')
		return parsePurpose(ctx.getNodeParameter('customPurpose', itemIndex, ''), 'Custom Purpose');
	return parsePurpose(choice, 'Purpose');
}

/** Several purposes from a multi-options field (+ comma-separated custom ones); `all` → `*`. */
export function readPurposes(ctx: IExecuteFunctions, itemIndex: number, field = 'purposes'): Purpose[] {
	const chosen = (ctx.getNodeParameter(field, itemIndex, []) as string[]) ?? [];
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

export function readPolicy(ctx: IExecuteFunctions): ConsentPolicy {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return policyFromField(ctx, options.policies, 'Purpose Policies');
}

/** The policy from a "Purpose Policies" field value (also used by the Send nodes' "Require Consent for Purpose"). */
export function policyFromField(ctx: IExecuteFunctions, value: unknown, field: string): ConsentPolicy {
	const raw = ((value as IDataObject | undefined)?.policy as IDataObject[] | undefined) ?? [];
	const overrides: PolicyOverride[] = raw.map((p) => ({
		purpose: String(p.purpose ?? ''),
		mode: p.mode as PolicyOverride['mode'],
		...(Number(p.validityDays) > 0 ? { validityDays: Number(p.validityDays) } : {}),
	}));
	try {
		return buildPolicy(overrides);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			description: `Fix the ${field} option.`,
		});
	}
}

export function actorOf(ctx: IExecuteFunctions): ConsentActor {
	return {
		workflowId: ctx.getWorkflow().id ?? null,
		executionId: ctx.getExecutionId() ?? null,
		node: ctx.getNode().name,
	};
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
