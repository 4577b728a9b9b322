/**
 * The consent gate of Send Invite: before anything is sent, every invite of a patient or relative is decided with
 * ONE consent read (ConsentService.check, same policies and purposes as Consent Check). A patient is invited only
 * if their own consent allows the purpose; a relative only if the PATIENT's consent allows it; clinic staff need
 * none. Blocked invites are not sent and come out as regular items with the reason. Without a Clinic Store
 * credential an invite that needs consent stops the run with nothing sent (fail closed).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { PatientIdentity } from '../../../core/consent/identity';
import type { CheckRequest } from '../../../core/consent/service';
import { ClinicError } from '../../../core/errors';
import { settle } from '../../../core/settle';
import type { PersonRecipient } from '../../../core/whatsapp/phone';
import { hasStoreCredential } from '../../shared/audit-option';
import { getConsentService, iso, policyFromField } from '../../shared/consent-fields';
import type { GateDecision, PreparedSend, SendGate } from '../../shared/send';
import { withParameterCache } from '../../shared/send-fields';
import { readInvite, type InviteRequest } from './invite-fields';

function identityOf(person: PersonRecipient): PatientIdentity {
	return person.kind === 'phone'
		? { phone: person.e164, userId: null }
		: { phone: null, userId: person.userId };
}

/** The gate: decides all invites at once, right before the first send. */
export function inviteConsentGate(): SendGate {
	return async function (this: IExecuteFunctions, jobs: readonly PreparedSend[]): Promise<GateDecision[]> {
		const cached = withParameterCache(this);
		const invites: InviteRequest[] = jobs.map(({ itemIndex }) => readInvite(cached, itemIndex));
		const checked = invites
			.map((invite, k) => ({ invite, k }))
			.filter(({ invite }) => invite.consentSubject !== null && invite.purpose !== null);
		const decisions: GateDecision[] = invites.map(() => ({
			send: true,
			summary: { consent: { required: false, reason: 'clinic staff: no patient consent needed' } },
		}));
		if (!checked.length) return decisions;
		if (!hasStoreCredential(this))
			throw new ClinicError('Inviting a patient or relative needs a Clinic Store credential', {
				code: 'no_store_credential',
				field: 'Credential for Clinic Store',
				hint: 'Nothing was sent. Select the Clinic Store credential your Consent Check nodes use, so the patient’s consent can be checked before the invite (the patient’s privacy comes first).',
				kind: 'config',
			});
		const service = await getConsentService(
			this,
			policyFromField(this.getNodeParameter('invitePolicies', 0, {}), 'Consent Purpose Policies'),
		);
		const requests: CheckRequest[] = checked.map(({ invite }) => ({
			identity: identityOf(invite.consentSubject as PersonRecipient),
			purpose: invite.purpose as string,
		}));
		const result = await settle(async () => await service.check(requests));
		if (!result.ok)
			throw new ClinicError(
				`Send Invite: could not read the patients’ consent: ${(result.error as Error).message}`,
				{
					code: 'store_error',
					hint: 'Nothing was sent. Check the Clinic Store credential (Test button): the database must be reachable.',
					kind: 'store',
					cause: result.error,
				},
			);
		const checkedAt = iso(service.now());
		result.value.forEach((d, n) => {
			const { invite, k } = checked[n];
			const of = invite.role === 'relative' ? 'patient' : 'invitee';
			decisions[k] = d.allowed
				? {
						send: true,
						summary: {
							consent: {
								allowed: true,
								of,
								purpose: d.purpose,
								basis: d.basis,
								since: iso(d.since),
								checkedAt,
							},
						},
					}
				: {
						send: false,
						json: {
							sent: false,
							consent: {
								allowed: false,
								of,
								reason: d.reason,
								purpose: d.purpose,
								since: iso(d.since),
								checkedAt,
							},
							...jobs[k].job.summary,
						},
					};
		});
		return decisions;
	};
}
