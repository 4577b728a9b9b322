/**
 * Wire shapes: the JSON Meta POSTs to the callback URL, snake_case, exactly as documented (sources in
 * docs/webhook-events.md). Every field is optional: Meta adds and drops fields between Graph versions, and a webhook
 * handler must never crash on a shape it did not expect. The mappers read these through `isRecord`/`str`/`num`
 * (wire-values.ts), never by trusting the types below.
 */

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
	/** The user's phone number; an empty string for some username-only users. */
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
	/** Only with Meta's identity change check enabled. */
	identity_key_hash?: string;
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

/** An inbound message (`messages[]`), a message echo (`message_echoes[]`) or the new content of an edit. */
export interface WireMessage {
	from?: string;
	from_user_id?: string;
	from_parent_user_id?: string;
	/** Echoes only: the user the business wrote to. */
	to?: string;
	to_user_id?: string;
	to_parent_user_id?: string;
	/** Group messages only. */
	group_id?: string;
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
		call_permission_reply?: {
			response?: string;
			expiration_timestamp?: number;
			is_permanent?: boolean;
			response_source?: string;
		};
		[key: string]: unknown;
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
	/** System messages of type `customer_identity_changed`. */
	identity?: { acknowledged?: boolean; created_timestamp?: string; hash?: string };
	edit?: { original_message_id?: string; message?: WireMessage };
	revoke?: { original_message_id?: string };
	unsupported?: { type?: string };
	errors?: WireError[];
	[key: string]: unknown;
}

export interface WireStatus {
	id?: string;
	status?: string;
	timestamp?: string;
	/** The user's phone number, or the group ID when `recipient_type` is `group`. */
	recipient_id?: string;
	recipient_user_id?: string;
	recipient_parent_user_id?: string;
	recipient_type?: string;
	recipient_participant_id?: string;
	recipient_participant_user_id?: string;
	recipient_participant_parent_user_id?: string;
	recipient_identity_key_hash?: string;
	biz_opaque_callback_data?: string;
	conversation?: { id?: string; origin?: { type?: string }; expiration_timestamp?: string };
	pricing?: { billable?: boolean; pricing_model?: string; type?: string; category?: string };
	errors?: WireError[];
	[key: string]: unknown;
}

/** One entry of `value.calls` (Business Calling API). */
export interface WireCall {
	id?: string;
	/** Older/partner payloads name the call ID `wacid`. */
	wacid?: string;
	event?: string;
	direction?: string;
	status?: string;
	from?: string;
	to?: string;
	from_user_id?: string;
	to_user_id?: string;
	timestamp?: string;
	start_time?: string | number;
	end_time?: string | number;
	duration?: number;
	biz_opaque_callback_data?: string;
	session?: { sdp?: string; sdp_type?: string };
	errors?: WireError[];
	[key: string]: unknown;
}
