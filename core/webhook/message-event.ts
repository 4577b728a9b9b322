/**
 * One inbound message (`messages[]`) → a typed `MessageEvent`, one message echo (`message_echoes[]`, a message the
 * business sent from the WhatsApp Business app) → an `EchoEvent`: the content (message-content.ts) plus who wrote
 * to whom, matched to `contacts[]`. Group messages carry `groupId`; their `from` is the participant who wrote.
 */
import { idsAt, patientOf, personOf, withContact, type Person } from './contacts';
import type { ChangeBase, EchoEvent, MessageEvent } from './events';
import { withMessageContent } from './message-content';
import type { WireContact, WireMessage } from './wire';
import { str, unixToIso } from './wire-values';

export function toMessageEvent(m: WireMessage, contacts: WireContact[], base: ChangeBase): MessageEvent {
	const person = personOf(contacts, idsAt(m, 'from'));
	const head = {
		event: 'message' as const,
		...base,
		timestamp: sentAt(m, base),
		messageId: str(m.id),
		from: person.phone,
		groupId: str(m.group_id),
		...patientOf(person),
	};
	return withPerson(withMessageContent(head, m), person);
}

/** An echo: `from` is the business number, `to` and the patient fields the patient it was sent to. */
export function toEchoEvent(m: WireMessage, contacts: WireContact[], base: ChangeBase): EchoEvent {
	const person = personOf(contacts, idsAt(m, 'to'));
	const head = {
		event: 'echo' as const,
		...base,
		timestamp: sentAt(m, base),
		messageId: str(m.id),
		from: str(m.from),
		to: person.phone,
		groupId: str(m.group_id),
		...patientOf(person),
	};
	return withPerson(withMessageContent(head, m), person);
}

function sentAt(m: WireMessage, base: ChangeBase): string | null {
	return unixToIso(m.timestamp) ?? base.timestamp;
}

function withPerson<E extends MessageEvent | EchoEvent>(event: E, person: Person): E {
	if (person.contactUnknown) event.unknown = withContact(event.unknown, person);
	return event;
}
