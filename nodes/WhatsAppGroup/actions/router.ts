/**
 * WhatsApp Group's operations on the shared router contract: the WhatsApp context (GraphClient of the credential,
 * phone number) is opened once per execution; management operations run item by item (perItem), Send Invite runs
 * through the bulk sender like the Send nodes.
 */
import { createRouter } from '../../shared/router';
import { getWhatsAppContext, type WhatsAppContext } from '../../shared/transport';
import * as create from './create.operation';
import type { GroupOperation } from './fields';
import * as info from './info.operation';
import * as membership from './membership.operation';
import * as sendInvite from './sendInvite.operation';
import * as settings from './settings.operation';

export const router = createRouter<WhatsAppContext, GroupOperation>({
	open: async (ctx, operation) =>
		await getWhatsAppContext.call(ctx, {
			phoneNumberId:
				operation === 'create' || operation === 'listActive'
					? String(ctx.getNodeParameter('phoneNumberId', 0, '') ?? '').trim() || undefined
					: undefined,
		}),
	operations: {
		create: create.execute,
		get: info.get,
		listActive: info.listActive,
		updateSettings: settings.updateSettings,
		delete: settings.remove,
		getInviteLink: membership.getLink,
		resetInviteLink: membership.resetLink,
		sendInvite: sendInvite.execute,
		listJoinRequests: membership.listRequests,
		approveJoinRequest: membership.approve,
		rejectJoinRequest: membership.reject,
		removeParticipant: membership.removeParticipant,
	},
});
