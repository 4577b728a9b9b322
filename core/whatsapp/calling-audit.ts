/**
 * Calls in the audit log: who (the WhatsApp user: the caller of a user-initiated call, the callee of a business-
 * initiated one), when, how long and how it ended, from the trigger's typed `call` events (core/webhook/call-events.ts)
 * and the patient's answers to call permission requests (`message` events with `interactive.callPermissionReply`).
 * core/audit/detect.ts calls these for every trigger item (Audit to Store and the Audit Log node alike).
 *
 *   call.incoming / call.connected     connect webhook (a user calls: SDP offer; the user answered: SDP answer)
 *   call.ringing / call.accepted / call.rejected   status updates of business-initiated calls
 *   call.completed                     terminate after a conversation (duration in seconds)
 *   call.missed                        terminate of a user's call nobody answered
 *   call.unanswered                    terminate of a business call the user did not take
 *   call_permission.granted / .declined
 * The SDP itself is never stored (it is signalling, not care data).
 */
import type { AuditEntryInput, AuditOutcome } from '../audit/entry';

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The name of a call event's audit entry and its outcome. */
export function callEventName(json: Json): { event: string; outcome: AuditOutcome } {
	const kind = str(json.callEvent)?.toLowerCase();
	const status = str(json.status)?.toUpperCase() ?? null;
	const userCalled = str(json.direction)?.toUpperCase() !== 'BUSINESS_INITIATED';
	if (kind === 'connect')
		return {
			event: userCalled && str(json.sdpType) !== 'answer' ? 'call.incoming' : 'call.connected',
			outcome: 'success',
		};
	if (kind === 'terminate') {
		const talked = (num(json.durationSeconds) ?? 0) > 0 || str(json.startTime) !== null;
		if (talked && status !== 'FAILED') return { event: 'call.completed', outcome: 'success' };
		return { event: userCalled ? 'call.missed' : 'call.unanswered', outcome: 'minor-failure' };
	}
	if (status === 'REJECTED') return { event: 'call.rejected', outcome: 'minor-failure' };
	return { event: `call.${(status ?? 'status').toLowerCase()}`, outcome: 'success' };
}

/** The audit entry of a trigger `call` event, over the fields detect.ts already found (`base`). */
export function callAuditEntry(base: AuditEntryInput, json: Json): AuditEntryInput {
	const userCalled = str(json.direction)?.toUpperCase() !== 'BUSINESS_INITIATED';
	const { event, outcome } = callEventName(json);
	const errors = Array.isArray(json.errors) ? (json.errors as Json[]) : [];
	return {
		...base,
		// The patient: the caller of their own call, the callee of the clinic's.
		patientPhone: str(userCalled ? json.from : json.to),
		messageId: null,
		direction: str(json.callEvent) === 'status' ? 'status' : userCalled ? 'inbound' : 'outbound',
		event,
		outcome,
		content: null,
		details: {
			callId: str(json.callId),
			direction: str(json.direction),
			status: str(json.status),
			durationSeconds: num(json.durationSeconds),
			startTime: str(json.startTime),
			endTime: str(json.endTime),
			...(errors.length ? { errorCode: str(errors[0].code) ?? num(errors[0].code) } : {}),
		},
	};
}

/** The audit entry of a call permission answer, or null when the message is not one. */
export function callPermissionAuditEntry(base: AuditEntryInput, json: Json): AuditEntryInput | null {
	const interactive =
		json.interactive && typeof json.interactive === 'object' ? (json.interactive as Json) : null;
	const reply = interactive?.callPermissionReply;
	if (!reply || typeof reply !== 'object') return null;
	const r = reply as Json;
	const accepted = str(r.response)?.toLowerCase() === 'accept';
	return {
		...base,
		direction: 'inbound',
		event: accepted ? 'call_permission.granted' : 'call_permission.declined',
		outcome: 'success',
		content: null,
		details: {
			response: str(r.response),
			expiresAt: str(r.expiresAt),
			isPermanent: typeof r.isPermanent === 'boolean' ? r.isPermanent : null,
			responseSource: str(r.responseSource),
		},
	};
}
