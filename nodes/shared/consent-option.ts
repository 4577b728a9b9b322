/**
 * "Require Consent for Purpose" on WhatsApp Send Template and WhatsApp Send Message: defence in depth for the
 * package's rule "check consent before every send", for workflows that forgot a Consent Check node.
 *
 *   executeBulkSend.call(this, { gate: await sendConsentGate(this), onOutcomes: await sendAuditHook(this) })
 *
 * Off (default): nothing changes and the Clinic Store is never touched. On: the Clinic Store credential is checked
 * and the store opened BEFORE anything is sent; after every item is validated, all recipients are decided with ONE
 * ConsentService.check (no cache, same service, policy defaults and purposes as Consent Check). Blocked items are not
 * sent and come out as regular items `{ sent: false, consent: { allowed: false, reason, … }, recipient, … }`; sent
 * items carry `consent: { allowed: true, basis, … }`. A store failure stops the run with nothing sent. The patient
 * checked is the job's parsed recipient (`SendJob.recipient`), the same value the message is sent to.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { PatientIdentity } from '../../core/consent/identity';
import type { ConsentPolicy } from '../../core/consent/policy';
import { parsePurpose, type Purpose } from '../../core/consent/purposes';
import type { CheckRequest } from '../../core/consent/service';
import { ClinicError } from '../../core/errors';
import { settle } from '../../core/settle';
import type { Recipient } from '../../core/whatsapp/phone';
import { hasStoreCredential } from './audit-option';
import {
	PURPOSE_OPTIONS,
	getConsentService,
	iso,
	policyFromField,
	policyOverridesField,
} from './consent-fields';
import { toNodeError } from './errors';
import type { GateDecision, PreparedSend, SendGate } from './send';
import { withParameterCache } from './send-fields';

export const REQUIRE_CONSENT = 'requireConsent';
export const REQUIRE_CONSENT_CUSTOM_PURPOSE = 'requireConsentCustomPurpose';
export const REQUIRE_CONSENT_POLICIES = 'requireConsentPolicies';

const OPTION_NAME = '"Require Consent for Purpose"';
const ON_VALUES = PURPOSE_OPTIONS.map((o) => o.value);

/** The Send nodes' consent parameters (`hideFor`: operations that message no one, e.g. Mark as Read). */
export function sendConsentProperties(hideFor?: Record<string, string[]>): INodeProperties[] {
	const hide = hideFor ? { hide: hideFor } : {};
	const whenOn = (values: string[]) => ({ displayOptions: { show: { [REQUIRE_CONSENT]: values }, ...hide } });
	return [
		{
			displayName: 'Require Consent for Purpose',
			name: REQUIRE_CONSENT,
			type: 'options',
			noDataExpression: true,
			default: 'off',
			options: [
				{
					name: 'Off',
					value: 'off',
					description:
						'Send without checking consent here (e.g. a Consent Check node before this one does it)',
				},
				...PURPOSE_OPTIONS,
			],
			description:
				'Check each patient’s consent for this purpose right before sending, like a Consent Check node. Patients who opted out (or, for purposes needing an opt-in, never opted in) are not messaged: their items come out with sent = false and the reason. Needs a Clinic Store credential.',
			hint: 'A safety net: patients who are not allowed are skipped, the others are sent, and the node does not fail',
			...(hideFor ? { displayOptions: hide } : {}),
		},
		{
			displayName: 'Custom Consent Purpose',
			name: REQUIRE_CONSENT_CUSTOM_PURPOSE,
			type: 'string',
			default: '',
			placeholder: 'vaccination_campaign',
			description:
				'The purpose ID, exactly as used in your Consent Check nodes: lowercase letters, digits, "_" or "-". Custom purposes need an opt-in unless a policy below says otherwise.',
			hint: 'Must be the purpose the patients’ opt-ins were recorded for, or every patient is skipped',
			...whenOn(['custom']),
		},
		{
			...policyOverridesField,
			displayName: 'Consent Purpose Policies',
			name: REQUIRE_CONSENT_POLICIES,
			hint: 'Use the same policies as your Consent Check nodes, so both decide alike',
			...whenOn(ON_VALUES),
		},
	];
}

