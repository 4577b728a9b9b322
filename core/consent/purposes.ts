/**
 * Consent purposes: what a message is FOR. Each purpose carries its FHIR vocabulary (v3-ActReason purpose of use)
 * so the timeline can be exported as R4 `Consent` resources without a lookup table elsewhere.
 *
 * Built-in purposes cover what a clinic sends on WhatsApp; clinics can add custom purposes (any slug), which
 * default to the strict policy ("opt-in required") and the v3-ActReason code HOPERAT unless configured.
 */
import { ClinicError } from '../errors';

export const BUILT_IN_PURPOSES = [
	'appointment_reminders',
	'lab_results',
	'telemedicine',
	'marketing',
] as const;
export type BuiltInPurpose = (typeof BUILT_IN_PURPOSES)[number];

/** A purpose id: a built-in one or a custom slug. */
export type Purpose = string;

/** Wildcard purpose used by keyword opt-outs ("STOP"): covers every purpose, including future custom ones. */
export const ALL_PURPOSES = '*';

export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

export interface Coding {
	system: string;
	code: string;
	display: string;
}

export interface PurposeDefinition {
	id: Purpose;
	label: string;
	/** v3-ActReason purpose of use, exported as `Consent.provision.purpose`. */
	actReason: Coding;
	/** Treatment communications (HHS: appointment reminders are part of treatment) vs everything else. */
	treatment: boolean;
}

const actReason = (code: string, display: string): Coding => ({ system: ACT_REASON_SYSTEM, code, display });

export const PURPOSE_DEFINITIONS: Readonly<Record<BuiltInPurpose, PurposeDefinition>> = {
	appointment_reminders: {
		id: 'appointment_reminders',
		label: 'Appointment reminders',
		actReason: actReason('TREAT', 'treatment'),
		treatment: true,
	},
	lab_results: {
		id: 'lab_results',
		label: 'Lab results',
		actReason: actReason('TREAT', 'treatment'),
		treatment: true,
	},
	telemedicine: {
		id: 'telemedicine',
		label: 'Telemedicine',
		actReason: actReason('TREAT', 'treatment'),
		treatment: true,
	},
	marketing: {
		id: 'marketing',
		label: 'Marketing',
		actReason: actReason('HMARKT', 'healthcare marketing'),
		treatment: false,
	},
};

const PURPOSE_SLUG = /^[a-z][a-z0-9_-]{0,63}$/;

export class InvalidPurposeError extends ClinicError {
	declare readonly field: string;
	constructor(field: string, value: unknown) {
		super(
			`${field}: "${String(value).slice(0, 70)}" is not a valid consent purpose. Use one of ${BUILT_IN_PURPOSES.join(', ')} ` +
				'or a custom purpose id made of lowercase letters, digits, "_" or "-" (starting with a letter, max 64).',
			{ code: 'invalid_input', field, kind: 'input' },
		);
		this.name = 'InvalidPurposeError';
	}
}

export function isBuiltInPurpose(value: string): value is BuiltInPurpose {
	return (BUILT_IN_PURPOSES as readonly string[]).includes(value);
}

/** Trims and lower-cases a purpose id; throws InvalidPurposeError naming `field` when it is not a valid slug. */
export function parsePurpose(value: unknown, field = 'purpose'): Purpose {
	if (typeof value !== 'string') throw new InvalidPurposeError(field, value);
	const id = value.trim().toLowerCase();
	if (!PURPOSE_SLUG.test(id)) throw new InvalidPurposeError(field, value);
	return id;
}

/** Definition of any purpose; custom purposes get a generic definition (healthcare operations, non-treatment). */
export function purposeDefinition(purpose: Purpose, custom: Record<string, Partial<PurposeDefinition>> = {}) {
	const base: PurposeDefinition = isBuiltInPurpose(purpose)
		? PURPOSE_DEFINITIONS[purpose]
		: {
				id: purpose,
				label: purpose,
				actReason: actReason('HOPERAT', 'healthcare operations'),
				treatment: false,
			};
	return { ...base, ...custom[purpose], id: purpose } satisfies PurposeDefinition;
}
