/**
 * Groups API routes of the simulator (Meta: …/whatsapp/groups/reference), validated like Meta:
 *   POST/GET /{phone-number-id}/groups   create (async: request_id, then group_lifecycle_update) / list active
 *   GET/POST/DELETE /{group-id}           info (fields=…) / settings / delete
 *   GET/POST /{group-id}/invite_link      current link / reset (the old link stops working)
 *   GET/POST/DELETE /{group-id}/join_requests   open requests / approve / reject
 *   DELETE /{group-id}/participants       remove (at most 8 per request)
 */
import { randomBytes } from 'node:crypto';

import type { SimContext } from './context';
import { findPhone } from './context';
import { Errors, GraphError } from './errors';
import type { GraphRequest, GraphResponse } from './graph-routes';
import {
	MAX_GROUPS_PER_NUMBER,
	MAX_PARTICIPANTS,
	addParticipant,
	bodyOf,
	findGroup,
	groupsOf,
	inviteLink,
	newCode,
	newGroupId,
	participantWire,
	removeGroup,
	requireMessagingProduct,
	sendGroupWebhook,
	userKeyOf,
	type SimGroup,
	type SimParticipant,
} from './groups';
import { isRecord } from './http-util';
import type { PhoneNumberConfig } from './options';

function text(p: Record<string, unknown>, key: string, max: number, required: boolean): string | undefined {
	const v = p[key];
	if (v === undefined || v === null || v === '') {
		if (required) throw Errors.requiredParameter(key);
		return undefined;
	}
	if (typeof v !== 'string') throw Errors.invalidParameter(`Param ${key} must be a string.`);
	const trimmed = v.trim();
	if (required && !trimmed) throw Errors.requiredParameter(key);
	if ([...trimmed].length > max) throw Errors.paramTooLong(key, max);
	return trimmed;
}

function approvalMode(p: Record<string, unknown>): SimGroup['joinApprovalMode'] | undefined {
	const v = p.join_approval_mode;
	if (v === undefined) return undefined;
	if (v !== 'auto_approve' && v !== 'approval_required')
		throw Errors.invalidParameter(
			'Param join_approval_mode must be one of {auto_approve, approval_required}.',
		);
	return v;
}

function createGroup(ctx: SimContext, phone: PhoneNumberConfig, p: Record<string, unknown>): GraphResponse {
	requireMessagingProduct(p);
	const subject = text(p, 'subject', 128, true) as string;
	const description = text(p, 'description', 2048, false);
	const mode = approvalMode(p) ?? 'auto_approve';
	const state = groupsOf(ctx);
	const owned = [...state.groups.values()].filter((g) => g.phoneNumberId === phone.id).length;
	if (owned >= MAX_GROUPS_PER_NUMBER)
		throw new GraphError(
			400,
			131009,
			'(#131009) Parameter value is not valid',
			`This business number already has ${MAX_GROUPS_PER_NUMBER} groups (the maximum). Delete groups you no longer need.`,
		);
	const group: SimGroup = {
		id: newGroupId(phone.id),
		phoneNumberId: phone.id,
		subject,
		description,
		joinApprovalMode: mode,
		inviteCode: newCode(),
		createdAt: ctx.clock.now(),
		participants: new Map(),
		joinRequests: new Map(),
		suspended: false,
	};
	state.groups.set(group.id, group);
	state.byCode.set(group.inviteCode, group.id);
	const requestId = `REQ_${randomBytes(8).toString('hex')}`;
	ctx.scheduler.schedule(0, () =>
		sendGroupWebhook(ctx, phone.id, 'group_lifecycle_update', {
			group_id: group.id,
			type: 'group_create',
			request_id: requestId,
			subject,
			...(description ? { description } : {}),
			invite_link: inviteLink(group),
			join_approval_mode: mode,
		}),
	);
	return { status: 200, body: { messaging_product: 'whatsapp', request_id: requestId } };
}

const cursor = (id: string) => Buffer.from(`grp:${id}`).toString('base64url');
const uncursor = (c: string) => Buffer.from(c, 'base64url').toString('utf8').replace(/^grp:/, '');

