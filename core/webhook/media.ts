/**
 * Inbound media download: webhook media ID → `GET /{media-id}` (short-lived URL, valid ~5 minutes) → authorised
 * download. Meta keeps inbound media for 7 days. The HTTP side is injected (`MediaSource`), so this module knows only
 * the rules: size limits, URL expiry (re-fetch once), and clear errors that never lose the message itself.
 */
import { ClinicError } from '../errors';
import { createHash } from 'node:crypto';

import type { MediaKind, MessageMedia } from './events';

const MB = 1024 * 1024;

/** Meta's per-kind limits for WhatsApp media (…/business-phone-numbers/media). */
export const META_MEDIA_LIMIT_BYTES: Record<MediaKind, number> = {
	image: 5 * MB,
	audio: 16 * MB,
	video: 16 * MB,
	document: 100 * MB,
	sticker: 500 * 1024,
};

export interface MediaInfo {
	url: string;
	mimeType?: string | null;
	sha256?: string | null;
	fileSize?: number | null;
}

/** A failed Graph/download call as seen by the adapter: HTTP status and Meta error code when known. */
export class MediaHttpError extends ClinicError {
	constructor(
		message: string,
		httpStatus?: number,
		readonly metaCode?: number,
	) {
		super(message, { code: metaCode ?? 'media_http_error', httpStatus, kind: 'remote' });
		this.name = 'MediaHttpError';
	}
}

export interface MediaSource {
	/** `GET /{media-id}` → short-lived download URL and metadata. Throws `MediaHttpError` on failure. */
	getMediaInfo(mediaId: string): Promise<MediaInfo>;
	/** Authorised GET of the URL; may stop early once more than `maxBytes` arrive. Throws `MediaHttpError`. */
	download(url: string, maxBytes: number): Promise<Buffer>;
}

export type MediaErrorCode =
	| 'missing_media_id'
	| 'media_expired'
	| 'url_expired'
	| 'too_large'
	| 'download_failed'
	| 'integrity_mismatch';

export interface MediaError {
	code: MediaErrorCode;
	message: string;
	httpStatus: number | null;
	metaCode: number | null;
}

export type MediaFetchResult =
	| { ok: true; data: Buffer; mimeType: string; fileName: string; fileSize: number }
	| { ok: false; error: MediaError };

/** The effective limit: the user's maximum, never above Meta's limit for the kind. */
export function mediaLimitBytes(kind: MediaKind, userMaxMb: number): number {
	const user =
		Number.isFinite(userMaxMb) && userMaxMb > 0 ? Math.floor(userMaxMb * MB) : META_MEDIA_LIMIT_BYTES[kind];
	return Math.min(user, META_MEDIA_LIMIT_BYTES[kind]);
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
	'application/pdf': 'pdf',
	'text/plain': 'txt',
};

/** File name for the binary: the sender's file name for documents, else `<kind>-<media id>.<ext>`. */
export function mediaFileName(media: MessageMedia, mimeType: string | null | undefined): string {
	if (media.filename) return media.filename.replace(/[/\\]/g, '_');
	const base = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	const ext = EXTENSIONS[base] ?? base.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin';
	return `${media.kind}-${media.id ?? 'unknown'}.${ext || 'bin'}`;
}

function mb(bytes: number): string {
	return (bytes / MB).toFixed(bytes < MB ? 2 : 1);
}

function fail(code: MediaErrorCode, message: string, error?: unknown): MediaFetchResult {
	const http = error instanceof MediaHttpError ? error : undefined;
	return {
		ok: false,
		error: { code, message, httpStatus: http?.httpStatus ?? null, metaCode: http?.metaCode ?? null },
	};
}

function isTooLarge(error: unknown): boolean {
	return error instanceof MediaHttpError && error.httpStatus === 413;
}

function isGone(error: unknown): boolean {
	if (!(error instanceof MediaHttpError)) return false;
	return error.httpStatus === 404 || error.httpStatus === 410 || error.httpStatus === 403;
}

