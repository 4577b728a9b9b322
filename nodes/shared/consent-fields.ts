/**
 * Consent parameters and helpers shared by the Consent Check node and the Send nodes' "Require Consent for Purpose"
 * (nodes/shared/consent-option.ts), so both read purposes and policies alike and neither imports the other:
 *
 * - `PURPOSE_OPTIONS`: the purpose choices (built-in purposes + Custom);
 * - `policyOverridesField`: the "Purpose Policies" fixedCollection (rename it with `{ ...field, name, displayName }`);
 * - `policyFromField(value, field)`: that field's value as a ConsentPolicy; a bad entry throws a ClinicError naming
 *   `field` (the shared translator, nodes/shared/errors.ts, turns it into the node error);
 * - `getConsentService(ctx, policy)`: the ConsentService of one execution over the Clinic Store;
 * - `iso(ms)`: epoch milliseconds (or null) as an ISO string for output items.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { storeAuditSink } from '../../core/consent/audit';
import { buildPolicy, type ConsentPolicy, type PolicyOverride } from '../../core/consent/policy';
import { SqlConsentRepository } from '../../core/consent/repositories/sql';
import { ConsentService } from '../../core/consent/service';
import { ClinicError } from '../../core/errors';
import { getClinicStore } from './store';

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

/** The policy from a "Purpose Policies" field value; a bad entry throws a ClinicError naming `field`. */
export function policyFromField(value: unknown, field: string): ConsentPolicy {
	const raw = ((value as IDataObject | undefined)?.policy as IDataObject[] | undefined) ?? [];
	const overrides: PolicyOverride[] = raw.map((p) => ({
		purpose: String(p.purpose ?? ''),
		mode: p.mode as PolicyOverride['mode'],
		...(Number(p.validityDays) > 0 ? { validityDays: Number(p.validityDays) } : {}),
	}));
	try {
		return buildPolicy(overrides);
	} catch (error) {
		throw policyError(error, field);
	}
}

function policyError(error: unknown, field: string): ClinicError {
	return new ClinicError((error as Error).message, {
		code: 'invalid_input',
		field,
		hint: `Fix the ${field} option.`,
		kind: 'input',
		cause: error,
	});
}

/**
 * The ConsentService for one execution: the clinic store (credential "Clinic Store") behind the SQL repository,
 * with consent changes written to the audit log in the same transaction. Nothing is cached across executions except
 * the store connection itself: every check reads the current consent state.
 */
export async function getConsentService(
	ctx: IExecuteFunctions,
	policy: ConsentPolicy,
): Promise<ConsentService> {
	const store = await getClinicStore(ctx);
	return new ConsentService({
		repository: new SqlConsentRepository(store),
		policy,
		audit: storeAuditSink(store),
	});
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
