/**
 * Patient → clinic messages (POST /_sim/inbound): builds Meta's inbound `messages` webhook value (contacts[]
 * with profile, wa_id, user_id; messages[] of any type), opens the 24 h window, creates downloadable media,
 * and delivers it as a signed webhook.
 */
import { z } from 'zod';

import type { SimContext } from './context';
import { defaultPhone, findPhone } from './context';
import { Errors, webhookError } from './errors';
import { assertGroupWriter } from './groups-control';
import { createMedia, mediaUrl } from './media';
import type { Delivery, InboundMessage } from './state';
import { BSUID_PATTERN, newWamid } from './state';
import { displayDigits } from './webhook-sender';

export const INBOUND_TYPES = [
	'text',
	'button',
	'button_reply',
	'list_reply',
	'image',
	'document',
	'audio',
	'video',
	'sticker',
	'location',
	'reaction',
	'contacts',
	'unsupported',
	'nfm_reply',
] as const;

export const InboundSchema = z
	.object({
		from: z
			.string()
			.transform((s) => s.replace(/[\s\-().+]/g, ''))
			.refine((s) => /^\d{7,15}$/.test(s), 'from must be a phone number with 7 to 15 digits')
			.optional(),
		userId: z.string().regex(BSUID_PATTERN, 'userId must look like a BSUID, e.g. BR.1234567890').optional(),
		username: z.string().optional(),
		/** Profile name; kept from earlier messages when absent (default 'Test Patient'). */
		name: z.string().optional(),
		phoneNumberId: z.string().optional(),
		type: z.enum(INBOUND_TYPES).default('text'),
		text: z.string().optional(),
		body: z.string().optional(),
		payload: z.string().optional(),
		id: z.string().optional(),
		title: z.string().optional(),
		description: z.string().optional(),
		context: z.union([z.string(), z.object({ id: z.string() })]).optional(),
		caption: z.string().optional(),
		filename: z.string().optional(),
		mimeType: z.string().optional(),
		/** Base64 media content; a small placeholder file is used when absent. */
		content: z.string().optional(),
		latitude: z.number().optional(),
		longitude: z.number().optional(),
		locationName: z.string().optional(),
		address: z.string().optional(),
		emoji: z.string().optional(),
		messageId: z.string().optional(),
		contacts: z.array(z.record(z.unknown())).optional(),
		/** nfm_reply (a WhatsApp Flow's completion): the Flow's response as a JSON string. */
		responseJson: z.string().optional(),
		/** Write in this WhatsApp group (the sender must be a participant): the message carries `group_id`. */
		groupId: z.string().min(1).optional(),
		/** Wait for the first webhook attempt before answering (default true). */
		wait: z.boolean().default(true),
	})
	.refine((v) => v.from || v.userId || v.username, 'give from (phone), userId (BSUID) or username');

export type InboundInput = z.input<typeof InboundSchema>;

const PLACEHOLDERS: Record<string, { mime: string; data: () => Buffer; filename?: string }> = {
	image: {
		mime: 'image/png',
		data: () =>
			Buffer.from(
				'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
				'base64',
			),
	},
	document: {
		mime: 'application/pdf',
		filename: 'document.pdf',
		data: () => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
	},
	audio: { mime: 'audio/ogg', data: () => Buffer.from('OggS\0\x02simulated-voice-note') },
	video: { mime: 'video/mp4', data: () => Buffer.from('\0\0\0\x18ftypmp42simulated-video') },
	sticker: { mime: 'image/webp', data: () => Buffer.from('RIFF\x1a\0\0\0WEBPVP8 simulated-sticker') },
};

export interface InboundResult {
	messageId: string;
	from?: string;
	userId: string;
	delivery: {
		id: string;
		state: Delivery['state'];
		statusCode?: number;
		attempts: number;
		url: string;
	} | null;
	mediaId?: string;
}

function contextId(ctx: SimContext, v: z.output<typeof InboundSchema>, userKey: string): string | undefined {
	if (typeof v.context === 'string') return v.context;
	if (v.context) return v.context.id;
	if (!['button', 'button_reply', 'list_reply'].includes(v.type)) return undefined;
	// Default to the latest outbound message to this user that offers this kind of reply.
	for (let i = ctx.state.outbound.length - 1; i >= 0; i--) {
		const m = ctx.state.outbound[i];
		if (m.userKey !== userKey) continue;
		if (v.type === 'list_reply' ? m.rendered.list : m.rendered.buttons?.length) return m.id;
	}
	return undefined;
}

