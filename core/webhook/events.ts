/**
 * Webhook vocabulary: the typed, camelCase domain events the trigger emits, ONE per message, echo, status, call,
 * group update, history chunk, contact sync item, error or account/template update, never one per
 * `entry[].changes[]`. docs/webhook-events.md lists every kind with Meta's sources.
 *
 * Rules every event follows: a value Meta did not send (or sent as an empty string) is `null`, never `""`; whatever
 * Meta sent that this package does not type is kept, camelCased, in the event's `unknown` object (or `details` for
 * account/template/other updates, which keep the whole change value), so nothing of the payload is lost.
 *
 * The wire shapes (what Meta sends) are in wire.ts and re-exported here.
 */
import type { FlowReply } from '../flows/nfm-reply';
import type { AppStateSyncEvent, HistoryEvent } from './coexistence-events';
import type { CallEvent } from './call-events';
import type { GroupUpdateEvent } from './group-events';
import type { WireChange } from './wire';

export {
	WHATSAPP_WEBHOOK_OBJECT,
	type WireCall,
	type WireChange,
	type WireContact,
	type WireEntry,
	type WireError,
	type WireMedia,
	type WireMessage,
	type WireMetadata,
	type WireStatus,
	type WireWebhookPayload,
} from './wire';
export type { AppStateSyncEvent, CallEvent, GroupUpdateEvent, HistoryEvent };

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Message types this package parses into typed fields; anything else becomes `type: 'unsupported'`. */
export const KNOWN_MESSAGE_TYPES = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'sticker',
	'location',
	'contacts',
	'reaction',
	'interactive',
	'button',
	'order',
	'system',
	'unsupported',
	'request_welcome',
	'edit',
	'revoke',
] as const;
export type MessageType = (typeof KNOWN_MESSAGE_TYPES)[number];

export const STATUS_VALUES = ['sent', 'delivered', 'read', 'failed', 'played'] as const;
export type StatusValue = (typeof STATUS_VALUES)[number];

export interface MetaError {
	code: number | null;
	title: string | null;
	message: string | null;
	details: string | null;
	href: string | null;
}

/**
 * An error on a `failed` status, explained from the error catalogue when Meta's code is known (e.g. 131047: outside
 * the 24-hour window, use WhatsApp Send Template). `meaning`/`hint` are null for codes the catalogue does not know.
 */
export interface StatusError extends MetaError {
	/** What happened, in plain words. */
	meaning: string | null;
	/** What the clinic should do. */
	hint: string | null;
}

/** Fields every event carries. `phoneNumberId`/`displayPhoneNumber` are null for WABA-level updates. */
export interface EventBase {
	event: EventName;
	/** The webhook field the event came from (`messages`, `calls`, `message_template_status_update`, …). */
	field: string;
	wabaId: string | null;
	phoneNumberId: string | null;
	displayPhoneNumber: string | null;
	/** ISO-8601 UTC, or null when Meta sent no usable timestamp. */
	timestamp: string | null;
	/** The raw `entry[].changes[]` object, only with the "Include Raw Change" option. */
	raw?: WireChange;
}

/**
 * What every event of one change shares (the mappers receive it). Its `timestamp` is the entry's time: the default
 * for events that carry no time of their own.
 */
export type ChangeBase = Pick<
	EventBase,
	'field' | 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber' | 'timestamp'
>;

/** What is kept of a payload object this package does not type: Meta's keys camelCased, or null when none. */
export type UnknownFields = Record<string, unknown> | null;

export type EventName =
	| 'message'
	| 'echo'
	| 'status'
	| 'call'
	| 'group_update'
	| 'history'
	| 'app_state_sync'
	| 'error'
	| 'template_update'
	| 'account_update'
	| 'user_preference'
	| 'other';

export interface MessageContext {
	from: string | null;
	id: string | null;
	forwarded: boolean;
	frequentlyForwarded: boolean;
	referredProduct: { catalogId: string | null; productRetailerId: string | null } | null;
}

export interface MessageReferral {
	sourceUrl: string | null;
	sourceId: string | null;
	sourceType: string | null;
	headline: string | null;
	body: string | null;
	mediaType: string | null;
	imageUrl: string | null;
	videoUrl: string | null;
	thumbnailUrl: string | null;
	ctwaClid: string | null;
	/** The ad's greeting (`welcome_message.text`), shown to the user before they wrote. */
	welcomeText: string | null;
	unknown: UnknownFields;
}

