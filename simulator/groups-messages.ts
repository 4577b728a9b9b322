/**
 * Messages to a group (POST /{phone-number-id}/messages with `recipient_type: "group"`, `to: <group ID>`), checked
 * like Meta: the group must exist, belong to the number and have participants; only text, media (image, video,
 * audio, document) and text or media templates (not authentication) are accepted; interactive and other types are
 * refused with 131009. Statuses: `sent` for the group, then `delivered` and `read` per participant
 * (`recipient_type: "group"`, `recipient_participant_id`), as in Meta's group status webhook.
 */
import type { SimContext } from './context';
import { GraphError } from './errors';
import { scheduleGroupStatuses } from './groups-statuses';
import { findGroup } from './groups';
import { messageMediaResolver } from './media';
import { checkMessage } from './message-validation';
import type { PhoneNumberConfig } from './options';
import type { OutboundMessage, RenderedMessage } from './state';
import { newWamid } from './state';
import { checkTemplate } from './template-validation';

export const GROUP_TYPES = ['text', 'image', 'video', 'audio', 'document', 'template'];

const notValid = (details: string) =>
	new GraphError(400, 131009, '(#131009) Parameter value is not valid', details);

export function sendGroupMessage(
	ctx: SimContext,
	phone: PhoneNumberConfig,
	raw: Record<string, unknown>,
): Record<string, unknown> {
	const to = typeof raw.to === 'string' ? raw.to.trim() : '';
	if (!to)
		throw new GraphError(400, 100, '(#100) The parameter to is required.', 'The parameter to is required.');
	const group = findGroup(ctx, to);
	if (!group || group.phoneNumberId !== phone.id)
		throw notValid(`Group ${to.slice(0, 60)} does not exist or does not belong to this business number.`);
	const type = raw.type === undefined ? 'text' : String(raw.type);
	if (!GROUP_TYPES.includes(type))
		throw notValid(
			`Message type ${type} is not supported for groups. Supported types: ${GROUP_TYPES.join(', ')}.`,
		);
	if (group.suspended) throw notValid('The group is suspended.');
	if (!group.participants.size)
		throw notValid(
			'The group has no participants yet: messages can be sent once someone joins with the invite link.',
		);
	const resolveMedia = messageMediaResolver(ctx);
	let rendered: RenderedMessage;
	let template: { name: string; language: string; category: string } | undefined;
	if (type === 'template') {
		const check = checkTemplate(raw.template, ctx.templates, resolveMedia);
		if (check.template.category === 'AUTHENTICATION')
			throw notValid('Authentication templates are not supported for groups.');
		rendered = check.rendered;
		template = {
			name: check.template.name,
			language: check.template.language,
			category: check.template.category.toLowerCase(),
		};
	} else rendered = checkMessage(type, raw, resolveMedia);
	const opaque = raw.biz_opaque_callback_data;
	const msg: OutboundMessage = {
		id: newWamid(group.id.slice(0, 20)),
		phoneNumberId: phone.id,
		to: group.id,
		userKey: `group:${group.id}`,
		type,
		request: raw,
		acceptedAt: ctx.clock.now(),
		status: 'accepted',
		statuses: [],
		category: template?.category ?? 'service',
		billable: !!template,
		pricingType: template ? 'regular' : 'free_customer_service',
		bizOpaqueCallbackData: typeof opaque === 'string' ? opaque : undefined,
		templateName: template?.name,
		templateLanguage: template?.language,
		rendered,
	};
	ctx.state.addOutbound(msg);
	scheduleGroupStatuses(ctx, msg, [...group.participants.values()]);
	const message: Record<string, unknown> = { id: msg.id };
	if (template) message.message_status = 'accepted';
	return { messaging_product: 'whatsapp', contacts: [{ input: group.id }], messages: [message] };
}
