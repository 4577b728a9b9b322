/**
 * What a message says, by type → `MessageContent`: shared by inbound messages, echoes and the new content of an edit
 * (message-event.ts adds who sent it). Unknown types become `type: 'unsupported'` with Meta's type in
 * `originalType` and their body in `unknown`; fields this package does not type are kept in `unknown` too.
 */
import { parseFlowReply } from '../flows/nfm-reply';
import {
	KNOWN_MESSAGE_TYPES,
	MEDIA_KINDS,
	type MediaKind,
	type MessageContent,
	type MessageInteractive,
	type MessageType,
} from './events';
import type { WireMessage } from './wire';
import { bool, camelize, isRecord, num, str, toMetaErrors, unixToIso, unknownFields } from './wire-values';

const KNOWN_TYPES = new Set<string>(KNOWN_MESSAGE_TYPES);
const MEDIA_SET = new Set<string>(MEDIA_KINDS);

/** Message keys read by the sender mapping (message-event.ts) or by every type here. */
const COMMON_KEYS = [
	'from',
	'from_user_id',
	'from_parent_user_id',
	'to',
	'to_user_id',
	'to_parent_user_id',
	'group_id',
	'id',
	'timestamp',
	'type',
	'context',
	'referral',
	'errors',
	'identity',
];
/** Per known type: the keys it reads (its body, plus `unsupported` for unsupported messages). */
const KNOWN_KEYS_BY_TYPE = new Map<string, ReadonlySet<string>>(
	KNOWN_MESSAGE_TYPES.map((t) => [t, new Set([...COMMON_KEYS, t])]),
);
const UNKNOWN_TYPE_KEYS: ReadonlySet<string> = new Set(COMMON_KEYS);
const REFERRAL_KEYS: ReadonlySet<string> = new Set([
	'source_url',
	'source_id',
	'source_type',
	'headline',
	'body',
	'media_type',
	'image_url',
	'video_url',
	'thumbnail_url',
	'ctwa_clid',
	'welcome_message',
]);
const INTERACTIVE_KEYS: ReadonlySet<string> = new Set([
	'type',
	'button_reply',
	'list_reply',
	'nfm_reply',
	'call_permission_reply',
]);

/** What the message says (the new content of an edit, or the content part of a message or echo). */
export function toMessageContent(m: WireMessage): MessageContent {
	return withMessageContent({}, m);
}

/**
 * `head` (who sent it, when) followed by what the message says, as one object: messages and echoes are built this
 * way so that each event is a single object literal (the parser's hot path).
 */
export function withMessageContent<H extends object>(head: H, m: WireMessage): H & MessageContent {
	const wireType = str(m.type) ?? 'unknown';
	const known = KNOWN_TYPES.has(wireType);
	const content: H & MessageContent = {
		...head,
		type: (known ? wireType : 'unsupported') as MessageType,
		originalType: known ? null : wireType,
		context: toContext(m.context),
		referral: toReferral(m.referral),
		text: null,
		button: null,
		interactive: null,
		media: null,
		location: null,
		contacts: null,
		reaction: null,
		order: null,
		system: null,
		identity: isRecord(m.identity)
			? {
					acknowledged: bool(m.identity.acknowledged),
					createdAt: unixToIso(m.identity.created_timestamp),
					hash: str(m.identity.hash),
				}
			: null,
		edit: null,
		revoke: null,
		unsupportedType: null,
		errors: toMetaErrors(m.errors),
		unknown: unknownFields(m, KNOWN_KEYS_BY_TYPE.get(wireType) ?? UNKNOWN_TYPE_KEYS),
	};
	readBody(m, wireType, content);
	return content;
}

