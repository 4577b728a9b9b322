/**
 * "Download Media" for a delivery: the media of each message is fetched through the Cloud API (`GraphClient`,
 * adapted to `MediaSource` here) at most 4 at a time, and handed to the host to store as binary data (`toBinary`,
 * n8n: `prepareBinaryData`). A failed download never drops the message: its attachment carries `mediaError`.
 */
import type { MediaAttachment } from './emitted';
import type { MessageEvent } from './events';
import { MediaHttpError, fetchInboundMedia, type MediaSource } from './media';
import type { GraphClient } from '../whatsapp/graph-client';
import { CloudApiError } from '../whatsapp/errors';

const CONCURRENCY = 4;

function toMediaHttpError(error: unknown): MediaHttpError {
	if (error instanceof MediaHttpError) return error;
	if (error instanceof CloudApiError) {
		return new MediaHttpError(
			`${error.title}${error.details ? `: ${error.details}` : ''}`,
			error.httpStatus,
			typeof error.code === 'number' ? error.code : undefined,
		);
	}
	const message = error instanceof Error ? error.message : String(error);
	// GraphClient.downloadMedia refuses bodies above maxBytes with a plain Error.
	if (/over the \d+-byte limit/.test(message)) return new MediaHttpError(message, 413);
	return new MediaHttpError(message);
}

/** `GET /{media-id}` and the authorised download through the GraphClient, failures as `MediaHttpError`. */
export function graphMediaSource(client: GraphClient, phoneNumberId: string | null): MediaSource {
	return {
		async getMediaInfo(mediaId) {
			try {
				const info = await client.getMedia(mediaId, phoneNumberId ?? undefined);
				return { url: info.url, mimeType: info.mime_type, sha256: info.sha256, fileSize: info.file_size };
			} catch (error) {
				throw toMediaHttpError(error);
			}
		},
		async download(url, maxBytes) {
			try {
				return (await client.downloadMedia(url, maxBytes)).data;
			} catch (error) {
				throw toMediaHttpError(error);
			}
		},
	};
}

/** Stores downloaded bytes the host's way (n8n: binary data). */
export type ToBinary<B> = (data: Buffer, fileName: string, mimeType: string) => Promise<B>;

/** Downloads the media of every media message (at most 4 at a time); the result array is aligned with `events`. */
export async function downloadEventMedia<B>(
	events: readonly MessageEvent[],
	client: GraphClient,
	maxMediaSizeMb: number,
	toBinary: ToBinary<B>,
): Promise<Array<MediaAttachment<B>>> {
	const results: Array<MediaAttachment<B>> = new Array(events.length);
	let next = 0;
	const worker = async () => {
		while (next < events.length) {
			const index = next++;
			const media = events[index].media;
			if (!media) {
				results[index] = {};
				continue;
			}
			const fetched = await fetchInboundMedia(
				media,
				graphMediaSource(client, events[index].phoneNumberId),
				maxMediaSizeMb,
			);
			results[index] = fetched.ok
				? { binary: await toBinary(fetched.data, fetched.fileName, fetched.mimeType) }
				: { mediaError: fetched.error };
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, events.length) }, worker));
	return results;
}
