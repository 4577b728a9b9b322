/**
 * One inbound message of a `messages` change → a typed `MessageEvent`: sender (phone number and/or WhatsApp User ID,
 * matched to `contacts[]`), context, referral, and the part of the message its type carries. Unknown types become
 * `type: 'unsupported'` with Meta's type in `originalType`.
 */
import {
	KNOWN_MESSAGE_TYPES,
	MEDIA_KINDS,
	type ChangeBase,
	type MediaKind,
	type MessageEvent,
	type MessageType,
	type WireContact,
	type WireMessage,
} from './events';
import { camelize, isRecord, num, str, toMetaErrors, unixToIso } from './wire-values';

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

export function toMessageEvent(m: WireMessage, contacts: WireContact[], base: ChangeBase): MessageEvent {
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
		errors: toMetaErrors(m.errors),
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
