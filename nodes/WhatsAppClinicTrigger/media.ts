/**
 * Media download for the trigger: adapts the shared GraphClient to core's `MediaSource` and puts each file into the
 * item's binary data. A failed download never drops the message: the item carries `mediaError` instead.
 */
import type { IBinaryData, IWebhookFunctions } from 'n8n-workflow';

import type { MessageEvent } from '../../core/webhook/events';
import {
	MediaHttpError,
	fetchInboundMedia,
	type MediaError,
	type MediaSource,
} from '../../core/webhook/media';
import type { GraphClient } from '../../core/whatsapp/graph-client';
import { CloudApiError } from '../../core/whatsapp/errors';

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

export interface MediaAttachment {
	binary?: IBinaryData;
	mediaError?: MediaError;
}

const CONCURRENCY = 4;

/** Downloads the media of every media message (at most 4 at a time); the result array is aligned with `events`. */
export async function downloadEventMedia(
	context: IWebhookFunctions,
	events: readonly MessageEvent[],
	client: GraphClient,
	maxMediaSizeMb: number,
): Promise<MediaAttachment[]> {
	const results: MediaAttachment[] = new Array(events.length);
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
			if (!fetched.ok) {
				results[index] = { mediaError: fetched.error };
				continue;
			}
			const binary = await context.helpers.prepareBinaryData(
				fetched.data,
				fetched.fileName,
				fetched.mimeType,
			);
			results[index] = { binary };
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, events.length) }, worker));
	return results;
}
