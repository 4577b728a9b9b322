/**
 * Interactive messages (`type: "interactive"`): reply buttons and lists, validated against Meta's limits in Meta's
 * own shape, so errors name Meta's path (e.g. `interactive.action.sections[0].rows[3].title`).
 *
 * Reply buttons: ≤ 3 buttons, id ≤ 256, title ≤ 20 and unique, body ≤ 1,024, footer ≤ 60, header text ≤ 60 or
 * image/video/document. List: button label ≤ 20, ≤ 10 sections (title ≤ 24, required when > 1), ≤ 10 rows in total,
 * row id ≤ 200 and unique, row title ≤ 24, description ≤ 72, header text ≤ 60, body ≤ 4,096, footer ≤ 60.
 */
import { z } from 'zod';

import type { MessageContent } from './request';
import { issue, MessageValidationError, parseJsonOrThrow, parseOrThrow } from './validation';
import { parseMediaRef } from './media';

export const LIMITS = {
	buttons: { count: 3, id: 256, title: 20, body: 1024, footer: 60, header: 60 },
	list: {
		sections: 10,
		rows: 10,
		rowId: 200,
		rowTitle: 24,
		rowDescription: 72,
		sectionTitle: 24,
		button: 20,
		header: 60,
		body: 4096,
		footer: 60,
	},
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);

const textHeader = (max: number) => z.object({ type: z.literal('text'), text: text(max) }).strict();

const mediaHeader = z
	.object({
		type: z.enum(['image', 'video', 'document']),
		image: z.object({ link: z.string().optional(), id: z.string().optional() }).strict().optional(),
		video: z.object({ link: z.string().optional(), id: z.string().optional() }).strict().optional(),
		document: z
			.object({ link: z.string().optional(), id: z.string().optional(), filename: z.string().optional() })
			.strict()
			.optional(),
	})
	.strict();

const buttonSchema = z
	.object({
		type: z.literal('button'),
		header: z.union([textHeader(LIMITS.buttons.header), mediaHeader]).optional(),
		body: z.object({ text: text(LIMITS.buttons.body) }).strict(),
		footer: z
			.object({ text: text(LIMITS.buttons.footer) })
			.strict()
			.optional(),
		action: z
			.object({
				buttons: z
					.array(
						z
							.object({
								type: z.literal('reply'),
								reply: z.object({ id: text(LIMITS.buttons.id), title: text(LIMITS.buttons.title) }).strict(),
							})
							.strict(),
					)
					.min(1)
					.max(LIMITS.buttons.count),
			})
			.strict(),
	})
	.strict()
	.superRefine((value, ctx) => {
		const titles = new Map<string, number>();
		const ids = new Map<string, number>();
		value.action.buttons.forEach((b, i) => {
			const t = b.reply.title.toLowerCase();
			if (titles.has(t))
				ctx.addIssue({
					code: 'custom',
					path: ['action', 'buttons', i, 'reply', 'title'],
					message: issue(
						`"${b.reply.title}" repeats button ${titles.get(t)! + 1}'s title`,
						'Give every button a different title.',
					),
				});
			else titles.set(t, i);
			if (ids.has(b.reply.id))
				ctx.addIssue({
					code: 'custom',
					path: ['action', 'buttons', i, 'reply', 'id'],
					message: issue(
						`"${b.reply.id}" repeats button ${ids.get(b.reply.id)! + 1}'s id`,
						'Give every button a different id.',
					),
				});
			else ids.set(b.reply.id, i);
		});
		if (value.header && value.header.type !== 'text') {
			const media = value.header[value.header.type];
			if (!media)
				ctx.addIssue({
					code: 'custom',
					path: ['header', value.header.type],
					message: issue('is missing', `Give the ${value.header.type} as {link} or {id}.`),
				});
		}
	});

const listSchema = z
	.object({
		type: z.literal('list'),
		header: textHeader(LIMITS.list.header).optional(),
		body: z.object({ text: text(LIMITS.list.body) }).strict(),
		footer: z
			.object({ text: text(LIMITS.list.footer) })
			.strict()
			.optional(),
		action: z
			.object({
				button: text(LIMITS.list.button),
				sections: z
					.array(
						z
							.object({
								title: text(LIMITS.list.sectionTitle).optional(),
								rows: z
									.array(
										z
											.object({
												id: text(LIMITS.list.rowId),
												title: text(LIMITS.list.rowTitle),
												description: z.string().trim().max(LIMITS.list.rowDescription).optional(),
											})
											.strict(),
									)
									.min(1),
							})
							.strict(),
					)
					.min(1)
					.max(LIMITS.list.sections),
			})
			.strict(),
	})
	.strict()
	.superRefine((value, ctx) => {
		const sections = value.action.sections;
		let total = 0;
		const ids = new Map<string, string>();
		sections.forEach((section, s) => {
			if (sections.length > 1 && !section.title)
				ctx.addIssue({
					code: 'custom',
					path: ['action', 'sections', s, 'title'],
					message: issue(
						'is missing',
						'Every section needs a title (≤ 24 characters) when the list has more than one section.',
					),
				});
			section.rows.forEach((row, r) => {
				total += 1;
				if (total === LIMITS.list.rows + 1)
					ctx.addIssue({
						code: 'custom',
						path: ['action', 'sections', s, 'rows', r],
						message: issue(
							`is row ${total}; a list holds at most ${LIMITS.list.rows} rows across all sections`,
							'Offer fewer options (e.g. fewer slots per day) or split them over two messages.',
						),
					});
				const where = `sections[${s}].rows[${r}]`;
				if (ids.has(row.id))
					ctx.addIssue({
						code: 'custom',
						path: ['action', 'sections', s, 'rows', r, 'id'],
						message: issue(
							`"${row.id}" repeats the id of ${ids.get(row.id)}`,
							'Give every row a different id.',
						),
					});
				else ids.set(row.id, where);
			});
		});
	});

