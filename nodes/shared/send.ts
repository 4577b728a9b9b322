/**
 * n8n glue of the bulk sender (core/whatsapp/bulk-send.ts) for WhatsApp Send Template and WhatsApp Send Message:
 * the WhatsApp context of the run (credential read once and handed to every request), the parameter cache, and the
 * translation of the scheduler's outcomes into output items (nodes/shared/items.ts `errorItem`, with the item's
 * send summary as the known fields) and of its stops into node errors (nodes/shared/errors.ts).
 *
 * Every message item ends with `status`: `sent` (messageId), `failed` (an error item: not sent), `unknown` (the
 * request may have reached WhatsApp but no answer came back: a regular item with the idempotency key, the reason
 * and what to do; never retried, never called failed), or `blocked` (held back by "Require Consent for Purpose").
 * Every message item carries its `idempotencyKey`, also sent to Meta inside `biz_opaque_callback_data`
 * (core/whatsapp/callback-data.ts), so status updates can be matched to the item.
 *
 * Continue On Fail OFF: every item is validated BEFORE any request; the first bad item throws (naming the item, the
 * field and the fix) and NOTHING is sent. Then all jobs are sent concurrently; no new send starts after the first
 * failure (a refusal), and the error says how many messages had already been accepted and how many have an unknown
 * outcome. An unknown outcome does not stop the run: it is output like a sent item.
 * Continue On Fail ON: bad items become paired error items; sending starts with the first valid item while the rest
 * are still being validated. A `gate` (e.g. "Require Consent for Purpose") runs once over every valid item after
 * validation and before the first send, in both modes; the items it holds back are output as regular items and never
 * sent. Sends go through one GraphClient, whose process-wide limiter paces the phone number ("Messages per Second")
 * and whose pair guard backs off per recipient (131056); transient failures are retried there. Output keeps input
 * order and `pairedItem`.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ClinicError } from '../../core/errors';
import {
	runBulkSend,
	SendHeldBackError,
	type BulkSendStop,
	type GateDecision as CoreGateDecision,
	type PreparedSend as CorePreparedSend,
	type SendOutcome as CoreSendOutcome,
} from '../../core/whatsapp/bulk-send';
import { MessageValidationError } from '../../core/whatsapp/messages/validation';
import { sendClaimsFor, type SendClaims } from '../../core/whatsapp/send-claims';
import { SendOutcomeUnknownError, UNKNOWN_OUTCOME_HINT } from '../../core/whatsapp/send-outcome';
import { pairKey } from '../../core/whatsapp/graph-client';
import type { SendMessageResult } from '../../core/whatsapp/graph-types';
import { recipientFields, recipientLabel, type Recipient } from '../../core/whatsapp/phone';
import { DEFAULT_MPS } from '../../core/whatsapp/rate-limiter';
import { hasStoreCredential, sendAuditHook } from './audit-option';
import { sendConsentChecks } from './consent-option';
import { toNodeError, type NodeError } from './errors';
import { withGroupParticipants } from './group-audit';
import { errorItem } from './items';
import type { OperationHandler } from './router';
import { IDEMPOTENCY_KEY, claimNeedsStoreError, claimedSend } from './send-claims';
import { readMps, withParameterCache, type SendOptions } from './send-fields';
import { getClinicStore } from './store';
import { getWhatsAppContext, type WhatsAppContext } from './transport';

/** One item, validated and ready to send. */
export interface SendJob {
	/** Output fields known before sending (recipient, template…), merged into success and error items. */
	summary: IDataObject;
	/** The parsed recipient (absent for Mark as Read, which messages no one); what the consent gate checks. */
	recipient?: Recipient;
	/** Performs the request(s) and returns the output fields (messageId, waId…). */
	send(context: WhatsAppContext): Promise<IDataObject>;
	/** The item's scoped "Idempotency Key" (send-claims.ts): claimed in the Clinic Store right before sending. */
	claim?: string;
}

