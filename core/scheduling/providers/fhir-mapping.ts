/**
 * FHIR R4 resources ↔ the scheduling domain: Slot (+ its Schedule) → FreeSlot, Appointment (+ contained or
 * included Patient) → Appointment, and a patient contact → the Appointment's patient participant. A patient without
 * a FHIR id is carried as a contained Patient (name + telecom) so reminder workflows can still read the contact
 * from List Appointments.
 */
import { DateTime } from 'luxon';

import { slotLabel } from '../labels';
import { encodeSlotId } from '../slot-id';
import type { Appointment, FreeSlot, PatientContact, SlotLocale } from '../types';
import {
	type CodeableConcept,
	type FhirAppointment,
	type FhirPatient,
	type FhirSchedule,
	type FhirSlot,
	type IncludedResources,
	practitionerActor,
	refId,
} from './fhir-resources';

function conceptToService(concepts: CodeableConcept[] | undefined) {
	const c = concepts?.[0];
	if (!c) return undefined;
	const coding = c.coding?.[0];
	const id = coding?.code ?? c.text;
	if (!id) return undefined;
	return { id, name: coding?.display ?? c.text };
}

/** `Practitioner/1` from any reference to it (relative or absolute). */
function typedId(reference: string): string {
	return reference.split('/').slice(-2).join('/');
}

/** Whole minutes between two FHIR instants. */
export function minutesBetween(start: string, end: string): number {
	return Math.round((Date.parse(end) - Date.parse(start)) / 60000);
}

/** The Appointment participant for a patient: a Patient reference, or a contained Patient with name and telecom. */
export function patientParticipant(patient: PatientContact): {
	participant: FhirAppointment['participant'][number];
	contained?: FhirPatient;
} {
	if (patient.reference) {
		const reference = patient.reference.includes('/') ? patient.reference : `Patient/${patient.reference}`;
		return {
			participant: {
				actor: { reference, display: patient.name },
				required: 'required',
				status: 'accepted',
			},
		};
	}
	const telecom = [
		...(patient.phone ? [{ system: 'phone', value: patient.phone }] : []),
		...(patient.email ? [{ system: 'email', value: patient.email }] : []),
	];
	return {
		participant: {
			actor: { reference: '#patient', display: patient.name },
			required: 'required',
			status: 'accepted',
		},
		contained: {
			resourceType: 'Patient',
			id: 'patient',
			name: [{ text: patient.name }],
			...(telecom.length ? { telecom } : {}),
		},
	};
}

/** Maps FHIR resources to domain values in the clinic's time zone. */
export class FhirMapper {
	constructor(
		private readonly zone: string,
		private readonly locale: SlotLocale,
	) {}

	private local(ms: number): string {
		return DateTime.fromMillis(ms, { zone: this.zone }).toISO({ suppressMilliseconds: true }) ?? '';
	}

	toFreeSlot(slot: FhirSlot, schedule: FhirSchedule | undefined, locale: SlotLocale): FreeSlot {
		const startMs = Date.parse(slot.start);
		const endMs = Date.parse(slot.end);
		const practitioner = practitionerActor(schedule?.actor);
		const location = schedule?.actor?.find((a) => /(^|\/)Location\//.test(a.reference ?? ''));
		const service = conceptToService(slot.serviceType) ?? conceptToService(schedule?.serviceType);
		return {
			slotId: encodeSlotId({ backend: 'fhir', slotResourceId: slot.id! }),
			start: new Date(startMs).toISOString(),
			end: new Date(endMs).toISOString(),
			startLocal: this.local(startMs),
			endLocal: this.local(endMs),
			timeZone: this.zone,
			practitioner: practitioner
				? { id: typedId(practitioner.reference!), name: practitioner.display }
				: { id: slot.schedule.reference ?? '', name: schedule?.actor?.[0]?.display },
			...(service ? { service: { ...service, durationMinutes: Math.round((endMs - startMs) / 60000) } } : {}),
			...(location?.display ? { location: location.display } : {}),
			label: slotLabel(startMs, this.zone, locale),
		};
	}

	private patientOf(a: FhirAppointment, included?: IncludedResources): PatientContact {
		const participant = a.participant.find((p) =>
			/^(#|Patient\/|.*\/Patient\/)/.test(p.actor?.reference ?? ''),
		);
		const ref = participant?.actor?.reference;
		let patient: FhirPatient | undefined;
		if (ref?.startsWith('#')) patient = a.contained?.find((c) => `#${c.id}` === ref);
		else if (ref) patient = included?.get(typedId(ref)) as FhirPatient | undefined;
		const out: PatientContact = {};
		const name = patient?.name?.[0];
		const fullName = name?.text ?? [...(name?.given ?? []), name?.family].filter(Boolean).join(' ');
		if (fullName || participant?.actor?.display) out.name = fullName || participant?.actor?.display;
		const phone = patient?.telecom?.find((t) => t.system === 'phone' || t.system === 'sms')?.value;
		const email = patient?.telecom?.find((t) => t.system === 'email')?.value;
		if (phone) out.phone = phone;
		if (email) out.email = email;
		if (ref && !ref.startsWith('#')) out.reference = ref;
		return out;
	}

	toAppointment(
		a: FhirAppointment,
		locale: SlotLocale = this.locale,
		included?: IncludedResources,
	): Appointment {
		const startMs = a.start ? Date.parse(a.start) : NaN;
		const practitioner = practitionerActor(a.participant.map((p) => p.actor ?? {}));
		const slotRef = refId(a.slot?.[0]?.reference, 'Slot');
		const service = conceptToService(a.serviceType);
		return {
			id: a.id ?? '',
			backend: 'fhir',
			status: a.status,
			start: a.start ? new Date(startMs).toISOString() : '',
			end: a.end ? new Date(Date.parse(a.end)).toISOString() : '',
			...(a.start ? { startLocal: this.local(startMs), label: slotLabel(startMs, this.zone, locale) } : {}),
			timeZone: this.zone,
			...(practitioner
				? { practitioner: { id: typedId(practitioner.reference!), name: practitioner.display } }
				: {}),
			...(service ? { service } : {}),
			patient: this.patientOf(a, included),
			...(a.comment ? { notes: a.comment } : {}),
			...(slotRef ? { slotId: encodeSlotId({ backend: 'fhir', slotResourceId: slotRef }) } : {}),
			...(a.created ? { createdAt: a.created } : {}),
		};
	}
}