/** Meta-shaped interactive object (list or button). */
export type InteractiveObject = Record<string, unknown>;

function asTextObject(value: unknown): unknown {
	return typeof value === 'string' ? (value.trim() ? { text: value } : undefined) : value;
}

/**
 * Loosens a Meta-shaped interactive object the way people (and other nodes) write it: `body`/`footer` as plain
 * strings, `header` as a plain string, a JSON string, or the whole message `{type:"interactive", interactive:{…}}`.
 */
export function normaliseInteractive(value: unknown, field = 'interactive'): InteractiveObject {
	if (typeof value === 'string') {
		value = parseJsonOrThrow(value, field, 'Give the list as an object or valid JSON text.');
	}
	if (value === null || value === undefined || value === '')
		throw new MessageValidationError(
			field,
			'is empty',
			'Map the list object from the previous node. If Appointment Slot Lookup found no free slot it gives no list: send its text instead (e.g. with an IF node).',
		);
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new MessageValidationError(
			field,
			'is not an interactive message object',
			'Map the field holding {type: "list", body, action: {button, sections}} (e.g. Appointment Slot Lookup\'s "WhatsApp List").',
		);
	let obj = value as Record<string, unknown>;
	if (obj.type === 'interactive' && obj.interactive && typeof obj.interactive === 'object')
		obj = obj.interactive as Record<string, unknown>;
	const out: Record<string, unknown> = { ...obj };
	if ('body' in out) out.body = asTextObject(out.body);
	if ('footer' in out) {
		out.footer = asTextObject(out.footer);
		if (out.footer === undefined) delete out.footer;
	}
	if (typeof out.header === 'string') {
		if (out.header.trim()) out.header = { type: 'text', text: out.header };
		else delete out.header;
	}
	return out;
}

function checkMediaHeader(interactive: Record<string, unknown>): void {
	const header = interactive.header as Record<string, unknown> | undefined;
	if (!header || header.type === 'text') return;
	const kind = header.type as string;
	const media = header[kind] as { link?: string; id?: string; filename?: string };
	const ref = parseMediaRef(media, `interactive.header.${kind}`);
	header[kind] = kind === 'document' && media.filename ? { ...ref, filename: media.filename } : ref;
}

/** Validates a Meta-shaped interactive `list` or `button` object and returns the message content. */
export function buildInteractive(value: unknown, field = 'interactive'): MessageContent {
	const obj = normaliseInteractive(value, field);
	if (obj.type === 'list') {
		const parsed = parseOrThrow(listSchema, obj, field);
		return { type: 'interactive', interactive: parsed };
	}
	if (obj.type === 'button') {
		const parsed = parseOrThrow(buttonSchema, obj, field) as Record<string, unknown>;
		checkMediaHeader(parsed);
		return { type: 'interactive', interactive: parsed };
	}
	throw new MessageValidationError(
		`${field}.type`,
		obj.type === undefined ? 'is missing' : `"${String(obj.type)}" is not supported here`,
		'Use "list" for a list message or "button" for reply buttons.',
	);
}

export interface ReplyButtonsInput {
	body: string;
	buttons: Array<{ id?: string; title: string }>;
	footer?: string;
	/** Text header, or a media header. */
	header?:
		| { type: 'text'; text: string }
		| { type: 'image' | 'video' | 'document'; link?: string; id?: string; filename?: string };
}

/** Reply buttons from flat input; a button without id gets its title as id. */
export function buildReplyButtons(input: ReplyButtonsInput): MessageContent {
	const interactive: Record<string, unknown> = {
		type: 'button',
		body: { text: input.body },
		action: {
			buttons: input.buttons.map((b) => ({
				type: 'reply',
				reply: { id: (b.id ?? '').trim() || b.title, title: b.title },
			})),
		},
	};
	if (input.footer?.trim()) interactive.footer = { text: input.footer };
	const h = input.header;
	if (h && h.type === 'text' && h.text.trim()) interactive.header = { type: 'text', text: h.text };
	if (h && h.type !== 'text') {
		const media: Record<string, string> = {};
		if (h.link) media.link = h.link;
		if (h.id) media.id = h.id;
		if (h.type === 'document' && h.filename) media.filename = h.filename;
		interactive.header = { type: h.type, [h.type]: media };
	}
	return buildInteractive(interactive);
}

export interface ListInput {
	body: string;
	button: string;
	sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
	header?: string;
	footer?: string;
}

/** A list from flat input (header is text only, as Meta requires for lists). */
export function buildList(input: ListInput): MessageContent {
	const interactive: Record<string, unknown> = {
		type: 'list',
		body: { text: input.body },
		action: {
			button: input.button,
			sections: input.sections.map((s) => {
				const section: Record<string, unknown> = {
					rows: s.rows.map((r) => (r.description?.trim() ? { ...r } : { id: r.id, title: r.title })),
				};
				if (s.title?.trim()) section.title = s.title;
				return section;
			}),
		},
	};
	if (input.header?.trim()) interactive.header = { type: 'text', text: input.header };
	if (input.footer?.trim()) interactive.footer = { text: input.footer };
	return buildInteractive(interactive);
}