/** Result of one item, in input order; what "Audit to Store" records. */
export type SendOutcome = CoreSendOutcome<IDataObject>;
/** A valid item waiting to be sent. */
export type PreparedSend = CorePreparedSend<SendJob>;
/** What a send gate decided for one job: send it (with extra summary fields) or hold it back (output `json`). */
export type GateDecision = CoreGateDecision<IDataObject>;

/**
 * Decides ALL valid jobs at once, after every item is validated and right before the first send (e.g. the consent
 * check). Returns one decision per job, in order. Throwing stops the run with nothing sent.
 */
export type SendGate = (this: IExecuteFunctions, jobs: readonly PreparedSend[]) => Promise<GateDecision[]>;

export interface BulkSendOptions {
	/** Builds (and fully validates) the job for one item; throws a MessageValidationError / ClinicError. */
	prepare(this: IExecuteFunctions, itemIndex: number, context: WhatsAppContext): Promise<SendJob> | SendJob;
	/** Messages per second (read with readMps; default 80). */
	mps?: number;
	phoneNumberId?: string;
	/** Called once with every outcome before items are returned (seam for the store's "Audit to Store"). */
	onOutcomes?: (this: IExecuteFunctions, outcomes: SendOutcome[]) => Promise<void>;
	/** Concurrency override (tests). Default: one second's worth of messages. */
	concurrency?: number;
	/**
	 * Optional gate run once over every valid item before anything is sent (items it holds back are output as
	 * not sent). With a gate, Continue On Fail also validates every item before the first send.
	 */
	gate?: SendGate;
	/**
	 * Optional re-check of each job right before its message request leaves (after the rate-limit wait; e.g.
	 * consent read again): a job it holds back is not sent and comes out like one the gate held back.
	 */
	recheck?: (this: IExecuteFunctions, prepared: PreparedSend) => Promise<GateDecision>;
	/** The operation messages a patient: items get `status` (sent / failed / unknown / blocked). */
	messagesPatient?: boolean;
}

/**
 * The GraphClient `clearance` of a run with a `recheck`: each message request, right before it leaves, finds its job
 * by recipient (the pair key the client passes) and is held back when the re-check says so. A request whose
 * recipient matches no prepared job is refused (fail closed: never sent unchecked).
 */
function clearanceFor(ctx: IExecuteFunctions, recheck: NonNullable<BulkSendOptions['recheck']>) {
	const byRecipient = new Map<string, PreparedSend>();
	return {
		track(prepared: PreparedSend): void {
			if (prepared.job.recipient?.kind === 'phone' || prepared.job.recipient?.kind === 'userId')
				byRecipient.set(pairKey(recipientFields(prepared.job.recipient)) ?? '', prepared);
		},
		async clearance(recipient: string): Promise<void> {
			const prepared = byRecipient.get(recipient);
			if (!prepared)
				throw new Error('Internal error: a message left for a recipient the consent check did not see');
			const decision = await recheck.call(ctx, prepared);
			if (!decision.send) throw new SendHeldBackError(decision.json);
		},
	};
}

function noSenderError(): ClinicError {
	return new ClinicError('No sender phone number ID', {
		code: 'no_sender',
		field: 'Sender Phone Number ID',
		hint: 'Set the Phone Number ID in the WhatsApp Clinic Cloud API credential, or the Sender Phone Number ID option.',
		kind: 'config',
	});
}

/** The error a stopped run (Continue On Fail off) throws: the item's error, plus what was already sent. */
function stopError(ctx: IExecuteFunctions, stop: BulkSendStop): NodeError {
	const nodeError = toNodeError(ctx.getNode(), stop.error, stop.itemIndex);
	const notes: string[] = [];
	if (stop.phase === 'send' && stop.accepted > 0)
		notes.push(`${stop.accepted} other message(s) of this run were already accepted by WhatsApp.`);
	if (stop.phase === 'send' && stop.unknown > 0)
		notes.push(
			`${stop.unknown} message(s) have an unknown outcome (the connection broke after they were handed over): they may have been delivered, do not resend them blindly.`,
		);
	if (notes.length) {
		notes.push(
			'Turn on "Continue On Fail" to get one result per item (status sent, failed or unknown) and resend only the failed ones.',
		);
		nodeError.description = `${nodeError.description ?? ''} ${notes.join(' ')}`.trim();
	}
	return nodeError;
}

