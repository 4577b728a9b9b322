/**
 * A webhook of any field (groups, calls…) in Meta's envelope, signed and delivered like every other webhook to the
 * number's callback (per-number override > WABA override > app URL). Messages and statuses use webhook-sender.ts.
 */
import type { SimContext } from './context';
import { findPhone } from './context';
import type { Delivery } from './state';
import { displayDigits } from './webhook-sender';

export function sendFieldWebhook(
	ctx: SimContext,
	phoneNumberId: string,
	field: string,
	kind: Delivery['kind'],
	value: Record<string, unknown>,
	eventId: string,
): void {
	const phone = findPhone(ctx, phoneNumberId);
	const target = phone && ctx.sender.resolveTarget(phone.id);
	if (!phone || !target) return;
	const body = {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: ctx.options.wabaId,
				changes: [
					{
						field,
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: displayDigits(phone), phone_number_id: phone.id },
							...value,
						},
					},
				],
			},
		],
	};
	ctx.sender.deliver(kind, target.url, Buffer.from(JSON.stringify(body)), [eventId]);
}
