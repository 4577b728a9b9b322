/**
 * Simulator contract for the Groups API: create (async, group_lifecycle_update with the invite link), list, info,
 * settings, invite links, joining by link (auto and with approval), join requests, group messages from several
 * participants (group_id), sends to a group (recipient_type group) with Meta's limits, group statuses per
 * participant, removal, leaving and deletion, each with its group webhook.
 */
import type { Simulator, WebhookReceiver } from '../../../simulator';
import { startWebhookReceiver } from '../../../simulator';
import { control, graph, PHONE_ID, start } from './helpers';

let rx: WebhookReceiver;
let sim: Simulator;

beforeAll(async () => {
	rx = await startWebhookReceiver();
	sim = await start({ webhookUrl: rx.url });
});
afterAll(async () => {
	await sim.close();
	await rx.close();
});
beforeEach(async () => {
	await sim.idle();
	sim.reset();
	await sim.configure({ autoRead: true, batchWindowMs: 0 });
	rx.clear();
});

/** The group updates received for `field` (the `value.groups[]` entries). */
function groupUpdates(field: string): Array<Record<string, any>> {
	return rx.received.flatMap((w) =>
		w.body.entry.flatMap((e: any) =>
			e.changes.filter((c: any) => c.field === field).flatMap((c: any) => c.value.groups ?? []),
		),
	);
}

async function createGroup(extra: Record<string, unknown> = {}) {
	const r = await graph(sim, 'POST', `${PHONE_ID}/groups`, {
		messaging_product: 'whatsapp',
		subject: 'Care team · Maria S.',
		description: 'Post-surgery follow-up',
		...extra,
	});
	expect(r.status).toBe(200);
	await sim.idle();
	const created = groupUpdates('group_lifecycle_update').find((g) => g.request_id === r.body.request_id);
	return {
		requestId: r.body.request_id as string,
		groupId: created?.group_id as string,
		link: created?.invite_link as string,
	};
}

