/**
 * The write side of the FHIR R4 backend, every change one version-checked transaction Bundle:
 *
 * - Book: POST Appointment (booked, patient + practitioner, slot reference) + PUT Slot busy with
 *   `If-Match: W/"<versionId>"` read just before. Two bookings of one slot cannot both succeed: the second
 *   transaction fails with 409/412 and the server rolls it back; the loser gets `slot_taken` + alternatives.
 * - Cancel: PUT Appointment cancelled (If-Match) + PUT Slot free (If-Match). Reschedule: one transaction moving the
 *   Appointment, freeing the old Slot and taking the new one, all versioned. Cancel, Reschedule and Update Status
 *   re-read and retry (up to 3 times) when something changed in between.
 */
import { randomUUID } from 'node:crypto';

import { decodeSlotIdFor, encodeSlotId } from '../slot-id';
import {
	type Appointment,
	type BookOutcome,
	type BookRequest,
	type CancelOutcome,
	type CancelRequest,
	type Clock,
	type FreeSlot,
	type RescheduleOutcome,
	type RescheduleRequest,
	SchedulingInputError,
	SchedulingRemoteError,
	type UpdateStatusRequest,
} from '../types';
import { type FhirClient, isConflict, versionedPut } from './fhir-client';
import { type FhirMapper, minutesBetween, patientParticipant } from './fhir-mapping';
import {
	type Bundle,
	type BundleEntry,
	type FhirAppointment,
	type FhirResource,
	type FhirSchedule,
	type FhirSlot,
	practitionerActor,
	refId,
} from './fhir-resources';

const ATTEMPTS = 3;
const SLOT_TAKEN = 'This time was just taken by another booking.';

export interface FhirBookingDeps {
	client: FhirClient;
	mapper: FhirMapper;
	clock: Clock;
	/** Next free slots of the same schedule from a slot's start (offered when that slot is taken). */
	alternativesAfter: (slot: FhirSlot | undefined) => Promise<FreeSlot[]>;
}

function createdAppointment(bundle: Bundle): FhirAppointment | undefined {
	const entry = bundle.entry?.find(
		(e) => e.resource?.resourceType === 'Appointment' || /Appointment\//.test(e.response?.location ?? ''),
	);
	if (entry?.resource?.resourceType === 'Appointment') return entry.resource as unknown as FhirAppointment;
	return undefined;
}

export class FhirBookings {
	constructor(private readonly deps: FhirBookingDeps) {}

	private get client(): FhirClient {
		return this.deps.client;
	}

	private async readAppointment(appointmentId: string): Promise<FhirAppointment | undefined> {
		const id = appointmentId?.trim().replace(/^Appointment\//, '');
		if (!id) throw new SchedulingInputError('Appointment ID is required', 'appointmentId');
		return await this.client.read<FhirAppointment>('Appointment', id);
	}

	async book(request: BookRequest): Promise<BookOutcome> {
		const { clock, mapper, alternativesAfter } = this.deps;
		const ref = decodeSlotIdFor(request.slotId, 'fhir');
		if (!request.patient?.name?.trim() && !request.patient?.reference?.trim()) {
			throw new SchedulingInputError(
				'Patient name (or FHIR Patient reference) is required to book',
				'patientName',
			);
		}
		const slot = await this.client.read<FhirSlot>('Slot', ref.slotResourceId);
		if (!slot)
			return {
				booked: false,
				reason: 'not_available',
				message: 'The slot no longer exists on the FHIR server',
				alternatives: [],
			};
		if (slot.status !== 'free') {
			return {
				booked: false,
				reason: 'slot_taken',
				message: SLOT_TAKEN,
				alternatives: await alternativesAfter(slot),
			};
		}
		if (Date.parse(slot.start) < clock()) {
			return {
				booked: false,
				reason: 'too_soon',
				message: 'This time has already passed.',
				alternatives: await alternativesAfter({ ...slot, start: new Date(clock()).toISOString() }),
			};
		}
		const schedule = await this.client.read<FhirSchedule>(
			'Schedule',
			refId(slot.schedule.reference, 'Schedule') ?? '',
		);
		const practitioner = practitionerActor(schedule?.actor);
		const { participant, contained } = patientParticipant(request.patient);
		const appointment: FhirAppointment = {
			resourceType: 'Appointment',
			status: 'booked',
			...(contained ? { contained: [contained] } : {}),
			...(slot.serviceType ? { serviceType: slot.serviceType } : {}),
			start: slot.start,
			end: slot.end,
			minutesDuration: minutesBetween(slot.start, slot.end),
			slot: [{ reference: `Slot/${slot.id}` }],
			created: new Date(clock()).toISOString().slice(0, 10),
			...(request.notes ? { comment: request.notes } : {}),
			participant: [
				participant,
				...(practitioner
					? [
							{
								actor: { reference: practitioner.reference, display: practitioner.display },
								required: 'required',
								status: 'accepted',
							},
						]
					: []),
			],
		};
		const res = await this.client.transaction([
			{
				fullUrl: `urn:uuid:${randomUUID()}`,
				resource: appointment as FhirResource,
				request: { method: 'POST', url: 'Appointment' },
			},
			versionedPut({ ...slot, status: 'busy' }),
		]);
		if (isConflict(res)) {
			return {
				booked: false,
				reason: 'slot_taken',
				message: SLOT_TAKEN,
				alternatives: await alternativesAfter(slot),
			};
		}
		if (res.status >= 400) this.client.fail('booking transaction', res);
		const created = createdAppointment(res.body as Bundle);
		return { booked: true, appointment: mapper.toAppointment(created ?? appointment) };
	}

	async cancel(request: CancelRequest): Promise<CancelOutcome> {
		for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
			const appointment = await this.readAppointment(request.appointmentId);
			if (!appointment)
				return {
					cancelled: false,
					reason: 'not_found',
					message: `No Appointment "${request.appointmentId}" on the FHIR server`,
				};
			if (appointment.status === 'cancelled')
				return {
					cancelled: false,
					reason: 'already_cancelled',
					message: 'The appointment was already cancelled',
				};
			const updated: FhirAppointment = {
				...appointment,
				status: 'cancelled',
				...(request.reason ? { cancelationReason: { text: request.reason } } : {}),
			};
			const entries = [versionedPut(updated)];
			for (const s of appointment.slot ?? []) {
				const slotId = refId(s.reference, 'Slot');
				const slot = slotId ? await this.client.read<FhirSlot>('Slot', slotId) : undefined;
				if (slot && slot.status !== 'free') entries.push(versionedPut({ ...slot, status: 'free' }));
			}
			const res = await this.client.transaction(entries);
			if (isConflict(res)) continue; // changed meanwhile: re-read and retry
			if (res.status >= 400) this.client.fail('cancel transaction', res);
			const saved = (await this.readAppointment(appointment.id!)) ?? updated;
			return { cancelled: true, appointment: this.deps.mapper.toAppointment(saved) };
		}
		throw new SchedulingRemoteError(
			'FHIR server kept reporting a version conflict while cancelling; try again',
		);
	}

