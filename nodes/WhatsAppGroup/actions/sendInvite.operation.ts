/**
 * Send Invite: the group's invite link to one person per item, one to one (people join Cloud API groups only through
 * the link). Runs through the bulk sender (nodes/shared/send.ts): every item is validated first, the consent gate
 * (invite-consent.ts) decides all patients and relatives before the first send, "Audit to Store" records each
 * invite, and every item ends with status sent / failed / unknown / blocked.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { buildInviteTemplate, buildInviteText, parseInviteLink } from '../../../core/whatsapp/group-invite';
import { getInviteLink } from '../../../core/whatsapp/groups';
import { MessageValidationError } from '../../../core/whatsapp/messages/validation';
import { sendAuditHook } from '../../shared/audit-option';
import type { OperationHandler } from '../../shared/router';
import { contentJob } from '../../shared/content-job';
import { executeBulkSend, type SendJob } from '../../shared/send';
import { readMps, type SendOptions } from '../../shared/send-fields';
import type { WhatsAppContext } from '../../shared/transport';
import { readGroupId } from './fields';
import { inviteConsentGate } from './invite-consent';
import { DEFAULT_INVITE_TEXT, inviteSummary, readInvite } from './invite-fields';

/** Current invite links read during one run, per group (read once, shared by every invitee of that group). */
const links = new WeakMap<WhatsAppContext, Map<string, Promise<string | null>>>();

async function inviteLinkOf(ctx: IExecuteFunctions, i: number, context: WhatsAppContext, groupId: string) {
	const given = String(ctx.getNodeParameter('inviteLink', i, '') ?? '').trim();
	if (given) return parseInviteLink(given).link;
	let perGroup = links.get(context);
	if (!perGroup) links.set(context, (perGroup = new Map()));
	if (!perGroup.has(groupId)) perGroup.set(groupId, getInviteLink(context.client, groupId));
	const link = await perGroup.get(groupId);
	if (!link)
		throw new MessageValidationError(
			'Invite Link',
			'could not be read: the group has no invite link',
			'Run Reset Invite Link for the group, or give the link in Invite Link.',
		);
	return link;
}

async function prepare(this: IExecuteFunctions, i: number, context: WhatsAppContext): Promise<SendJob> {
	const groupId = readGroupId(this, i);
	const invite = readInvite(this, i);
	const options = this.getNodeParameter('options', i, {}) as SendOptions;
	const link = await inviteLinkOf(this, i, context, groupId);
	const template = this.getNodeParameter('sendAs', i, 'text') === 'template';
	const content = template
		? buildInviteTemplate({
				name: String(this.getNodeParameter('inviteTemplate', i, '')),
				language: String(this.getNodeParameter('inviteTemplateLanguage', i, 'pt_BR')),
				inviteLink: link,
				placement: this.getNodeParameter('linkPlacement', i, 'body') === 'urlButton' ? 'urlButton' : 'body',
				variable: String(this.getNodeParameter('linkVariable', i, '1') || '1'),
			})
		: buildInviteText(String(this.getNodeParameter('inviteText', i, DEFAULT_INVITE_TEXT)), link);
	return contentJob(invite.invitee, content, options, {
		...inviteSummary(invite, groupId),
		...(template ? { templateName: (content.template as { name: string }).name } : {}),
	});
}

export const execute: OperationHandler<WhatsAppContext> = async function (this: IExecuteFunctions) {
	const options = this.getNodeParameter('options', 0, {}) as SendOptions;
	const items = await executeBulkSend.call(this, {
		mps: readMps(options.messagesPerSecond),
		phoneNumberId: options.phoneNumberId?.trim() || undefined,
		prepare,
		messagesPatient: true,
		gate: inviteConsentGate(),
		onOutcomes: await sendAuditHook(this),
	});
	return [items];
};
