/**
 * Call audit entries for the KPI tests, made the way production makes them: a Meta `calls` webhook body → the
 * trigger's parser (extractEvents) → the audit entry of its typed call event (detectAuditEntry, which Audit to Store
 * and the Audit Log node use).
 */
import type { AuditEntryInput } from '../../../core/audit';
import { detectAuditEntry } from '../../../core/audit/detect';
import { extractEvents } from '../../../core/webhook/parse';
import type { WireWebhookPayload } from '../../../core/webhook/wire';

const CLINIC = '15550001111';

export interface WireCallUpdate {
	id: string;
	/** The patient's number (wa_id): the caller of their call, the callee of the clinic's. */
	patient: string;
	event: 'connect' | 'terminate' | 'status';
	direction: 'USER_INITIATED' | 'BUSINESS_INITIATED';
	/** Terminate: COMPLETED / FAILED; status: RINGING / ACCEPTED / REJECTED. */
	status?: string;
	/** Unix seconds, as Meta sends them. */
	start?: number;
	end?: number;
	duration?: number;
}

/** Meta's webhook body for one call update (a `calls` entry, or a `statuses` entry of type call). */
export function callWebhook(c: WireCallUpdate): WireWebhookPayload {
	const byClinic = c.direction === 'BUSINESS_INITIATED';
	const value: Record<string, unknown> = {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: CLINIC, phone_number_id: '100200300' },
		contacts: [{ profile: { name: 'Patient' }, wa_id: c.patient }],
	};
	if (c.event === 'status') {
		value.statuses = [
			{ id: c.id, timestamp: '1772000000', type: 'call', status: c.status, recipient_id: c.patient },
		];
	} else {
		value.calls = [
			{
				id: c.id,
				from: byClinic ? CLINIC : c.patient,
				to: byClinic ? c.patient : CLINIC,
				event: c.event,
				direction: c.direction,
				timestamp: '1772000000',
				...(c.event === 'connect'
					? { session: { sdp_type: byClinic ? 'answer' : 'offer', sdp: 'v=0\r\n' } }
					: {}),
				...(c.status ? { status: c.status } : {}),
				...(c.start !== undefined ? { start_time: String(c.start) } : {}),
				...(c.end !== undefined ? { end_time: String(c.end) } : {}),
				...(c.duration !== undefined ? { duration: c.duration } : {}),
			},
		];
	}
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: 'waba-1', changes: [{ field: 'calls', value }] }],
	};
}

/** The audit entry production writes for that call update. */
export function callEntry(c: WireCallUpdate): AuditEntryInput {
	const events = extractEvents(callWebhook(c));
	if (events.length !== 1) throw new Error(`expected one call event, got ${events.length}`);
	return detectAuditEntry(events[0] as unknown as Record<string, unknown>);
}
