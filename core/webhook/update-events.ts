/**
 * Everything in a change that is not an inbound message → typed events: message statuses, out-of-band errors,
 * template and account updates, user preferences.
 */
import { decodeCallbackData } from '../whatsapp/callback-data';
import { ERROR_CATALOGUE } from '../whatsapp/error-catalogue';

import type {
	AccountUpdateEvent,
	ChangeBase,
	ErrorEvent,
	MetaError,
	StatusError,
	StatusEvent,
	TemplateUpdateEvent,
	UserPreferenceEvent,
	WireContact,
	WireEntry,
	WireError,
	WireStatus,
} from './events';
import { isRecord, str, toMetaError, toMetaErrors, unixToIso } from './wire-values';

export function toStatusEvent(s: WireStatus, base: ChangeBase): StatusEvent {
	// The Send nodes append an idempotency key to the user's callback data; the user sees their own value.
	const callback = decodeCallbackData(str(s.biz_opaque_callback_data));
	return {
		event: 'status',
		...base,
		timestamp: unixToIso(s.timestamp),
		status: str(s.status) ?? 'unknown',
		messageId: str(s.id) ?? '',
		recipient: str(s.recipient_id),
		recipientUserId: str(s.recipient_user_id),
		bizOpaqueCallbackData: callback.userValue,
		idempotencyKey: callback.idempotencyKey,
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
		errors: toMetaErrors(s.errors).map(explainStatusError),
	};
}

export function toErrorEvent(e: WireError, base: ChangeBase, entry: WireEntry): ErrorEvent {
	return { event: 'error', ...base, timestamp: unixToIso(entry.time), ...toMetaError(e) };
}

export function toTemplateEvent(
	v: Record<string, unknown>,
	base: ChangeBase,
	entry: WireEntry,
): TemplateUpdateEvent {
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

export function toAccountEvent(
	v: Record<string, unknown>,
	base: ChangeBase,
	entry: WireEntry,
): AccountUpdateEvent {
	return {
		event: 'account_update',
		...base,
		timestamp: unixToIso(entry.time),
		updateEvent: str(v.event) ?? str(v.decision),
		phoneNumber: str(v.display_phone_number) ?? str(v.phone_number),
		details: v,
	};
}

export function toUserPreferenceEvent(
	p: Record<string, unknown>,
	contacts: WireContact[],
	base: ChangeBase,
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

/** Adds the catalogue's plain meaning and hint for codes it knows (a failed status only carries Meta's title). */
export function explainStatusError(error: MetaError): StatusError {
	const entry = error.code === null ? undefined : ERROR_CATALOGUE.get(error.code);
	return { ...error, meaning: entry?.meaning ?? null, hint: entry?.action ?? null };
}