export interface MessageMedia {
	kind: MediaKind;
	id: string | null;
	mimeType: string | null;
	sha256: string | null;
	caption: string | null;
	filename: string | null;
	/** Audio only: true for a voice note recorded in WhatsApp. */
	voice: boolean;
	/** Sticker only. */
	animated: boolean;
	/** Present in newer payloads; still needs the access token to download. */
	url: string | null;
}

/** The patient's answer to a call permission request (`interactive.type: call_permission_reply`). */
export interface CallPermissionReply {
	/** `accept` or `reject`. */
	response: string | null;
	/** Until when the business may call (ISO-8601), null for a rejection or a permanent grant. */
	expiresAt: string | null;
	isPermanent: boolean | null;
	/** `user_action` or `automatic`. */
	responseSource: string | null;
}

export interface MessageInteractive {
	type: string | null;
	buttonReply: { id: string | null; title: string | null } | null;
	listReply: { id: string | null; title: string | null; description: string | null } | null;
	/** A WhatsApp Flow's completion (`nfm_reply`): response_json as sent, parsed, and its flow token apart. */
	flowReply: ({ name: string | null; body: string | null; responseJson: string | null } & FlowReply) | null;
	callPermissionReply: CallPermissionReply | null;
	/** Any other interactive reply (e.g. `payment_method`), camelCased under its type name, as Meta sent it. */
	unknown: UnknownFields;
}

/** What a message says, by type: shared by inbound messages, echoes and the new content of an edit. */
export interface MessageContent {
	/** Meta's message type, or `unsupported` for types this package does not know (see `originalType`). */
	type: MessageType;
	/** Meta's type string when it was not one of the known types (its body is then in `unknown`). */
	originalType: string | null;
	context: MessageContext | null;
	referral: MessageReferral | null;
	text: string | null;
	button: { payload: string | null; text: string | null } | null;
	interactive: MessageInteractive | null;
	media: MessageMedia | null;
	location: {
		latitude: number | null;
		longitude: number | null;
		name: string | null;
		address: string | null;
		url: string | null;
	} | null;
	contacts: Array<Record<string, unknown>> | null;
	reaction: { messageId: string | null; emoji: string | null; removed: boolean } | null;
	order: {
		catalogId: string | null;
		text: string | null;
		productItems: Array<{
			productRetailerId: string | null;
			quantity: number | null;
			itemPrice: number | null;
			currency: string | null;
		}>;
	} | null;
	system: Record<string, unknown> | null;
	/** `customer_identity_changed` system messages: the user's new identity (security code). */
	identity: { acknowledged: boolean | null; createdAt: string | null; hash: string | null } | null;
	/** `type: edit`: the user changed an earlier message; `message` is its new content. */
	edit: { originalMessageId: string | null; message: MessageContent | null } | null;
	/** `type: revoke`: the user deleted an earlier message. */
	revoke: { originalMessageId: string | null } | null;
	/** `type: unsupported`: the kind of message WhatsApp could not pass on (`poll`, `edit`, …), when Meta says. */
	unsupportedType: string | null;
	errors: MetaError[];
	/** Fields of the message this package does not type (an unknown type's body, new Meta fields), camelCased. */
	unknown: UnknownFields;
}

/** Who wrote or is written to: the patient's WhatsApp User ID and profile (matched in `contacts[]`). */
export interface PatientFields {
	/** WhatsApp User ID (Meta's business-scoped user ID, e.g. `US.1349…`). */
	userId: string | null;
	parentUserId: string | null;
	username: string | null;
	profileName: string | null;
	/** Only with Meta's identity change check enabled. */
	identityKeyHash: string | null;
}

export interface MessageEvent extends EventBase, MessageContent, PatientFields {
	event: 'message';
	messageId: string | null;
	/** Sender phone number (wa_id); null for username-only users who withhold their number. In a group: the participant. */
	from: string | null;
	/** The group the message was written in (Groups API), null for one-to-one chats. */
	groupId: string | null;
}

/**
 * A message the business sent from the WhatsApp Business app on a number shared with Cloud API (`message_echoes`).
 * `from` is the business; `to` and the patient fields (`userId`, `username`, …) are the patient written to.
 */
