/** Checks and tidying of the built-in scheduler's request fields (appointment ID, patient details). */
import { type BookRequest, SchedulingInputError } from '../types';

/** The appointment ID, trimmed; an empty one is an input error naming the field. */
export function requireId(id: string | undefined): string {
	if (!id || !String(id).trim())
		throw new SchedulingInputError('Appointment ID is required', 'appointmentId');
	return String(id).trim();
}

/** The patient's details with blanks dropped and the rest trimmed. */
export function cleanPatient(p: BookRequest['patient']): BookRequest['patient'] {
	const out: BookRequest['patient'] = {};
	if (p.name?.trim()) out.name = p.name.trim();
	if (p.phone?.trim()) out.phone = p.phone.trim();
	if (p.email?.trim()) out.email = p.email.trim();
	if (p.reference?.trim()) out.reference = p.reference.trim();
	return out;
}
