/**
 * Groups API of the simulator (Meta: …/whatsapp/groups/reference): groups owned by a business number, invite
 * links, join requests, participants, settings, deletion, and the four group webhook fields
 * (group_lifecycle_update, group_participants_update, group_settings_update, group_status_update).
 * Validated like Meta: subject ≤ 128, description ≤ 2,048, join_approval_mode auto_approve | approval_required,
 * at most 8 participants, 10,000 groups per number; unknown groups answer GraphMethodException 100/33.
 * Here: the groups' state, their webhooks and membership changes; the Graph routes are in groups-graph.ts, group
 * messages (recipient_type "group") in groups-messages.ts, the control routes in groups-control.ts.
 */
import { randomBytes } from 'node:crypto';

import type { SimContext } from './context';
import { Errors, GraphError } from './errors';
import type { GraphRequest } from './graph-routes';
import { sendFieldWebhook } from './field-webhook';
import { jsonObject } from './request-body';
import type { SimState, SimUser } from './state';

export const MAX_PARTICIPANTS = 8;
export const MAX_GROUPS_PER_NUMBER = 10_000;
export const INVITE_BASE = 'https://chat.whatsapp.com/';

export interface SimParticipant {
	waId?: string;
	userId: string;
	name?: string;
	joinedAt: number;
}

export interface SimJoinRequest {
	id: string;
	waId?: string;
	userId: string;
	name?: string;
	createdAt: number;
}

export interface SimGroup {
	id: string;
	phoneNumberId: string;
	subject: string;
	description?: string;
	joinApprovalMode: 'auto_approve' | 'approval_required';
	inviteCode: string;
	createdAt: number;
	/** Keyed by the participant's user key (wa_id, else BSUID). */
	participants: Map<string, SimParticipant>;
	joinRequests: Map<string, SimJoinRequest>;
	suspended: boolean;
}

interface GroupsState {
	generation: number;
	groups: Map<string, SimGroup>;
	byCode: Map<string, string>;
}

const registry = new WeakMap<SimState, GroupsState>();

/** The groups of this simulator (emptied by POST /_sim/reset, like the rest of the state). */
export function groupsOf(ctx: SimContext): GroupsState {
	let s = registry.get(ctx.state);
	if (!s || s.generation !== ctx.state.generation) {
		s = { generation: ctx.state.generation, groups: new Map(), byCode: new Map() };
		registry.set(ctx.state, s);
	}
	return s;
}

/** A group ID shaped like Meta's (base64 of an internal reference). */
export function newGroupId(phoneNumberId: string): string {
	const ref = `capi_group:${phoneNumberId}:${Date.now()}${randomBytes(4).readUInt32BE(0)}`;
	return Buffer.from(ref).toString('base64').replace(/=+$/, '');
}

export const newCode = () => randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22);

export const inviteLink = (g: SimGroup) => `${INVITE_BASE}${g.inviteCode}`;
export const userKeyOf = (u: { waId?: string; userId: string }) => u.waId ?? u.userId;

export function findGroup(ctx: SimContext, id: string): SimGroup | undefined {
	return groupsOf(ctx).groups.get(id);
}

/** The participant entry Meta puts into participant webhooks. */
export function participantWire(p: { waId?: string; userId: string }): Record<string, unknown> {
	return { ...(p.waId ? { wa_id: p.waId, input: p.waId } : { input: p.userId }), user_id: p.userId };
}

/** Sends one group webhook (`field` with `value.groups: [update]`), signed like every other webhook. */
export function sendGroupWebhook(
	ctx: SimContext,
	phoneNumberId: string,
	field: string,
	update: Record<string, unknown>,
): void {
	const eventId = `${field}:${String(update.group_id ?? '')}:${String(update.type ?? '')}:${Date.now()}`;
	sendFieldWebhook(
		ctx,
		phoneNumberId,
		field,
		'groups',
		{ groups: [{ timestamp: String(Math.floor(ctx.clock.now() / 1000)), ...update }] },
		eventId,
	);
}

export function bodyOf(req: GraphRequest): Record<string, unknown> {
	return jsonObject(req.body, true);
}

export function requireMessagingProduct(p: Record<string, unknown>): void {
	if (p.messaging_product === undefined) throw Errors.requiredParameter('messaging_product');
	if (p.messaging_product !== 'whatsapp')
		throw Errors.invalidParameter('Param messaging_product must be "whatsapp".');
}

export function removeGroup(ctx: SimContext, g: SimGroup): void {
	const state = groupsOf(ctx);
	state.groups.delete(g.id);
	state.byCode.delete(g.inviteCode);
	ctx.scheduler.schedule(0, () =>
		sendGroupWebhook(ctx, g.phoneNumberId, 'group_lifecycle_update', {
			group_id: g.id,
			type: 'group_delete',
			request_id: `REQ_${randomBytes(8).toString('hex')}`,
		}),
	);
}

/** Adds a participant (after an invite link tap or an approved request) and announces it. */
export function addParticipant(
	ctx: SimContext,
	g: SimGroup,
	user: SimUser,
	reason: 'invite_link' | 'join_request_approved',
): void {
	if (g.participants.size >= MAX_PARTICIPANTS)
		throw new GraphError(
			400,
			131009,
			'(#131009) Parameter value is not valid',
			`The group already has ${MAX_PARTICIPANTS} participants (WhatsApp's maximum).`,
		);
	const p: SimParticipant = {
		waId: user.waId,
		userId: user.userId,
		name: user.name,
		joinedAt: ctx.clock.now(),
	};
	g.participants.set(userKeyOf(p), p);
	sendGroupWebhook(ctx, g.phoneNumberId, 'group_participants_update', {
		group_id: g.id,
		type: 'group_participants_add',
		reason,
		added_participants: [participantWire(p)],
	});
}
