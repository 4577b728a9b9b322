/**
 * Status lifecycle of accepted outbound messages: sent → delivered → read (or failed with errors[]), each
 * reported through a signed status webhook with Meta's pricing object.
 */
import type { SimContext } from './context';
import { findPhone } from './context';
import type { Delivery, OutboundMessage, StatusEvent } from './state';

function statusObject(ctx: SimContext, msg: OutboundMessage, ev: StatusEvent): Record<string, unknown> {
	const user = ctx.state.findUser(msg.userKey);
	const status: Record<string, unknown> = {
		id: msg.id,
		status: ev.status,
		timestamp: String(Math.floor(ev.at / 1000)),
	};
	// Username-only users have no phone: Meta withholds recipient_id and sends only the BSUID.
	if (user?.waId) status.recipient_id = user.waId;
	if (user?.userId) status.recipient_user_id = user.userId;
	if (msg.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = msg.bizOpaqueCallbackData;
	if (ev.status === 'sent' || ev.status === 'delivered') {
		status.pricing = {
			billable: msg.billable,
			pricing_model: 'PMP',
			type: msg.pricingType,
			category: msg.category,
		};
	}
	if (ev.errors) status.errors = ev.errors;
	return status;
}

/** Records a status and emits its webhook. Ignores transitions that would go backwards. */
export function emitStatus(
	ctx: SimContext,
	msg: OutboundMessage,
	status: StatusEvent['status'],
	errors?: StatusEvent['errors'],
): Delivery | undefined {
	const order = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };
	if (msg.status === 'failed' || order[status] <= order[msg.status]) return undefined;
	const ev: StatusEvent = { status, at: ctx.clock.now(), ...(errors ? { errors } : {}) };
	msg.status = status;
	msg.statuses.push(ev);
	const phone = findPhone(ctx, msg.phoneNumberId);
	if (!phone) return undefined;
	return ctx.sender.sendStatus(phone, statusObject(ctx, msg, ev), `${msg.id}:${status}`);
}

/**
 * Emits a status, then waits for the first attempt of its webhook before the next status of the same message
 * is scheduled, so one message's statuses reach the callback in order (different messages interleave freely).
 */
async function emitInOrder(
	ctx: SimContext,
	msg: OutboundMessage,
	status: StatusEvent['status'],
	errors: StatusEvent['errors'] | undefined,
	generation: number,
): Promise<void> {
	if (ctx.state.generation !== generation) return;
	const delivery = emitStatus(ctx, msg, status, errors);
	if (delivery) await ctx.sender.firstAttempt(delivery.id);
}

/** Schedules the statuses of a freshly accepted message. */
export function scheduleStatuses(ctx: SimContext, msg: OutboundMessage): void {
	const o = ctx.options;
	const onError = (e: unknown) => ctx.log(`status emission failed: ${String(e)}`);
	const failure = msg.pendingFailure;
	const gen = ctx.state.generation;
	if (failure?.beforeSent) {
		ctx.scheduler.schedule(
			o.sentDelayMs,
			() => emitInOrder(ctx, msg, 'failed', [failure.error], gen),
			onError,
		);
		return;
	}
	const afterDelivered = () => {
		if (ctx.options.autoRead) {
			ctx.scheduler.schedule(
				ctx.options.readDelayMs,
				() => emitInOrder(ctx, msg, 'read', undefined, gen),
				onError,
			);
		}
	};
	const afterSent = () => {
		if (failure) {
			ctx.scheduler.schedule(
				o.deliveredDelayMs,
				() => emitInOrder(ctx, msg, 'failed', [failure.error], gen),
				onError,
			);
			return;
		}
		ctx.scheduler.schedule(
			o.deliveredDelayMs,
			async () => {
				await emitInOrder(ctx, msg, 'delivered', undefined, gen);
				afterDelivered();
			},
			onError,
		);
	};
	ctx.scheduler.schedule(
		o.sentDelayMs,
		async () => {
			await emitInOrder(ctx, msg, 'sent', undefined, gen);
			afterSent();
		},
		onError,
	);
}

/** Patient read the message (POST /_sim/read, or the chat page): emits delivered (if pending) and read. */
export async function markReadByPatient(ctx: SimContext, msg: OutboundMessage): Promise<boolean> {
	if (msg.status === 'failed') return false;
	const gen = ctx.state.generation;
	if (msg.status === 'accepted') await emitInOrder(ctx, msg, 'sent', undefined, gen);
	if (msg.status === 'sent') await emitInOrder(ctx, msg, 'delivered', undefined, gen);
	await emitInOrder(ctx, msg, 'read', undefined, gen);
	return true;
}
