/**
 * Meta's group limits checked before anything is sent (core/whatsapp/groups-limits.ts) and the invite message
 * builders (core/whatsapp/group-invite.ts): text with the link, templates with the link in a body variable or in
 * the URL button.
 */
import { buildInviteTemplate, buildInviteText, parseInviteLink } from '../../../core/whatsapp/group-invite';
import {
	assertGroupMessageType,
	assertGroupTemplateCategory,
	assertParticipantCount,
	parseGroupDescription,
	parseGroupId,
	parseGroupSubject,
	parseJoinApprovalMode,
} from '../../../core/whatsapp/groups-limits';
import { buildMessageRequest } from '../../../core/whatsapp/messages/request';
import { buildText } from '../../../core/whatsapp/messages/text';

const GROUP = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';
const LINK = 'https://chat.whatsapp.com/AbCdEfGhIjK123';

describe('group limits', () => {
	it('accepts text, media and templates; refuses interactive and the other types, naming the limit and the fix', () => {
		for (const t of ['text', 'image', 'video', 'audio', 'document', 'template'])
			expect(() => assertGroupMessageType(t)).not.toThrow();
		expect(() => assertGroupMessageType('interactive')).toThrow(
			/Send To is a WhatsApp group, and "interactive" messages cannot be sent to a group \(Meta Groups API limit: groups accept only text, media .* templates\)\. Buttons, lists, call buttons/,
		);
		for (const t of ['reaction', 'location', 'contacts', 'sticker'])
			expect(() => assertGroupMessageType(t)).toThrow(/cannot be sent to a group/);
		expect(() => assertGroupTemplateCategory('AUTHENTICATION')).toThrow(/authentication .*templates/);
		expect(() => assertGroupTemplateCategory('UTILITY')).not.toThrow();
	});

	it('a group message is built with recipient_type group and to = the group ID', () => {
		const req = buildMessageRequest({ kind: 'group', groupId: GROUP }, buildText({ body: 'Hi all' }));
		expect(req).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: GROUP,
			type: 'text',
			text: { body: 'Hi all' },
		});
		const error = (() => {
			try {
				buildMessageRequest({ kind: 'group', groupId: GROUP }, { type: 'interactive', interactive: {} });
				return undefined;
			} catch (e) {
				return e as { field?: string; hint?: string };
			}
		})();
		expect(error?.field).toBe('Send To');
		expect(error?.hint).toMatch(/one to one/);
	});

	it('group IDs: phone numbers and user IDs are refused with the fix', () => {
		expect(parseGroupId(` ${GROUP} `)).toBe(GROUP);
		expect(() => parseGroupId('')).toThrow(/Group ID is empty/);
		expect(() => parseGroupId('+55 11 91234-5678')).toThrow(/phone number or user ID, not a group ID/);
		expect(() => parseGroupId('BR.1234567890')).toThrow(/not a group ID/);
		expect(() => parseGroupId('has spaces in it')).toThrow(/is not a WhatsApp group ID/);
	});

	it('subject ≤ 128, description ≤ 2048, join approval mode, 1..8 participants', () => {
		expect(parseGroupSubject('  Care team  ')).toBe('Care team');
		expect(() => parseGroupSubject('')).toThrow(/Subject is empty/);
		expect(() => parseGroupSubject('é'.repeat(129))).toThrow(/129 characters; WhatsApp allows 128/);
		expect(parseGroupDescription('')).toBeUndefined();
		expect(() => parseGroupDescription('x'.repeat(2049))).toThrow(/allows 2048/);
		expect(parseJoinApprovalMode('approval_required')).toBe('approval_required');
		expect(() => parseJoinApprovalMode('sometimes')).toThrow(/auto_approve or approval_required/);
		expect(() => assertParticipantCount(9)).toThrow(/at most 8 participants/);
		expect(() => assertParticipantCount(0)).toThrow(/is empty/);
	});
});

describe('invite messages', () => {
	it('invite links are checked; the text gets the link in place of {{link}}, or at the end', () => {
		expect(parseInviteLink(LINK)).toEqual({ link: LINK, code: 'AbCdEfGhIjK123' });
		expect(() => parseInviteLink('https://example.com/x')).toThrow(/not a WhatsApp group invite link/);
		expect(buildInviteText('Join us: {{link}} (care team)', LINK)).toEqual({
			type: 'text',
			text: { preview_url: true, body: `Join us: ${LINK} (care team)` },
		});
		expect((buildInviteText('Join the care team.', LINK).text as { body: string }).body).toBe(
			`Join the care team.\n\n${LINK}`,
		);
	});

	it('templates: the link in {{1}}, in a named variable, or the code in the URL button', () => {
		expect(
			buildInviteTemplate({
				name: 'care_team_group_invite',
				language: 'pt_BR',
				inviteLink: LINK,
				placement: 'body',
			}),
		).toEqual({
			type: 'template',
			template: {
				name: 'care_team_group_invite',
				language: { code: 'pt_BR' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: LINK }] }],
			},
		});
		const named = buildInviteTemplate({
			name: 'invite',
			language: 'en_US',
			inviteLink: LINK,
			placement: 'body',
			variable: 'invite_link',
			bodyValues: [{ name: 'first_name', value: 'Ana' }],
		});
		expect((named.template as any).components[0].parameters).toEqual([
			{ type: 'text', parameter_name: 'first_name', text: 'Ana' },
			{ type: 'text', parameter_name: 'invite_link', text: LINK },
		]);
		const button = buildInviteTemplate({
			name: 'invite',
			language: 'es',
			inviteLink: LINK,
			placement: 'urlButton',
		});
		expect((button.template as any).components).toEqual([
			{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'AbCdEfGhIjK123' }] },
		]);
		expect(() =>
			buildInviteTemplate({ name: 'x', language: 'portuguese', inviteLink: LINK, placement: 'body' }),
		).toThrow(/Invite Template Language/);
	});
});
