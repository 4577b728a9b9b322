/**
 * POST /{phone-number-id}/messages: recipient checks, per-type validation, the 24 h customer-service window,
 * throughput and pair limits, then acceptance (wamid + status lifecycle) or mark-as-read.
 */
import type { SimContext } from './context';
import { Errors, webhookError } from './errors';
import { isRecord } from './http-util';
import { scheduleStatuses } from './lifecycle';
import { messageMediaResolver } from './media';
import { checkCallingSend } from './calling-messages';
import { sendGroupMessage } from './groups-messages';
import { checkMessage } from './message-validation';
import type { OutboundMessage, RenderedMessage } from './state';
import { BSUID_PATTERN, newWamid } from './state';
import type { PhoneNumberConfig } from './options';
import { checkTemplate } from './template-validation';

/** Phone numbers starting with this prefix are "not on WhatsApp" (131026). */
export const UNDELIVERABLE_PREFIX = '999';
/** Phone numbers starting with this prefix have "blocked" the business (accepted, then failed 131026). */
export const BLOCKED_PREFIX = '998';

export interface Recipient {
	input: string;
	waId?: string;
	userId?: string;
}

export function parseRecipient(body: Record<string, unknown>): Recipient {
	const raw = body.to ?? body.recipient;
	if (raw === undefined || raw === null || raw === '') throw Errors.requiredParameter('to');
	if (typeof raw !== 'string' && typeof raw !== 'number')
		throw Errors.invalidParameter('Param to must be a string.');
	const input = String(raw).trim();
	if (BSUID_PATTERN.test(input)) return { input, userId: input };
	const digits = input.replace(/[\s\-().+]/g, '');
	if (!/^\d{7,15}$/.test(digits)) {
		throw Errors.invalidParameter(
			`Param to must be a phone number in international format (7 to 15 digits, e.g. 5511987654321) or a business-scoped user ID (e.g. BR.1234567890); got "${input.slice(0, 40)}".`,
		);
	}
	return { input, waId: digits };
}

function markAsRead(ctx: SimContext, body: Record<string, unknown>): Record<string, unknown> {
	const id = body.message_id;
	if (typeof id !== 'string' || !id) throw Errors.requiredParameter('message_id');
	const inbound = ctx.state.inboundById.get(id);
	if (!inbound)
		throw Errors.invalidParameter(`Param message_id (${id.slice(0, 80)}) is not a valid message ID.`);
	if (body.typing_indicator !== undefined) {
		const ti = body.typing_indicator;
		if (!isRecord(ti) || ti.type !== 'text') {
			throw Errors.invalidParameter('Param typing_indicator[\'type\'] must be "text".');
		}
	}
	inbound.readAt = ctx.clock.now();
	return { success: true };
}

