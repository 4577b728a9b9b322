/**
 * Media messages: image, document, video, audio, sticker. The media is given by public `link`, by a WhatsApp media
 * `id` (uploaded earlier, or an n8n binary the node uploads first), never both. Caption (≤ 1,024) is allowed on
 * image, video and document; `filename` only on document.
 */
import { z } from 'zod';

import type { MessageContent } from './request';
import { issue, MessageValidationError, parseOrThrow } from './validation';

export const MEDIA_KINDS = ['image', 'document', 'video', 'audio', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const MAX_CAPTION = 1024;
const CAPTIONED: ReadonlySet<MediaKind> = new Set(['image', 'video', 'document']);

/** A media reference as Meta takes it. */
export type MediaRef = { link: string } | { id: string };

const httpUrl = z
	.string()
	.trim()
	.refine((v) => /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(v), {
		message: issue(
			'is not an http(s) URL',
			'Give a public https:// link to the file, or use a media ID instead.',
		),
	});

const mediaId = z
	.string()
	.trim()
	.refine((v) => /^[0-9]{1,40}$/.test(v), {
		message: issue(
			'is not a WhatsApp media ID (digits only)',
			'Use the ID returned by a media upload, or choose "Link" / "Binary File" as the source.',
		),
	});

const mediaSchema = z
	.object({
		link: httpUrl.optional(),
		id: mediaId.optional(),
		caption: z.string().max(MAX_CAPTION).optional(),
		filename: z.string().trim().max(240).optional(),
	})
	.strict();

export type MediaInput = z.input<typeof mediaSchema>;

/** Validates a link-or-id pair and returns Meta's `{link}` / `{id}` (used by media messages and template headers). */
export function parseMediaRef(input: { link?: string; id?: string }, field: string): MediaRef {
	const link = input.link?.trim();
	const id = input.id?.trim();
	if (link && id)
		throw new MessageValidationError(field, 'has both a link and a media ID', 'Give only one of them.');
	if (!link && !id)
		throw new MessageValidationError(
			field,
			'has no media',
			'Give a public https:// link, a WhatsApp media ID, or a binary property holding the file.',
		);
	if (link) return { link: parseOrThrow(httpUrl, link, `${field}.link`) };
	return { id: parseOrThrow(mediaId, id, `${field}.id`) };
}

/**
 * Reads a free-form "media" value: an https link, a numeric media ID, or an object `{link}` / `{id}`
 * (`filename` kept for documents). Used by template header fields, where one text box takes either.
 */
export function mediaRefFromValue(value: unknown, field: string): MediaRef & { filename?: string } {
	if (typeof value === 'number') value = String(value);
	if (typeof value === 'string') {
		const v = value.trim();
		if (/^[0-9]+$/.test(v)) return { id: v };
		return parseMediaRef({ link: v }, field);
	}
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const o = value as Record<string, unknown>;
		const ref = parseMediaRef(
			{
				link: typeof o.link === 'string' ? o.link : undefined,
				id: typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined,
			},
			field,
		);
		return typeof o.filename === 'string' && o.filename.trim()
			? { ...ref, filename: o.filename.trim() }
			: ref;
	}
	throw new MessageValidationError(
		field,
		'has no media',
		'Give a public https:// link or a WhatsApp media ID (or upload a binary file).',
	);
}

export function buildMedia(kind: MediaKind, input: MediaInput): MessageContent {
	if (!MEDIA_KINDS.includes(kind))
		throw new MessageValidationError(
			'type',
			`"${String(kind)}" is not a media type`,
			`Use one of ${MEDIA_KINDS.join(', ')}.`,
		);
	const parsed = parseOrThrow(mediaSchema, input, kind);
	const ref = parseMediaRef(parsed, kind);
	const body: Record<string, unknown> = { ...ref };
	const caption = parsed.caption?.trim();
	if (caption) {
		if (!CAPTIONED.has(kind))
			throw new MessageValidationError(
				`${kind}.caption`,
				`is not supported for ${kind}`,
				'Clear the caption, or send the text as a separate message.',
			);
		body.caption = caption;
	}
	if (parsed.filename) {
		if (kind !== 'document')
			throw new MessageValidationError(
				`${kind}.filename`,
				'is only used for documents',
				'Clear the file name.',
			);
		body.filename = parsed.filename;
	}
	return { type: kind, [kind]: body };
}