	async reschedule(request: RescheduleRequest): Promise<RescheduleOutcome> {
		const ref = decodeSlotIdFor(request.newSlotId, 'fhir');
		for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
			const appointment = await this.readAppointment(request.appointmentId);
			if (!appointment)
				return {
					rescheduled: false,
					reason: 'not_found',
					message: `No Appointment "${request.appointmentId}" on the FHIR server`,
					alternatives: [],
				};
			if (['cancelled', 'noshow', 'fulfilled', 'entered-in-error'].includes(appointment.status)) {
				return {
					rescheduled: false,
					reason: 'not_active',
					message: `The appointment is ${appointment.status}; only active appointments can be moved`,
					alternatives: [],
				};
			}
			const slot = await this.client.read<FhirSlot>('Slot', ref.slotResourceId);
			if (!slot)
				return {
					rescheduled: false,
					reason: 'not_available',
					message: 'The new slot no longer exists on the FHIR server',
					alternatives: [],
				};
			if (slot.status !== 'free') {
				return {
					rescheduled: false,
					reason: 'slot_taken',
					message: SLOT_TAKEN,
					alternatives: await this.deps.alternativesAfter(slot),
				};
			}
			const entries: BundleEntry[] = [
				versionedPut({
					...appointment,
					start: slot.start,
					end: slot.end,
					minutesDuration: minutesBetween(slot.start, slot.end),
					slot: [{ reference: `Slot/${slot.id}` }],
				}),
				versionedPut({ ...slot, status: 'busy' }),
			];
			for (const s of appointment.slot ?? []) {
				const oldId = refId(s.reference, 'Slot');
				const old = oldId && oldId !== slot.id ? await this.client.read<FhirSlot>('Slot', oldId) : undefined;
				if (old && old.status !== 'free') entries.push(versionedPut({ ...old, status: 'free' }));
			}
			const res = await this.client.transaction(entries);
			if (isConflict(res)) continue;
			if (res.status >= 400) this.client.fail('reschedule transaction', res);
			const saved = (await this.readAppointment(appointment.id!))!;
			const oldSlot = (appointment.slot ?? [])
				.map((s) => refId(s.reference, 'Slot'))
				.find((id) => id && id !== slot.id);
			return {
				rescheduled: true,
				appointment: this.deps.mapper.toAppointment(saved),
				previous: {
					start: appointment.start ? new Date(Date.parse(appointment.start)).toISOString() : '',
					end: appointment.end ? new Date(Date.parse(appointment.end)).toISOString() : '',
					...(oldSlot ? { slotId: encodeSlotId({ backend: 'fhir', slotResourceId: oldSlot }) } : {}),
				},
			};
		}
		return { rescheduled: false, reason: 'slot_taken', message: SLOT_TAKEN, alternatives: [] };
	}

	async updateStatus(request: UpdateStatusRequest): Promise<Appointment> {
		for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
			const appointment = await this.readAppointment(request.appointmentId);
			if (!appointment)
				throw new SchedulingInputError(
					`No Appointment "${request.appointmentId}" on the FHIR server`,
					'appointmentId',
				);
			const res = await this.client.call('PUT', `Appointment/${appointment.id}`, {
				body: { ...appointment, status: request.status },
				...(appointment.meta?.versionId ? { ifMatch: `W/"${appointment.meta.versionId}"` } : {}),
			});
			if (isConflict(res)) continue;
			if (res.status >= 400) this.client.fail('status update', res);
			return this.deps.mapper.toAppointment(
				res.body && (res.body as FhirAppointment).resourceType === 'Appointment'
					? (res.body as FhirAppointment)
					: { ...appointment, status: request.status },
			);
		}
		throw new SchedulingRemoteError(
			'FHIR server kept reporting a version conflict while updating the status; try again',
		);
	}
}
