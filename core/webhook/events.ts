/**
 * Webhook vocabulary.
 *
 * `Wire*` types mirror the JSON Meta POSTs to the callback URL (snake_case, exactly as documented in
 * developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages). Every field is
 * optional on the wire side: Meta adds and drops fields between Graph versions, and a webhook handler must never
 * crash on a shape it did not expect.
 *
 * `ClinicEvent` is the typed, camelCase domain event the trigger emits: ONE per message, status, error or update,
 * never one per `entry[].changes[]`.
 */

// ---------------------------------------------------------------------------------------------------------------
// Wire shapes (what Meta sends)
// ---------------------------------------------------------------------------------------------------------------

export const WHATSAPP_WEBHOOK_OBJECT = 'whatsapp_business_account';

export interface WireWebhookPayload {
	object: string;
	entry: WireEntry[];
}

export interface WireEntry {
	/** WhatsApp Business Account ID. */
	id?: string;
	/** Unix seconds; present on template and account updates. */
	time?: number;
	changes?: WireChange[];
}

export interface WireChange {
	field?: string;
	value?: Record<string, unknown>;
}

export interface WireMetadata {
	display_phone_number?: string;
	phone_number_id?: string;
}

export interface WireContact {
	profile?: { name?: string; username?: string };
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
}

export interface WireError {
	code?: number;
	title?: string;
	message?: string;
	error_data?: { details?: string };
	href?: string;
}

export interface WireMedia {
	id?: string;
	mime_type?: string;
	sha256?: string;
	caption?: string;
	filename?: string;
	voice?: boolean;
	animated?: boolean;
	url?: string;
}

export interface WireMessage {
	from?: string;
	from_user_id?: string;
	from_parent_user_id?: string;
	id?: string;
	timestamp?: string;
	type?: string;
	context?: {
		from?: string;
		id?: string;
		forwarded?: boolean;
		frequently_forwarded?: boolean;
		referred_product?: { catalog_id?: string; product_retailer_id?: string };
	};
	referral?: Record<string, unknown>;
	text?: { body?: string };
	button?: { payload?: string; text?: string };
	interactive?: {
		type?: string;
		button_reply?: { id?: string; title?: string };
		list_reply?: { id?: string; title?: string; description?: string };
		nfm_reply?: { name?: string; body?: string; response_json?: string };
	};
	image?: WireMedia;
	video?: WireMedia;
	audio?: WireMedia;
	document?: WireMedia;
	sticker?: WireMedia;
	location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
	contacts?: Array<Record<string, unknown>>;
	reaction?: { message_id?: string; emoji?: string };
	order?: {
		catalog_id?: string;
		text?: string;
		product_items?: Array<{
			product_retailer_id?: string;
			quantity?: number | string;
			item_price?: number | string;
			currency?: string;
		}>;
	};
	system?: Record<string, unknown>;
	errors?: WireError[];
	[key: string]: unknown;
}

export interface WireStatus {
	id?: string;
	status?: string;
	timestamp?: string;
	recipient_id?: string;
	recipient_user_id?: string;
	recipient_parent_user_id?: string;
	biz_opaque_callback_data?: string;
	conversation?: { id?: string; origin?: { type?: string }; expiration_timestamp?: string };
	pricing?: { billable?: boolean; pricing_model?: string; type?: string; category?: string };
	errors?: WireError[];
}

// ---------------------------------------------------------------------------------------------------------------
// Domain events (what the trigger emits)
// ---------------------------------------------------------------------------------------------------------------

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
	/** The webhook field the event came from (`messages`, `message_template_status_update`, …). */
	field: string;
	wabaId: string | null;
	phoneNumberId: string | null;
	displayPhoneNumber: string | null;
	/** ISO-8601 UTC, or null when Meta sent no usable timestamp. */
	timestamp: string | null;
	/** The raw `entry[].changes[]` object, only with the "Include Raw Change" option. */
	raw?: WireChange;
}

/** What every event of one change shares (the mappers of message-event.ts / update-events.ts receive it). */
export type ChangeBase = Pick<EventBase, 'field' | 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'>;

export type EventName =
	| 'message'
	| 'status'
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

export interface MessageEvent extends EventBase {
	event: 'message';
	/** Meta's message type, or `unsupported` for types this package does not know (see `originalType`). */
	type: MessageType;
	/** Meta's type string when it was not one of the known types. */
	originalType: string | null;
	messageId: string;
	/** Sender phone number (wa_id); null for username-only users who withhold their number. */
	from: string | null;
	/** Business-scoped user ID (BSUID, e.g. `US.1349…`). */
	userId: string | null;
	parentUserId: string | null;
	username: string | null;
	profileName: string | null;
	context: MessageContext | null;
	referral: MessageReferral | null;
	text: string | null;
	button: { payload: string | null; text: string | null } | null;
	interactive: {
		type: string | null;
		buttonReply: { id: string | null; title: string | null } | null;
		listReply: { id: string | null; title: string | null; description: string | null } | null;
		flowReply: { name: string | null; body: string | null; responseJson: string | null } | null;
	} | null;
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
	errors: MetaError[];
}

export interface StatusEvent extends EventBase {
	event: 'status';
	/** sent | delivered | read | failed | played (other strings pass through unchanged). */
	status: string;
	messageId: string;
	recipient: string | null;
	recipientUserId: string | null;
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
	reason: string | null;
	previousQualityScore: string | null;
	newQualityScore: string | null;
	previousCategory: string | null;
	newCategory: string | null;
	details: Record<string, unknown>;
}

export interface AccountUpdateEvent extends EventBase {
	event: 'account_update';
	updateEvent: string | null;
	/** Phone number the update is about (phone_number_quality_update, phone_number_name_update). */
	phoneNumber: string | null;
	details: Record<string, unknown>;
}

export interface UserPreferenceEvent extends EventBase {
	event: 'user_preference';
	from: string | null;
	userId: string | null;
	/** e.g. `marketing_messages`. */
	category: string | null;
	/** e.g. `stop` or `resume`. */
	value: string | null;
	detail: string | null;
}

export interface OtherEvent extends EventBase {
	event: 'other';
	details: Record<string, unknown>;
}

export type ClinicEvent =
	| MessageEvent
	| StatusEvent
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
]);
