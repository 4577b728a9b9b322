/**
 * Business Calling API webhooks (`calls` field) → one typed `CallEvent` per call update:
 * - `value.calls[]`: `connect` (a user calls, with the SDP offer; or a business-initiated call is answered, with the
 *   SDP answer) and `terminate` (status COMPLETED/FAILED, start and end time, duration in seconds);
 * - `value.statuses[]` of type `call`: a business-initiated call is RINGING, ACCEPTED or REJECTED.
 * The `errors` of a `calls` change describe its calls: each call event carries them (no separate error item).
 * Permission replies are messages (`interactive.callPermissionReply`, message-content.ts), not call events.
 */
import { idsAt, patientOf, personOf, withContact } from './contacts';
import type { ChangeBase, EventBase, MetaError, PatientFields, UnknownFields } from './events';
import type { WireCall, WireContact, WireStatus } from './wire';
import { isRecord, num, str, toMetaErrors, unixToIso, unknownFields } from './wire-values';

export interface CallEvent extends EventBase, PatientFields {
	event: 'call';
	/** Meta's call ID (`wacid.…`): the same for every update of one call. */
	callId: string | null;
	/** `connect`, `terminate`, or `status` for ringing/accepted/rejected updates. */
	callEvent: string | null;
	/** `USER_INITIATED` or `BUSINESS_INITIATED`. */
	direction: string | null;
	/** RINGING, ACCEPTED, REJECTED (status updates); COMPLETED or FAILED (terminate). */
	status: string | null;
	/** Caller and callee phone numbers (the business number on one side). */
	from: string | null;
	to: string | null;
	/** `offer` (a user calls: answer it with your SDP) or `answer` (the user answered your call). */
	sdpType: string | null;
	/** The SDP (RFC 8866) to hand to the clinic's WebRTC or SIP endpoint; this package does not do media. */
	sdp: string | null;
	startTime: string | null;
	endTime: string | null;
	durationSeconds: number | null;
	bizOpaqueCallbackData: string | null;
	errors: MetaError[];
	unknown: UnknownFields;
}

const CALL_KEYS: ReadonlySet<string> = new Set([
	'id',
	'wacid',
	'event',
	'direction',
	'status',
	'from',
	'to',
	'from_user_id',
	'from_parent_user_id',
	'to_user_id',
	'to_parent_user_id',
	'timestamp',
	'start_time',
	'end_time',
	'duration',
	'biz_opaque_callback_data',
	'session',
	'errors',
]);
/** The keys every status reads, call or message (update-events.ts adds the group and pricing ones). */
export const STATUS_COMMON_KEYS = [
	'id',
	'status',
	'timestamp',
	'recipient_id',
	'recipient_user_id',
	'recipient_parent_user_id',
	'biz_opaque_callback_data',
	'errors',
];
const CALL_STATUS_KEYS: ReadonlySet<string> = new Set(STATUS_COMMON_KEYS);

/** The calls and call status updates of one change, in that order. */
export function toCallEvents(
	value: Record<string, unknown>,
	contacts: WireContact[],
	base: ChangeBase,
): CallEvent[] {
	const changeErrors = value.errors;
	const out: CallEvent[] = [];
	if (Array.isArray(value.calls)) {
		for (const c of value.calls) if (isRecord(c)) out.push(toCallEvent(c, contacts, base, changeErrors));
	}
	if (Array.isArray(value.statuses)) {
		for (const s of value.statuses) {
			if (isRecord(s)) out.push(toCallStatusEvent(s, contacts, base, changeErrors));
		}
	}
	return out;
}

/** One entry of `value.calls` (also found in `messages` changes of some partners' payloads). */
export function toCallEvent(
	c: WireCall,
	contacts: WireContact[],
	base: ChangeBase,
	changeErrors?: unknown,
): CallEvent {
	const direction = str(c.direction);
	const businessCalls = direction?.toUpperCase() === 'BUSINESS_INITIATED';
	// The WhatsApp user is the callee of a business-initiated call, else the caller.
	const person = personOf(contacts, idsAt(c, businessCalls ? 'to' : 'from'));
	const session = isRecord(c.session) ? c.session : undefined;
	return {
		event: 'call',
		...base,
		timestamp: unixToIso(c.timestamp) ?? base.timestamp,
		callId: str(c.id) ?? str(c.wacid),
		callEvent: str(c.event),
		direction,
		status: str(c.status),
		from: businessCalls ? str(c.from) : person.phone,
		to: businessCalls ? person.phone : str(c.to),
		...patientOf(person),
		sdpType: str(session?.sdp_type),
		sdp: str(session?.sdp),
		startTime: unixToIso(c.start_time),
		endTime: unixToIso(c.end_time),
		durationSeconds: num(c.duration),
		bizOpaqueCallbackData: str(c.biz_opaque_callback_data),
		errors: [...toMetaErrors(c.errors), ...toMetaErrors(changeErrors)],
		unknown: withContact(unknownFields(c, CALL_KEYS), person),
	};
}

function toCallStatusEvent(
	s: WireStatus,
	contacts: WireContact[],
	base: ChangeBase,
	changeErrors: unknown,
): CallEvent {
	const person = personOf(contacts, idsAt(s, 'recipient'));
	return {
		event: 'call',
		...base,
		timestamp: unixToIso(s.timestamp) ?? base.timestamp,
		callId: str(s.id),
		callEvent: 'status',
		// Only businesses get status updates: their calls ring, are accepted or rejected.
		direction: 'BUSINESS_INITIATED',
		status: str(s.status),
		from: null,
		to: person.phone,
		...patientOf(person),
		sdpType: null,
		sdp: null,
		startTime: null,
		endTime: null,
		durationSeconds: null,
		bizOpaqueCallbackData: str(s.biz_opaque_callback_data),
		errors: [...toMetaErrors(s.errors), ...toMetaErrors(changeErrors)],
		unknown: withContact(unknownFields(s, CALL_STATUS_KEYS), person),
	};
}
