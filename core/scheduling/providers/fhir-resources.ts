/**
 * The FHIR R4 resource shapes the FHIR scheduling backend reads and writes (only the elements it uses), and the
 * reference helpers shared by its search, mapping and booking parts.
 */
import type { AppointmentStatus } from '../types';

export interface Reference {
	reference?: string;
	display?: string;
}
export interface CodeableConcept {
	coding?: Array<{ system?: string; code?: string; display?: string }>;
	text?: string;
}
export interface Meta {
	versionId?: string;
}
export interface FhirSlot {
	resourceType: 'Slot';
	id?: string;
	meta?: Meta;
	schedule: Reference;
	status: string;
	start: string;
	end: string;
	serviceType?: CodeableConcept[];
	[key: string]: unknown;
}
export interface FhirSchedule {
	resourceType: 'Schedule';
	id?: string;
	active?: boolean;
	actor?: Reference[];
	serviceType?: CodeableConcept[];
}
export interface FhirPatient {
	resourceType: 'Patient';
	id?: string;
	name?: Array<{ text?: string; given?: string[]; family?: string }>;
	telecom?: Array<{ system?: string; value?: string }>;
}
export interface FhirAppointment {
	resourceType: 'Appointment';
	id?: string;
	meta?: Meta;
	status: AppointmentStatus;
	start?: string;
	end?: string;
	minutesDuration?: number;
	slot?: Reference[];
	serviceType?: CodeableConcept[];
	participant: Array<{ actor?: Reference; status: string; required?: string; type?: CodeableConcept[] }>;
	contained?: FhirPatient[];
	comment?: string;
	description?: string;
	cancelationReason?: CodeableConcept;
	created?: string;
	[key: string]: unknown;
}
export type FhirResource = { resourceType: string; id?: string; [k: string]: unknown };
export interface BundleEntry {
	fullUrl?: string;
	resource?: FhirResource;
	search?: { mode?: string };
	request?: { method: string; url: string; ifMatch?: string };
	response?: { status?: string; location?: string };
}
export interface Bundle {
	resourceType: 'Bundle';
	type: string;
	total?: number;
	link?: Array<{ relation: string; url: string }>;
	entry?: BundleEntry[];
}

/** Resources a search brought along (`_include`), by `Type/id`. */
export type IncludedResources = Map<string, FhirResource | undefined>;

/** `Practitioner/123` for a bare id; any reference with a type is kept. */
export function practitionerRef(id: string): string {
	const trimmed = id.trim();
	return trimmed.includes('/') ? trimmed : `Practitioner/${trimmed}`;
}

/** The id of the `type` part of a reference (`Slot/1`, `https://x/Slot/1/_history/2` → `1`). */
export function refId(reference: string | undefined, type: string): string | undefined {
	if (!reference) return undefined;
	const parts = reference.split('/');
	const i = parts.lastIndexOf(type);
	return i >= 0 && parts[i + 1] ? parts[i + 1] : undefined;
}

/** The actor reference of a practitioner (Practitioner or PractitionerRole) among a Schedule's actors. */
export function practitionerActor(actors: Reference[] | undefined): Reference | undefined {
	return actors?.find((a) => /(^|\/)Practitioner(Role)?\//.test(a.reference ?? ''));
}

/**
 * True when one of `concepts` has the service-type token `code` or `system|code` (FHIR token search semantics:
 * `|code` = a coding without system).
 */
export function hasServiceType(concepts: CodeableConcept[] | undefined, token: string): boolean {
	const bar = token.indexOf('|');
	const system = bar >= 0 ? token.slice(0, bar) : undefined;
	const code = bar >= 0 ? token.slice(bar + 1) : token;
	return !!concepts?.some((c) =>
		c.coding?.some(
			(cd) =>
				cd.code === code && (system === undefined || (system === '' ? !cd.system : cd.system === system)),
		),
	);
}
