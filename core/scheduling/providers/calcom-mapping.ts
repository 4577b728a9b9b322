/**
 * Cal.com ↔ the scheduling domain: free slots of `GET /v2/slots` → FreeSlot, a Cal.com booking → Appointment
 * (its status as a FHIR appointment status). Cal.com slots do not name the host, so slots carry the practitioner
 * and service names configured on the node.
 */
import { DateTime } from 'luxon';

import { slotLabel } from '../labels';
import { encodeSlotId } from '../slot-id';
import type { Appointment, AppointmentStatus, FreeSlot, SlotLocale } from '../types';
import type { CalBooking, CalSlotDays } from './calcom-api';

export interface CalcomMapperOptions {
	eventTypeId: number;
	/** Clinic time zone: local times and labels. */
	timeZone: string;
	locale: SlotLocale;
	practitionerName?: string;
	serviceName?: string;
	/** Used when the slots response has no `end`. */
	durationMinutes?: number;
}

export function calStatusToFhir(b: CalBooking): AppointmentStatus {
	if (b.attendees?.some((a) => a.absent)) return 'noshow';
	switch (String(b.status).toLowerCase()) {
		case 'accepted':
			return 'booked';
		case 'pending':
		case 'awaiting_host':
		case 'unconfirmed':
			return 'pending';
		case 'cancelled':
		case 'rejected':
			return 'cancelled';
		default:
			return 'booked';
	}
}

export class CalcomMapper {
	private readonly zone: string;

	constructor(private readonly options: CalcomMapperOptions) {
		this.zone = options.timeZone;
	}

	private local(ms: number): string {
		return DateTime.fromMillis(ms, { zone: this.zone }).toISO({ suppressMilliseconds: true }) ?? '';
	}

	private practitioner() {
		return {
			id: `eventType/${this.options.eventTypeId}`,
			...(this.options.practitionerName ? { name: this.options.practitionerName } : {}),
		};
	}

	/** The slots starting in [fromMs, toMs), ascending. */
	toFreeSlots(days: CalSlotDays, fromMs: number, toMs: number, locale: SlotLocale): FreeSlot[] {
		const eventTypeId = this.options.eventTypeId;
		const list: FreeSlot[] = [];
		for (const day of Object.keys(days).sort()) {
			for (const s of days[day] ?? []) {
				const startMs = Date.parse(s.start);
				if (!Number.isFinite(startMs) || startMs < fromMs || startMs >= toMs) continue;
				const endMs = s.end ? Date.parse(s.end) : startMs + (this.options.durationMinutes ?? 30) * 60000;
				const durationMinutes = Math.round((endMs - startMs) / 60000);
				list.push({
					slotId: encodeSlotId({ backend: 'calcom', eventTypeId, startMs, durationMinutes }),
					start: new Date(startMs).toISOString(),
					end: new Date(endMs).toISOString(),
					startLocal: this.local(startMs),
					endLocal: this.local(endMs),
					timeZone: this.zone,
					practitioner: this.practitioner(),
					service: {
						id: String(eventTypeId),
						...(this.options.serviceName ? { name: this.options.serviceName } : {}),
						durationMinutes,
					},
					label: slotLabel(startMs, this.zone, locale),
				});
			}
		}
		return list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
	}

	toAppointment(b: CalBooking, locale: SlotLocale = this.options.locale): Appointment {
		const startMs = Date.parse(b.start);
		const attendee = b.attendees?.[0];
		const durationMinutes = b.duration ?? Math.round((Date.parse(b.end) - startMs) / 60000);
		const host = b.hosts?.[0];
		return {
			id: b.uid,
			backend: 'calcom',
			status: calStatusToFhir(b),
			start: new Date(startMs).toISOString(),
			end: new Date(Date.parse(b.end)).toISOString(),
			startLocal: this.local(startMs),
			timeZone: this.zone,
			label: slotLabel(startMs, this.zone, locale),
			practitioner: host ? { id: String(host.id ?? host.email ?? ''), name: host.name } : this.practitioner(),
			service: {
				id: String(b.eventTypeId ?? b.eventType?.id ?? this.options.eventTypeId),
				name: b.title ?? this.options.serviceName,
				durationMinutes,
			},
			...(b.location ? { location: b.location } : {}),
			patient: {
				...(attendee?.name ? { name: attendee.name } : {}),
				...(attendee?.phoneNumber ? { phone: attendee.phoneNumber } : {}),
				...(attendee?.email ? { email: attendee.email } : {}),
			},
			...(typeof b.bookingFieldsResponses?.notes === 'string'
				? { notes: b.bookingFieldsResponses.notes }
				: {}),
			slotId: encodeSlotId({
				backend: 'calcom',
				eventTypeId: b.eventTypeId ?? this.options.eventTypeId,
				startMs,
				durationMinutes,
			}),
			...(b.createdAt ? { createdAt: b.createdAt } : {}),
			...(b.updatedAt ? { updatedAt: b.updatedAt } : {}),
		};
	}
}
