/**
 * Opaque slot ids. Find Free Slots emits them, Book accepts them (also straight from a WhatsApp list reply's
 * `interactive.list_reply.id`, hence ≤ 200 characters and URL-safe characters only).
 *
 * Format: `sl1.<base64url(JSON array)>.<6-char checksum>`. The checksum only catches typos and foreign ids (a
 * list reply from another workflow); it is not a security boundary: Book re-checks every slot against the backend.
 */
import { createHash } from 'node:crypto';

import { SchedulingInputError } from './types';

export type SlotRef =
	| { backend: 'builtin'; practitionerId: string; serviceId: string; startMs: number }
	| { backend: 'fhir'; slotResourceId: string }
	| { backend: 'calcom'; eventTypeId: number; startMs: number; durationMinutes?: number };

export const SLOT_ID_MAX_LENGTH = 200;
const PREFIX = 'sl1';

function checksum(body: string): string {
	return createHash('sha256').update(`${PREFIX}.${body}`).digest('base64url').slice(0, 6);
}

export function encodeSlotId(ref: SlotRef): string {
	let payload: unknown[];
	switch (ref.backend) {
		case 'builtin':
			payload = ['b', ref.practitionerId, ref.serviceId, Math.round(ref.startMs / 60000)];
			break;
		case 'fhir':
			payload = ['f', ref.slotResourceId];
			break;
		case 'calcom':
			payload = ['c', ref.eventTypeId, Math.round(ref.startMs / 60000)];
			if (ref.durationMinutes) payload.push(ref.durationMinutes);
			break;
	}
	const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
	const id = `${PREFIX}.${body}.${checksum(body)}`;
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

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export function decodeSlotId(slotId: string): SlotRef {
	if (typeof slotId !== 'string' || !slotId.trim()) throw bad('empty');
	const parts = slotId.trim().split('.');
	if (parts.length !== 3 || parts[0] !== PREFIX) throw bad('unknown format');
	const [, body, sum] = parts;
	if (checksum(body) !== sum) throw bad('checksum mismatch: the id was changed or truncated');
	let payload: unknown;
	try {
		payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		throw bad('unreadable payload');
	}
	if (!Array.isArray(payload)) throw bad('unreadable payload');
	const [kind, a, b, c] = payload as unknown[];
	if (kind === 'b' && isStr(a) && isStr(b) && isInt(c)) {
		return { backend: 'builtin', practitionerId: a, serviceId: b, startMs: c * 60000 };
	}
	if (kind === 'f' && isStr(a)) return { backend: 'fhir', slotResourceId: a };
	if (kind === 'c' && isInt(a) && isInt(b)) {
		return {
			backend: 'calcom',
			eventTypeId: a,
			startMs: b * 60000,
			...(isInt(c) ? { durationMinutes: c } : {}),
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
