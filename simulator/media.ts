/**
 * Media like Meta's: multipart upload → {id}; GET /{media-id} → short-lived URL (5 minutes of simulated time);
 * download with Bearer; DELETE. Size and MIME limits per media type. Uploaded IDs live 30 days, IDs of
 * inbound (patient) media 7 days.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { SimContext } from './context';
import { Errors } from './errors';
import { checkMediaReference } from './message-validation';
import type { MediaItem } from './state';
import { newNumericId } from './state';
import type { MediaResolver } from './template-validation';

const MB = 1024 * 1024;
export const MEDIA_URL_TTL_MS = 5 * 60 * 1000;
export const UPLOAD_TTL_MS = 30 * 24 * 3600 * 1000;
export const INBOUND_TTL_MS = 7 * 24 * 3600 * 1000;

interface MediaRule {
	kind: 'image' | 'audio' | 'video' | 'document' | 'sticker';
	maxBytes: number;
}

const RULES: Record<string, MediaRule> = {
	'image/jpeg': { kind: 'image', maxBytes: 5 * MB },
	'image/png': { kind: 'image', maxBytes: 5 * MB },
	'image/webp': { kind: 'sticker', maxBytes: 500 * 1024 },
	'audio/aac': { kind: 'audio', maxBytes: 16 * MB },
	'audio/amr': { kind: 'audio', maxBytes: 16 * MB },
	'audio/mpeg': { kind: 'audio', maxBytes: 16 * MB },
	'audio/mp4': { kind: 'audio', maxBytes: 16 * MB },
	'audio/ogg': { kind: 'audio', maxBytes: 16 * MB },
	'video/mp4': { kind: 'video', maxBytes: 16 * MB },
	'video/3gpp': { kind: 'video', maxBytes: 16 * MB },
	'text/plain': { kind: 'document', maxBytes: 100 * MB },
	'application/pdf': { kind: 'document', maxBytes: 100 * MB },
	'application/msword': { kind: 'document', maxBytes: 100 * MB },
	'application/vnd.ms-excel': { kind: 'document', maxBytes: 100 * MB },
	'application/vnd.ms-powerpoint': { kind: 'document', maxBytes: 100 * MB },
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
		kind: 'document',
		maxBytes: 100 * MB,
	},
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
		kind: 'document',
		maxBytes: 100 * MB,
	},
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': {
		kind: 'document',
		maxBytes: 100 * MB,
	},
};

export const MAX_UPLOAD_BYTES = 100 * MB + 64 * 1024;

export function mediaRule(mimeType: string): MediaRule | undefined {
	return RULES[mimeType.split(';')[0].trim().toLowerCase()];
}

export function createMedia(
	ctx: SimContext,
	input: {
		phoneNumberId: string;
		data: Buffer;
		mimeType: string;
		fileName?: string;
		origin: MediaItem['origin'];
	},
): MediaItem {
	const now = ctx.clock.now();
	const item: MediaItem = {
		id: newNumericId(),
		phoneNumberId: input.phoneNumberId,
		mimeType: input.mimeType,
		fileName: input.fileName,
		sha256: createHash('sha256').update(input.data).digest('hex'),
		data: input.data,
		createdAt: now,
		expiresAt: now + (input.origin === 'upload' ? UPLOAD_TTL_MS : INBOUND_TTL_MS),
		origin: input.origin,
	};
	ctx.state.media.set(item.id, item);
	return item;
}

/** The media item if it exists, is not deleted and has not expired (simulated clock). */
export function liveMedia(ctx: SimContext, id: string): MediaItem | undefined {
	const item = ctx.state.media.get(id);
	if (!item || item.deleted || item.expiresAt <= ctx.clock.now()) return undefined;
	return item;
}

/** A lookaside-style download URL valid for 5 minutes of simulated time. */
export function mediaUrl(ctx: SimContext, item: MediaItem): string {
	const token = randomBytes(12).toString('hex');
	const expiresAt = ctx.clock.now() + MEDIA_URL_TTL_MS;
	ctx.state.mediaUrls.set(token, { mediaId: item.id, expiresAt });
	const ext = Math.floor(expiresAt / 1000);
	return `${ctx.baseUrl}/whatsapp_business/attachments/?mid=${item.id}&ext=${ext}&hash=${token}`;
}