export function sendMessage(
	ctx: SimContext,
	phone: PhoneNumberConfig,
	raw: unknown,
): Record<string, unknown> {
	if (!isRecord(raw)) throw Errors.requiredParameter('messaging_product');
	if (raw.messaging_product === undefined) throw Errors.requiredParameter('messaging_product');
	if (raw.messaging_product !== 'whatsapp')
		throw Errors.invalidParameter('Param messaging_product must be "whatsapp".');
	if (raw.status !== undefined) {
		if (raw.status !== 'read') throw Errors.invalidParameter('Param status must be "read".');
		return markAsRead(ctx, raw);
	}
	if (raw.recipient_type === 'group') return sendGroupMessage(ctx, phone, raw);
	if (raw.recipient_type !== undefined && raw.recipient_type !== 'individual') {
		throw Errors.invalidParameter('Param recipient_type must be one of {individual, group}.');
	}
	const recipient = parseRecipient(raw);
	const type = raw.type === undefined ? 'text' : String(raw.type);
	const opaque = raw.biz_opaque_callback_data;
	if (opaque !== undefined && (typeof opaque !== 'string' || opaque.length > 512)) {
		throw Errors.paramTooLong('biz_opaque_callback_data', 512);
	}
	if (raw.context !== undefined && (!isRecord(raw.context) || typeof raw.context.message_id !== 'string')) {
		throw Errors.invalidParameter("Param context['message_id'] must be a message ID string.");
	}

	const resolveMedia = messageMediaResolver(ctx);
	let rendered: RenderedMessage;
	let templateInfo: { name: string; language: string; category: string } | undefined;
	if (type === 'template') {
		const check = checkTemplate(raw.template, ctx.templates, resolveMedia);
		rendered = check.rendered;
		templateInfo = {
			name: check.template.name,
			language: check.template.language,
			category: check.template.category.toLowerCase(),
		};
	} else {
		rendered = checkMessage(type, raw, resolveMedia);
	}

	const now = ctx.clock.now();
	const { user, key } = ctx.state.upsertUser({ waId: recipient.waId, userId: recipient.userId });
	checkCallingSend(ctx, phone.id, raw, user);
	const windowOpen = ctx.state.windowOpen(user, now);
	const syncErrors = ctx.options.deliveryErrors === 'sync';
	const waId = user.waId;
	let pendingFailure: OutboundMessage['pendingFailure'];
	if (waId?.startsWith(UNDELIVERABLE_PREFIX)) {
		if (syncErrors) throw Errors.undeliverable();
		pendingFailure = {
			beforeSent: true,
			error: webhookError(131026, 'Message undeliverable', 'Message Undeliverable.'),
		};
	} else if (!templateInfo && !windowOpen) {
		if (syncErrors) throw Errors.reEngagement();
		pendingFailure = {
			beforeSent: true,
			error: webhookError(
				131047,
				'Re-engagement message',
				'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
			),
		};
	}

	const limit = ctx.limiter.take(phone.id, key, now);
	if (limit === 'throughput') throw Errors.throughput();
	if (limit === 'pair') throw Errors.pairRate();

	if (
		!pendingFailure &&
		(user.blocked || waId?.startsWith(BLOCKED_PREFIX) || (waId && ctx.state.blockedNumbers.has(waId)))
	) {
		pendingFailure = { error: webhookError(131026, 'Message undeliverable', 'Message Undeliverable.') };
	} else if (
		!pendingFailure &&
		ctx.options.deliveryFailureRate > 0 &&
		ctx.options.random() < ctx.options.deliveryFailureRate
	) {
		pendingFailure =
			templateInfo?.category === 'marketing'
				? {
						error: webhookError(
							131049,
							'This message was not delivered to maintain healthy ecosystem engagement.',
							'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
						),
					}
				: { error: webhookError(131000, 'Something went wrong', 'Simulated delivery failure') };
	}

	const id = newWamid(waId ?? key);
	const freeUtility = templateInfo?.category === 'utility' && windowOpen;
	const msg: OutboundMessage = {
		id,
		phoneNumberId: phone.id,
		to: recipient.input,
		userKey: key,
		type,
		request: raw,
		acceptedAt: now,
		status: 'accepted',
		statuses: [],
		category: templateInfo?.category ?? 'service',
		billable: !!templateInfo && !freeUtility,
		pricingType: templateInfo && !freeUtility ? 'regular' : 'free_customer_service',
		bizOpaqueCallbackData: typeof opaque === 'string' ? opaque : undefined,
		templateName: templateInfo?.name,
		templateLanguage: templateInfo?.language,
		rendered,
		pendingFailure,
	};
	ctx.state.addOutbound(msg);
	scheduleStatuses(ctx, msg);

	const contact: Record<string, unknown> = { input: recipient.input };
	if (waId) contact.wa_id = waId;
	if (recipient.userId) contact.user_id = user.userId;
	const message: Record<string, unknown> = { id };
	if (templateInfo) message.message_status = 'accepted';
	return { messaging_product: 'whatsapp', contacts: [contact], messages: [message] };
}