export async function receiveInbound(ctx: SimContext, raw: unknown): Promise<InboundResult> {
	const parsed = InboundSchema.safeParse(raw ?? {});
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw Errors.invalidParameter(`${issue.path.join('.') || 'body'}: ${issue.message}`);
	}
	const v = parsed.data;
	const phone = v.phoneNumberId ? findPhone(ctx, v.phoneNumberId) : defaultPhone(ctx);
	if (!phone) throw Errors.invalidParameter(`phoneNumberId ${v.phoneNumberId} is not a simulated number`);
	const { user, key } = ctx.state.upsertUser({
		waId: v.from,
		userId: v.userId,
		username: v.username,
		name: v.name,
	});
	const now = ctx.clock.now();
	const id = newWamid(user.waId ?? user.userId);
	const message: Record<string, unknown> = {};
	if (user.waId) message.from = user.waId;
	message.from_user_id = user.userId;
	if (v.groupId) message.group_id = assertGroupWriter(ctx, v.groupId, user).id;
	message.id = id;
	message.timestamp = String(Math.floor(now / 1000));
	const ctxId = contextId(ctx, v, key);
	if (ctxId) message.context = { from: displayDigits(phone), id: ctxId };
	let mediaId: string | undefined;
	switch (v.type) {
		case 'text':
			message.type = 'text';
			message.text = { body: v.text ?? v.body ?? '' };
			break;
		case 'button':
			if (v.payload === undefined && v.text === undefined && v.title === undefined) {
				throw Errors.invalidParameter('button needs payload and/or text (the quick-reply button tapped)');
			}
			message.type = 'button';
			message.button = {
				payload: v.payload ?? v.text ?? v.title ?? '',
				text: v.text ?? v.title ?? v.payload ?? '',
			};
			break;
		case 'button_reply':
		case 'list_reply': {
			if (!v.id || !v.title) throw Errors.invalidParameter(`${v.type} needs id and title`);
			const reply: Record<string, string> = { id: v.id, title: v.title };
			if (v.type === 'list_reply' && v.description) reply.description = v.description;
			message.type = 'interactive';
			message.interactive = { type: v.type, [v.type]: reply };
			break;
		}
		case 'image':
		case 'document':
		case 'audio':
		case 'video':
		case 'sticker': {
			const ph = PLACEHOLDERS[v.type];
			const data = v.content ? Buffer.from(v.content, 'base64') : ph.data();
			const item = createMedia(ctx, {
				phoneNumberId: phone.id,
				data,
				mimeType: v.mimeType ?? ph.mime,
				fileName: v.filename ?? ph.filename,
				origin: 'inbound',
			});
			mediaId = item.id;
			const media: Record<string, unknown> = {};
			if (v.caption && v.type !== 'audio' && v.type !== 'sticker') media.caption = v.caption;
			if (v.type === 'document') media.filename = item.fileName ?? 'document';
			media.mime_type =
				v.type === 'audio' && item.mimeType === 'audio/ogg' ? 'audio/ogg; codecs=opus' : item.mimeType;
			media.sha256 = item.sha256;
			media.id = item.id;
			media.url = mediaUrl(ctx, item);
			if (v.type === 'audio') media.voice = true;
			message.type = v.type;
			message[v.type] = media;
			break;
		}
		case 'location':
			if (v.latitude === undefined || v.longitude === undefined)
				throw Errors.invalidParameter('location needs latitude and longitude');
			message.type = 'location';
			message.location = {
				latitude: v.latitude,
				longitude: v.longitude,
				...(v.locationName ? { name: v.locationName } : {}),
				...(v.address ? { address: v.address } : {}),
			};
			break;
		case 'reaction':
			if (!v.messageId) throw Errors.invalidParameter('reaction needs messageId (the wamid reacted to)');
			message.type = 'reaction';
			message.reaction = { message_id: v.messageId, emoji: v.emoji ?? '👍' };
			break;
		case 'contacts':
			message.type = 'contacts';
			message.contacts = v.contacts ?? [
				{
					name: { formatted_name: 'Ana Souza', first_name: 'Ana' },
					phones: [{ phone: '+55 11 91234-5678', wa_id: '5511912345678', type: 'CELL' }],
				},
			];
			break;
		case 'nfm_reply':
			if (!v.responseJson) throw Errors.invalidParameter('nfm_reply needs responseJson (a JSON string)');
			message.type = 'interactive';
			message.interactive = {
				type: 'nfm_reply',
				nfm_reply: { response_json: v.responseJson, body: v.body ?? 'Sent', name: 'flow' },
			};
			break;
		case 'unsupported':
			message.type = 'unsupported';
			message.errors = [
				webhookError(131051, 'Message type unknown', 'Message type is currently not supported.'),
			];
			break;
	}
	user.lastInboundAt = now;
	const contact: Record<string, unknown> = {
		profile: { name: user.name ?? 'Test Patient', ...(user.username ? { username: user.username } : {}) },
	};
	if (user.waId) contact.wa_id = user.waId;
	contact.user_id = user.userId;

	const record: InboundMessage = {
		id,
		phoneNumberId: phone.id,
		userKey: key,
		type: v.type,
		receivedAt: now,
		message,
	};
	ctx.state.addInbound(record);
	const target = ctx.sender.resolveTarget(phone.id);
	let delivery: Delivery | undefined;
	if (target) {
		delivery = ctx.sender.sendChange(
			phone,
			target.url,
			'messages',
			{ contacts: [contact], messages: [message] },
			[id],
		);
		if (delivery) {
			record.deliveryId = delivery.id;
			if (v.wait) await ctx.sender.firstAttempt(delivery.id);
		}
	}
	return {
		messageId: id,
		...(user.waId ? { from: user.waId } : {}),
		userId: user.userId,
		...(mediaId ? { mediaId } : {}),
		delivery: delivery
			? {
					id: delivery.id,
					url: delivery.url,
					state: delivery.state,
					statusCode: delivery.attempts[0]?.statusCode,
					attempts: delivery.attempts.length,
				}
			: null,
	};
}
