/**
 * Everything in a change that is not an inbound message, an echo, a call, a group or coexistence update → typed
 * events: message statuses (one-to-one and group), out-of-band errors, template and account updates, user
 * preferences.
 */
import { decodeCallbackData } from '../whatsapp/callback-data';
import { ERROR_CATALOGUE } from '../whatsapp/error-catalogue';

import { STATUS_COMMON_KEYS } from './call-events';
import { idsAt, patientOf, personOf, withContact } from './contacts';
import type {
	AccountUpdateEvent,
	ChangeBase,
	ErrorEvent,
	MetaError,
	StatusError,
	StatusEvent,
	TemplateUpdateEvent,
	UserPreferenceEvent,
} from './events';
import type { WireContact, WireError, WireStatus } from './wire';
import { bool, isRecord, str, toMetaError, toMetaErrors, unixToIso, unknownFields } from './wire-values';

const STATUS_KEYS: ReadonlySet<string> = new Set([
	...STATUS_COMMON_KEYS,
	'recipient_type',
	'recipient_participant_id',
	'recipient_participant_user_id',
	'recipient_participant_parent_user_id',
	'recipient_identity_key_hash',
	'conversation',
	'pricing',
]);

export function toStatusEvent(s: WireStatus, contacts: WireContact[], base: ChangeBase): StatusEvent {
	const recipientType = str(s.recipient_type);
	const isGroup = recipientType === 'group';
	const recipient = str(s.recipient_id);
	// In a group the contact describes the participant, else the recipient.
	const person = personOf(contacts, idsAt(s, isGroup ? 'recipient_participant' : 'recipient'));
	// The Send nodes append an idempotency key to the user's callback data; the user sees their own value.
	const callback = decodeCallbackData(str(s.biz_opaque_callback_data));
	return {
		event: 'status',
		...base,
		timestamp: unixToIso(s.timestamp) ?? base.timestamp,
		status: str(s.status) ?? 'unknown',
		messageId: str(s.id),
		recipient: isGroup ? recipient : person.phone,
		recipientUserId: isGroup ? str(s.recipient_user_id) : person.userId,
		recipientParentUserId: isGroup ? str(s.recipient_parent_user_id) : person.parentUserId,
		recipientType,
		groupId: isGroup ? recipient : null,
		participant: isGroup ? person.phone : str(s.recipient_participant_id),
		participantUserId: isGroup ? person.userId : str(s.recipient_participant_user_id),
		participantParentUserId: isGroup ? person.parentUserId : str(s.recipient_participant_parent_user_id),
		username: person.username,
		profileName: person.profileName,
		identityKeyHash: str(s.recipient_identity_key_hash) ?? person.identityKeyHash,
		bizOpaqueCallbackData: callback.userValue,
		idempotencyKey: callback.idempotencyKey,
		pricing: isRecord(s.pricing)
			? {
					billable: bool(s.pricing.billable),
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
		unknown: withContact(unknownFields(s, STATUS_KEYS), person),
	};
}

export function toErrorEvent(e: WireError, base: ChangeBase): ErrorEvent {
	return { event: 'error', ...base, ...toMetaError(e) };
}

export function toTemplateEvent(v: Record<string, unknown>, base: ChangeBase): TemplateUpdateEvent {
	return {
		event: 'template_update',
		...base,
		updateEvent: str(v.event),
		templateId: str(v.message_template_id),
		templateName: str(v.message_template_name),
		language: str(v.message_template_language),
		category: str(v.message_template_category),
		reason: str(v.reason),
		previousQualityScore: str(v.previous_quality_score),
		newQualityScore: str(v.new_quality_score),
		previousCategory: str(v.previous_category),
		newCategory: str(v.new_category),
		details: v,
	};
}

export function toAccountEvent(v: Record<string, unknown>, base: ChangeBase): AccountUpdateEvent {
	return {
		event: 'account_update',
		...base,
		updateEvent: str(v.event) ?? str(v.decision),
		phoneNumber: str(v.display_phone_number) ?? str(v.phone_number),
		details: v,
	};
}

const PREFERENCE_KEYS: ReadonlySet<string> = new Set([
	'wa_id',
	'user_id',
	'parent_user_id',
	'category',
	'value',
	'detail',
	'signup_id',
	'timestamp',
]);

export function toUserPreferenceEvent(
	p: Record<string, unknown>,
	contacts: WireContact[],
	base: ChangeBase,
): UserPreferenceEvent {
	const person = personOf(contacts, idsAt(p, null));
	return {
		event: 'user_preference',
		...base,
		timestamp: unixToIso(p.timestamp) ?? base.timestamp,
		from: person.phone,
		...patientOf(person),
		category: str(p.category),
		value: str(p.value),
		detail: str(p.detail),
		signupId: str(p.signup_id),
		unknown: withContact(unknownFields(p, PREFERENCE_KEYS), person),
	};
}

/** Adds the catalogue's plain meaning and hint for codes it knows (a failed status only carries Meta's title). */
export function explainStatusError(error: MetaError): StatusError {
	const entry = error.code === null ? undefined : ERROR_CATALOGUE.get(error.code);
	return { ...error, meaning: entry?.meaning ?? null, hint: entry?.action ?? null };
}
