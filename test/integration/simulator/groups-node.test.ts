/**
 * WhatsApp Group node (and Send Message / Send Template targeting a group) against the simulator: Create waits for
 * the asynchronous group and outputs its ID and invite link; Send Invite checks the patient's (or, for a relative,
 * the patient's) consent in a real SQLite clinic store before anything is sent and audits each invite; a group
 * message goes out as recipient_type "group"; an interactive message to a group fails locally, naming Meta's limit,
 * before any request; join requests, participants, settings and Delete work end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { queryAuditEntries } from '../../../core/audit';
import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import { ConsentService } from '../../../core/consent/service';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { storeConfigFromCredential } from '../../../nodes/shared/store';
import { WhatsAppGroup } from '../../../nodes/WhatsAppGroup/WhatsAppGroup.node';
import { WhatsAppSendMessage } from '../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { startSimulator, type Simulator } from '../../../simulator';
import { httpForwarder, rl, sendContext } from '../../unit/nodes/send/fake-context';

const groupNode = new WhatsAppGroup();
let sim: Simulator;
let dir: string;
let fileNo = 0;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, quiet: true, deliveryErrors: 'sync', readDelayMs: 5 });
	dir = mkdtempSync(join(tmpdir(), 'wac-groups-node-'));
});
afterAll(async () => {
	await sim.close();
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	await sim.idle();
	sim.reset();
	resetSharedLimiters();
});

const newStore = () => ({
	backend: 'sqlite',
	sqlitePath: join(dir, `clinic-${++fileNo}.sqlite`),
	phiKey: 'a-long-test-passphrase-for-the-phi-key',
	phiKeyId: 'k1',
});

function ctx(
	params: Record<string, unknown>,
	store: Record<string, unknown> | null = null,
	items = [{ json: {} }],
) {
	return sendContext(
		{
			items,
			params,
			graph: httpForwarder(sim.accessToken),
			credential: { baseUrl: sim.url, phoneNumberId: sim.phoneNumberId, businessAccountId: sim.wabaId },
		},
		store,
	).ctx;
}

async function createGroup(subject = 'Care team · Maria S.') {
	const [[item]] = await groupNode.execute.call(
		ctx({ operation: 'create', subject, description: 'Follow-up' }),
	);
	return item.json as { groupId: string; inviteLink: string; status: string; requestId: string };
}

async function optIn(store: Record<string, unknown>, phone: string, purposes: string[]) {
	const service = new ConsentService({
		repository: new SqlConsentRepository(
			await openClinicStore(storeConfigFromCredential(store as never, { host: hostname() })),
		),
	});
	await service.recordOptIn(
		{ phone, userId: null },
		{
			purposes,
			evidence: {
				sourceMessageId: `wamid.${Math.random()}`,
				textShown: 'SIM',
				channel: 'whatsapp',
				timestamp: Date.now() - 1000,
				actor: { workflowId: 'wf', executionId: 'e', node: 'Consent Check' },
			},
		},
	);
}

describe('WhatsApp Group node', () => {
	it('Create waits for the asynchronous group: group ID and invite link; Get and List Active see it', async () => {
		const created = await createGroup();
		expect(created.status).toBe('created');
		expect(created.requestId).toMatch(/^REQ_/);
		expect(created.inviteLink).toMatch(/^https:\/\/chat\.whatsapp\.com\//);
		const [[info]] = await groupNode.execute.call(ctx({ operation: 'get', groupId: created.groupId }));
		expect(info.json).toEqual(
			expect.objectContaining({
				groupId: created.groupId,
				subject: 'Care team · Maria S.',
				participants: [],
			}),
		);
		const [list] = await groupNode.execute.call(ctx({ operation: 'listActive', returnAll: true }));
		expect(list.map((i) => i.json.groupId)).toEqual([created.groupId]);
	});

	it('Create refuses a subject over 128 characters before any request, naming the field', async () => {
		await expect(
			groupNode.execute.call(ctx({ operation: 'create', subject: 'x'.repeat(129) })),
		).rejects.toThrow(/Subject is 129 characters; WhatsApp allows 128/);
		expect(await sim.messages()).toEqual([]);
	});

	it('Send Invite: the patient only with consent, a relative only with the patient’s consent, staff always; audited', async () => {
		const store = newStore();
		const { groupId, inviteLink } = await createGroup();
		const patient = '+5511911120001';
		const relative = '+5511911120002';
		const nurse = '+5511911120003';
		const unconsented = '+5511911120004';
		await optIn(store, patient, ['care_team_family']);
		for (const p of [patient, relative, nurse, unconsented])
			await sim.inbound({ from: p.slice(1), text: 'hi' });
		const rows = [
			{ invitee: patient, role: 'patient' },
			{ invitee: relative, role: 'relative', patient },
			{ invitee: nurse, role: 'staff' },
			{ invitee: unconsented, role: 'relative', patient: unconsented },
		];
		const [out] = await groupNode.execute.call(
			ctx(
				{
					operation: 'sendInvite',
					groupId,
					invitee: (i: number) => rows[i].invitee,
					inviteeRole: (i: number) => rows[i].role,
					patient: (i: number) => rows[i].patient ?? '',
					invitePurpose: (i: number) => (rows[i].role === 'relative' ? 'custom' : 'telemedicine'),
					inviteCustomPurpose: 'care_team_family',
					sendAs: 'text',
					auditToStore: true,
					auditPurpose: 'care-team-group',
				},
				store,
				rows.map(() => ({ json: {} })),
			),
		);
		expect(out.map((o) => [o.json.status, o.json.inviteeRole])).toEqual([
			['sent', 'patient'],
			['sent', 'relative'],
			['sent', 'staff'],
			['blocked', 'relative'],
		]);
		expect((out[3].json.consent as any).reason).toBeTruthy();
		expect((out[1].json.consent as any).of).toBe('patient');
		const sent = await sim.messages({ type: 'text' });
		const invites = sent.filter((m: any) => String(m.request.text?.body).includes(inviteLink));
		expect(invites.map((m: any) => m.to).sort()).toEqual([patient, relative, nurse].sort());
		const audit = await queryAuditEntries(
			await openClinicStore(storeConfigFromCredential(store as never, { host: hostname() })),
			{ purpose: 'care-team-group', limit: 100 },
		);
		expect(audit.entries.map((e) => e.event).sort()).toEqual([
			'message.blocked',
			'message.sent',
			'message.sent',
			'message.sent',
		]);
	});

	it('Send Invite without a Clinic Store credential sends nothing to patients (fail closed)', async () => {
		const { groupId } = await createGroup();
		await expect(
			groupNode.execute.call(
				ctx({ operation: 'sendInvite', groupId, invitee: '+5511911120001', inviteeRole: 'patient' }),
			),
		).rejects.toThrow(/needs a Clinic Store credential/);
		expect(sim.messages()).toEqual([]);
	});

	it('Send Invite as a template carries the link in the body variable', async () => {
		const { groupId, inviteLink } = await createGroup();
		const [[item]] = await groupNode.execute.call(
			ctx({
				operation: 'sendInvite',
				groupId,
				invitee: '+5511911120003',
				inviteeRole: 'staff',
				sendAs: 'template',
				inviteTemplate: 'care_team_group_invite',
				inviteTemplateLanguage: 'en_US',
				linkPlacement: 'body',
			}),
		);
		expect(item.json.status).toBe('sent');
		const [msg] = sim.messages({ template: 'care_team_group_invite' });
		expect((msg.rendered as any).body).toContain(inviteLink);
	});

	it('join requests, remove participant, update settings and delete', async () => {
		const [[created]] = await groupNode.execute.call(
			ctx({ operation: 'create', subject: 'Approval group', joinApprovalMode: 'approval_required' }),
		);
		const { groupId, inviteLink } = created.json as { groupId: string; inviteLink: string };
		const join = async (from: string) =>
			(
				await fetch(`${sim.url}/_sim/groups/join`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ inviteLink, from }),
				})
			).json();
		const a = (await join('5511911130001')) as { joinRequestId: string };
		const b = (await join('5511911130002')) as { joinRequestId: string };
		const [requests] = await groupNode.execute.call(ctx({ operation: 'listJoinRequests', groupId }));
		expect(requests.map((r) => r.json.waId)).toEqual(['5511911130001', '5511911130002']);
		const [[approved]] = await groupNode.execute.call(
			ctx({ operation: 'approveJoinRequest', groupId, joinRequestIds: a.joinRequestId }),
		);
		expect(approved.json.approved).toEqual([a.joinRequestId]);
		const [[rejected]] = await groupNode.execute.call(
			ctx({ operation: 'rejectJoinRequest', groupId, joinRequestIds: [b.joinRequestId] }),
		);
		expect(rejected.json.rejected).toEqual([b.joinRequestId]);
		const [[removed]] = await groupNode.execute.call(
			ctx({ operation: 'removeParticipant', groupId, participants: '+55 11 91113-0001' }),
		);
		expect(removed.json.removed).toEqual(['5511911130001']);
		const [[updated]] = await groupNode.execute.call(
			ctx({
				operation: 'updateSettings',
				groupId,
				updateFields: { subject: 'Renamed', joinApprovalMode: 'auto_approve' },
			}),
		);
		expect(updated.json.updated).toEqual(['subject', 'joinApprovalMode']);
		const [[reset]] = await groupNode.execute.call(ctx({ operation: 'resetInviteLink', groupId }));
		expect(reset.json.inviteLink).not.toBe(inviteLink);
		const [[deleted]] = await groupNode.execute.call(ctx({ operation: 'delete', groupId }));
		expect(deleted.json).toEqual({ groupId, deleted: true });
		await expect(groupNode.execute.call(ctx({ operation: 'get', groupId }))).rejects.toThrow();
	});
});

describe('Send Message / Send Template to a group', () => {
	it('text goes out as recipient_type group; an interactive message is refused locally, naming the limit', async () => {
		const { groupId, inviteLink } = await createGroup();
		await fetch(`${sim.url}/_sim/groups/join`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ inviteLink, from: '5511911140001' }),
		});
		const send = new WhatsAppSendMessage();
		const [[text]] = await send.execute.call(
			ctx({ operation: 'text', sendTo: 'group', groupId, text: 'Your care plan is attached' }),
		);
		expect(text.json).toEqual(
			expect.objectContaining({ status: 'sent', recipient: groupId, recipientType: 'group' }),
		);
		expect(sim.messages()[0].request).toEqual(
			expect.objectContaining({ recipient_type: 'group', to: groupId }),
		);

		const before = sim.messages().length;
		await expect(
			send.execute.call(
				ctx({
					operation: 'buttons',
					sendTo: 'group',
					groupId,
					body: 'Pick one',
					buttons: { button: [{ id: 'A', title: 'A' }] },
				}),
			),
		).rejects.toThrow(/Send To is a WhatsApp group, and "interactive" messages cannot be sent to a group/);
		expect(sim.messages().length).toBe(before);

		const template = new WhatsAppSendTemplate();
		const [[t]] = await template.execute.call(
			ctx({
				sendTo: 'group',
				groupId,
				template: rl('care_team_group_invite|en_US'),
				parameterSource: 'json',
				parametersJson: { body_1: inviteLink },
			}),
		);
		expect(t.json).toEqual(expect.objectContaining({ status: 'sent', recipientType: 'group' }));
	});

	it('Audit to Store records a group message once per participant, with the group ID', async () => {
		const store = newStore();
		const { groupId, inviteLink } = await createGroup();
		for (const from of ['5511911150001', '5511911150002'])
			await fetch(`${sim.url}/_sim/groups/join`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ inviteLink, from }),
			});
		const [[item]] = await new WhatsAppSendMessage().execute.call(
			ctx(
				{
					operation: 'text',
					sendTo: 'group',
					groupId,
					text: 'Visiting hours changed',
					auditToStore: true,
					auditPurpose: 'care-team-group',
				},
				store,
			),
		);
		expect(item.json).toEqual(
			expect.objectContaining({ participants: ['5511911150001', '5511911150002'], participantCount: 2 }),
		);
		const audit = await queryAuditEntries(
			await openClinicStore(storeConfigFromCredential(store as never, { host: hostname() })),
			{ purpose: 'care-team-group', limit: 10, includeContent: true },
		);
		expect(audit.entries.map((e: any) => [e.event, e.patientPhone, e.details.groupId])).toEqual([
			['message.sent', '+5511911150001', groupId],
			['message.sent', '+5511911150002', groupId],
		]);
	});

	it('a phone number in Group ID is refused with the fix', async () => {
		const send = new WhatsAppSendMessage();
		await expect(
			send.execute.call(ctx({ operation: 'text', sendTo: 'group', groupId: '+5511911140001', text: 'x' })),
		).rejects.toThrow(/is a phone number or user ID, not a group ID/);
	});
});
