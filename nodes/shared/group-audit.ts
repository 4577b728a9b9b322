/**
 * Group messages in the audit log: a message sent to a WhatsApp group reaches several patients, so "Audit to Store"
 * records it once per participant (each entry carries the participant as the patient, encrypted like every patient
 * phone, plus the group ID and the participant count), so a patient's audit trail shows the group messages they
 * received. The participants are read from Meta right after the message was accepted (one GET /{group-id}); when
 * that read fails the message is still reported sent and audited once for the group.
 *
 *   executeBulkSend: send: async (job) => await withGroupParticipants(context, job, await job.send(context))
 *   sendAuditHook:   auditRows(outcomes) → one row per participant → participantEntry(entry, row)
 */
import type { IDataObject } from 'n8n-workflow';

import type { AuditEntryInput } from '../../core/audit/entry';
import { settle } from '../../core/settle';
import { getGroup } from '../../core/whatsapp/groups';
import { isBusinessScopedUserId } from '../../core/whatsapp/phone';
import type { SendJob, SendOutcome } from './send';
import type { WhatsAppContext } from './transport';

/** After Meta accepted a message to a group: the output fields plus the group's participants at that moment. */
export async function withGroupParticipants(
	context: WhatsAppContext,
	job: SendJob,
	json: IDataObject,
): Promise<IDataObject> {
	const recipient = job.recipient;
	if (recipient?.kind !== 'group') return json;
	const read = await settle(async () => await getGroup(context.client, recipient.groupId));
	if (read.ok)
		return { ...json, participants: read.value.participants, participantCount: read.value.participantCount };
	return {
		...json,
		participants: null,
		participantsError: `Sent, but the group’s participants could not be read: ${(read.error as Error).message}`,
	};
}

export interface AuditRow {
	outcome: SendOutcome;
	/** A participant of the group the message went to, or null (one-to-one messages, unknown participants). */
	participant: string | null;
}

/** One row per outcome, except group messages with known participants: one row per participant. */
export function auditRows(outcomes: readonly SendOutcome[]): AuditRow[] {
	return outcomes.flatMap((outcome): AuditRow[] => {
		const json = outcome.ok ? outcome.json : null;
		const participants = json && Array.isArray(json.participants) ? (json.participants as unknown[]) : [];
		if (json?.recipientType !== 'group' || !participants.length) return [{ outcome, participant: null }];
		return participants.map((p) => ({ outcome, participant: String(p) }));
	});
}

/** The entry of one row: the participant as the patient, the group ID and participant count as details. */
export function participantEntry(entry: Partial<AuditEntryInput>, row: AuditRow): Partial<AuditEntryInput> {
	const json = row.outcome.ok || row.outcome.blocked ? row.outcome.json : row.outcome.summary;
	if (json.recipientType !== 'group') return entry;
	const details = {
		...(entry.details ?? {}),
		groupId: String(json.recipient ?? ''),
		...(typeof json.participantCount === 'number' ? { participantCount: json.participantCount } : {}),
	};
	if (!row.participant) return { ...entry, details };
	return isBusinessScopedUserId(row.participant)
		? { ...entry, details, userId: row.participant }
		: { ...entry, details, patientPhone: row.participant };
}
