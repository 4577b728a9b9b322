/**
 * One inbound message (`messages[]`) → a typed `MessageEvent`, one message echo (`message_echoes[]`, a message the
 * business sent from the WhatsApp Business app) → an `EchoEvent`: the content (message-content.ts) plus who wrote
 * to whom, matched to `contacts[]`. Group messages carry `groupId`; their `from` is the participant who wrote.
 */
import { patientOf, personOf, withContact } from './contacts';
import type { ChangeBase, EchoEvent, MessageEvent } from './events';
import { toMessageContent } from './message-content';
import type { WireContact, WireMessage } from './wire';
import { str, unixToIso } from './wire-values';

export function toMessageEvent(m: WireMessage, contacts: WireContact[], base: ChangeBase): MessageEvent {
	const person = personOf(contacts, {
		phone: str(m.from),
		userId: str(m.from_user_id),
		parentUserId: str(m.from_parent_user_id),
	});
	const { type, originalType, unknown, ...content } = toMessageContent(m);
	return {
		event: 'message',
		...base,
		timestamp: unixToIso(m.timestamp) ?? base.timestamp,
		type,
		originalType,
		messageId: str(m.id),
		from: person.phone,
		groupId: str(m.group_id),
		...patientOf(person),
		...content,
		unknown: withContact(unknown, person),
	};
}

/** An echo: `from` is the business number, `to` and the patient fields the patient it was sent to. */
export function toEchoEvent(m: WireMessage, contacts: WireContact[], base: ChangeBase): EchoEvent {
	const person = personOf(contacts, {
		phone: str(m.to),
		userId: str(m.to_user_id),
		parentUserId: str(m.to_parent_user_id),
	});
	const { type, originalType, unknown, ...content } = toMessageContent(m);
	return {
		event: 'echo',
		...base,
		timestamp: unixToIso(m.timestamp) ?? base.timestamp,
		type,
		originalType,
		messageId: str(m.id),
		from: str(m.from),
		to: person.phone,
		groupId: str(m.group_id),
		...patientOf(person),
		...content,
		unknown: withContact(unknown, person),
	};
}
