/**
 * Raw webhook body → typed events. One event per message, echo, status, call, group update, history chunk, contact
 * sync, error or account/template update across every `entry[]` and `changes[]` of a (possibly batched) delivery
 * (docs/webhook-events.md). Unknown shapes never throw: unknown message types become `type: 'unsupported'` with
 * their body in `unknown`, unknown fields become `event: 'other'` with the whole change value in `details`.
 *
 * Each change is checked before it is mapped: one nested deeper than `MAX_CHANGE_DEPTH` levels is skipped and
 * reported in `skipped` (position and field name only, never content), so it cannot overflow the stack of the
 * recursive steps after it (dedup hashing, camelCasing, n8n's own serialisation) and the other changes of the same
 * delivery still come out. Size is bounded by n8n's request body limit (Meta sends at most 3 MB).
 */
import { toCallEvent, toCallEvents } from './call-events';
import { toAppStateSyncEvents, toHistoryEvents } from './coexistence-events';
import { contactsOf } from './contacts';
import {
	ACCOUNT_FIELDS,
	GROUP_FIELDS,
	TEMPLATE_FIELDS,
	WHATSAPP_WEBHOOK_OBJECT,
	type ChangeBase,
	type ClinicEvent,
	type WireChange,
	type WireEntry,
	type WireError,
	type WireMessage,
	type WireMetadata,
	type WireStatus,
	type WireWebhookPayload,
} from './events';
import { toGroupEvents } from './group-events';
import { toEchoEvent, toMessageEvent } from './message-event';
import {
	toAccountEvent,
	toErrorEvent,
	toStatusEvent,
	toTemplateEvent,
	toUserPreferenceEvent,
} from './update-events';
import { isRecord, str, unixToIso } from './wire-values';

/** Deepest nesting accepted inside one change (Meta's own payloads stay below ~12 levels). */
export const MAX_CHANGE_DEPTH = 64;

export type BodyParseResult =
	| { ok: true; payload: WireWebhookPayload }
	| {
			ok: false;
			status: 400;
			reason: 'empty_body' | 'malformed_json' | 'wrong_object' | 'missing_entry';
			message: string;
	  };

/** Parses and validates the envelope. Call only after the signature has been verified. */
export function parseWebhookBody(rawBody: Buffer | string): BodyParseResult {
	const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
	if (text.trim() === '') {
		return { ok: false, status: 400, reason: 'empty_body', message: 'The webhook body is empty.' };
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return {
			ok: false,
			status: 400,
			reason: 'malformed_json',
			message: 'The webhook body is not valid JSON.',
		};
	}
	if (!isRecord(parsed) || parsed.object !== WHATSAPP_WEBHOOK_OBJECT) {
		return {
			ok: false,
			status: 400,
			reason: 'wrong_object',
			message: `The webhook body's "object" is not "${WHATSAPP_WEBHOOK_OBJECT}".`,
		};
	}
	if (!Array.isArray(parsed.entry)) {
		return {
			ok: false,
			status: 400,
			reason: 'missing_entry',
			message: 'The webhook body has no "entry" array.',
		};
	}
	return { ok: true, payload: parsed as unknown as WireWebhookPayload };
}

export interface ExtractOptions {
	/** Attach the raw `entry[].changes[]` object to each event as `raw`. */
	includeRaw?: boolean;
}

/** A change left out of a delivery. Positions count from 1; `field` only when it looks like a field name. */
export interface SkippedChange {
	entry: number;
	change: number;
	field: string | null;
	reason: 'too_deep';
	limit: number;
}

export interface ExtractedDelivery {
	events: ClinicEvent[];
	skipped: SkippedChange[];
}

/** Flattens a parsed payload into events, in delivery order, and lists the changes it had to skip. */
export function extractDelivery(
	payload: WireWebhookPayload,
	options: ExtractOptions = {},
): ExtractedDelivery {
	const events: ClinicEvent[] = [];
	const skipped: SkippedChange[] = [];
	payload.entry.forEach((entry, entryIndex) => {
		if (!isRecord(entry) || !Array.isArray(entry.changes)) return;
		(entry.changes as WireChange[]).forEach((change, changeIndex) => {
			if (!isRecord(change) || !isRecord(change.value)) return;
			if (nestedDeeperThan(change, MAX_CHANGE_DEPTH)) {
				skipped.push({
					entry: entryIndex + 1,
					change: changeIndex + 1,
					field: fieldName(change.field),
					reason: 'too_deep',
					limit: MAX_CHANGE_DEPTH,
				});
				return;
			}
			const before = events.length;
			extractChange(entry as WireEntry, change, events);
			if (options.includeRaw) {
				for (let i = before; i < events.length; i++) events[i].raw = change;
			}
		});
	});
	return { events, skipped };
}