function isExpiredMediaId(error: unknown): boolean {
	if (!(error instanceof MediaHttpError)) return false;
	// Graph answers 404, or 400 with code 100 ("Object with ID … does not exist"), for media it no longer keeps.
	return (
		error.httpStatus === 404 ||
		error.httpStatus === 410 ||
		(error.httpStatus === 400 && error.metaCode === 100)
	);
}

/** Meta announces the file's SHA-256 (hex in Graph answers; base64 has been seen in webhooks): accept either. */
export function sha256Matches(data: Buffer, announced: string): boolean {
	const digest = createHash('sha256').update(data).digest();
	const value = announced.trim();
	if (/^[0-9a-f]{64}$/i.test(value)) return digest.toString('hex') === value.toLowerCase();
	const b64 = value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
	return digest.toString('base64').replace(/=+$/, '') === b64;
}

/** Downloads one message's media. Never throws: failures come back as `{ ok: false, error }`. */
export async function fetchInboundMedia(
	media: MessageMedia,
	source: MediaSource,
	userMaxMb: number,
): Promise<MediaFetchResult> {
	if (!media.id) return fail('missing_media_id', `The ${media.kind} has no media ID to download.`);
	const limit = mediaLimitBytes(media.kind, userMaxMb);
	let info: MediaInfo;
	try {
		info = await source.getMediaInfo(media.id);
	} catch (error) {
		if (isExpiredMediaId(error)) {
			return fail(
				'media_expired',
				`Media ${media.id} is no longer available from WhatsApp: inbound media is kept for 7 days only (or the credential belongs to another WhatsApp Business Account).`,
				error,
			);
		}
		return fail('download_failed', `Could not look up media ${media.id}: ${(error as Error).message}`, error);
	}
	if (typeof info.fileSize === 'number' && info.fileSize > limit) {
		return fail(
			'too_large',
			`The ${media.kind} is ${mb(info.fileSize)} MB, above the ${mb(limit)} MB limit (raise "Max Media Size (MB)"; Meta's limit for ${media.kind} is ${mb(META_MEDIA_LIMIT_BYTES[media.kind])} MB).`,
		);
	}
	let data: Buffer;
	try {
		data = await source.download(info.url, limit);
	} catch (error) {
		if (isTooLarge(error)) {
			return fail(
				'too_large',
				`The ${media.kind} is larger than the ${mb(limit)} MB limit (raise "Max Media Size (MB)").`,
				error,
			);
		}
		if (!isGone(error))
			return fail(
				'download_failed',
				`Could not download media ${media.id}: ${(error as Error).message}`,
				error,
			);
		// The URL is valid for about 5 minutes: fetch a fresh one once.
		try {
			info = await source.getMediaInfo(media.id);
			data = await source.download(info.url, limit);
		} catch (retryError) {
			if (isExpiredMediaId(retryError) || isGone(retryError)) {
				return fail(
					'url_expired',
					`The download URL for media ${media.id} expired and a fresh one could not be used; the media may be older than 7 days.`,
					retryError,
				);
			}
			return fail(
				'download_failed',
				`Could not download media ${media.id}: ${(retryError as Error).message}`,
				retryError,
			);
		}
	}
	if (data.length > limit) {
		return fail(
			'too_large',
			`The ${media.kind} is larger than the ${mb(limit)} MB limit (raise "Max Media Size (MB)").`,
		);
	}
	const expected = [info.sha256, media.sha256].filter((h): h is string => typeof h === 'string' && h !== '');
	if (expected.length && !expected.every((h) => sha256Matches(data, h))) {
		return fail(
			'integrity_mismatch',
			`The downloaded ${media.kind} does not match the SHA-256 WhatsApp announced for media ${media.id}: it was altered or cut off in transit, so it was not attached. Re-run the execution to download it again.`,
		);
	}
	const mimeType = info.mimeType ?? media.mimeType ?? 'application/octet-stream';
	return { ok: true, data, mimeType, fileName: mediaFileName(media, mimeType), fileSize: data.length };
}
