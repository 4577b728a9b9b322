/**
 * "Audit to Store" on the WhatsApp Clinic Trigger and both Send nodes: the parameters, the optional Clinic Store
 * credential, and the two hooks that write the entries through `auditItems()` (one store transaction per delivery or
 * execution, message text encrypted by the store, nothing logged):
 *
 *   Trigger:  handleDelivery.call(this, { emitHooks: triggerAuditHooks(this) })   (inbound / status / system;
 *             EmitHook is core/webhook/emitted.ts, called by the delivery pipeline core/webhook/pipeline.ts)
 *   Send:     runBulkSend.call(this, { onOutcomes: await sendAuditHook(this) })   (outbound: message.sent,
 *             message.failed (not sent), message.unknown (may have been sent), or message.blocked for items
 *             "Require Consent for Purpose" held back)
 *
 * Unknown sends are resolved by their later status updates (core/audit/reconcile.ts): the trigger passes the
 * statuses carrying an idempotency key, the send hook its unknown entries; whichever writes second appends the
 * `message.resolved` entry, in the same transaction.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { AuditEntryInput } from '../../core/audit/entry';
import { UNKNOWN_SEND_EVENT, type KeyedStatus } from '../../core/audit/reconcile';
import { ClinicError } from '../../core/errors';
import type { EmitHook } from '../../core/webhook/emitted';
import { CloudApiError } from '../../core/whatsapp/errors';
import { SendOutcomeUnknownError } from '../../core/whatsapp/send-outcome';
import { MessageValidationError } from '../../core/whatsapp/messages/validation';
import { auditItems } from './audit';
import { toNodeError, type NodeError } from './errors';
import { auditRows, participantEntry } from './group-audit';
import type { SendOutcome } from './send';
import { CLINIC_STORE_CREDENTIAL, getClinicStore } from './store';

export const AUDIT_TO_STORE = 'auditToStore';
export const AUDIT_PURPOSE = 'auditPurpose';

const CREDENTIAL_FIX =
	'Select a "Clinic Store" credential on this node (Credential for Clinic Store), or turn "Audit to Store" off.';

/** The trigger's "Audit to Store" switch. */
export const triggerAuditProperty: INodeProperties = {
	displayName: 'Audit to Store',
	name: AUDIT_TO_STORE,
	type: 'boolean',
	default: false,
	description:
		'Whether to record every event this trigger emits in the clinic’s tamper-evident audit log before the workflow starts: patient messages as inbound, status updates as status. Message text is stored encrypted. Needs a Clinic Store credential.',
	hint: 'If the audit log cannot be written, Meta gets an error and re-sends the webhook later, so no message skips the log',
};

/** The Send nodes' "Audit to Store" switch and purpose (`hideFor`: operations that send nothing, e.g. Mark as Read). */
export function sendAuditProperties(hideFor?: Record<string, string[]>): INodeProperties[] {
	const hide = hideFor ? { hide: hideFor } : {};
	return [
		{
			displayName: 'Audit to Store',
			name: AUDIT_TO_STORE,
			type: 'boolean',
			default: false,
			description:
				'Whether to record every message of this node (sent, failed with Meta’s error code, or unknown when the connection broke after sending) in the clinic’s tamper-evident audit log: one entry per item, all written together after sending. Unknown ones are resolved when their status updates reach a WhatsApp Clinic Trigger with Audit to Store. Needs a Clinic Store credential.',
			...(hideFor ? { displayOptions: hide } : {}),
		},
		{
			displayName: 'Audit Purpose',
			name: AUDIT_PURPOSE,
			type: 'string',
			default: '',
			placeholder: 'appointment-reminder',
			description:
				'Why these messages are sent, recorded with each audit entry (e.g. appointment-reminder, lab-results). Leave empty to record none.',
			displayOptions: { show: { [AUDIT_TO_STORE]: [true] }, ...hide },
		},
	];
}

type AnyContext = IExecuteFunctions | IWebhookFunctions | IHookFunctions;

