/**
 * Builds an audit entry from any item this package (or a clinic workflow) produces: Trigger events (message,
 * status, user preference, account/template updates), send results (`messageId` + `waId`/`input`), error items,
 * consent changes and bookings. Unknown shapes still get a `system` entry with whatever common fields exist.
 */
import { callAuditEntry, callPermissionAuditEntry } from '../whatsapp/calling-audit';
import type { AuditDirection, AuditEntryInput, AuditOutcome } from './entry';
import { normalisePhone } from './entry';

type Json = Record<string, unknown>;

const str = (v: unknown): string | null =>
	typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null;
const obj = (v: unknown): Json | null =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;

function firstString(json: Json, keys: string[]): string | null {
	for (const k of keys) {
		const v = str(json[k]);
		if (v) return v;
	}
	return null;
}

/** A phone-looking value (6-15 digits once +, spaces and dashes are removed), else null. */
function phoneOrNull(v: unknown): string | null {
	const s = str(v);
	if (!s || !/^\+?[\d\s().-]+$/.test(s)) return null;
	try {
		normalisePhone(s);
		return s;
	} catch {
		return null;
	}
}

function firstPhone(json: Json, keys: string[]): string | null {
	for (const k of keys) {
		const p = phoneOrNull(json[k]);
		if (p) return p;
	}
	return null;
}

/** Text the patient sent or received in a message event / send summary (PHI: encrypted by the audit log). */
function messageContent(json: Json): string | null {
	const direct = firstString(json, ['text', 'body', 'caption', 'content']);
	if (direct) return direct;
	const textObj = obj(json.text);
	if (textObj && str(textObj.body)) return str(textObj.body);
	const media = obj(json.media);
	if (media && str(media.caption)) return str(media.caption);
	const button = obj(json.button);
	if (button && str(button.text)) return str(button.text);
	const interactive = obj(json.interactive);
	if (interactive) {
		const reply = obj(interactive.buttonReply) ?? obj(interactive.listReply);
		if (reply && str(reply.title)) return str(reply.title);
		const flow = obj(interactive.flowReply);
		if (flow && str(flow.responseJson)) return str(flow.responseJson);
	}
	const reaction = obj(json.reaction);
	if (reaction && str(reaction.emoji)) return str(reaction.emoji);
	return null;
}

function templateName(json: Json): string | null {
	const t = json.template;
	if (typeof t === 'string') return t;
	const tObj = obj(t);
	if (tObj && str(tObj.name)) return str(tObj.name);
	return firstString(json, ['templateName', 'template_name']);
}

function firstMetaError(json: Json): { code: string | null; message: string | null } | null {
	const errors = Array.isArray(json.errors) ? json.errors : [];
	const e = obj(errors[0]);
	if (e) return { code: str(e.code), message: str(e.title) ?? str(e.message) };
	const err = obj(json.error);
	if (err) return { code: str(err.code), message: str(err.title) ?? str(err.message) };
	if (typeof json.error === 'string') return { code: null, message: json.error };
	return null;
}

const PHONE_KEYS = [
	'from',
	'waId',
	'wa_id',
	'patientPhone',
	'phone',
	'recipient',
	'to',
	'input',
	'recipient_id',
];
const USER_KEYS = ['userId', 'user_id', 'bsuid', 'recipientUserId', 'recipient_user_id'];
const MESSAGE_ID_KEYS = ['messageId', 'message_id', 'wamid'];

