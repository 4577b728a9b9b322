/** WhatsApp Flow's operations: Respond runs once for all items; the others item by item. */
import { createRouter, perItem } from '../../shared/router';
import { getWhatsAppContext, type WhatsAppContext } from '../../shared/transport';
import type { FlowOperation } from './fields';
import { generateKeyPair, getPublicKey, uploadPublicKey } from './keys.operation';
import * as manage from './manage.operation';
import type { FlowService } from './manage.operation';
import * as respond from './respond.operation';

export const router = createRouter<FlowService, FlowOperation>({
	open: (ctx) => {
		let context: Promise<WhatsAppContext> | undefined;
		return { whatsApp: async () => await (context ??= getWhatsAppContext.call(ctx)) };
	},
	operations: {
		respond: async function (items) {
			return await respond.execute.call(this, items);
		},
		createOrUpdate: perItem(manage.createOrUpdate),
		validate: perItem(manage.validate),
		publish: perItem(manage.publish),
		deprecate: perItem(manage.deprecate),
		getPreviewUrl: perItem(manage.getPreviewUrl),
		list: perItem(manage.list),
		generateKeyPair: perItem(generateKeyPair),
		uploadPublicKey: perItem(uploadPublicKey),
		getPublicKey: perItem(getPublicKey),
	},
});
