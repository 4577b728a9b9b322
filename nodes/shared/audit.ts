/**
 * "Audit to Store" for the Trigger and Send nodes, and the shared item → audit entry mapping of the Audit Log node.
 *
 *   import { auditItems } from '../shared/audit';
 *   await auditItems(this, returnItems, 'auto', { purpose: 'appointment-reminder' });
 *
 * All items of one call are appended in ONE store transaction (one chain segment per execution). Entries carry the
 * workflow id, execution id and node name as actor. Message text is stored encrypted unless includeContent=false.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import {
	type AppendedEntry,
	type PreparedEntry,
	appendPreparedEntries,
	prepareEntry,
} from '../../core/audit/chain';
import { detectAuditEntry, withOverrides } from '../../core/audit/detect';
import { appendReconciled, type ReconcileRequest } from '../../core/audit/reconcile';
import type { AuditDirection, AuditEntryInput } from '../../core/audit/entry';
import { ClinicError } from '../../core/errors';
import { settle } from '../../core/settle';
import { toNodeError } from './errors';
import { getClinicStore } from './store';

type AuditContext = IExecuteFunctions | IWebhookFunctions | ITriggerFunctions;

export interface AuditItemsOptions {
	/** Purpose recorded on every entry (e.g. "appointment-reminder"), unless the item carries its own. */
	purpose?: string;
	/** Event name for every entry (default: detected, e.g. message.received / message.sent / status.read). */
	event?: string;
	/** Store message text (encrypted). Default true. */
	includeContent?: boolean;
	/** Per-item overrides (take precedence over detection). */
	overrides?: (json: IDataObject, index: number) => Partial<AuditEntryInput>;
	/** Resolve sends with an unknown outcome in the same transaction (core/audit/reconcile.ts). */
	reconcile?: Omit<ReconcileRequest, 'actor'>;
}

/** Actor fields of the running node. */
export function auditActor(ctx: AuditContext): NonNullable<AuditEntryInput['actor']> {
	const workflow = ctx.getWorkflow();
	let executionId: string | null = null;
	try {
		executionId = ctx.getExecutionId() ?? null;
	} catch {
		executionId = null;
	}
	return { workflowId: workflow.id ?? null, executionId, node: ctx.getNode().name };
}

/** Detects + overrides one item's entry. */
export function buildAuditEntry(
	json: IDataObject,
	direction: AuditDirection | 'auto',
	options: AuditItemsOptions & { actor?: AuditEntryInput['actor'] },
	index = 0,
): AuditEntryInput {
	const detected = detectAuditEntry(json as Record<string, unknown>);
	const entry = withOverrides(detected, {
		direction,
		event: options.event,
		purpose: detected.purpose ? undefined : options.purpose,
		...(options.overrides?.(json, index) ?? {}),
	});
	if (options.includeContent === false) entry.content = null;
	entry.actor = options.actor ?? entry.actor;
	return entry;
}

/**
 * Appends one audit entry per item, in one transaction. Throws a NodeOperationError (through nodes/shared/errors.ts;
 * nothing written) when the store is unavailable or an item cannot be mapped — callers that must not fail the
 * delivery should catch it.
 */
export async function auditItems(
	ctx: AuditContext,
	items: ReadonlyArray<INodeExecutionData | IDataObject>,
	direction: AuditDirection | 'auto' = 'auto',
	options: AuditItemsOptions = {},
): Promise<AppendedEntry[]> {
	if (!items.length) return [];
	const actor = auditActor(ctx);
	const store = await getClinicStore(ctx);
	const prepared: PreparedEntry[] = [];
	for (let i = 0; i < items.length; i++) {
		const item = items[i];
		const json = (
			item && typeof item.json === 'object' && item.json !== null ? item.json : item
		) as IDataObject;
		const built = await settle(async () =>
			prepareEntry(buildAuditEntry(json, direction, { ...options, actor }, i), store.cipher),
		);
		if (!built.ok) {
			throw toNodeError(
				ctx.getNode(),
				new ClinicError(`Audit to Store: item ${i}: ${(built.error as Error).message}`, {
					code: 'audit_entry_invalid',
					kind: 'input',
					cause: built.error,
				}),
				i,
			);
		}
		prepared.push(built.value);
	}
	const { reconcile } = options;
	const res = await settle(async () =>
		reconcile
			? await appendReconciled(store, prepared, { ...reconcile, actor })
			: await appendPreparedEntries(store, prepared),
	);
	if (!res.ok) {
		throw toNodeError(
			ctx.getNode(),
			new ClinicError(`Audit to Store failed: ${(res.error as Error).message}`, {
				code: 'audit_write_failed',
				kind: 'store',
				hint: 'Nothing was written to the audit log for this execution. Check the Clinic Store credential.',
				cause: res.error,
			}),
		);
	}
	return res.value;
}
