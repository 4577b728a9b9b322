/**
 * Which events a trigger emits: by kind (messages, echoes, each status value, calls, group updates, history and
 * contact sync of shared numbers, errors, template/account updates, user preferences, other) and by the business
 * phone number that received them.
 */
import { STATUS_VALUES, type ClinicEvent } from './events';

export const EVENT_FILTER_VALUES = [
	'message',
	'status.sent',
	'status.delivered',
	'status.read',
	'status.failed',
	'status.played',
	'status.other',
	'echo',
	'call',
	'group_update',
	'history',
	'app_state_sync',
	'error',
	'template_update',
	'account_update',
	'user_preference',
	'other',
] as const;
export type EventFilterValue = (typeof EVENT_FILTER_VALUES)[number];

export const DEFAULT_EVENT_FILTER: readonly EventFilterValue[] = ['message'];

const STATUS_SET = new Set<string>(STATUS_VALUES);

/** The filter value an event is selected by. */
export function eventFilterKey(event: ClinicEvent): EventFilterValue {
	if (event.event === 'status')
		return STATUS_SET.has(event.status) ? (`status.${event.status}` as EventFilterValue) : 'status.other';
	return event.event;
}

export type PhoneNumberFilter = { kind: 'all' } | { kind: 'only'; ids: ReadonlySet<string> };

/**
 * Parses the "Phone Number IDs" parameter: `*` = every number of the app; a comma/space/newline separated list of
 * IDs; empty = the credential's phone number ID (or every number when the credential has none).
 */
export function parsePhoneNumberFilter(
	input: string | undefined | null,
	credentialPhoneNumberId?: string | null,
): PhoneNumberFilter {
	const parts = (input ?? '')
		.split(/[\s,;]+/)
		.map((p) => p.trim())
		.filter(Boolean);
	if (parts.includes('*')) return { kind: 'all' };
	if (parts.length === 0) {
		return credentialPhoneNumberId
			? { kind: 'only', ids: new Set([credentialPhoneNumberId]) }
			: { kind: 'all' };
	}
	return { kind: 'only', ids: new Set(parts) };
}

/** Events without a phone number (WABA-level template/account updates) are not affected by the number filter. */
export function matchesPhoneNumber(event: ClinicEvent, filter: PhoneNumberFilter): boolean {
	if (filter.kind === 'all' || event.phoneNumberId === null) return true;
	return filter.ids.has(event.phoneNumberId);
}

export interface EventSelection {
	kinds: ReadonlySet<string>;
	phoneNumbers: PhoneNumberFilter;
}

export function selectEvents<T extends ClinicEvent>(events: readonly T[], selection: EventSelection): T[] {
	return events.filter(
		(e) => selection.kinds.has(eventFilterKey(e)) && matchesPhoneNumber(e, selection.phoneNumbers),
	);
}