export function hasStoreCredential(ctx: AnyContext): boolean {
	return Boolean(ctx.getNode().credentials?.[CLINIC_STORE_CREDENTIAL]);
}

function missingCredential(ctx: AnyContext, setting: string): NodeError {
	return toNodeError(
		ctx.getNode(),
		new ClinicError(`${setting} needs a Clinic Store credential`, {
			code: 'missing_store_credential',
			field: 'Credential for Clinic Store',
			hint: CREDENTIAL_FIX,
			kind: 'config',
		}),
	);
}

/** Trigger activation: "Audit to Store" or Clinic Store deduplication without a Clinic Store credential → clear error. */
export function assertTriggerStoreCredential(ctx: IHookFunctions): void {
	if (hasStoreCredential(ctx)) return;
	if (ctx.getNodeParameter(AUDIT_TO_STORE, false) === true) throw missingCredential(ctx, '"Audit to Store"');
	if (ctx.getNodeParameter('deduplicationStore', 'workflow') === 'clinicStore')
		throw missingCredential(ctx, '"Remember Processed Events In: Clinic Store"');
}

/** Status updates of messages a Send node sent with an idempotency key: they can resolve unknown sends. */
function keyedStatuses(events: readonly IDataObject[]): KeyedStatus[] {
	return events.flatMap((e) => {
		if (e.event !== 'status' || typeof e.idempotencyKey !== 'string') return [];
		const errors = Array.isArray(e.errors) ? (e.errors as IDataObject[]) : [];
		const code = errors[0]?.code;
		return [
			{
				idempotencyKey: e.idempotencyKey,
				status: String(e.status),
				messageId: String(e.messageId ?? ''),
				errorCode: typeof code === 'number' || typeof code === 'string' ? code : null,
			},
		];
	});
}

/**
 * Trigger: the emit hook writing one entry per emitted event (direction detected: inbound / status / system), and
 * a `message.resolved` entry for each unknown send a status update settles.
 */
export function triggerAuditHooks(ctx: IWebhookFunctions): EmitHook[] {
	if (ctx.getNodeParameter(AUDIT_TO_STORE, false) !== true) return [];
	return [
		async (emitted) => {
			if (!hasStoreCredential(ctx)) throw missingCredential(ctx, '"Audit to Store"');
			const events = emitted.map(({ event }) => event as unknown as IDataObject);
			const statuses = keyedStatuses(events);
			await auditItems(ctx, events, 'auto', statuses.length ? { reconcile: { statuses } } : {});
		},
	];
}

/** Non-PHI facts about a failure: Meta's code and catalogue title, or the field a validation error names. */
function failureDetails(error: unknown): Record<string, string | number | null> {
	if (error instanceof CloudApiError) return { errorCode: error.code, error: error.title };
	if (error instanceof SendOutcomeUnknownError)
		return { errorCode: error.transportError.code, error: error.transportError.title };
	if (error instanceof MessageValidationError)
		return { errorCode: null, error: `Not sent: ${error.field} is invalid` };
	return { errorCode: null, error: 'Not sent' };
}

/** The `consent` object "Require Consent for Purpose" put on an item, if any. */
function consentOf(json: IDataObject): IDataObject | undefined {
	const consent = json.consent;
	return consent && typeof consent === 'object' && !Array.isArray(consent)
		? (consent as IDataObject)
		: undefined;
}

