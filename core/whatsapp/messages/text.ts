/** Text message (`type: "text"`): body up to 4,096 characters, optional link preview. */
import { z } from 'zod';

import type { MessageContent } from './request';
import { parseOrThrow } from './validation';

export const MAX_TEXT_BODY = 4096;

const textSchema = z.object({
	body: z.string().trim().min(1).max(MAX_TEXT_BODY),
	previewUrl: z.boolean().optional(),
});

export type TextInput = z.input<typeof textSchema>;

export function buildText(input: TextInput): MessageContent {
	const { body, previewUrl } = parseOrThrow(textSchema, input, 'text');
	return { type: 'text', text: previewUrl ? { preview_url: true, body } : { body } };
}