/** Fills the part of `content` the message's type carries. */
function readBody(m: WireMessage, wireType: string, content: MessageContent): void {
	switch (wireType) {
		case 'text':
			content.text = isRecord(m.text) ? str(m.text.body) : null;
			break;
		case 'button':
			content.button = isRecord(m.button)
				? { payload: str(m.button.payload), text: str(m.button.text) }
				: null;
			content.text = content.button?.text ?? null;
			break;
		case 'interactive':
			content.interactive = isRecord(m.interactive) ? toInteractive(m.interactive) : null;
			break;
		case 'location':
			if (isRecord(m.location)) {
				content.location = {
					latitude: num(m.location.latitude),
					longitude: num(m.location.longitude),
					name: str(m.location.name),
					address: str(m.location.address),
					url: str(m.location.url),
				};
			}
			break;
		case 'contacts':
			content.contacts = Array.isArray(m.contacts)
				? (m.contacts.filter(isRecord).map(camelize) as Array<Record<string, unknown>>)
				: [];
			break;
		case 'reaction':
			if (isRecord(m.reaction)) {
				const emoji = str(m.reaction.emoji);
				content.reaction = { messageId: str(m.reaction.message_id), emoji, removed: !emoji };
			}
			break;
		case 'order':
			content.order = isRecord(m.order) ? toOrder(m.order) : null;
			break;
		case 'system':
			content.system = isRecord(m.system) ? (camelize(m.system) as Record<string, unknown>) : null;
			break;
		case 'edit':
			if (isRecord(m.edit)) {
				content.edit = {
					originalMessageId: str(m.edit.original_message_id),
					message: isRecord(m.edit.message) ? toMessageContent(m.edit.message) : null,
				};
			}
			break;
		case 'revoke':
			content.revoke = isRecord(m.revoke) ? { originalMessageId: str(m.revoke.original_message_id) } : null;
			break;
		case 'unsupported':
			content.unsupportedType = isRecord(m.unsupported) ? str(m.unsupported.type) : null;
			break;
		default:
			if (MEDIA_SET.has(wireType)) {
				const media = m[wireType];
				if (isRecord(media)) content.media = toMedia(wireType as MediaKind, media);
			}
	}
}

function toContext(c: unknown): MessageContent['context'] {
	if (!isRecord(c)) return null;
	return {
		from: str(c.from),
		id: str(c.id),
		forwarded: c.forwarded === true,
		frequentlyForwarded: c.frequently_forwarded === true,
		referredProduct: isRecord(c.referred_product)
			? {
					catalogId: str(c.referred_product.catalog_id),
					productRetailerId: str(c.referred_product.product_retailer_id),
				}
			: null,
	};
}

function toReferral(r: unknown): MessageContent['referral'] {
	if (!isRecord(r)) return null;
	return {
		sourceUrl: str(r.source_url),
		sourceId: str(r.source_id),
		sourceType: str(r.source_type),
		headline: str(r.headline),
		body: str(r.body),
		mediaType: str(r.media_type),
		imageUrl: str(r.image_url),
		videoUrl: str(r.video_url),
		thumbnailUrl: str(r.thumbnail_url),
		ctwaClid: str(r.ctwa_clid),
		welcomeText: isRecord(r.welcome_message) ? str(r.welcome_message.text) : null,
		unknown: unknownFields(r, REFERRAL_KEYS),
	};
}

function toInteractive(i: Record<string, unknown>): MessageInteractive {
	const permission = i.call_permission_reply;
	return {
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
					...parseFlowReply(str(i.nfm_reply.response_json)),
				}
			: null,
		callPermissionReply: isRecord(permission)
			? {
					response: str(permission.response),
					expiresAt: unixToIso(permission.expiration_timestamp),
					isPermanent: bool(permission.is_permanent),
					responseSource: str(permission.response_source),
				}
			: null,
		unknown: unknownFields(i, INTERACTIVE_KEYS),
	};
}

function toOrder(o: Record<string, unknown>): MessageContent['order'] {
	return {
		catalogId: str(o.catalog_id),
		text: str(o.text),
		productItems: (Array.isArray(o.product_items) ? o.product_items : []).filter(isRecord).map((p) => ({
			productRetailerId: str(p.product_retailer_id),
			quantity: num(p.quantity),
			itemPrice: num(p.item_price),
			currency: str(p.currency),
		})),
	};
}

function toMedia(kind: MediaKind, media: Record<string, unknown>): MessageContent['media'] {
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
