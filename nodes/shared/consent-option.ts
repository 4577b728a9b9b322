/**
 * "Require Consent for Purpose" on WhatsApp Send Template and WhatsApp Send Message: defence in depth for the
 * package's rule "check consent before every send", for workflows that forgot a Consent Check node.
 *
 *   const consent = await sendConsentChecks(this);
 *   executeBulkSend.call(this, { gate: consent?.gate, recheck: consent?.recheck, onOutcomes: … })
 *
 * Off (default): nothing changes and the Clinic Store is never touched. On: the Clinic Store credential is checked
 * and the store opened BEFORE anything is sent; after every item is validated, all recipients are decided with ONE
 * ConsentService.check (no cache, same service, policy defaults and purposes as Consent Check). Then EVERY send is
 * checked again right before its request leaves (after its rate-limit wait; core/consent/recheck.ts), so a patient
 * who opts out while a long batch is being sent gets nothing after the opt-out is recorded. Blocked items (at either
 * check) are not sent and come out as regular items `{ sent: false, consent: { allowed: false, reason, … },
 * recipient, … }`; sent items carry `consent: { allowed: true, basis, checkedAt, … }` from the batch check.
 * A store failure at the batch check stops the run with nothing sent; at a send's re-check, that message is not
 * sent (a failed item). The patient checked is the job's parsed recipient (`SendJob.recipient`), the same value the
 * message is sent to.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ConsentDecision } from '../../core/consent/decision';

import type { PatientIdentity } from '../../core/consent/identity';
import type { ConsentPolicy } from '../../core/consent/policy';
import { parsePurpose, type Purpose } from '../../core/consent/purposes';
import { ConsentRecheck } from '../../core/consent/recheck';
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

/** A consent decision as the gate's GateDecision (sent items carry `consent`, held-back ones the reason). */
function gateDecision(d: ConsentDecision, summary: IDataObject, checkedAt: string | null): GateDecision {
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
			...summary,
		},
	};
}

function storeReadError(error: unknown, when: string): ClinicError {
	return new ClinicError(
		`${OPTION_NAME}: could not read the patients’ consent: ${(error as Error).message}`,
		{
			code: 'store_error',
			hint: `${when} Check the Clinic Store credential (Test button): the database must be reachable. Run the workflow again once it is.`,
			kind: 'store',
			cause: error,
		},
	);
}

/** What "Require Consent for Purpose" adds to a send run: the batch gate and the per-send re-check. */
export interface SendConsentChecks {
	/** All valid items at once, with ONE consent read, before the first send. */
	gate: SendGate;
	/**
	 * One job again, right before its request leaves (after the rate-limit wait): a read that starts after the
	 * call (ConsentRecheck; concurrent sends share one read). A patient who opted out since the batch read is held
	 * back (`send: false`, reason `opted_out`). A store failure throws: that message is not sent.
	 */
	recheck(this: IExecuteFunctions, prepared: PreparedSend): Promise<GateDecision>;
}

/**
 * When "Require Consent for Purpose" is set: checks the credential, reads the policy and opens the consent store
 * BEFORE anything is sent, then returns the gate deciding all valid items with one consent read, and the re-check
 * of each send right before it leaves. Off → undefined.
 */
export async function sendConsentChecks(ctx: IExecuteFunctions): Promise<SendConsentChecks | undefined> {
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
	const perSend = new ConsentRecheck(service);
	// The batch check's request of each item, asked again per send (the purpose may be an expression per item).
	const asked = new Map<number, CheckRequest>();
	const requestOf = (cached: IExecuteFunctions, { itemIndex, job }: PreparedSend): CheckRequest => {
		let request = asked.get(itemIndex);
		if (!request) {
			request = { identity: identityOf(job.recipient), purpose: readPurposeFor(cached, choice, itemIndex) };
			asked.set(itemIndex, request);
		}
		return request;
	};

	return {
		async gate(this: IExecuteFunctions, jobs: readonly PreparedSend[]): Promise<GateDecision[]> {
			const cached = withParameterCache(this);
			const requests = jobs.map((prepared) => requestOf(cached, prepared));
			const checked = await settle(async () => await service.check(requests));
			if (!checked.ok) throw storeReadError(checked.error, 'Nothing was sent.');
			const checkedAt = iso(service.now());
			return checked.value.map((d, k) => gateDecision(d, jobs[k].job.summary, checkedAt));
		},
		async recheck(this: IExecuteFunctions, prepared: PreparedSend): Promise<GateDecision> {
			const checked = await settle(async () => await perSend.confirm(requestOf(this, prepared)));
			if (!checked.ok)
				throw storeReadError(
					checked.error,
					'This message was not sent (its consent could not be read again right before sending).',
				);
			return gateDecision(checked.value, prepared.job.summary, iso(service.now()));
		},
	};
}
