/**
 * Opaque slot ids. Find Free Slots emits them, Book accepts them (also straight from a WhatsApp list reply's
 * `interactive.list_reply.id`, hence ≤ 200 characters and URL-safe characters only).
 *
 * Format: `sl1~<kind>~<fields…>~<6-char checksum>` with kind `b` (built-in: practitioner id, service id, start
 * in epoch minutes base 36), `f` (FHIR Slot id) or `c` (Cal.com event type id, start, duration). Fields never
 * contain `~` (ids are checked), so the longest id (two 64-char built-in ids) stays at ~150 characters. The
 * checksum only catches typos and foreign ids (a list reply from another workflow); it is not a security
 * boundary: Book re-checks every slot against the backend.
 */
import { createHash } from 'node:crypto';

import { SchedulingInputError } from './types';

export type SlotRef =
	| { backend: 'builtin'; practitionerId: string; serviceId: string; startMs: number }
	| { backend: 'fhir'; slotResourceId: string }
	| { backend: 'calcom'; eventTypeId: number; startMs: number; durationMinutes?: number };

export const SLOT_ID_MAX_LENGTH = 200;
const PREFIX = 'sl1';

const FIELD = /^[A-Za-z0-9._\-:/@]+$/;

function checksum(body: string): string {
	return createHash('sha256').update(`${PREFIX}~${body}`).digest('base64url').slice(0, 6);
}

function field(value: string | number, name: string): string {
	const text = String(value);
	if (!FIELD.test(text)) {
		throw new SchedulingInputError(
			`Cannot build a slot id: ${name} "${text}" contains unsupported characters`,
			'slotId',
		);
	}
	return text;
}

export function encodeSlotId(ref: SlotRef): string {
	let parts: string[];
	switch (ref.backend) {
		case 'builtin':
			parts = [
				'b',
				field(ref.practitionerId, 'practitioner id'),
				field(ref.serviceId, 'service id'),
				Math.round(ref.startMs / 60000).toString(36),
			];
			break;
		case 'fhir':
			parts = ['f', field(ref.slotResourceId, 'Slot id')];
			break;
		case 'calcom':
			parts = ['c', String(ref.eventTypeId), Math.round(ref.startMs / 60000).toString(36)];
			if (ref.durationMinutes) parts.push(String(ref.durationMinutes));
			break;
	}
	const body = parts.join('~');
	const id = `${PREFIX}~${body}~${checksum(body)}`;
	if (id.length > SLOT_ID_MAX_LENGTH) {
		throw new SchedulingInputError(
			`Slot id would be ${id.length} characters (WhatsApp allows ${SLOT_ID_MAX_LENGTH}); shorten the practitioner/service/slot ids`,
			'slotId',
		);
	}
	return id;
}

function bad(reason: string): SchedulingInputError {
	return new SchedulingInputError(
		`Slot ID is not one this node produced (${reason}). Pass the "slotId" from Find Free Slots, or the ` +
			'WhatsApp list reply id ({{ $json.interactive.listReply.id }}).',
		'slotId',
	);
}

const INT36 = /^-?[0-9a-z]+$/;
const INT10 = /^[0-9]+$/;

export function decodeSlotId(slotId: string): SlotRef {
	if (typeof slotId !== 'string' || !slotId.trim()) throw bad('empty');
	const parts = slotId.trim().split('~');
	if (parts.length < 4 || parts[0] !== PREFIX) throw bad('unknown format');
	const sum = parts[parts.length - 1];
	const fields = parts.slice(1, -1);
	if (checksum(fields.join('~')) !== sum) throw bad('checksum mismatch: the id was changed or truncated');
	const [kind, a, b, c, d] = fields;
	if (kind === 'b' && fields.length === 4 && a && b && INT36.test(c)) {
		return { backend: 'builtin', practitionerId: a, serviceId: b, startMs: parseInt(c, 36) * 60000 };
	}
	if (kind === 'f' && fields.length === 2 && a) return { backend: 'fhir', slotResourceId: a };
	if (kind === 'c' && (fields.length === 3 || fields.length === 4) && INT10.test(a) && INT36.test(b)) {
		return {
			backend: 'calcom',
			eventTypeId: Number(a),
			startMs: parseInt(b, 36) * 60000,
			...(d === undefined && c && INT10.test(c) ? { durationMinutes: Number(c) } : {}),
		};
	}
	throw bad('unknown slot kind');
}

/** Decodes and checks the id belongs to the backend the node is configured for. */
export function decodeSlotIdFor<B extends SlotRef['backend']>(
	slotId: string,
	backend: B,
): Extract<SlotRef, { backend: B }> {
	const ref = decodeSlotId(slotId);
	if (ref.backend !== backend) {
		throw new SchedulingInputError(
			`Slot ID was produced by the ${ref.backend} backend but this node uses ${backend}; look slots up with the same scheduling system you book with`,
			'slotId',
		);
	}
	return ref as Extract<SlotRef, { backend: B }>;
}