/** The output of a send with an unknown outcome: a regular item (not an error) saying what happened and what to do. */
export function unknownItemJson(summary: IDataObject, error: unknown): IDataObject {
	const known = error instanceof SendOutcomeUnknownError;
	return {
		status: 'unknown',
		...summary,
		messageId: null,
		reason: known ? error.message : 'The outcome of this send is unknown',
		code: known ? (error.code ?? null) : null,
		hint: known ? (error.hint ?? null) : UNKNOWN_OUTCOME_HINT,
	};
}

/** One output item per settled outcome; message operations (`withStatus`) get `status` sent/failed/unknown/blocked. */
function outputItem(ctx: IExecuteFunctions, outcome: SendOutcome, withStatus: boolean): INodeExecutionData {
	const paired = { pairedItem: { item: outcome.itemIndex } };
	const status = (value: string): IDataObject => (withStatus ? { status: value } : {});
	if (outcome.ok) return { json: { ...status('sent'), ...outcome.json }, ...paired };
	if (outcome.blocked) return { json: { ...status('blocked'), ...outcome.json }, ...paired };
	if (outcome.unknown) return { json: unknownItemJson(outcome.summary, outcome.error), ...paired };
	return errorItem(ctx, outcome.error, outcome.itemIndex, { ...status('failed'), ...outcome.summary });
}

/** Runs the bulk sender over all input items and returns the output items (order and pairing preserved). */
export async function executeBulkSend(
	this: IExecuteFunctions,
	options: BulkSendOptions,
): Promise<INodeExecutionData[]> {
	const perSend = options.recheck ? clearanceFor(this, options.recheck) : undefined;
	const context = await getWhatsAppContext.call(this, {
		mps: options.mps,
		phoneNumberId: options.phoneNumberId,
		reuseCredential: true,
		clearance: perSend?.clearance,
	});
	const cached = withParameterCache(this);
	const { gate, onOutcomes, messagesPatient = false } = options;
	// A group message also records who was in the group (group-audit.ts), for "Audit to Store".
	const sendJob = async (job: SendJob) => await withGroupParticipants(context, job, await job.send(context));
	const claims = claimsOf(this);
	const mps = options.mps ?? DEFAULT_MPS;
	const result = await runBulkSend<IDataObject, SendJob>({
		itemCount: this.getInputData().length,
		continueOnFail: this.continueOnFail(),
		prepare: async (itemIndex) => {
			const job = await options.prepare.call(cached, itemIndex, context);
			if (job.claim && !hasStoreCredential(this)) throw claimNeedsStoreError();
			perSend?.track({ itemIndex, job });
			return job;
		},
		send: async (job) =>
			job.claim
				? await claimedSend(
						await claims.handle(),
						{ key: job.claim, owner: claims.owner(), callbackKey: String(job.summary.idempotencyKey ?? '') },
						async () => await sendJob(job),
					)
				: await sendJob(job),
		// With Idempotency Keys, fewer sends wait claimed for a slot (what a crash would leave undecided).
		concurrency: (count) =>
			options.concurrency ??
			Math.max(1, Math.min(count, claims.used ? Math.max(8, Math.ceil(mps / 2)) : mps)),
		requireSender: () => {
			if (!context.phoneNumberId) throw noSenderError();
		},
		gate: gate ? async (jobs) => await gate.call(this, jobs) : undefined,
		onOutcomes: onOutcomes ? async (outcomes) => await onOutcomes.call(this, outcomes) : undefined,
	});
	if (result.stop) throw stopError(this, result.stop);
	return result.outcomes.map((outcome) => outputItem(this, outcome, messagesPatient));
}

