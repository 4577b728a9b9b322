/**
 * `value.contacts[]`: Meta's profile of the user(s) a change is about (name, username, phone number, WhatsApp User
 * IDs). Messages, echoes, statuses, calls and user preferences each find their user's entry here (`personOf`).
 */
import type { PatientFields, UnknownFields } from './events';
import type { WireContact } from './wire';
import { camelize, isRecord, str, unknownFields, withNested } from './wire-values';

export function contactsOf(value: Record<string, unknown>): WireContact[] {
	return Array.isArray(value.contacts) ? (value.contacts.filter(isRecord) as WireContact[]) : [];
}

/** The IDs an event itself carries for its user. */
export interface OwnIds {
	phone: string | null;
	userId: string | null;
	parentUserId: string | null;
}

/** Where a wire object keeps its user's IDs: `from_…`, `to_…`, `recipient_…`, `recipient_participant_…`, or bare. */
export type IdPrefix = 'from' | 'to' | 'recipient' | 'recipient_participant' | null;

/**
 * The user IDs a wire object carries under `prefix`: `from` → `from`, `from_user_id`, `from_parent_user_id`;
 * `recipient` → `recipient_id`, `recipient_user_id`, `recipient_parent_user_id`; null → `wa_id`, `user_id`,
 * `parent_user_id`.
 */
export function idsAt(record: Record<string, unknown>, prefix: IdPrefix): OwnIds {
	if (prefix === null) {
		return {
			phone: str(record.wa_id),
			userId: str(record.user_id),
			parentUserId: str(record.parent_user_id),
		};
	}
	const phoneKey = prefix === 'from' || prefix === 'to' ? prefix : `${prefix}_id`;
	return {
		phone: str(record[phoneKey]),
		userId: str(record[`${prefix}_user_id`]),
		parentUserId: str(record[`${prefix}_parent_user_id`]),
	};
}

export interface Person extends PatientFields {
	/** The event's phone number, else its contact's. */
	phone: string | null;
	/**
	 * What the contact holds beyond the patient fields (new profile fields, or an ID that differs from the event's
	 * own), to be kept in the event's `unknown.contact`; null when nothing.
	 */
	contactUnknown: UnknownFields;
}

const CONTACT_KEYS: ReadonlySet<string> = new Set([
	'profile',
	'wa_id',
	'user_id',
	'parent_user_id',
	'identity_key_hash',
]);
const PROFILE_KEYS: ReadonlySet<string> = new Set(['name', 'username']);

/**
 * The user of an event: its own IDs, completed from its contact: the contact whose `wa_id` or `user_id` matches, else
 * the only contact of the change (Meta sends just the user the change is about) unless its IDs contradict the
 * event's. A contact that is not the event's user is kept whole in `contactUnknown`.
 */
export function personOf(contacts: readonly WireContact[], own: OwnIds): Person {
	const contact = matchContact(contacts, own);
	if (contact && contradicts(contact, own)) {
		return {
			...own,
			username: null,
			profileName: null,
			identityKeyHash: null,
			contactUnknown: camelize(contact) as UnknownFields,
		};
	}
	const profile = isRecord(contact?.profile) ? contact.profile : undefined;
	const person: Person = {
		phone: own.phone ?? str(contact?.wa_id),
		userId: own.userId ?? str(contact?.user_id),
		parentUserId: own.parentUserId ?? str(contact?.parent_user_id),
		username: str(profile?.username),
		profileName: str(profile?.name),
		identityKeyHash: str(contact?.identity_key_hash),
		contactUnknown: null,
	};
	if (contact) person.contactUnknown = contactLeftovers(contact, profile, person);
	return person;
}

function matchContact(contacts: readonly WireContact[], own: OwnIds): WireContact | undefined {
	if (contacts.length === 0) return undefined;
	for (const c of contacts) {
		const waId = str(c.wa_id);
		const userId = str(c.user_id);
		if ((waId !== null && waId === own.phone) || (userId !== null && userId === own.userId)) return c;
	}
	return contacts.length === 1 ? contacts[0] : undefined;
}

/** Does the contact name another user than the event (a different phone number or WhatsApp User ID)? */
function contradicts(contact: WireContact, own: OwnIds): boolean {
	const waId = str(contact.wa_id);
	const userId = str(contact.user_id);
	const phoneMatches = waId !== null && waId === own.phone;
	const userMatches = userId !== null && userId === own.userId;
	if (phoneMatches || userMatches) return false;
	return (waId !== null && own.phone !== null) || (userId !== null && own.userId !== null);
}

function contactLeftovers(
	contact: WireContact,
	profile: Record<string, unknown> | undefined,
	person: Person,
): UnknownFields {
	let out = unknownFields(contact as Record<string, unknown>, CONTACT_KEYS);
	const extraProfile = profile ? unknownFields(profile, PROFILE_KEYS) : null;
	if (extraProfile) (out ??= {}).profile = extraProfile;
	// An ID of the contact that the event does not show (its own differs) is kept too.
	const waId = str(contact.wa_id);
	const userId = str(contact.user_id);
	const parentUserId = str(contact.parent_user_id);
	if (waId !== null && waId !== person.phone) (out ??= {}).waId = waId;
	if (userId !== null && userId !== person.userId) (out ??= {}).userId = userId;
	if (parentUserId !== null && parentUserId !== person.parentUserId) (out ??= {}).parentUserId = parentUserId;
	return out;
}

/** `unknown` with the contact's leftovers added under `contact` (unchanged when there are none). */
export function withContact(unknown: UnknownFields, person: Person): UnknownFields {
	return withNested(unknown, 'contact', person.contactUnknown);
}

/** The patient fields of a person (without the phone number, whose name differs per event). */
export function patientOf(person: Person): PatientFields {
	return {
		userId: person.userId,
		parentUserId: person.parentUserId,
		username: person.username,
		profileName: person.profileName,
		identityKeyHash: person.identityKeyHash,
	};
}
