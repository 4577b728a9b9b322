/**
 * Meta's limits for WhatsApp groups (Groups API), checked BEFORE any request so a clinic user gets an error naming
 * the limit instead of Meta's code. Sources (Meta, "Groups API" overview and "Group management" reference,
 * developers.facebook.com/documentation/business-messaging/whatsapp/groups/):
 * - at most 8 participants per group, 10,000 groups per business number, one Cloud API business per group;
 * - subject up to 128 characters (whitespace trimmed), description up to 2,048 characters;
 * - join approval mode `auto_approve` (default) or `approval_required`;
 * - supported messages: text, media, text-based and media-based templates. Not supported: interactive messages,
 *   calling, authentication templates, commerce, view-once and disappearing messages; no edit or delete.
 * Group IDs look like `Y2FwaV9ncm91cDoxNzA1…` (base64 of Meta's internal group reference).
 */
import { ClinicError } from '../errors';
import { MessageValidationError } from './messages/validation';

export const MAX_GROUP_PARTICIPANTS = 8;
export const MAX_GROUPS_PER_NUMBER = 10_000;
export const MAX_GROUP_SUBJECT = 128;
export const MAX_GROUP_DESCRIPTION = 2048;

export const JOIN_APPROVAL_MODES = ['auto_approve', 'approval_required'] as const;
export type JoinApprovalMode = (typeof JOIN_APPROVAL_MODES)[number];

/** Message types Meta delivers to a group (`type` of the Send API body). */
export const GROUP_MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'template'] as const;

const SUPPORTED = 'text, media (image, video, audio, document) and text or media templates';

/** What to say about a message type a group does not take. */
const UNSUPPORTED_FIX: Record<string, string> = {
	interactive:
		'Buttons, lists, call buttons and other interactive messages only go to one patient at a time: send them one to one (Send To: Patient), or write the choices as text in the group.',
	reaction: 'Reactions cannot be sent to a group through the Cloud API.',
	location: 'Send the address as text (e.g. with a maps link) instead.',
	contacts: 'Send the contact details as text instead.',
	sticker: 'Send an image instead.',
};

/**
 * Throws a MessageValidationError when a `type` message cannot be sent to a group, naming Meta's limit. `field` is
 * the parameter that made the message a group message.
 */
export function assertGroupMessageType(type: string, field = 'Send To'): void {
	if ((GROUP_MESSAGE_TYPES as readonly string[]).includes(type)) return;
	throw new MessageValidationError(
		field,
		`is a WhatsApp group, and "${type}" messages cannot be sent to a group (Meta Groups API limit: groups accept only ${SUPPORTED})`,
		UNSUPPORTED_FIX[type] ?? `Choose one of: ${GROUP_MESSAGE_TYPES.join(', ')}.`,
	);
}

/** Authentication templates are not delivered to groups (Meta Groups API limit). */
export function assertGroupTemplateCategory(category: string | null | undefined, field = 'Template'): void {
	if (String(category ?? '').toUpperCase() !== 'AUTHENTICATION') return;
	throw new MessageValidationError(
		field,
		'is an AUTHENTICATION template: WhatsApp groups do not accept authentication (one-time code) templates (Meta Groups API limit)',
		'Send one-time codes to the patient one to one, or pick a UTILITY or MARKETING template for the group.',
	);
}

/** A phone number or a WhatsApp user ID typed where a group ID belongs. */
const LOOKS_LIKE_PERSON = /^(\+?[\d\s().-]{7,}|[A-Z]{2}\.[A-Za-z0-9]+)$/;
const GROUP_ID = /^[A-Za-z0-9_=+/-]{8,512}$/;

/** Validates a group ID (as given by Create, List Active or the trigger's `groupId`), naming `field` when wrong. */
export function parseGroupId(raw: unknown, field = 'Group ID'): string {
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value)
		throw new ClinicError(`${field} is empty`, {
			code: 'invalid_input',
			field,
			hint: 'Give the group ID from WhatsApp Group · Create (groupId), List Active, or the trigger item of a group message (groupId).',
		});
	if (LOOKS_LIKE_PERSON.test(value))
		throw new ClinicError(`${field} "${value.slice(0, 6)}…" is a phone number or user ID, not a group ID`, {
			code: 'invalid_input',
			field,
			hint: 'Group IDs look like Y2FwaV9ncm91cDox…: use the groupId output of WhatsApp Group · Create or of a group message.',
		});
	if (!GROUP_ID.test(value))
		throw new ClinicError(`${field} "${value.slice(0, 40)}" is not a WhatsApp group ID`, {
			code: 'invalid_input',
			field,
			hint: 'Group IDs are letters and digits such as Y2FwaV9ncm91cDox…: copy the groupId output of WhatsApp Group · Create or List Active.',
		});
	return value;
}

/** Trimmed text of at most `max` characters (Meta counts characters, not bytes), or undefined when empty. */
function limitedText(raw: unknown, field: string, max: number): string | undefined {
	const value = typeof raw === 'string' ? raw.trim() : '';
	if (!value) return undefined;
	const length = [...value].length;
	if (length > max)
		throw new ClinicError(`${field} is ${length} characters; WhatsApp allows ${max}`, {
			code: 'invalid_input',
			field,
			hint: `Shorten it to at most ${max} characters (Meta Groups API limit).`,
		});
	return value;
}

export function parseGroupSubject(raw: unknown, field = 'Subject'): string {
	const value = limitedText(raw, field, MAX_GROUP_SUBJECT);
	if (!value)
		throw new ClinicError(`${field} is empty`, {
			code: 'invalid_input',
			field,
			hint: 'Give the group a name the participants will see, e.g. "Care team · Maria S.". Avoid diagnoses in it.',
		});
	return value;
}

export function parseGroupDescription(raw: unknown, field = 'Description'): string | undefined {
	return limitedText(raw, field, MAX_GROUP_DESCRIPTION);
}

export function parseJoinApprovalMode(raw: unknown, field = 'Join Approval'): JoinApprovalMode | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if ((JOIN_APPROVAL_MODES as readonly unknown[]).includes(raw)) return raw as JoinApprovalMode;
	throw new ClinicError(
		`${field} "${String(raw)}" is not a join approval mode (auto_approve or approval_required)`,
		{
			code: 'invalid_input',
			field,
			hint: 'Use auto_approve (anyone with the link joins) or approval_required (you approve each join request).',
		},
	);
}

/** Refuses a participant list over Meta's group size (used by Remove Participant). */
export function assertParticipantCount(count: number, field = 'Participants'): void {
	if (count >= 1 && count <= MAX_GROUP_PARTICIPANTS) return;
	throw new ClinicError(
		count < 1
			? `${field} is empty`
			: `${field} lists ${count} people; a WhatsApp group has at most ${MAX_GROUP_PARTICIPANTS} participants`,
		{
			code: 'invalid_input',
			field,
			hint: `Give 1 to ${MAX_GROUP_PARTICIPANTS} phone numbers or WhatsApp user IDs (Meta Groups API limit: ${MAX_GROUP_PARTICIPANTS} participants per group).`,
		},
	);
}
