/**
 * The message that invites someone to a WhatsApp group. People join a Cloud API group ONLY through its invite link
 * (Meta: "you cannot manually add participants"), so an invite is a one-to-one message carrying the link:
 * - inside the 24-hour customer service window: a text message with the link (link preview on);
 * - outside it: an approved template whose body variable (or dynamic URL button) carries the link.
 * Invite links look like https://chat.whatsapp.com/<code>; resetting the link makes older invites stop working.
 */
import { buildText } from './messages/text';
import type { MessageContent } from './messages/request';
import { MessageValidationError } from './messages/validation';

const INVITE_LINK = /^https:\/\/chat\.whatsapp\.com\/(?:invite\/)?([A-Za-z0-9_-]{6,64})$/;
export const LINK_PLACEHOLDER = '{{link}}';

/** Validates an invite link and returns it and its code (the part after chat.whatsapp.com/). */
export function parseInviteLink(raw: unknown, field = 'Invite Link'): { link: string; code: string } {
	const link = typeof raw === 'string' ? raw.trim() : '';
	const match = INVITE_LINK.exec(link);
	if (!match)
		throw new MessageValidationError(
			field,
			link ? `"${link.slice(0, 60)}" is not a WhatsApp group invite link` : 'is empty',
			'Invite links look like https://chat.whatsapp.com/AbCdEf123: use Get Invite Link or the inviteLink output of Create.',
		);
	return { link, code: match[1] };
}

/** The text of an invite: the user's text with `{{link}}` replaced, or the link on its own line after it. */
export function buildInviteText(text: string, inviteLink: string): MessageContent {
	const { link } = parseInviteLink(inviteLink);
	const body = text.includes(LINK_PLACEHOLDER)
		? text.split(LINK_PLACEHOLDER).join(link)
		: `${text.trim()}\n\n${link}`.trim();
	return buildText({ body, previewUrl: true });
}

export interface InviteTemplateInput {
	name: string;
	/** Template language code as in WhatsApp Manager, e.g. pt_BR. */
	language: string;
	inviteLink: string;
	/** Where the template takes the link: a body variable, or the suffix of its first URL button. */
	placement: 'body' | 'urlButton';
	/** Body variable for the link: `1` for {{1}}, or a named variable such as `invite_link`. */
	variable?: string;
	/** Other body variables, in order ({{1}}, {{2}}… or named), before the link's. */
	bodyValues?: Array<{ name?: string; value: string }>;
}

function bodyParameter(name: string | undefined, text: string): Record<string, unknown> {
	return /^\d+$/.test(name ?? '1') || !name
		? { type: 'text', text }
		: { type: 'text', parameter_name: name, text };
}

/** A template message carrying the invite link (name and language are checked by Meta against the approved template). */
export function buildInviteTemplate(input: InviteTemplateInput): MessageContent {
	const name = input.name.trim();
	const language = input.language.trim();
	if (!name)
		throw new MessageValidationError(
			'Invite Template Name',
			'is empty',
			'Give the name of an approved template that carries the group link, or send the invite as text inside the 24-hour window.',
		);
	if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language))
		throw new MessageValidationError(
			'Invite Template Language',
			`"${language}" is not a template language code`,
			'Use the code shown in WhatsApp Manager, e.g. pt_BR, en_US or es.',
		);
	const { link, code } = parseInviteLink(input.inviteLink);
	const components: Array<Record<string, unknown>> = [];
	const values = (input.bodyValues ?? []).map((v) => bodyParameter(v.name, v.value));
	if (input.placement === 'body') values.push(bodyParameter(input.variable, link));
	if (values.length) components.push({ type: 'body', parameters: values });
	if (input.placement === 'urlButton')
		components.push({
			type: 'button',
			sub_type: 'url',
			index: '0',
			parameters: [{ type: 'text', text: code }],
		});
	return {
		type: 'template',
		template: { name, language: { code: language }, ...(components.length ? { components } : {}) },
	};
}
