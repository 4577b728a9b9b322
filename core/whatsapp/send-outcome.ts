/**
 * The three outcomes of sending one message:
 *
 * - **sent**: Meta answered with a message ID (wamid).
 * - **failed**: not sent. Meta answered with an error (it refused the message), the request certainly never left
 *   (connection refused, DNS), or the item was invalid.
 * - **unknown**: the request may have reached Meta but no answer came back (connection reset or timeout after the
 *   body was written, a proxy's gateway timeout, a 200 without a message ID). Meta may have accepted and delivered
 *   it. It is never retried (a retry could message the patient twice) and never called failed. Its status updates,
 *   if any, carry the item's idempotency key (callback-data.ts), which is how the audit log resolves it later.
 *
 * `GraphClient.sendMessage` throws `SendOutcomeUnknownError` for the unknown case; every other error it throws means
 * failed.
 */
import { ClinicError } from '../errors';
import { CloudApiError } from './errors';

export type SendStatus = 'sent' | 'failed' | 'unknown';

/** What the clinic should do about an unknown send (item hint, docs). */
export const UNKNOWN_OUTCOME_HINT =
	'Do not send it again now: it may already have reached the patient. If WhatsApp accepted it, its status updates (sent, delivered, read or failed) carry this item’s idempotency key, and a WhatsApp Clinic Trigger with Audit to Store records the message as resolved in the audit log. If no status update arrives within an hour, it was not sent: send it again.';

function whatHappened(cause: CloudApiError): string {
	const code = String(cause.code);
	if (cause.code === 'NO_MESSAGE_ID')
		return 'WhatsApp answered without a message ID, so it is not known whether the message was accepted';
	if (/TIMEDOUT|TIMEOUT/.test(code))
		return `No answer from WhatsApp in time (${code}) after the message was handed over, so it is not known whether WhatsApp accepted it`;
	if (cause.httpStatus !== undefined)
		return `A gateway answered HTTP ${cause.httpStatus} instead of WhatsApp after the message was handed over, so it is not known whether WhatsApp accepted it`;
	return `The connection was lost (${code}) after the message was handed over, so it is not known whether WhatsApp accepted it`;
}

/** A message whose send may have reached Meta without an answer: outcome unknown, not retried, not failed. */
export class SendOutcomeUnknownError extends ClinicError {
	/** The transport error behind it (network code, gateway status). */
	readonly transportError: CloudApiError;

	constructor(transportError: CloudApiError) {
		super(whatHappened(transportError), {
			code: transportError.code,
			title: 'Outcome unknown: the message may have been sent',
			hint: UNKNOWN_OUTCOME_HINT,
			kind: 'remote',
			httpStatus: transportError.httpStatus,
			cause: transportError,
		});
		this.name = 'SendOutcomeUnknownError';
		this.transportError = transportError;
	}
}

export function isSendOutcomeUnknown(error: unknown): error is SendOutcomeUnknownError {
	return error instanceof SendOutcomeUnknownError;
}

/**
 * The error `sendMessage` reports for a failed attempt sequence: unknown when the last error may have reached Meta,
 * or when an earlier attempt may have (only possible with `retryUnsafeNetworkErrors`); otherwise the error itself.
 */
export function sendFailure(error: unknown, earlierMayHaveBeenSent: boolean): unknown {
	if (!(error instanceof CloudApiError)) return error;
	return error.mayHaveBeenSent || earlierMayHaveBeenSent ? new SendOutcomeUnknownError(error) : error;
}
