/**
 * Groups API webhooks (`group_lifecycle_update`, `group_participants_update`, `group_settings_update`,
 * `group_status_update`) → one typed `GroupUpdateEvent` per entry of `value.groups[]` (one for the whole value when
 * Meta sends no `groups` array). The common fields are typed; the entry itself, with participant lists and settings
 * exactly as Meta sent them, is kept in `details`.
 * Messages written in a group are ordinary `message` events with `groupId` (message-event.ts); statuses of messages
 * sent to a group are `status` events with `groupId` and the participant (update-events.ts).
 */
import type { ChangeBase, EventBase, MetaError } from './events';
import { isRecord, str, toMetaErrors, unixToIso } from './wire-values';

export interface GroupUpdateEvent extends EventBase {
	event: 'group_update';
	/** What happened (`type`): `group_create`, `group_delete`, a participant or settings change, … */
	updateType: string | null;
	groupId: string | null;
	/** The ID of the Groups API request this update answers (create, delete, settings, …). */
	requestId: string | null;
	subject: string | null;
	description: string | null;
	/** The group's invite link (`https://chat.whatsapp.com/…`), sent when the group is created. */
	inviteLink: string | null;
	joinApprovalMode: string | null;
	/** Why (e.g. how a participant joined or left), when Meta says. */
	reason: string | null;
	/** Why the request failed (e.g. group create failed); empty on success. */
	errors: MetaError[];
	/** The update as Meta sent it (participants, settings, …). */
	details: Record<string, unknown>;
}

/** The group updates of one change. */
export function toGroupEvents(value: Record<string, unknown>, base: ChangeBase): GroupUpdateEvent[] {
	if (!Array.isArray(value.groups)) return [toGroupEvent(value, base)];
	return value.groups.filter(isRecord).map((g) => toGroupEvent(g, base));
}

function toGroupEvent(g: Record<string, unknown>, base: ChangeBase): GroupUpdateEvent {
	return {
		event: 'group_update',
		...base,
		timestamp: unixToIso(g.timestamp) ?? base.timestamp,
		updateType: str(g.type),
		groupId: str(g.group_id),
		requestId: str(g.request_id),
		subject: str(g.subject),
		description: str(g.description),
		inviteLink: str(g.invite_link),
		joinApprovalMode: str(g.join_approval_mode),
		reason: str(g.reason),
		errors: toMetaErrors(g.errors),
		details: g,
	};
}
