/** Reaction (`type: "reaction"`): an emoji on an earlier message; an empty emoji removes the reaction. */
import { z } from 'zod';

import type { MessageContent } from './request';
import { issue, messageIdSchema, parseOrThrow } from './validation';

const reactionSchema = z.object({
	message_id: messageIdSchema('Use the `id` of the message you react to, e.g. from the trigger.'),
	emoji: z
		.string()
		.trim()
		.refine(
			(v) =>
				v === '' ||
				(/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(v) &&
					[...new Intl.Segmenter().segment(v)].length === 1),
			{
				message: issue(
					'must be exactly one emoji',
					'Use a single emoji such as 👍, or leave it empty to remove the reaction.',
				),
			},
		),
});

export type ReactionInput = z.input<typeof reactionSchema>;

export function buildReaction(input: ReactionInput): MessageContent {
	const { message_id, emoji } = parseOrThrow(reactionSchema, input, 'reaction');
	return { type: 'reaction', reaction: { message_id, emoji } };
}
