/**
 * Raw webhook body → typed events. One event per message, status, error or update across every
 * `entry[]` and `changes[]` of a (possibly batched) delivery. Unknown shapes never throw: unknown message types
 * become `type: 'unsupported'`, unknown fields become `event: 'other'`.
 */
import { DateTime } from 'luxon';

import { ERROR_CATALOGUE } from '../whatsapp/error-catalogue';

import {
	ACCOUNT_FIELDS,
	KNOWN_MESSAGE_TYPES,
	MEDIA_KINDS,
	TEMPLATE_FIELDS,
	WHATSAPP_WEBHOOK_OBJECT,
	type AccountUpdateEvent,
	type ClinicEvent,
	type ErrorEvent,
	type EventBase,
	type MediaKind,
	type MessageEvent,
	type MessageType,
	type MetaError,
	type StatusError,
	type StatusEvent,
	type TemplateUpdateEvent,
	type UserPreferenceEvent,
	type WireChange,
	type WireContact,
	type WireEntry,
	type WireError,
	type WireMessage,
	type WireMetadata,
	type WireStatus,
	type WireWebhookPayload,
} from './events';

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

/** Flattens a parsed payload into events, in delivery order. */
export function extractEvents(payload: WireWebhookPayload, options: ExtractOptions = {}): ClinicEvent[] {
	const events: ClinicEvent[] = [];
	for (const entry of payload.entry) {
		if (!isRecord(entry) || !Array.isArray(entry.changes)) continue;
		for (const change of entry.changes as WireChange[]) {
			if (!isRecord(change) || !isRecord(change.value)) continue;
			const before = events.length;
			extractChange(entry as WireEntry, change, events);
			if (options.includeRaw) {
				for (let i = before; i < events.length; i++) events[i].raw = change;
			}
		}
	}
	return events;
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

// ---------------------------------------------------------------------------------------------------------------

function extractChange(entry: WireEntry, change: WireChange, out: ClinicEvent[]): void {
	const field = typeof change.field === 'string' ? change.field : 'unknown';
	const value = change.value as Record<string, unknown>;
	const metadata = (isRecord(value.metadata) ? value.metadata : {}) as WireMetadata;
	const base = {
		field,
		wabaId: str(entry.id),
		phoneNumberId: str(metadata.phone_number_id),
		displayPhoneNumber: str(metadata.display_phone_number),
	};

	if (field === 'messages') {
		const contacts = Array.isArray(value.contacts) ? (value.contacts as WireContact[]) : [];
		if (Array.isArray(value.messages)) {
			for (const message of value.messages as WireMessage[]) {
				if (isRecord(message)) out.push(toMessageEvent(message, contacts, base));
			}
		}
		if (Array.isArray(value.statuses)) {
			for (const status of value.statuses as WireStatus[]) {
				if (isRecord(status)) out.push(toStatusEvent(status, base));
			}
		}
		if (Array.isArray(value.errors)) {
			for (const error of value.errors as WireError[]) {
				if (isRecord(error)) out.push(toErrorEvent(error, base, entry));
			}
		}
		return;
	}
	if (TEMPLATE_FIELDS.has(field)) {
		out.push(toTemplateEvent(value, base, entry));
		return;
	}
	if (ACCOUNT_FIELDS.has(field)) {
		out.push(toAccountEvent(value, base, entry));
		return;
	}
	if (field === 'user_preferences' && Array.isArray(value.user_preferences)) {
		const contacts = Array.isArray(value.contacts) ? (value.contacts as WireContact[]) : [];
		for (const pref of value.user_preferences as unknown[]) {
			if (isRecord(pref)) out.push(toUserPreferenceEvent(pref, contacts, base));
		}
		return;
	}
	out.push({ event: 'other', ...base, timestamp: unixToIso(entry.time), details: value });
}

type Base = Pick<EventBase, 'field' | 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'>;

const KNOWN_TYPES = new Set<string>(KNOWN_MESSAGE_TYPES);
const MEDIA_SET = new Set<string>(MEDIA_KINDS);

function findContact(contacts: WireContact[], message: WireMessage): WireContact | undefined {
	if (contacts.length === 0) return undefined;
	for (const c of contacts) {
		if (!isRecord(c)) continue;
		if (message.from && c.wa_id === message.from) return c;
		if (message.from_user_id && c.user_id === message.from_user_id) return c;
	}
	return contacts.length === 1 && isRecord(contacts[0]) ? contacts[0] : undefined;
}

function toMessageEvent(m: WireMessage, contacts: WireContact[], base: Base): MessageEvent {
	const contact = findContact(contacts, m);
	const wireType = str(m.type) ?? 'unknown';
	const known = KNOWN_TYPES.has(wireType);
	const type = (known ? wireType : 'unsupported') as MessageType;
	const event: MessageEvent = {
		event: 'message',
		...base,
		timestamp: unixToIso(m.timestamp),
		type,
		originalType: known ? null : wireType,
		messageId: str(m.id) ?? '',
		from: str(m.from) ?? str(contact?.wa_id),
		userId: str(m.from_user_id) ?? str(contact?.user_id),
		parentUserId: str(m.from_parent_user_id) ?? str(contact?.parent_user_id),
		username: str(contact?.profile?.username),
		profileName: str(contact?.profile?.name),
		context: isRecord(m.context)
			? {
					from: str(m.context.from),
					id: str(m.context.id),
					forwarded: m.context.forwarded === true,
					frequentlyForwarded: m.context.frequently_forwarded === true,
					referredProduct: isRecord(m.context.referred_product)
						? {
								catalogId: str(m.context.referred_product.catalog_id),
								productRetailerId: str(m.context.referred_product.product_retailer_id),
							}
						: null,
				}
			: null,
		referral: isRecord(m.referral)
			? {
					sourceUrl: str(m.referral.source_url),
					sourceId: str(m.referral.source_id),
					sourceType: str(m.referral.source_type),
					headline: str(m.referral.headline),
					body: str(m.referral.body),
					mediaType: str(m.referral.media_type),
					imageUrl: str(m.referral.image_url),
					videoUrl: str(m.referral.video_url),
					thumbnailUrl: str(m.referral.thumbnail_url),
					ctwaClid: str(m.referral.ctwa_clid),
				}
			: null,
		text: null,
		button: null,
		interactive: null,
		media: null,
		location: null,
		contacts: null,
		reaction: null,
		order: null,
		system: null,
		errors: toErrors(m.errors),
	};

	switch (wireType) {
		case 'text':
			event.text = isRecord(m.text) ? str(m.text.body) : null;
			break;
		case 'button':
			event.button = isRecord(m.button) ? { payload: str(m.button.payload), text: str(m.button.text) } : null;
			event.text = event.button?.text ?? null;
			break;
		case 'interactive':
			if (isRecord(m.interactive)) {
				const i = m.interactive;
				event.interactive = {
					type: str(i.type),
					buttonReply: isRecord(i.button_reply)
						? { id: str(i.button_reply.id), title: str(i.button_reply.title) }
						: null,
					listReply: isRecord(i.list_reply)
						? {
								id: str(i.list_reply.id),
								title: str(i.list_reply.title),
								description: str(i.list_reply.description),
							}
						: null,
					flowReply: isRecord(i.nfm_reply)
						? {
								name: str(i.nfm_reply.name),
								body: str(i.nfm_reply.body),
								responseJson: str(i.nfm_reply.response_json),
							}
						: null,
				};
			}
			break;
		case 'location':
			if (isRecord(m.location)) {
				event.location = {
					latitude: num(m.location.latitude),
					longitude: num(m.location.longitude),
					name: str(m.location.name),
					address: str(m.location.address),
					url: str(m.location.url),
				};
			}
			break;
		case 'contacts':
			event.contacts = Array.isArray(m.contacts)
				? (m.contacts.filter(isRecord).map(camelize) as Array<Record<string, unknown>>)
				: [];
			break;
		case 'reaction':
			if (isRecord(m.reaction)) {
				const emoji = str(m.reaction.emoji);
				event.reaction = { messageId: str(m.reaction.message_id), emoji, removed: !emoji };
			}
			break;
		case 'order':
			if (isRecord(m.order)) {
				event.order = {
					catalogId: str(m.order.catalog_id),
					text: str(m.order.text),
					productItems: (Array.isArray(m.order.product_items) ? m.order.product_items : [])
						.filter(isRecord)
						.map((p) => ({
							productRetailerId: str(p.product_retailer_id),
							quantity: num(p.quantity),
							itemPrice: num(p.item_price),
							currency: str(p.currency),
						})),
				};
			}
			break;
		case 'system':
			event.system = isRecord(m.system) ? (camelize(m.system) as Record<string, unknown>) : null;
			break;
		default:
			if (MEDIA_SET.has(wireType)) {
				const media = m[wireType];
				if (isRecord(media)) event.media = toMedia(wireType as MediaKind, media);
			}
	}
	return event;
}

function toMedia(kind: MediaKind, media: Record<string, unknown>): MessageEvent['media'] {
	return {
		kind,
		id: str(media.id),
		mimeType: str(media.mime_type),
		sha256: str(media.sha256),
		caption: str(media.caption),
		filename: str(media.filename),
		voice: media.voice === true,
		animated: media.animated === true,
		url: str(media.url),
	};
}

function toStatusEvent(s: WireStatus, base: Base): StatusEvent {
	return {
		event: 'status',
		...base,
		timestamp: unixToIso(s.timestamp),
		status: str(s.status) ?? 'unknown',
		messageId: str(s.id) ?? '',
		recipient: str(s.recipient_id),
		recipientUserId: str(s.recipient_user_id),
		bizOpaqueCallbackData: str(s.biz_opaque_callback_data),
		pricing: isRecord(s.pricing)
			? {
					billable: typeof s.pricing.billable === 'boolean' ? s.pricing.billable : null,
					pricingModel: str(s.pricing.pricing_model),
					type: str(s.pricing.type),
					category: str(s.pricing.category),
				}
			: null,
		conversation: isRecord(s.conversation)
			? {
					id: str(s.conversation.id),
					originType: isRecord(s.conversation.origin) ? str(s.conversation.origin.type) : null,
					expiresAt: unixToIso(s.conversation.expiration_timestamp),
				}
			: null,
		errors: toErrors(s.errors).map(explainStatusError),
	};
}

function toErrorEvent(e: WireError, base: Base, entry: WireEntry): ErrorEvent {
	return { event: 'error', ...base, timestamp: unixToIso(entry.time), ...toError(e) };
}

function toTemplateEvent(v: Record<string, unknown>, base: Base, entry: WireEntry): TemplateUpdateEvent {
	const id = v.message_template_id;
	return {
		event: 'template_update',
		...base,
		timestamp: unixToIso(entry.time),
		updateEvent: str(v.event),
		templateId: typeof id === 'number' ? String(id) : str(id),
		templateName: str(v.message_template_name),
		language: str(v.message_template_language),
		reason: str(v.reason),
		previousQualityScore: str(v.previous_quality_score),
		newQualityScore: str(v.new_quality_score),
		previousCategory: str(v.previous_category),
		newCategory: str(v.new_category),
		details: v,
	};
}

function toAccountEvent(v: Record<string, unknown>, base: Base, entry: WireEntry): AccountUpdateEvent {
	return {
		event: 'account_update',
		...base,
		timestamp: unixToIso(entry.time),
		updateEvent: str(v.event) ?? str(v.decision),
		phoneNumber: str(v.display_phone_number) ?? str(v.phone_number),
		details: v,
	};
}

function toUserPreferenceEvent(
	p: Record<string, unknown>,
	contacts: WireContact[],
	base: Base,
): UserPreferenceEvent {
	const waId = str(p.wa_id);
	const userId = str(p.user_id);
	const contact = contacts.find(
		(c) => isRecord(c) && ((waId && c.wa_id === waId) || (userId && c.user_id === userId)),
	);
	return {
		event: 'user_preference',
		...base,
		timestamp: unixToIso(p.timestamp),
		from: waId ?? str(contact?.wa_id),
		userId: userId ?? str(contact?.user_id),
		category: str(p.category),
		value: str(p.value),
		detail: str(p.detail),
	};
}

function toErrors(errors: unknown): MetaError[] {
	return Array.isArray(errors) ? errors.filter(isRecord).map((e) => toError(e as WireError)) : [];
}

/** Adds the catalogue's plain meaning and hint for codes it knows (a failed status only carries Meta's title). */
export function explainStatusError(error: MetaError): StatusError {
	const entry = error.code === null ? undefined : ERROR_CATALOGUE.get(error.code);
	return { ...error, meaning: entry?.meaning ?? null, hint: entry?.action ?? null };
}

function toError(e: WireError): MetaError {
	return {
		code: num(e.code),
		title: str(e.title),
		message: str(e.message),
		details: isRecord(e.error_data) ? str(e.error_data.details) : null,
		href: str(e.href),
	};
}

// ---------------------------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function num(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && value.trim() !== '') {
		const n = Number(value);
		return Number.isFinite(n) ? n : null;
	}
	return null;
}

/** Meta sends Unix seconds as a string (messages, statuses) or a number (entry.time). */
export function unixToIso(value: unknown): string | null {
	const seconds = num(value);
	if (seconds === null || seconds <= 0) return null;
	const dt = DateTime.fromSeconds(seconds, { zone: 'utc' });
	return dt.isValid ? dt.toISO({ suppressMilliseconds: true }) : null;
}

function camelKey(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** snake_case → camelCase keys, recursively (contacts cards, system messages). */
function camelize(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(camelize);
	if (!isRecord(value)) return value;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) out[camelKey(k)] = camelize(v);
	return out;
}
