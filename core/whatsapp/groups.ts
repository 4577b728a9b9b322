/**
 * Groups API calls (Meta: developers.facebook.com/documentation/business-messaging/whatsapp/groups/reference), over
 * the narrow GraphRequester (the GraphClient: version, errors, retries). Wire names stay Meta's; results are
 * camelCase with `null` for what Meta did not send.
 *
 *   POST   /{phone-number-id}/groups            create (asynchronous: answers a request_id; the group ID and invite
 *                                                link arrive in the group_lifecycle_update webhook)
 *   GET    /{phone-number-id}/groups            active groups (cursor paging, limit 1..1024)
 *   GET    /{group-id}?fields=…                 info: subject, description, participants, …
 *   POST   /{group-id}                          settings: subject, description, join approval mode
 *   DELETE /{group-id}                          delete
 *   GET    /{group-id}/invite_link              the current invite link
 *   POST   /{group-id}/invite_link              a new invite link (the old one stops working)
 *   GET    /{group-id}/join_requests            open join requests
 *   POST   /{group-id}/join_requests            approve join requests
 *   DELETE /{group-id}/join_requests            reject join requests
 *   DELETE /{group-id}/participants             remove participants
 */
import { systemClock, type Clock } from './clock';
import type { GraphRequester } from './graph-types';
import { record, requireId } from './graph-util';
import { parseGroupId, type JoinApprovalMode } from './groups-limits';

export interface GroupSummary {
	groupId: string;
	subject: string | null;
	/** ISO-8601, or null when Meta sent none. */
	createdAt: string | null;
}

export interface GroupInfo extends GroupSummary {
	description: string | null;
	joinApprovalMode: string | null;
	suspended: boolean | null;
	/** Participants' WhatsApp IDs (phone numbers as digits), the business excluded. */
	participants: string[];
	participantCount: number | null;
}

export interface JoinRequest {
	joinRequestId: string;
	waId: string | null;
	createdAt: string | null;
}

export interface BatchResult {
	/** IDs (join requests, participants) Meta handled. */
	done: string[];
	/** The ones it could not, with Meta's error. */
	failed: Array<{ id: string; code: number | null; message: string | null }>;
}

export interface GroupSettings {
	subject?: string;
	description?: string;
	joinApprovalMode?: JoinApprovalMode;
}

export const GROUP_INFO_FIELDS = [
	'subject',
	'description',
	'join_approval_mode',
	'suspended',
	'creation_timestamp',
	'participants',
	'total_participant_count',
];

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null =>
	typeof v === 'number' && Number.isFinite(v)
		? v
		: typeof v === 'string' && /^\d+$/.test(v)
			? Number(v)
			: null;

/** Unix seconds (number or digit string) or an ISO string → ISO-8601, else null. */
export function groupTime(v: unknown): string | null {
	const n = num(v);
	if (n !== null) return new Date(n < 1e12 ? n * 1000 : n).toISOString();
	if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
	return null;
}

const messaging = { messaging_product: 'whatsapp' } as const;

/** POST /{phone-number-id}/groups → Meta's request ID (the group itself is announced by webhook). */
export async function createGroup(
	client: GraphRequester,
	phoneNumberId: string,
	input: { subject: string; description?: string; joinApprovalMode?: JoinApprovalMode },
): Promise<{ requestId: string | null }> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	const body: Record<string, unknown> = { ...messaging, subject: input.subject };
	if (input.description) body.description = input.description;
	if (input.joinApprovalMode) body.join_approval_mode = input.joinApprovalMode;
	const data = record(await client.request('POST', `${id}/groups`, { body }));
	return { requestId: str(data.request_id) };
}

function toSummary(g: Record<string, unknown>): GroupSummary {
	return {
		groupId: String(g.id ?? g.group_id ?? ''),
		subject: str(g.subject),
		createdAt: groupTime(g.created_at ?? g.creation_timestamp),
	};
}

/** One page of GET /{phone-number-id}/groups (Meta nests the list as `data.groups`; older answers use `data`). */
export async function listActiveGroups(
	client: GraphRequester,
	phoneNumberId: string,
	query: { limit?: number; after?: string } = {},
): Promise<{ groups: GroupSummary[]; after: string | null }> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	const data = record(
		await client.request('GET', `${id}/groups`, { qs: { limit: query.limit, after: query.after } }),
	);
	const nested = record(data.data).groups;
	const list: unknown[] = Array.isArray(nested) ? nested : Array.isArray(data.data) ? data.data : [];
	const paging = record(data.paging);
	const after = str(record(paging.cursors).after);
	return {
		groups: list.map((g) => toSummary(record(g))).filter((g) => g.groupId),
		after: typeof paging.next === 'string' && after ? after : null,
	};
}

/** Every active group, following the cursor for at most `maxPages` pages of up to 1,024. */
export async function listAllActiveGroups(
	client: GraphRequester,
	phoneNumberId: string,
	maxPages = 10,
): Promise<GroupSummary[]> {
	const all: GroupSummary[] = [];
	let after: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const result = await listActiveGroups(client, phoneNumberId, { limit: 1024, after });
		all.push(...result.groups);
		if (!result.after || result.after === after) break;
		after = result.after;
	}
	return all;
}

/**
 * The group a Create request made: the newest active group with exactly this subject created at or after `sinceMs`
 * (a few seconds of clock difference allowed). Undefined while Meta has not created it yet.
 */
export function pickCreatedGroup(
	groups: readonly GroupSummary[],
	subject: string,
	sinceMs: number,
): GroupSummary | undefined {
	const margin = 60_000;
	return groups
		.filter((g) => g.subject === subject && (!g.createdAt || Date.parse(g.createdAt) >= sinceMs - margin))
		.sort((a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? ''))[0];
}