function listGroups(ctx: SimContext, phone: PhoneNumberConfig, req: GraphRequest): GraphResponse {
	const limitRaw = req.query.get('limit');
	const limit = limitRaw === null ? 25 : Number(limitRaw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 1024)
		throw Errors.invalidParameter('Param limit must be an integer between 1 and 1024.');
	const all = [...groupsOf(ctx).groups.values()]
		.filter((g) => g.phoneNumberId === phone.id)
		.sort((a, b) => b.createdAt - a.createdAt);
	const after = req.query.get('after');
	let start = 0;
	if (after) {
		const idx = all.findIndex((g) => g.id === uncursor(after));
		if (idx < 0) throw Errors.invalidParameter('Param after is not a valid cursor.');
		start = idx + 1;
	}
	const page = all.slice(start, start + limit);
	const body: Record<string, unknown> = {
		data: {
			groups: page.map((g) => ({
				id: g.id,
				subject: g.subject,
				created_at: String(Math.floor(g.createdAt / 1000)),
			})),
		},
	};
	if (page.length) {
		const paging: Record<string, unknown> = {
			cursors: { before: cursor(page[0].id), after: cursor(page[page.length - 1].id) },
		};
		if (start + limit < all.length) {
			const next = new URL(req.url.toString());
			next.searchParams.set('after', cursor(page[page.length - 1].id));
			paging.next = next.toString();
		}
		body.paging = paging;
	}
	return { status: 200, body };
}

function groupInfo(g: SimGroup, fields: string | null): Record<string, unknown> {
	const all: Record<string, unknown> = {
		id: g.id,
		messaging_product: 'whatsapp',
		subject: g.subject,
		description: g.description ?? '',
		join_approval_mode: g.joinApprovalMode,
		suspended: g.suspended,
		creation_timestamp: Math.floor(g.createdAt / 1000),
		participants: [...g.participants.values()].map((p) => ({ wa_id: p.waId ?? p.userId })),
		total_participant_count: g.participants.size,
	};
	if (!fields) return all;
	const out: Record<string, unknown> = { id: g.id };
	for (const f of fields.split(',').map((x) => x.trim())) if (f in all) out[f] = all[f];
	return out;
}

function updateSettings(ctx: SimContext, g: SimGroup, p: Record<string, unknown>): GraphResponse {
	requireMessagingProduct(p);
	const subject = text(p, 'subject', 128, false);
	const description = p.description === '' ? '' : text(p, 'description', 2048, false);
	const mode = approvalMode(p);
	if (subject === undefined && description === undefined && mode === undefined)
		throw Errors.requiredParameter('subject, description or join_approval_mode');
	if (subject !== undefined) g.subject = subject;
	if (description !== undefined) g.description = description || undefined;
	if (mode !== undefined) g.joinApprovalMode = mode;
	ctx.scheduler.schedule(0, () =>
		sendGroupWebhook(ctx, g.phoneNumberId, 'group_settings_update', {
			group_id: g.id,
			type: 'group_settings_update',
			request_id: `REQ_${randomBytes(8).toString('hex')}`,
			...(subject !== undefined ? { subject } : {}),
			...(description !== undefined ? { description } : {}),
			...(mode !== undefined ? { join_approval_mode: mode } : {}),
		}),
	);
	return { status: 200, body: { success: true } };
}

function answerRequests(
	ctx: SimContext,
	g: SimGroup,
	p: Record<string, unknown>,
	approve: boolean,
): GraphResponse {
	requireMessagingProduct(p);
	const ids = p.join_requests;
	if (!Array.isArray(ids) || !ids.length) throw Errors.requiredParameter('join_requests');
	const done: string[] = [];
	const failed: Array<Record<string, unknown>> = [];
	for (const raw of ids) {
		const id = String(raw);
		const request = g.joinRequests.get(id);
		const fail = (code: number, message: string) =>
			failed.push({ join_request_id: id, errors: [{ code, message, title: message }] });
		if (!request) {
			fail(131203, 'Join request not found');
			continue;
		}
		if (approve) {
			if (g.participants.size >= MAX_PARTICIPANTS) {
				fail(131009, `The group already has ${MAX_PARTICIPANTS} participants`);
				continue;
			}
			const user = ctx.state.findUser(request.waId ?? request.userId);
			if (user) addParticipant(ctx, g, user, 'join_request_approved');
		}
		g.joinRequests.delete(id);
		done.push(id);
	}
	const key = approve ? 'approved_join_requests' : 'rejected_join_requests';
	return {
		status: 200,
		body: {
			messaging_product: 'whatsapp',
			[key]: done,
			...(failed.length ? { failed_join_requests: failed } : {}),
		},
	};
}