/** Media resolver for message validation: ids must be live uploads; links must be http(s) URLs. */
export function messageMediaResolver(ctx: SimContext): MediaResolver {
	return (field, media) => {
		const ref = checkMediaReference(field, media);
		if (ref.link) return { url: ref.link };
		const item = liveMedia(ctx, ref.id!);
		if (!item) {
			throw Errors.parameterValueNotValid(
				`${ref.id} is not a valid whatsapp business account media attachment ID`,
			);
		}
		return { url: `/_sim/media/${item.id}`, filename: item.fileName };
	};
}

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

/** Minimal multipart/form-data parser (enough for Graph media uploads). */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!m) throw Errors.invalidParameter('multipart/form-data body without a boundary');
	const boundary = Buffer.from(`--${(m[1] ?? m[2]).trim()}`);
	const parts: MultipartPart[] = [];
	let pos = body.indexOf(boundary);
	while (pos !== -1) {
		const start = pos + boundary.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		const next = body.indexOf(boundary, start);
		if (next === -1) break;
		const part = body.subarray(start + 2, next - 2); // skip CRLF after boundary and before the next
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
			const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
			const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
			const ct = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
			parts.push({ name, filename, contentType: ct, data: part.subarray(headerEnd + 4) });
		}
		pos = next;
	}
	return parts;
}

/** POST /{phone-number-id}/media */
export function uploadMedia(
	ctx: SimContext,
	phoneNumberId: string,
	body: Buffer,
	contentType: string,
): { id: string } {
	if (!/multipart\/form-data/i.test(contentType)) {
		throw Errors.invalidParameter(
			'Media upload must be multipart/form-data with fields file, type and messaging_product.',
		);
	}
	const parts = parseMultipart(body, contentType);
	const field = (n: string) => parts.find((p) => p.name === n);
	const product = field('messaging_product')?.data.toString('utf8').trim();
	if (!product) throw Errors.requiredParameter('messaging_product');
	if (product !== 'whatsapp') throw Errors.invalidParameter('Param messaging_product must be "whatsapp".');
	const file = field('file');
	if (!file || file.filename === undefined) throw Errors.requiredParameter('file');
	const declared = field('type')?.data.toString('utf8').trim();
	const mimeType = (declared || file.contentType || '').split(';')[0].trim().toLowerCase();
	if (!mimeType) throw Errors.requiredParameter('type');
	const rule = mediaRule(mimeType);
	if (!rule) {
		throw Errors.invalidParameter(
			`Param file must be a file with one of the following types: ${Object.keys(RULES).join(', ')}. Received file of type '${mimeType}'.`,
		);
	}
	if (
		file.contentType &&
		declared &&
		mediaRule(file.contentType)?.kind !== rule.kind &&
		file.contentType !== 'application/octet-stream'
	) {
		throw Errors.mediaUpload(
			`File content type ${file.contentType} does not match the declared type ${mimeType}`,
		);
	}
	if (file.data.length === 0) throw Errors.mediaUpload('The uploaded file is empty');
	if (file.data.length > rule.maxBytes) {
		throw Errors.mediaUpload(
			`${rule.kind} file is ${file.data.length} bytes; the maximum for ${mimeType} is ${rule.maxBytes} bytes`,
		);
	}
	const item = createMedia(ctx, {
		phoneNumberId,
		data: Buffer.from(file.data),
		mimeType,
		fileName: file.filename || undefined,
		origin: 'upload',
	});
	return { id: item.id };
}

/** GET /{media-id} */
export function getMediaInfo(ctx: SimContext, id: string): Record<string, unknown> {
	const item = liveMedia(ctx, id);
	if (!item) throw Errors.unknownObject(id);
	return {
		messaging_product: 'whatsapp',
		url: mediaUrl(ctx, item),
		mime_type: item.mimeType,
		sha256: item.sha256,
		file_size: item.data.length,
		id: item.id,
	};
}

/** DELETE /{media-id} */
export function deleteMedia(ctx: SimContext, id: string): { success: true } {
	const item = liveMedia(ctx, id);
	if (!item) throw Errors.unknownObject(id, 'delete');
	item.deleted = true;
	return { success: true };
}

/** GET /whatsapp_business/attachments/?mid=…&hash=… (Bearer required): the bytes, or 404 once expired. */
export function downloadByToken(ctx: SimContext, token: string | null): MediaItem | undefined {
	if (!token) return undefined;
	const entry = ctx.state.mediaUrls.get(token);
	if (!entry || entry.expiresAt <= ctx.clock.now()) return undefined;
	return liveMedia(ctx, entry.mediaId);
}
