/**
 * Status webhooks of a message sent to a group (Meta's group status shape: `recipient_id` is the group,
 * `recipient_type: "group"`, `recipient_participant_id` / `recipient_participant_user_id` the participant):
 * `sent` once for the group, then `delivered` (and `read` with auto-read) per participant.
 */
import type { SimContext } from './context';
import { findPhone } from './context';
import type { SimParticipant } from './groups';
import type { OutboundMessage, StatusEvent } from './state';

function groupStatus(
	ctx: SimContext,
	msg: OutboundMessage,
	status: StatusEvent['status'],
	participant?: SimParticipant,
): Record<string, unknown> {
	const out: Record<string, unknown> = {
		id: msg.id,
		status,
		timestamp: String(Math.floor(ctx.clock.now() / 1000)),
		recipient_id: msg.to,
		recipient_type: 'group',
	};
	if (participant) {
		if (participant.waId) out.recipient_participant_id = participant.waId;
		out.recipient_participant_user_id = participant.userId;
	}
	if (msg.bizOpaqueCallbackData !== undefined) out.biz_opaque_callback_data = msg.bizOpaqueCallbackData;
	if (status === 'sent')
		out.pricing = {
			billable: msg.billable,
			pricing_model: 'PMP',
			type: msg.pricingType,
			category: msg.category,
		};
	return out;
}

function emit(
	ctx: SimContext,
	msg: OutboundMessage,
	status: StatusEvent['status'],
	participant?: SimParticipant,
): Promise<void> {
	const phone = findPhone(ctx, msg.phoneNumberId);
	const order = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };
	if (order[status] > order[msg.status]) {
		msg.status = status;
		msg.statuses.push({ status, at: ctx.clock.now() });
	}
	if (!phone) return Promise.resolve();
	const key = `${msg.id}:${status}${participant ? `:${participant.waId ?? participant.userId}` : ''}`;
	const delivery = ctx.sender.sendStatus(phone, groupStatus(ctx, msg, status, participant), key);
	return delivery ? ctx.sender.firstAttempt(delivery.id) : Promise.resolve();
}

export function scheduleGroupStatuses(
	ctx: SimContext,
	msg: OutboundMessage,
	participants: SimParticipant[],
): void {
	const o = ctx.options;
	const gen = ctx.state.generation;
	const onError = (e: unknown) => ctx.log(`group status emission failed: ${String(e)}`);
	const live = () => ctx.state.generation === gen;
	ctx.scheduler.schedule(
		o.sentDelayMs,
		async () => {
			if (!live()) return;
			await emit(ctx, msg, 'sent');
			ctx.scheduler.schedule(
				o.deliveredDelayMs,
				async () => {
					for (const p of participants) if (live()) await emit(ctx, msg, 'delivered', p);
					if (!ctx.options.autoRead) return;
					ctx.scheduler.schedule(
						ctx.options.readDelayMs,
						async () => {
							for (const p of participants) if (live()) await emit(ctx, msg, 'read', p);
						},
						onError,
					);
				},
				onError,
			);
		},
		onError,
	);
}