/** The Clinic Store claims of this run (opened on the first claim) and who claims: the execution. */
function claimsOf(ctx: IExecuteFunctions) {
	const options = (ctx.getNode().parameters?.options ?? {}) as Record<string, unknown>;
	let handle: Promise<SendClaims> | undefined;
	return {
		used: options[IDEMPOTENCY_KEY] !== undefined,
		owner: () => `execution:${ctx.getExecutionId() ?? 'unknown'}`,
		handle: async () => await (handle ??= getClinicStore(ctx).then(sendClaimsFor)),
	};
}

/**
 * The handler of a sending operation (nodes/shared/router.ts): reads the common options, prepares "Require Consent
 * for Purpose" and "Audit to Store" unless the operation messages no one (Mark as Read), and runs the bulk sender.
 */
export function bulkSendOperation(
	prepare: BulkSendOptions['prepare'],
	{ messagesPatient = true }: { messagesPatient?: boolean } = {},
): OperationHandler<undefined> {
	return async function (this: IExecuteFunctions) {
		const options = this.getNodeParameter('options', 0, {}) as SendOptions;
		const items = await executeBulkSend.call(this, {
			mps: readMps(options.messagesPerSecond),
			phoneNumberId: options.phoneNumberId?.trim() || undefined,
			prepare,
			messagesPatient,
			...(messagesPatient ? await sendConsentChecks(this) : {}),
			onOutcomes: messagesPatient ? await sendAuditHook(this) : undefined,
		});
		return [items];
	};
}

/**
 * The summary every message job starts with: the recipient as output (`recipient`, `recipientType`), the node's own
 * fields (template, type…), the user's callback data when set, and the item's idempotency key.
 */
export function recipientSummary(
	recipient: Recipient,
	fields: IDataObject,
	envelope: { bizOpaqueCallbackData?: string; idempotencyKey: string },
): IDataObject {
	const summary: IDataObject = {
		recipient: recipientLabel(recipient),
		recipientType: recipient.kind === 'userId' ? 'user_id' : recipient.kind,
		...fields,
	};
	if (envelope.bizOpaqueCallbackData) summary.bizOpaqueCallbackData = envelope.bizOpaqueCallbackData;
	summary.idempotencyKey = envelope.idempotencyKey;
	return summary;
}

/** The output fields of a message WhatsApp accepted. */
export function acceptedFields(result: SendMessageResult): IDataObject {
	const out: IDataObject = { messageId: result.messageId, waId: result.waId ?? null };
	if (result.messageStatus) out.messageStatus = result.messageStatus;
	return out;
}

/** Uploads an item's binary property as WhatsApp media and returns the media ID. */
export async function uploadItemBinary(
	ctx: IExecuteFunctions,
	context: WhatsAppContext,
	itemIndex: number,
	propertyName: string,
): Promise<string> {
	const meta = ctx.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const uploaded = await context.client.uploadMedia(context.phoneNumberId, {
		data,
		fileName: meta.fileName ?? `${propertyName}.${meta.fileExtension ?? 'bin'}`,
		mimeType: meta.mimeType || 'application/octet-stream',
	});
	return uploaded.id;
}

/** Checks at validation time that an item has the binary property (names the field and the fix). */
export function assertItemBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	field: string,
): void {
	const name = propertyName.trim();
	if (!name)
		throw new MessageValidationError(
			field,
			'is empty',
			'Give the name of the binary property holding the file, e.g. data.',
		);
	const binary = ctx.getInputData()[itemIndex]?.binary?.[name];
	if (!binary)
		throw new MessageValidationError(
			field,
			`"${name}": the item has no binary property with that name`,
			'Check the name of the binary field produced by the previous node (often "data"), or send the file by link or media ID.',
		);
}
