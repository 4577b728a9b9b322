/**
 * "My appointments": matching an appointment's patient contact against a PatientFilter (List Appointments by
 * patient). Phones compare as digits (E.164 with or without `+`, spaces or dashes), emails case-insensitively.
 */
import type { PatientContact, PatientFilter } from './types';

/** The digits of a phone number (`+55 11 99999-0000` → `5511999990000`). */
export function phoneDigits(phone: string): string {
	return phone.replace(/\D/g, '');
}

/**
 * The ways one number may have been typed when it was stored: as given, digits only, and `+digits`. The built-in
 * scheduler keys its phone lookup column on the stored text, so a lookup tries each form.
 */
export function phoneForms(phone: string): string[] {
	const digits = phoneDigits(phone);
	return [...new Set([phone.trim(), digits, `+${digits}`].filter((p) => p && p !== '+'))];
}

/** True when `contact` is the patient `filter` names (every given filter field must match). */
export function contactMatches(contact: PatientContact, filter: PatientFilter): boolean {
	const phone = filter.phone?.trim();
	const email = filter.email?.trim().toLowerCase();
	if (phone && (!contact.phone || phoneDigits(contact.phone) !== phoneDigits(phone))) return false;
	if (email && contact.email?.trim().toLowerCase() !== email) return false;
	return true;
}

/** True when the filter names a patient at all. */
export function hasPatientFilter(filter: PatientFilter | undefined): filter is PatientFilter {
	return !!(filter?.phone?.trim() || filter?.email?.trim() || filter?.reference?.trim());
}