/** The consent identity of a send's recipient: its phone number or its WhatsApp user ID. */
function identityOf(recipient: Recipient | undefined): PatientIdentity {
	// Only Mark as Read has no recipient, and it never runs the gate: fail closed rather than send unchecked.
	if (!recipient) throw new Error('Internal error: a message without a recipient reached the consent check');
	// A group has several patients: their consent is checked when each is invited (WhatsApp Group · Send Invite).
	if (recipient.kind === 'group')
		throw new ClinicError(`${OPTION_NAME} checks one patient per message; a group message has several`, {
			code: 'invalid_input',
			field: 'Require Consent for Purpose',
			hint: 'Nothing was sent. Set "Require Consent for Purpose" to Off for group messages: each patient’s consent is checked when WhatsApp Group · Send Invite invites them, and a participant who writes STOP/PARAR is opted out and can be removed.',
		});
	return recipient.kind === 'phone'
		? { phone: recipient.e164, userId: null }
		: { phone: null, userId: recipient.userId };
}

function readPurposeFor(ctx: IExecuteFunctions, choice: string, itemIndex: number): Purpose {
	try {
		if (choice === 'custom')
			return parsePurpose(
				ctx.getNodeParameter(REQUIRE_CONSENT_CUSTOM_PURPOSE, itemIndex, ''),
				'Custom Consent Purpose',
			);
		return parsePurpose(choice, 'Require Consent for Purpose');
	} catch (error) {
		throw toNodeError(
			ctx.getNode(),
			new ClinicError((error as Error).message, {
				code: 'invalid_input',
				field: choice === 'custom' ? 'Custom Consent Purpose' : 'Require Consent for Purpose',
				hint: `Fix "Custom Consent Purpose" (used by ${OPTION_NAME}). Nothing was sent.`,
				cause: error,
			}),
			itemIndex,
		);
	}
}

/**
 * When "Require Consent for Purpose" is set: checks the credential, reads the policy and opens the consent store
 * BEFORE anything is sent, then returns the gate deciding all valid items with one consent read. Off → undefined.
 */
export async function sendConsentGate(ctx: IExecuteFunctions): Promise<SendGate | undefined> {
	const choice = String(ctx.getNodeParameter(REQUIRE_CONSENT, 0, 'off') ?? 'off');
	if (choice === 'off' || choice === '') return undefined;
	if (!ON_VALUES.includes(choice))
		throw new ClinicError(`${OPTION_NAME}: "${choice}" is not one of the choices`, {
			code: 'invalid_input',
			field: 'Require Consent for Purpose',
			hint: 'Pick a purpose from the list, Custom, or Off.',
		});
	if (!hasStoreCredential(ctx))
		throw new ClinicError(`${OPTION_NAME} needs a Clinic Store credential`, {
			code: 'no_store_credential',
			field: 'Credential for Clinic Store',
			hint: 'Select the Clinic Store credential your Consent Check nodes use (Credential for Clinic Store) so this node can read the patients’ consent, or set "Require Consent for Purpose" to Off. Nothing was sent.',
			kind: 'config',
		});
	const policy: ConsentPolicy = policyFromField(
		ctx.getNodeParameter(REQUIRE_CONSENT_POLICIES, 0, {}),
		'Consent Purpose Policies',
	);
	const service = await getConsentService(ctx, policy);

	return async function (this: IExecuteFunctions, jobs: readonly PreparedSend[]): Promise<GateDecision[]> {
		const cached = withParameterCache(this);
		const requests: CheckRequest[] = jobs.map(({ itemIndex, job }) => ({
			identity: identityOf(job.recipient),
			purpose: readPurposeFor(cached, choice, itemIndex),
		}));
		const checked = await settle(async () => await service.check(requests));
		if (!checked.ok)
			throw new ClinicError(
				`${OPTION_NAME}: could not read the patients’ consent: ${(checked.error as Error).message}`,
				{
					code: 'store_error',
					hint: 'Nothing was sent. Check the Clinic Store credential (Test button): the database must be reachable. Run the workflow again once it is.',
					kind: 'store',
					cause: checked.error,
				},
			);
		const checkedAt = iso(service.now());
		return checked.value.map((d, k): GateDecision => {
			if (d.allowed)
				return {
					send: true,
					summary: {
						consent: { allowed: true, purpose: d.purpose, basis: d.basis, since: iso(d.since), checkedAt },
					},
				};
			return {
				send: false,
				json: {
					sent: false,
					consent: { allowed: false, reason: d.reason, purpose: d.purpose, since: iso(d.since), checkedAt },
					...jobs[k].job.summary,
				},
			};
		});
	};
}
