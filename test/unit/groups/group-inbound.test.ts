/**
 * Group messages from the trigger: a participant who writes PARAR in a group is opted out like in a one-to-one
 * chat (Consent Check · Detect Keywords reads the participant as the sender, and the confirmation goes to them one
 * to one, never to the group); the audit log records group messages with the group ID and group statuses under the
 * participant.
 */
import { detectAuditEntry } from '../../../core/audit/detect';
import { incomingMessage } from '../../../core/conversation/incoming';
import {
	extractInbound,
	keywordChange,
	recogniseKeyword,
	senderIdentity,
} from '../../../core/consent/inbound';
import { buildKeywordConfig } from '../../../core/consent/keywords';

const GROUP = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';

/** A trigger item of a message written in a group (the shape of core/webhook MessageEvent). */
const groupMessage = {
	event: 'message',
	field: 'messages',
	messageId: 'wamid.GROUP1',
	from: '5511911110002',
	userId: 'BR.1234567890',
	groupId: GROUP,
	type: 'text',
	text: 'PARAR',
	timestamp: '2026-11-20T12:00:00.000Z',
};

describe('group messages', () => {
	it('Detect Keywords reads the participant as the sender of a group message', () => {
		expect(extractInbound(groupMessage)).toEqual(
			expect.objectContaining({
				kind: 'message',
				from: '5511911110002',
				userId: 'BR.1234567890',
				text: 'PARAR',
			}),
		);
		// Raw Cloud API value (n8n's own WhatsApp Trigger shape) of a group message: the participant too.
		const raw = {
			messages: [
				{
					from: '5511911110002',
					group_id: GROUP,
					id: 'wamid.X',
					timestamp: '1760000000',
					type: 'text',
					text: { body: 'PARAR' },
				},
			],
			contacts: [{ wa_id: '5511911110002', profile: { name: 'João' } }],
		};
		expect(extractInbound(raw)).toEqual(expect.objectContaining({ from: '5511911110002', text: 'PARAR' }));
	});

	it('PARAR in a group opts the participant out; the confirmation goes to them one to one, not to the group', () => {
		const recognised = recogniseKeyword(groupMessage, buildKeywordConfig(), { recordUserPreferences: false });
		expect(recognised?.match.action).toBe('opt_out');
		const identity = senderIdentity(recognised!.inbound);
		expect(identity).toEqual({ phone: '+5511911110002', userId: 'BR.1234567890' });
		const change = keywordChange(recognised!, identity, ['*'], {
			actor: { workflowId: 'wf', executionId: 'e', node: 'Opt-out words' },
			now: Date.now(),
			fallbackLanguage: 'en',
		});
		expect(change.replyTo).toBe('+5511911110002');
		expect(change.language).toBe('pt');
		expect(change.evidence.sourceMessageId).toBe('wamid.GROUP1');
	});

	it('the bot ignores group messages, except to confirm an opt-out recorded from one (to its writer)', () => {
		expect(incomingMessage({ ...groupMessage, text: 'Hello team' })).toBeNull();
		const optOut = incomingMessage({
			...groupMessage,
			consentKeyword: { action: 'opt_out', language: 'pt', replyTo: '+5511911110002' },
		});
		expect(optOut?.consent).toEqual({ action: 'opt_out', language: 'pt', replyTo: '+5511911110002' });
	});

	it('the audit entry of a group message names the group; a group status names the participant', () => {
		const entry = detectAuditEntry(groupMessage);
		expect(entry).toEqual(
			expect.objectContaining({
				direction: 'inbound',
				event: 'message.received',
				patientPhone: '5511911110002',
			}),
		);
		expect(entry.details).toEqual(expect.objectContaining({ groupId: GROUP, type: 'text' }));
		const status = detectAuditEntry({
			event: 'status',
			status: 'read',
			messageId: 'wamid.OUT',
			recipient: GROUP,
			recipientType: 'group',
			groupId: GROUP,
			participant: '5511911110001',
			participantUserId: 'BR.999',
		});
		expect(status).toEqual(
			expect.objectContaining({ event: 'status.read', patientPhone: '5511911110001', userId: 'BR.999' }),
		);
		expect(status.details).toEqual(expect.objectContaining({ groupId: GROUP }));
	});
});