/** The events of a parsed payload (changes that had to be skipped are left out, see `extractDelivery`). */
export function extractEvents(payload: WireWebhookPayload, options: ExtractOptions = {}): ClinicEvent[] {
	return extractDelivery(payload, options).events;
}

/** Convenience for callers that already verified the signature: parse + extract, or the 400 reason. */
export function parseEvents(
	rawBody: Buffer | string,
	options: ExtractOptions = {},
): { ok: true; events: ClinicEvent[] } | Extract<BodyParseResult, { ok: false }> {
	const result = parseWebhookBody(rawBody);
	if (!result.ok) return result;
	return { ok: true, events: extractEvents(result.payload, options) };
}

/**
 * Is any object or array more than `maxDepth` levels below `root` (root = level 1)? The walk stops descending at
 * `maxDepth`, so it never goes deeper than that itself and cannot overflow the stack, however deep the input is.
 */
export function nestedDeeperThan(root: unknown, maxDepth: number): boolean {
	return objectBelow(root, maxDepth);
}

function objectBelow(value: unknown, levelsLeft: number): boolean {
	if (typeof value !== 'object' || value === null) return false;
	if (levelsLeft === 0) return true;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) if (objectBelow(value[i], levelsLeft - 1)) return true;
		return false;
	}
	const record = value as Record<string, unknown>;
	for (const key in record) if (objectBelow(record[key], levelsLeft - 1)) return true;
	return false;
}

function fieldName(field: unknown): string | null {
	return typeof field === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(field) ? field : null;
}

function extractChange(entry: WireEntry, change: WireChange, out: ClinicEvent[]): void {
	const field = typeof change.field === 'string' ? change.field : 'unknown';
	const value = change.value as Record<string, unknown>;
	const metadata = (isRecord(value.metadata) ? value.metadata : {}) as WireMetadata;
	const base: ChangeBase = {
		field,
		wabaId: str(entry.id),
		phoneNumberId: str(metadata.phone_number_id),
		displayPhoneNumber: str(metadata.display_phone_number),
		timestamp: unixToIso(entry.time),
	};

	if (field === 'calls') {
		out.push(...toCallEvents(value, contactsOf(value), base));
		// The change's errors describe its calls (carried by each call event); alone they are error events.
		if (!Array.isArray(value.calls) && !Array.isArray(value.statuses)) pushErrors(value, base, out);
		return;
	}
	if (field === 'messages' || field === 'smb_message_echoes') {
		extractMessaging(value, base, out);
		return;
	}
	if (TEMPLATE_FIELDS.has(field)) {
		out.push(toTemplateEvent(value, base));
		return;
	}
	if (ACCOUNT_FIELDS.has(field)) {
		out.push(toAccountEvent(value, base));
		return;
	}
	if (GROUP_FIELDS.has(field)) {
		out.push(...toGroupEvents(value, base));
		return;
	}
	if (field === 'history' && Array.isArray(value.history)) {
		out.push(...toHistoryEvents(value, base));
		return;
	}
	if (field === 'smb_app_state_sync' && Array.isArray(value.state_sync)) {
		out.push(...toAppStateSyncEvents(value, base));
		return;
	}
	if (field === 'user_preferences' && Array.isArray(value.user_preferences)) {
		const contacts = contactsOf(value);
		for (const pref of value.user_preferences) {
			if (isRecord(pref)) out.push(toUserPreferenceEvent(pref, contacts, base));
		}
		return;
	}
	out.push({ event: 'other', ...base, details: value });
}

/** A `messages` or `smb_message_echoes` change: messages, echoes, statuses, calls, then the change's errors. */
function extractMessaging(value: Record<string, unknown>, base: ChangeBase, out: ClinicEvent[]): void {
	const contacts = contactsOf(value);
	if (Array.isArray(value.messages)) {
		for (const message of value.messages as WireMessage[]) {
			if (isRecord(message)) out.push(toMessageEvent(message, contacts, base));
		}
	}
	if (Array.isArray(value.message_echoes)) {
		for (const echo of value.message_echoes as WireMessage[]) {
			if (isRecord(echo)) out.push(toEchoEvent(echo, contacts, base));
		}
	}
	if (Array.isArray(value.statuses)) {
		for (const status of value.statuses as WireStatus[]) {
			if (isRecord(status)) out.push(toStatusEvent(status, contacts, base));
		}
	}
	if (Array.isArray(value.calls)) {
		for (const call of value.calls) if (isRecord(call)) out.push(toCallEvent(call, contacts, base));
	}
	pushErrors(value, base, out);
}

function pushErrors(value: Record<string, unknown>, base: ChangeBase, out: ClinicEvent[]): void {
	if (!Array.isArray(value.errors)) return;
	for (const error of value.errors as WireError[]) {
		if (isRecord(error)) out.push(toErrorEvent(error, base));
	}
}
