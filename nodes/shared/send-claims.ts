/**
 * "Idempotency Key" on WhatsApp Send Template: exactly-once sends across re-runs, crashed workers and concurrent
 * executions (core/whatsapp/send-claims.ts keeps the claims in the Clinic Store).
 *
 *   prepare:  job.claim = readSendClaim(options.idempotencyKey, { phoneNumberId, scope: template name })
 *   send:     claimedSend(claims, job, owner, () => job.send(context))
 *
 * An item whose key an earlier run already sent, or that another run is sending (or was sending when its worker
 * stopped), is not sent again: it comes out as a regular item with `status: 'skipped'` and the reason, and "Audit to
 * Store" records it as `message.skipped`.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ClinicError } from '../../core/errors';
import { settle } from '../../core/settle';
import { MessageValidationError } from '../../core/whatsapp/messages/validation';
import type { ClaimResult, SendClaims } from '../../core/whatsapp/send-claims';
import { isSendOutcomeUnknown } from '../../core/whatsapp/send-outcome';

export const IDEMPOTENCY_KEY = 'idempotencyKey';
const MAX_KEY_LENGTH = 512;

export const idempotencyKeyOption: INodeProperties = {
	displayName: 'Idempotency Key',
	name: IDEMPOTENCY_KEY,
	type: 'string',
	default: '={{ $json.id }}',
	placeholder: 'APPT-2026-0042',
	description:
		'A value unique per message this node sends, e.g. the appointment ID (the template name is added to it, so one appointment can get a reminder and a follow-up). Before sending, the key is claimed in the Clinic Store: an item whose key was already sent, by this or any earlier run on any worker, is skipped (status "skipped") instead of messaging the patient twice. Needs a Clinic Store credential.',
	hint: 'Use it for reminders and notices that a re-run, or a run restarted after a crash, could send again',
};

/**
 * The scoped claim key of an item, or undefined when the option is not set. An empty key is a validation error
 * (the item would otherwise be sent without protection).
 */
export function readSendClaim(
	value: unknown,
	scope: { phoneNumberId: string; scope: string },
): string | undefined {
	if (value === undefined || value === null) return undefined;
	const key = (typeof value === 'string' ? value : JSON.stringify(value)).trim();
	if (!key)
		throw new MessageValidationError(
			'Idempotency Key',
			'is empty for this item',
			'Map a value unique per message, e.g. {{ $json.id }} (the appointment ID), or remove the option.',
		);
	if (key.length > MAX_KEY_LENGTH)
		throw new MessageValidationError(
			'Idempotency Key',
			`is ${key.length} characters long (at most ${MAX_KEY_LENGTH})`,
			'Use a short identifier such as the appointment ID.',
		);
	return `${scope.phoneNumberId}|${scope.scope}|${key}`;
}

/** The error of an item with an Idempotency Key on a node without a Clinic Store credential. */
export function claimNeedsStoreError(): ClinicError {
	return new ClinicError('Idempotency Key needs a Clinic Store credential', {
		code: 'missing_store_credential',
		field: 'Credential for Clinic Store',
		hint: 'Select a Clinic Store credential on this node (the keys are kept there), or remove the Idempotency Key option.',
		kind: 'config',
	});
}

const SKIP_HINTS = {
	'already-sent':
		'An earlier run already sent this message (same Idempotency Key and template): nothing was sent again.',
	'outcome-unknown':
		'Another run claimed this message and has not finished it: it is sending it now, or its worker stopped while it was in flight, so the message may have reached the patient. Nothing was sent again. Check the audit log or the message status updates before sending it with a new key.',
};

/** The output of an item that was not sent because its key was already claimed. */
export function skippedJson(result: Exclude<ClaimResult, { state: 'claimed' }>): IDataObject {
	const reason = result.state === 'sent' ? 'already-sent' : 'outcome-unknown';
	return {
		status: 'skipped',
		messageId: null,
		skipped: {
			reason,
			since: new Date(result.at).toISOString(),
			byExecution: result.owner,
			hint: SKIP_HINTS[reason],
		},
	};
}

/**
 * Sends one job under its claim: claimed → sent (then settled 'sent'), refused for certain (settled 'failed', so a
 * later run may send it), unknown outcome (left pending: never resent automatically); not claimed → skipped.
 */
export async function claimedSend(
	claims: SendClaims,
	claim: { key: string; owner: string; callbackKey?: string },
	send: () => Promise<IDataObject>,
): Promise<IDataObject> {
	const result = await claims.claim(claim).catch((error: unknown) => {
		throw new ClinicError(
			`Not sent: the Idempotency Key could not be claimed in the Clinic Store (${(error as Error).message})`,
			{
				code: 'claim_unavailable',
				field: 'Idempotency Key',
				hint: 'Nothing was sent for this item. Check that the Clinic Store database is reachable, then run it again.',
				kind: 'store',
				cause: error,
			},
		);
	});
	if (result.state !== 'claimed') return skippedJson(result);
	const sent = await settle(send);
	if (!sent.ok) {
		if (!isSendOutcomeUnknown(sent.error))
			await claims.settle(claim.key, claim.owner, 'failed').catch(() => undefined);
		throw sent.error;
	}
	// Best effort: if this write is lost the claim stays pending, and later runs skip the message (never resend it).
	await claims.settle(claim.key, claim.owner, 'sent').catch(() => undefined);
	return sent.value;
}