function auditEntryFor(ctx: IExecuteFunctions, outcome: SendOutcome): Partial<AuditEntryInput> {
	const json = outcome.ok || outcome.blocked ? outcome.json : outcome.summary;
	const consent = consentOf(json);
	const purpose =
		String(ctx.getNodeParameter(AUDIT_PURPOSE, outcome.itemIndex, '') ?? '').trim() ||
		(typeof consent?.purpose === 'string' ? consent.purpose : '');
	const details: Record<string, string | number | boolean | null> = {};
	for (const [key, name] of [
		['templateLanguage', 'templateLanguage'],
		['type', 'messageType'],
		['messageStatus', 'messageStatus'],
		['recipientType', 'recipientType'],
	] as const) {
		if (typeof json[key] === 'string') details[name] = json[key];
	}
	if (typeof consent?.basis === 'string') details.consentBasis = consent.basis;
	const key = typeof json.idempotencyKey === 'string' ? json.idempotencyKey : undefined;
	if (key) details.idempotencyKey = key;
	if (outcome.blocked) {
		// Held back by "Require Consent for Purpose": never sent, so no message ID and no content.
		const entry: Partial<AuditEntryInput> = {
			event: 'message.blocked',
			outcome: 'minor-failure',
			details: {
				...details,
				sent: false,
				blockedBy: 'consent',
				consentReason: typeof consent?.reason === 'string' ? consent.reason : null,
			},
		};
		if (purpose) entry.purpose = purpose;
		if (json.recipientType === 'user_id' && typeof json.recipient === 'string') entry.userId = json.recipient;
		return entry;
	}
	const skipped =
		outcome.ok && json.status === 'skipped' ? (json.skipped as IDataObject | undefined) : undefined;
	const entry: Partial<AuditEntryInput> = skipped
		? {
				// Idempotency Key already claimed (send-claims.ts): not sent by this run.
				event: 'message.skipped',
				outcome: 'success',
				details: { ...details, sent: false, skipReason: String(skipped.reason ?? '') },
			}
		: outcome.unknown
			? {
					// May have been sent: no message ID; the idempotency key is the reference its status updates carry.
					event: UNKNOWN_SEND_EVENT,
					outcome: 'minor-failure',
					messageId: key,
					details: { ...details, sent: 'unknown', ...failureDetails(outcome.error) },
				}
			: {
					event: outcome.ok ? 'message.sent' : 'message.failed',
					outcome: outcome.ok ? 'success' : 'serious-failure',
					details: outcome.ok ? details : { ...details, sent: false, ...failureDetails(outcome.error) },
				};
	if (purpose) entry.purpose = purpose;
	if (json.recipientType === 'user_id' && typeof json.recipient === 'string') entry.userId = json.recipient;
	return entry;
}

/** Status entries of this run's messages are looked for from the run's start minus this (other processes' clocks). */
const CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * Send nodes: when "Audit to Store" is on, checks the credential and opens the store BEFORE anything is sent (so a
 * missing credential or an unreachable database stops the run with nothing sent), then returns the `onOutcomes`
 * hook appending one outbound entry per settled item in one transaction (also when the run then stops: every
 * message that was or may have been sent is recorded), plus the resolution of unknown sends whose status updates
 * were already recorded. Off → undefined, and the store is never touched.
 */
export async function sendAuditHook(
	ctx: IExecuteFunctions,
): Promise<((this: IExecuteFunctions, outcomes: SendOutcome[]) => Promise<void>) | undefined> {
	if (ctx.getNodeParameter(AUDIT_TO_STORE, 0, false) !== true) return undefined;
	if (!hasStoreCredential(ctx)) throw missingCredential(ctx, '"Audit to Store"');
	await getClinicStore(ctx);
	const since = new Date(Date.now() - CLOCK_MARGIN_MS).toISOString();
	return async function (this: IExecuteFunctions, outcomes: SendOutcome[]) {
		const list = outcomes.filter(Boolean);
		// A group message gets one entry per participant (group-audit.ts).
		const rows = auditRows(list);
		await auditItems(
			this,
			rows.map(({ outcome: o }) =>
				o.ok
					? o.json
					: o.blocked || o.unknown
						? { ...o.summary }
						: { ...o.summary, error: { message: 'not sent' } },
			),
			'outbound',
			{
				includeContent: false,
				overrides: (_json, i) => participantEntry(auditEntryFor(this, rows[i].outcome), rows[i]),
				...(list.some((o) => o.unknown) ? { reconcile: { unknownSince: since } } : {}),
			},
		);
	};
}