export interface EchoEvent extends EventBase, MessageContent, PatientFields {
	event: 'echo';
	messageId: string | null;
	from: string | null;
	to: string | null;
	groupId: string | null;
}

export interface StatusEvent extends EventBase {
	event: 'status';
	/** sent | delivered | read | failed | played (other strings pass through unchanged). */
	status: string;
	messageId: string | null;
	/** The patient's phone number, or the group ID for a message sent to a group. */
	recipient: string | null;
	recipientUserId: string | null;
	recipientParentUserId: string | null;
	/** `group` for a message sent to a group, else null (Meta omits it for one-to-one messages). */
	recipientType: string | null;
	/** The group the message was sent to, null for one-to-one messages. */
	groupId: string | null;
	/** Group messages: the participant this status is about (phone number, WhatsApp User IDs). */
	participant: string | null;
	participantUserId: string | null;
	participantParentUserId: string | null;
	/** The recipient's (in a group: the participant's) username and profile name, when Meta sends `contacts[]`. */
	username: string | null;
	profileName: string | null;
	identityKeyHash: string | null;
	/** The Callback Data given when sending, without the idempotency key the Send nodes add. */
	bizOpaqueCallbackData: string | null;
	/**
	 * The idempotency key of the WhatsApp Send Template / Send Message item that sent this message (the same value as
	 * that item's `idempotencyKey`), or null for messages sent by other tools.
	 */
	idempotencyKey: string | null;
	pricing: {
		billable: boolean | null;
		pricingModel: string | null;
		type: string | null;
		category: string | null;
	} | null;
	conversation: { id: string | null; originType: string | null; expiresAt: string | null } | null;
	errors: StatusError[];
	unknown: UnknownFields;
}

export interface ErrorEvent extends EventBase, MetaError {
	event: 'error';
}

export interface TemplateUpdateEvent extends EventBase {
	event: 'template_update';
	/** value.event: APPROVED, REJECTED, PAUSED, FLAGGED, …, or null for category/quality changes without one. */
	updateEvent: string | null;
	templateId: string | null;
	templateName: string | null;
	language: string | null;
	/** The template's category (`message_template_category`), when Meta sends it. */
	category: string | null;
	reason: string | null;
	previousQualityScore: string | null;
	newQualityScore: string | null;
	previousCategory: string | null;
	newCategory: string | null;
	/** The whole change value, as Meta sent it. */
	details: Record<string, unknown>;
}

export interface AccountUpdateEvent extends EventBase {
	event: 'account_update';
	updateEvent: string | null;
	/** Phone number the update is about (phone_number_quality_update, phone_number_name_update). */
	phoneNumber: string | null;
	/** The whole change value, as Meta sent it. */
	details: Record<string, unknown>;
}

export interface UserPreferenceEvent extends EventBase, PatientFields {
	event: 'user_preference';
	from: string | null;
	/** e.g. `marketing_messages`. */
	category: string | null;
	/** e.g. `stop`, `resume` or `signup`. */
	value: string | null;
	detail: string | null;
	/** The signup link the user used (`value: signup`). */
	signupId: string | null;
	unknown: UnknownFields;
}

export interface OtherEvent extends EventBase {
	event: 'other';
	/** The whole change value, as Meta sent it. */
	details: Record<string, unknown>;
}

export type ClinicEvent =
	| MessageEvent
	| EchoEvent
	| StatusEvent
	| CallEvent
	| GroupUpdateEvent
	| HistoryEvent
	| AppStateSyncEvent
	| ErrorEvent
	| TemplateUpdateEvent
	| AccountUpdateEvent
	| UserPreferenceEvent
	| OtherEvent;

/** Webhook fields reported as `template_update` events. */
export const TEMPLATE_FIELDS = new Set([
	'message_template_status_update',
	'message_template_quality_update',
	'message_template_components_update',
	'template_category_update',
]);

/** Webhook fields reported as `account_update` events. */
export const ACCOUNT_FIELDS = new Set([
	'account_update',
	'account_review_update',
	'account_alerts',
	'business_capability_update',
	'phone_number_quality_update',
	'phone_number_name_update',
	'security',
	'partner_solutions',
	'payment_configuration_update',
]);

/** Webhook fields of the Groups API, reported as `group_update` events. */
export const GROUP_FIELDS = new Set([
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
]);
