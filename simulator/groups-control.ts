/**
 * Control routes for groups (no auth, like every /_sim route): what the people in a group do on their phones.
 *
 *   GET  /_sim/groups[?member=<phone|BSUID>]       groups, their participants and open join requests
 *   GET  /_sim/groups/conversation?group=<id>      the group's thread (clinic messages and participants' messages)
 *   POST /_sim/groups/join  {inviteLink, from|userId, name}   tap an invite link: join, or ask to join
 *   POST /_sim/groups/leave {groupId, from|userId}            leave a group
 * A participant writes in a group with POST /_sim/inbound and `groupId` (inbound.ts calls assertGroupWriter).
 */
import { randomBytes } from 'node:crypto';

import type { SimContext } from './context';
import type { ControlResponse } from './control-routes';
import { outboundView } from './control-routes';
import { Errors, GraphError } from './errors';
import {
	INVITE_BASE,
	addParticipant,
	groupsOf,
	inviteLink,
	participantWire,
	sendGroupWebhook,
	userKeyOf,
	type SimGroup,
} from './groups';
import { jsonObject, personOf } from './request-body';
import type { SimUser } from './state';

function isMember(g: SimGroup, user: SimUser): boolean {
	return g.participants.has(userKeyOf(user));
}

function view(g: SimGroup, user?: SimUser): Record<string, unknown> {
	return {
		id: g.id,
		subject: g.subject,
		description: g.description ?? null,
		joinApprovalMode: g.joinApprovalMode,
		inviteLink: inviteLink(g),
		createdAt: new Date(g.createdAt).toISOString(),
		participants: [...g.participants.values()].map((p) => ({ waId: p.waId, userId: p.userId, name: p.name })),
		joinRequests: [...g.joinRequests.values()].map((r) => ({ id: r.id, waId: r.waId, userId: r.userId })),
		...(user
			? {
					member: isMember(g, user),
					pending: [...g.joinRequests.values()].some((r) => r.userId === user.userId),
				}
			: {}),
	};
}

/** Throws unless `user` may write in group `groupId` (it exists and they are a participant). */
export function assertGroupWriter(ctx: SimContext, groupId: string, user: SimUser): SimGroup {
	const g = groupsOf(ctx).groups.get(groupId);
	if (!g) throw Errors.invalidParameter(`groupId ${groupId.slice(0, 60)}: no such group`);
	if (!isMember(g, user))
		throw Errors.invalidParameter(
			'This person is not a participant of the group: join it with its invite link first.',
		);
	return g;
}

function join(ctx: SimContext, b: Record<string, unknown>): Record<string, unknown> {
	const link = typeof b.inviteLink === 'string' ? b.inviteLink.trim() : '';
	const code = link.startsWith(INVITE_BASE) ? link.slice(INVITE_BASE.length).replace(/^invite\//, '') : link;
	if (!code) throw Errors.requiredParameter('inviteLink');
	const id = groupsOf(ctx).byCode.get(code);
	const g = id ? groupsOf(ctx).groups.get(id) : undefined;
	if (!g)
		throw new GraphError(
			404,
			131009,
			'Invite link revoked',
			'This invite link was reset or the group was deleted.',
		);
	const user = personOf(ctx, b);
	if (isMember(g, user)) return { groupId: g.id, joined: true, already: true };
	if (g.joinApprovalMode === 'approval_required') {
		const existing = [...g.joinRequests.values()].find((r) => r.userId === user.userId);
		const request = existing ?? {
			id: randomBytes(12).toString('base64url'),
			waId: user.waId,
			userId: user.userId,
			name: user.name,
			createdAt: ctx.clock.now(),
		};
		if (!existing) {
			g.joinRequests.set(request.id, request);
			sendGroupWebhook(ctx, g.phoneNumberId, 'group_participants_update', {
				group_id: g.id,
				type: 'group_join_request_created',
				join_request_id: request.id,
				...participantWire(request),
			});
		}
		return { groupId: g.id, joined: false, joinRequestId: request.id };
	}
	addParticipant(ctx, g, user, 'invite_link');
	return { groupId: g.id, joined: true };
}

function leave(ctx: SimContext, b: Record<string, unknown>): Record<string, unknown> {
	const id = typeof b.groupId === 'string' ? b.groupId : '';
	const g = groupsOf(ctx).groups.get(id);
	if (!g) throw Errors.invalidParameter(`groupId ${id.slice(0, 60)}: no such group`);
	const user = personOf(ctx, b);
	const p = g.participants.get(userKeyOf(user));
	if (!p) return { groupId: g.id, left: false };
	g.participants.delete(userKeyOf(user));
	sendGroupWebhook(ctx, g.phoneNumberId, 'group_participants_update', {
		group_id: g.id,
		type: 'group_participants_remove',
		initiated_by: p.waId ?? p.userId,
		removed_participants: [participantWire(p)],
	});
	return { groupId: g.id, left: true };
}

function conversation(ctx: SimContext, groupId: string): Array<Record<string, unknown>> {
	const g = groupsOf(ctx).groups.get(groupId);
	const names = new Map([...(g?.participants.values() ?? [])].map((p) => [userKeyOf(p), p.name]));
	const out = ctx.state.outbound
		.filter((m) => m.to === groupId && m.userKey === `group:${groupId}`)
		.map((m) => ({ direction: 'out', at: m.acceptedAt, ...outboundView(ctx, m) }));
	const inc = ctx.state.inbound
		.filter((m) => m.message.group_id === groupId)
		.map((m) => ({
			direction: 'in',
			at: m.receivedAt,
			id: m.id,
			type: m.type,
			message: m.message,
			author: m.userKey,
			authorName: names.get(m.userKey) ?? ctx.state.findUser(m.userKey)?.name ?? m.userKey,
		}));
	return [...out, ...inc]
		.sort((a, b) => a.at - b.at)
		.map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
}

/** The group control routes; undefined for any other path. */
export function handleGroupsControl(
	ctx: SimContext,
	method: string,
	path: string,
	query: URLSearchParams,
	body: Buffer,
): ControlResponse | undefined {
	const ok = (b: unknown): ControlResponse => ({ status: 200, body: b });
	switch (`${method} ${path}`) {
		case 'GET /_sim/groups': {
			const member = query.get('member');
			const user = member
				? (ctx.state.findUser(member.replace(/[\s\-().+]/g, '')) ?? ctx.state.findUser(member))
				: undefined;
			const list = [...groupsOf(ctx).groups.values()]
				.filter(
					(g) =>
						!member ||
						(user &&
							(isMember(g, user) || [...g.joinRequests.values()].some((r) => r.userId === user.userId))),
				)
				.map((g) => view(g, user));
			return ok({ data: list });
		}
		case 'GET /_sim/groups/conversation': {
			const group = query.get('group');
			if (!group) throw Errors.requiredParameter('group');
			return ok({ data: conversation(ctx, group) });
		}
		case 'POST /_sim/groups/join':
			return ok(join(ctx, jsonObject(body)));
		case 'POST /_sim/groups/leave':
			return ok(leave(ctx, jsonObject(body)));
	}
	return undefined;
}