/** Detects direction, event, patient, message id, template, outcome and content from an item's JSON. */
export function detectAuditEntry(input: Json): AuditEntryInput {
	const json = input ?? {};
	const event = str(json.event);
	const base: AuditEntryInput = {
		direction: 'system',
		patientPhone: firstPhone(json, PHONE_KEYS),
		userId: firstString(json, USER_KEYS),
		messageId:
			firstString(json, MESSAGE_ID_KEYS) ?? (str(json.id)?.startsWith('wamid.') ? str(json.id) : null),
		template: templateName(json),
		purpose: firstString(json, ['purpose']),
		outcome: 'success',
	};
	const err = firstMetaError(json);
	const errorDetails: Record<string, string | null> = err ? { errorCode: err.code, error: err.message } : {};

	// Calls and call permission answers (Business Calling API): core/whatsapp/calling-audit.ts.
	if (event === 'call') return callAuditEntry(base, json);
	const permission = event === 'message' ? callPermissionAuditEntry(base, json) : null;
	if (permission) return permission;
	if (event === 'message') {
		const media = obj(json.media);
		return {
			...base,
			direction: 'inbound',
			event: 'message.received',
			content: messageContent(json),
			details: {
				type: str(json.type),
				mediaKind: media ? str(media.kind) : null,
				// Written in a WhatsApp group (Groups API): the sender is the participant.
				...(str(json.groupId) ? { groupId: str(json.groupId) } : {}),
			},
		};
	}
	if (event === 'status') {
		const status = str(json.status) ?? 'unknown';
		const pricing = obj(json.pricing);
		// A message sent to a group: the status is about one participant (the patient of this entry).
		const group = str(json.groupId);
		return {
			...base,
			...(group ? { patientPhone: phoneOrNull(json.participant), userId: str(json.participantUserId) } : {}),
			direction: 'status',
			event: `status.${status}`,
			outcome: status === 'failed' ? 'serious-failure' : 'success',
			details: {
				status,
				pricingCategory: pricing ? str(pricing.category) : null,
				...(group ? { groupId: group } : {}),
				...errorDetails,
				// The send's idempotency key (core/whatsapp/callback-data.ts): resolves an unknown send (reconcile.ts).
				...(str(json.idempotencyKey) ? { idempotencyKey: str(json.idempotencyKey) } : {}),
			},
		};
	}
	if (event === 'user_preference') {
		return {
			...base,
			direction: 'inbound',
			event: `user_preference.${str(json.value) ?? 'changed'}`,
			details: { category: str(json.category), value: str(json.value) },
		};
	}
	if (event && ['error', 'template_update', 'account_update', 'other'].includes(event)) {
		return {
			...base,
			direction: 'system',
			event: `webhook.${event}`,
			outcome: event === 'error' ? 'minor-failure' : 'success',
			details: { updateEvent: str(json.updateEvent), ...errorDetails },
		};
	}
	// Send results (WhatsApp Send Template / Send Message): messageId + waId/input/messageStatus, or an error item.
	const looksSent =
		!event && base.messageId && ('waId' in json || 'input' in json || 'messageStatus' in json);
	if (looksSent) {
		return {
			...base,
			direction: 'outbound',
			event: 'message.sent',
			content: messageContent(json),
			details: { messageStatus: str(json.messageStatus) },
		};
	}
	if (!event && err && json.error !== undefined) {
		return {
			...base,
			direction: 'outbound',
			event: 'message.failed',
			outcome: 'serious-failure',
			details: errorDetails,
		};
	}
	// Consent changes, bookings and anything else with a dotted event name: system entries.
	const outcome: AuditOutcome = err ? 'minor-failure' : 'success';
	const details: Record<string, string | number | boolean | null> = { ...errorDetails };
	for (const k of ['appointmentId', 'bookingId', 'slotId', 'status', 'consentState', 'scope']) {
		const v = json[k];
		if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
	}
	return {
		...base,
		direction: 'system',
		event: event ?? (str(json.appointmentId) || str(json.bookingId) ? 'booking.changed' : null),
		outcome,
		details: Object.keys(details).length ? details : null,
	};
}

/** Applies explicit values over detected ones (empty strings are ignored). */
export function withOverrides(
	detected: AuditEntryInput,
	overrides: Partial<Omit<AuditEntryInput, 'direction'>> & { direction?: AuditDirection | 'auto' | '' },
): AuditEntryInput {
	const out: AuditEntryInput = { ...detected };
	for (const [k, v] of Object.entries(overrides)) {
		if (v === undefined || v === null || v === '' || v === 'auto') continue;
		(out as unknown as Json)[k] = v;
	}
	return out;
}