function removeParticipants(ctx: SimContext, g: SimGroup, p: Record<string, unknown>): GraphResponse {
	requireMessagingProduct(p);
	const list = p.participants;
	if (!Array.isArray(list) || !list.length) throw Errors.requiredParameter('participants');
	if (list.length > MAX_PARTICIPANTS)
		throw Errors.invalidParameter(`Param participants must have at most ${MAX_PARTICIPANTS} entries.`);
	const removed: SimParticipant[] = [];
	const failed: Array<Record<string, unknown>> = [];
	for (const entry of list) {
		const user = isRecord(entry) ? String(entry.user ?? '') : '';
		if (!user) throw Errors.requiredParameter("participants[]['user']");
		const digits = user.replace(/[\s\-().+]/g, '');
		const found = [...g.participants.values()].find((x) => x.waId === digits || x.userId === user);
		if (!found) {
			failed.push({ user, errors: [{ code: 131009, message: 'Not a participant of this group' }] });
			continue;
		}
		g.participants.delete(userKeyOf(found));
		removed.push(found);
	}
	if (removed.length)
		ctx.scheduler.schedule(0, () =>
			sendGroupWebhook(ctx, g.phoneNumberId, 'group_participants_update', {
				group_id: g.id,
				type: 'group_participants_remove',
				initiated_by: 'business',
				removed_participants: removed.map(participantWire),
				...(failed.length ? { failed_participants: failed } : {}),
			}),
		);
	return {
		status: 200,
		body: {
			messaging_product: 'whatsapp',
			removed_participants: removed.map((r) => r.waId ?? r.userId),
			...(failed.length ? { failed_participants: failed } : {}),
		},
	};
}

/** Groups API routes; undefined when the request is not about groups. */
export function handleGroupsGraph(ctx: SimContext, req: GraphRequest): GraphResponse | undefined {
	const [objectId, edge, ...rest] = req.segments;
	if (!objectId || rest.length) return undefined;
	const phone = findPhone(ctx, objectId);
	if (phone) {
		if (edge !== 'groups') return undefined;
		if (req.method === 'POST') return createGroup(ctx, phone, bodyOf(req));
		if (req.method === 'GET') return listGroups(ctx, phone, req);
		throw Errors.unknownPath(`/${req.segments.join('/')}`);
	}
	const g = findGroup(ctx, objectId);
	if (!g) return undefined;
	const method = req.method;
	if (!edge) {
		if (method === 'GET') return { status: 200, body: groupInfo(g, req.query.get('fields')) };
		if (method === 'POST') return updateSettings(ctx, g, bodyOf(req));
		if (method === 'DELETE') {
			removeGroup(ctx, g);
			return { status: 200, body: { success: true } };
		}
	} else if (edge === 'invite_link') {
		if (method === 'GET')
			return { status: 200, body: { messaging_product: 'whatsapp', invite_link: inviteLink(g) } };
		if (method === 'POST') {
			const state = groupsOf(ctx);
			state.byCode.delete(g.inviteCode);
			g.inviteCode = newCode();
			state.byCode.set(g.inviteCode, g.id);
			return { status: 200, body: { messaging_product: 'whatsapp', invite_link: inviteLink(g) } };
		}
	} else if (edge === 'join_requests') {
		if (method === 'GET')
			return {
				status: 200,
				body: {
					data: [...g.joinRequests.values()].map((r) => ({
						join_request_id: r.id,
						wa_id: r.waId ?? r.userId,
						creation_timestamp: Math.floor(r.createdAt / 1000),
					})),
				},
			};
		if (method === 'POST' || method === 'DELETE')
			return answerRequests(ctx, g, bodyOf(req), method === 'POST');
	} else if (edge === 'participants' && method === 'DELETE') return removeParticipants(ctx, g, bodyOf(req));
	throw Errors.unknownPath(`/${req.segments.join('/')}`);
}