/**
 * Meta creates a group asynchronously (Create answers a request ID; the group_lifecycle_update webhook announces it):
 * looks the new group up in List Active every `intervalMs` until it appears or `timeoutMs` passes (then undefined).
 */
export async function waitForCreatedGroup(
	client: GraphRequester,
	phoneNumberId: string,
	subject: string,
	sinceMs: number,
	options: { timeoutMs: number; intervalMs?: number; clock?: Clock },
): Promise<GroupSummary | undefined> {
	const clock = options.clock ?? systemClock;
	const deadline = clock.now() + options.timeoutMs;
	for (;;) {
		const found = pickCreatedGroup(await listAllActiveGroups(client, phoneNumberId), subject, sinceMs);
		if (found || clock.now() >= deadline) return found;
		await clock.sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - clock.now())));
	}
}

/** GET /{group-id}: subject, description, join approval, participants (their WhatsApp IDs), creation time. */
export async function getGroup(client: GraphRequester, groupId: string): Promise<GroupInfo> {
	const id = parseGroupId(groupId);
	const data = record(await client.request('GET', id, { qs: { fields: GROUP_INFO_FIELDS.join(',') } }));
	const participants = (Array.isArray(data.participants) ? data.participants : [])
		.map((p) => str(record(p).wa_id) ?? str(record(p).user) ?? (typeof p === 'string' ? p : null))
		.filter((p): p is string => p !== null);
	return {
		groupId: str(data.id) ?? id,
		subject: str(data.subject),
		description: str(data.description),
		joinApprovalMode: str(data.join_approval_mode),
		suspended: typeof data.suspended === 'boolean' ? data.suspended : null,
		createdAt: groupTime(data.creation_timestamp ?? data.created_at),
		participants,
		participantCount: num(data.total_participant_count) ?? participants.length,
	};
}

/** POST /{group-id}: changes only the settings given. */
export async function updateGroupSettings(
	client: GraphRequester,
	groupId: string,
	settings: GroupSettings,
): Promise<boolean> {
	const id = parseGroupId(groupId);
	const body: Record<string, unknown> = { ...messaging };
	if (settings.subject !== undefined) body.subject = settings.subject;
	if (settings.description !== undefined) body.description = settings.description;
	if (settings.joinApprovalMode !== undefined) body.join_approval_mode = settings.joinApprovalMode;
	const data = record(await client.request('POST', id, { body, idempotent: true }));
	return data.success !== false;
}

/** DELETE /{group-id}: every participant is removed and the group closes (announced by webhook). */
export async function deleteGroup(client: GraphRequester, groupId: string): Promise<boolean> {
	const id = parseGroupId(groupId);
	const data = record(await client.request('DELETE', id, { body: { ...messaging } }));
	return data.success !== false;
}

export async function getInviteLink(client: GraphRequester, groupId: string): Promise<string | null> {
	const id = parseGroupId(groupId);
	return str(record(await client.request('GET', `${id}/invite_link`)).invite_link);
}

/** POST /{group-id}/invite_link: a new link; the previous one stops working. */
export async function resetInviteLink(client: GraphRequester, groupId: string): Promise<string | null> {
	const id = parseGroupId(groupId);
	const data = record(await client.request('POST', `${id}/invite_link`, { body: { ...messaging } }));
	return str(data.invite_link);
}

export async function listJoinRequests(client: GraphRequester, groupId: string): Promise<JoinRequest[]> {
	const id = parseGroupId(groupId);
	const data = record(await client.request('GET', `${id}/join_requests`));
	return (Array.isArray(data.data) ? data.data : []).map((r) => {
		const j = record(r);
		return {
			joinRequestId: String(j.join_request_id ?? ''),
			waId: str(j.wa_id),
			createdAt: groupTime(j.creation_timestamp),
		};
	});
}

function failures(list: unknown, idKey: string): BatchResult['failed'] {
	return (Array.isArray(list) ? list : []).map((f) => {
		const entry = record(f);
		const error = record(Array.isArray(entry.errors) ? entry.errors[0] : entry.error);
		return { id: String(entry[idKey] ?? entry.id ?? ''), code: num(error.code), message: str(error.message) };
	});
}

function doneIds(list: unknown): string[] {
	return (Array.isArray(list) ? list : [])
		.map((x) =>
			typeof x === 'string' ? x : (str(record(x).id) ?? str(record(x).user) ?? str(record(x).wa_id)),
		)
		.filter((x): x is string => x !== null);
}

/** POST (approve) or DELETE (reject) /{group-id}/join_requests. */
export async function answerJoinRequests(
	client: GraphRequester,
	groupId: string,
	joinRequestIds: string[],
	approve: boolean,
): Promise<BatchResult> {
	const id = parseGroupId(groupId);
	const body = { ...messaging, join_requests: joinRequestIds };
	const data = record(await client.request(approve ? 'POST' : 'DELETE', `${id}/join_requests`, { body }));
	const done = approve ? data.approved_join_requests : data.rejected_join_requests;
	return {
		done: done === undefined && data.success === true ? [...joinRequestIds] : doneIds(done),
		failed: failures(data.failed_join_requests, 'join_request_id'),
	};
}

/** DELETE /{group-id}/participants with `participants: [{user}]` (phone numbers or WhatsApp user IDs). */
export async function removeParticipants(
	client: GraphRequester,
	groupId: string,
	users: string[],
): Promise<BatchResult> {
	const id = parseGroupId(groupId);
	const body = { ...messaging, participants: users.map((user) => ({ user })) };
	const data = record(await client.request('DELETE', `${id}/participants`, { body }));
	return {
		done:
			data.removed_participants === undefined && data.success !== false
				? [...users]
				: doneIds(data.removed_participants),
		failed: failures(data.failed_participants, 'user'),
	};
}