describe('groups API', () => {
	it('creates asynchronously: a request ID, then group_lifecycle_update with the group ID and invite link', async () => {
		const { requestId, groupId, link } = await createGroup();
		expect(requestId).toMatch(/^REQ_/);
		expect(groupId).toMatch(/^[A-Za-z0-9]+$/);
		expect(link).toMatch(/^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]+$/);
		const listed = await graph(sim, 'GET', `${PHONE_ID}/groups?limit=10`);
		expect(listed.body.data.groups).toEqual([
			expect.objectContaining({ id: groupId, subject: 'Care team · Maria S.' }),
		]);
		const info = await graph(sim, 'GET', `${groupId}?fields=subject,participants,total_participant_count`);
		expect(info.body).toEqual({
			id: groupId,
			subject: 'Care team · Maria S.',
			participants: [],
			total_participant_count: 0,
		});
		expect((await graph(sim, 'GET', `${groupId}/invite_link`)).body.invite_link).toBe(link);
	});

	it('validates like Meta: subject ≤ 128, description ≤ 2048, join_approval_mode, unknown group', async () => {
		const long = await graph(sim, 'POST', `${PHONE_ID}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'x'.repeat(129),
		});
		expect(long.status).toBe(400);
		expect(long.body.error.error_data.details).toMatch(/subject must be at most 128/);
		const mode = await graph(sim, 'POST', `${PHONE_ID}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'ok',
			join_approval_mode: 'sometimes',
		});
		expect(mode.body.error.error_data.details).toMatch(/join_approval_mode/);
		const none = await graph(sim, 'GET', 'Y2FwaV9ncm91cDpub3BlMTIz');
		expect(none.body.error.code).toBe(100);
		expect(none.body.error.error_subcode).toBe(33);
	});

	it('people join by link; their group messages carry group_id; sends to the group reach every participant', async () => {
		const { groupId, link } = await createGroup();
		const empty = await graph(sim, 'POST', `${PHONE_ID}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: 'text',
			text: { body: 'Welcome' },
		});
		expect(empty.body.error.code).toBe(131009);
		expect(empty.body.error.error_data.details).toMatch(/no participants/);

		for (const [from, name] of [
			['5511911110001', 'Maria'],
			['5511911110002', 'João (son)'],
		])
			expect((await control(sim, 'POST', 'groups/join', { inviteLink: link, from, name })).body).toEqual({
				groupId,
				joined: true,
			});
		await sim.idle();
		const adds = groupUpdates('group_participants_update').filter((g) => g.type === 'group_participants_add');
		expect(adds.map((a) => a.added_participants[0].wa_id)).toEqual(['5511911110001', '5511911110002']);
		expect(adds[0]).toEqual(expect.objectContaining({ group_id: groupId, reason: 'invite_link' }));

		rx.clear();
		await sim.inbound({ from: '5511911110001', type: 'text', text: 'Hello team', groupId } as any);
		await sim.inbound({ from: '5511911110002', type: 'text', text: 'I am her son', groupId } as any);
		const messages = rx.received.flatMap((w) => w.body.entry[0].changes[0].value.messages ?? []);
		expect(messages.map((m: any) => [m.from, m.group_id, m.text.body])).toEqual([
			['5511911110001', groupId, 'Hello team'],
			['5511911110002', groupId, 'I am her son'],
		]);
		const outsider = await control(sim, 'POST', 'inbound', { from: '5511911119999', text: 'hi', groupId });
		expect(outsider.status).toBe(400);

		rx.clear();
		const sent = await graph(sim, 'POST', `${PHONE_ID}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: 'text',
			text: { body: 'Your care plan follows' },
		});
		expect(sent.status).toBe(200);
		await sim.idle();
		const statuses = rx.received.flatMap((w) => w.body.entry[0].changes[0].value.statuses ?? []);
		expect(statuses[0]).toEqual(
			expect.objectContaining({ status: 'sent', recipient_id: groupId, recipient_type: 'group' }),
		);
		expect(
			statuses.filter((s: any) => s.status === 'delivered').map((s: any) => s.recipient_participant_id),
		).toEqual(['5511911110001', '5511911110002']);
		const thread = (await control(sim, 'GET', `groups/conversation?group=${encodeURIComponent(groupId)}`))
			.body.data;
		expect(thread.map((m: any) => m.direction)).toEqual(['in', 'in', 'out']);
		expect(thread[1].authorName).toBe('João (son)');
	});

	it('refuses interactive sends to a group (131009); text and media templates go through', async () => {
		const { groupId, link } = await createGroup();
		await control(sim, 'POST', 'groups/join', { inviteLink: link, from: '5511911110001' });
		const buttons = await graph(sim, 'POST', `${PHONE_ID}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: 'interactive',
			interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [] } },
		});
		expect(buttons.status).toBe(400);
		expect(buttons.body.error.code).toBe(131009);
		expect(buttons.body.error.error_data.details).toMatch(/interactive is not supported for groups/);
		const template = await graph(sim, 'POST', `${PHONE_ID}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: 'template',
			template: {
				name: 'care_team_group_invite',
				language: { code: 'en_US' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: link }] }],
			},
		});
		expect(template.status).toBe(200);
		expect(sim.messages({ template: 'care_team_group_invite' })[0].to).toBe(groupId);
	});

	it('join approval: tapping the link makes a join request; approve and reject answer them', async () => {
		const { groupId, link } = await createGroup({ join_approval_mode: 'approval_required' });
		const a = (await control(sim, 'POST', 'groups/join', { inviteLink: link, from: '5511911110001' })).body;
		const b = (await control(sim, 'POST', 'groups/join', { inviteLink: link, from: '5511911110002' })).body;
		expect(a.joined).toBe(false);
		await sim.idle();
		const created = groupUpdates('group_participants_update').filter(
			(g) => g.type === 'group_join_request_created',
		);
		expect(created.map((c) => c.join_request_id)).toEqual([a.joinRequestId, b.joinRequestId]);
		const open = await graph(sim, 'GET', `${groupId}/join_requests`);
		expect(open.body.data.map((r: any) => r.wa_id)).toEqual(['5511911110001', '5511911110002']);
		const approved = await graph(sim, 'POST', `${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: [a.joinRequestId, 'nope'],
		});
		expect(approved.body.approved_join_requests).toEqual([a.joinRequestId]);
		expect(approved.body.failed_join_requests[0].join_request_id).toBe('nope');
		const rejected = await graph(sim, 'DELETE', `${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: [b.joinRequestId],
		});
		expect(rejected.body.rejected_join_requests).toEqual([b.joinRequestId]);
		const info = await graph(sim, 'GET', `${groupId}?fields=participants`);
		expect(info.body.participants).toEqual([{ wa_id: '5511911110001' }]);
	});

	it('at most 8 participants; reset link revokes the old one; remove, leave and delete are announced', async () => {
		const { groupId, link } = await createGroup();
		for (let n = 1; n <= 8; n++)
			await control(sim, 'POST', 'groups/join', { inviteLink: link, from: `551191111000${n}` });
		const ninth = await control(sim, 'POST', 'groups/join', { inviteLink: link, from: '5511911110009' });
		expect(ninth.status).toBe(400);
		expect(ninth.body.error.error_data.details).toMatch(/8 participants/);
		const reset = await graph(sim, 'POST', `${groupId}/invite_link`, { messaging_product: 'whatsapp' });
		expect(reset.body.invite_link).not.toBe(link);
		expect(
			(await control(sim, 'POST', 'groups/join', { inviteLink: link, from: '5511911110009' })).status,
		).toBe(404);

		rx.clear();
		const removed = await graph(sim, 'DELETE', `${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '5511911110001' }],
		});
		expect(removed.body.removed_participants).toEqual(['5511911110001']);
		await control(sim, 'POST', 'groups/leave', { groupId, from: '5511911110002' });
		const settings = await graph(sim, 'POST', groupId, { messaging_product: 'whatsapp', subject: 'Renamed' });
		expect(settings.body).toEqual({ success: true });
		expect((await graph(sim, 'DELETE', groupId, { messaging_product: 'whatsapp' })).body).toEqual({
			success: true,
		});
		await sim.idle();
		const participantUpdates = groupUpdates('group_participants_update');
		expect(participantUpdates.map((u) => [u.type, u.initiated_by])).toEqual([
			['group_participants_remove', 'business'],
			['group_participants_remove', '5511911110002'],
		]);
		expect(groupUpdates('group_settings_update')[0]).toEqual(expect.objectContaining({ subject: 'Renamed' }));
		expect(groupUpdates('group_lifecycle_update').map((u) => u.type)).toEqual(['group_delete']);
		expect((await graph(sim, 'GET', groupId)).body.error.code).toBe(100);
	});
});
