/** Types shared by the Graph client, its HTTP sender and its callers (Meta's field names kept on the wire). */

import type { HttpFormData, HttpMethod } from '../http';

export type { HttpFile, HttpFormData, HttpMethod, HttpRequest, HttpResponse, HttpSender } from '../http';

export interface RequestOptions {
	qs?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
	formData?: HttpFormData;
	timeoutMs?: number;
	/** Safe to resend after a timeout (default: true for GET/DELETE, false for POST). */
	idempotent?: boolean;
}

/**
 * One Graph API call with the client's version, error parsing and retries: what GraphClient offers to the modules
 * built on it (graph-management.ts), so they need no import of the client itself.
 */
export interface GraphRequester {
	request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
}

/** POST /{phone-number-id}/messages body (messaging_product is added when missing). */
export interface OutboundMessage {
	to?: string;
	/** Business-scoped user ID, for users who hide their phone number. */
	recipient?: string;
	type?: string;
	[key: string]: unknown;
}

export interface SendMessageResult {
	/** wamid of the accepted message. */
	messageId: string;
	/** The WhatsApp ID Meta resolved the recipient to (may be absent for BSUID-only users). */
	waId?: string;
	/** The `to` value as sent. */
	input?: string;
	/** `messages[0].message_status` when Meta includes it (e.g. "accepted", "held_for_quality_assessment"). */
	messageStatus?: string;
}

export interface UploadedMedia {
	id: string;
}

export interface MediaInfo {
	id: string;
	url: string;
	mime_type?: string;
	sha256?: string;
	file_size?: number;
	messaging_product?: string;
}

export interface DownloadedMedia {
	data: Buffer;
	mimeType?: string;
	size: number;
}

export type TemplateStatus =
	| 'APPROVED'
	| 'PENDING'
	| 'REJECTED'
	| 'PAUSED'
	| 'DISABLED'
	| 'IN_APPEAL'
	| string;
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' | string;

export interface TemplateComponent {
	type: string;
	format?: string;
	text?: string;
	buttons?: Array<Record<string, unknown>>;
	example?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface MessageTemplate {
	id: string;
	name: string;
	language: string;
	status: TemplateStatus;
	category: TemplateCategory;
	parameter_format?: 'POSITIONAL' | 'NAMED' | string;
	components?: TemplateComponent[];
	[key: string]: unknown;
}

export interface TemplateQuery {
	status?: TemplateStatus;
	name?: string;
	language?: string;
	category?: TemplateCategory;
	/** Page size (Meta default 25). */
	limit?: number;
	/** Cursor from a previous page. */
	after?: string;
	fields?: string[];
}

export interface TemplatePage {
	templates: MessageTemplate[];
	/** Cursor for the next page, when there is one. */
	after?: string;
	hasMore: boolean;
}

export interface PhoneNumberInfo {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
	code_verification_status?: string;
	platform_type?: string;
	throughput?: { level?: string };
	webhook_configuration?: { application?: string; phone_number?: string; whatsapp_business_account?: string };
	[key: string]: unknown;
}
