/**
 * Cal.com API v2 backend. Free slots: `GET /v2/slots` (cal-api-version 2024-09-04, range format); bookings:
 * `POST /v2/bookings`, `POST /v2/bookings/:uid/cancel`, `POST /v2/bookings/:uid/reschedule`, `GET /v2/bookings`,
 * `POST /v2/bookings/:uid/confirm`, `POST /v2/bookings/:uid/mark-absent` (cal-api-version 2024-08-13), see
 * calcom-api.ts; bookings map to appointments in calcom-mapping.ts.
 * Double booking is refused by Cal.com itself (the slot is re-checked when the booking is created); a refusal
 * becomes `slot_taken` with the next free slots.
 */
import { DEFAULT_ALTERNATIVES, type SchedulingProvider } from '../provider';
import { decodeSlotIdFor } from '../slot-id';
import {
	type Appointment,
	type BookOutcome,
	type BookRequest,
	type CancelOutcome,
	type CancelRequest,
	type Clock,
	type FreeSlot,
	type HttpResponse,
	type HttpSender,
	type ListAppointmentsQuery,
	type RescheduleOutcome,
	type RescheduleRequest,
	SchedulingInputError,
	SchedulingRemoteError,
	type SlotLocale,
	type SlotQuery,
	type UpdateStatusRequest,
} from '../types';
import { parseInstant } from '../instant';
import {
	CALCOM_BOOKINGS_API_VERSION,
	CALCOM_SLOTS_API_VERSION,
	type CalBooking,
	CalcomClient,
	type CalSlotDays,
	errorMessage,
	isTakenRefusal,
} from './calcom-api';
import { CalcomMapper, calStatusToFhir } from './calcom-mapping';

export interface CalcomProviderOptions {
	baseUrl?: string;
	send: HttpSender;
	eventTypeId: number;
	/** Clinic time zone: slots are requested and labelled in it; attendees are booked with it. */
	timeZone: string;
	/** Shown as the practitioner/service on slots (Cal.com slots do not name the host). */
	practitionerName?: string;
	serviceName?: string;
	/** Used when the slots response has no `end`. */
	durationMinutes?: number;
	clock?: Clock;
	locale?: SlotLocale;
	alternatives?: number;
}

export class CalcomSchedulingProvider implements SchedulingProvider {
	readonly backend = 'calcom' as const;
	private readonly client: CalcomClient;
	private readonly mapper: CalcomMapper;
	private readonly eventTypeId: number;
	private readonly zone: string;

	get timeZone(): string {
		return this.zone;
	}

	private readonly clock: Clock;
	private readonly locale: SlotLocale;
	private readonly alternativesCount: number;

	constructor(options: CalcomProviderOptions) {
		if (!Number.isInteger(options.eventTypeId) || options.eventTypeId <= 0) {
			throw new SchedulingInputError('Cal.com event type ID must be a positive whole number', 'eventTypeId');
		}
		this.client = new CalcomClient(options.baseUrl, options.send);
		this.eventTypeId = options.eventTypeId;
		this.zone = options.timeZone;
		this.clock = options.clock ?? Date.now;
		this.locale = options.locale ?? 'pt-BR';
		this.alternativesCount = options.alternatives ?? DEFAULT_ALTERNATIVES;
		this.mapper = new CalcomMapper({
			eventTypeId: this.eventTypeId,
			timeZone: this.zone,
			locale: this.locale,
			practitionerName: options.practitionerName,
			serviceName: options.serviceName,
			durationMinutes: options.durationMinutes,
		});
	}

	async findFreeSlots(query: SlotQuery): Promise<FreeSlot[]> {
		const now = this.clock();
		const fromMs = Math.max(now, query.from ? parseInstant(query.from, 'from', this.zone) : now);
		const toMs = query.to ? parseInstant(query.to, 'to', this.zone) : fromMs + 14 * 86_400_000;
		if (toMs <= fromMs) return [];
		const res = await this.client.call('GET', '/v2/slots', CALCOM_SLOTS_API_VERSION, {
			params: {
				eventTypeId: String(this.eventTypeId),
				start: new Date(fromMs).toISOString(),
				end: new Date(toMs).toISOString(),
				timeZone: this.zone,
				format: 'range',
			},
		});
		if (res.status >= 400) this.client.fail('slot search', res);
		const days = (res.body as { data?: CalSlotDays })?.data ?? {};
		const list = this.mapper.toFreeSlots(days, fromMs, toMs, query.locale ?? this.locale);
		return query.limit && query.limit > 0 ? list.slice(0, query.limit) : list;
	}

	private async alternatives(afterMs: number): Promise<FreeSlot[]> {
		if (this.alternativesCount <= 0) return [];
		const from = new Date(Math.max(afterMs + 60000, this.clock())).toISOString();
		return await this.findFreeSlots({ from, limit: this.alternativesCount });
	}

	private language(): string {
		return this.locale === 'pt-BR' ? 'pt-BR' : this.locale;
	}

	async book(request: BookRequest): Promise<BookOutcome> {
		const ref = decodeSlotIdFor(request.slotId, 'calcom');
		if (ref.eventTypeId !== this.eventTypeId) {
			throw new SchedulingInputError(
				`Slot belongs to Cal.com event type ${ref.eventTypeId}, but this node books event type ${this.eventTypeId}`,
				'slotId',
			);
		}
		const name = request.patient?.name?.trim();
		if (!name) throw new SchedulingInputError('Patient name is required to book', 'patientName');
		if (!request.patient.phone?.trim() && !request.patient.email?.trim()) {
			throw new SchedulingInputError('Cal.com needs the patient phone or email', 'patientPhone');
		}
		if (ref.startMs < this.clock()) {
			return {
				booked: false,
				reason: 'too_soon',
				message: 'This time has already passed.',
				alternatives: await this.alternatives(this.clock()),
			};
		}
		const res = await this.client.call('POST', '/v2/bookings', CALCOM_BOOKINGS_API_VERSION, {
			body: {
				start: new Date(ref.startMs).toISOString(),
				eventTypeId: this.eventTypeId,
				...(ref.durationMinutes ? { lengthInMinutes: ref.durationMinutes } : {}),
				attendee: {
					name,
					...(request.patient.email?.trim() ? { email: request.patient.email.trim() } : {}),
					...(request.patient.phone?.trim() ? { phoneNumber: request.patient.phone.trim() } : {}),
					timeZone: this.zone,
					language: this.language(),
				},
				...(request.notes ? { bookingFieldsResponses: { notes: request.notes } } : {}),
			},
		});
		if (isTakenRefusal(res)) {
			return {
				booked: false,
				reason: 'slot_taken',
				message: 'This time was just taken by another booking.',
				alternatives: await this.alternatives(ref.startMs),
			};
		}
		if (res.status >= 400) this.client.fail('booking', res);
		const data = (res.body as { data?: CalBooking | CalBooking[] })?.data;
		const booking = Array.isArray(data) ? data[0] : data;
		if (!booking?.uid)
			throw new SchedulingRemoteError('Cal.com booking response has no booking uid', res.status, res.body);
		return { booked: true, appointment: this.mapper.toAppointment(booking) };
	}

	private uid(id: string | undefined): string {
		const uid = id?.trim();
		if (!uid)
			throw new SchedulingInputError('Appointment ID (Cal.com booking uid) is required', 'appointmentId');
		return uid;
	}

	async cancel(request: CancelRequest): Promise<CancelOutcome> {
		const uid = this.uid(request.appointmentId);
		const res = await this.client.bookingCall(uid, 'cancel', {
			cancellationReason: request.reason || 'Cancelled by the clinic',
		});
		if (res.status === 404)
			return { cancelled: false, reason: 'not_found', message: `No Cal.com booking "${uid}"` };
		if (res.status >= 400 && /already (been )?cancel/i.test(errorMessage(res.body))) {
			return {
				cancelled: false,
				reason: 'already_cancelled',
				message: 'The appointment was already cancelled',
			};
		}
		if (res.status >= 400) this.client.fail('cancel', res);
		const booking = (res.body as { data?: CalBooking }).data;
		if (!booking)
			throw new SchedulingRemoteError('Cal.com cancel response has no booking', res.status, res.body);
		return { cancelled: true, appointment: this.mapper.toAppointment({ ...booking, status: 'cancelled' }) };
	}

	async reschedule(request: RescheduleRequest): Promise<RescheduleOutcome> {
		const uid = this.uid(request.appointmentId);
		const ref = decodeSlotIdFor(request.newSlotId, 'calcom');
		const current = await this.client.getBooking(uid);
		if (!current)
			return {
				rescheduled: false,
				reason: 'not_found',
				message: `No Cal.com booking "${uid}"`,
				alternatives: [],
			};
		if (calStatusToFhir(current) === 'cancelled') {
			return {
				rescheduled: false,
				reason: 'not_active',
				message: 'The appointment is cancelled; book a new one instead',
				alternatives: [],
			};
		}
		const res = await this.client.bookingCall(uid, 'reschedule', {
			start: new Date(ref.startMs).toISOString(),
			...(request.reason ? { reschedulingReason: request.reason } : {}),
		});
		if (isTakenRefusal(res)) {
			return {
				rescheduled: false,
				reason: 'slot_taken',
				message: 'This time was just taken by another booking.',
				alternatives: await this.alternatives(ref.startMs),
			};
		}
		if (res.status >= 400) this.client.fail('reschedule', res);
		const booking = (res.body as { data?: CalBooking }).data;
		if (!booking?.uid)
			throw new SchedulingRemoteError('Cal.com reschedule response has no booking', res.status, res.body);
		return {
			rescheduled: true,
			appointment: this.mapper.toAppointment(booking),
			previous: {
				start: new Date(Date.parse(current.start)).toISOString(),
				end: new Date(Date.parse(current.end)).toISOString(),
				slotId: this.mapper.toAppointment(current).slotId,
			},
		};
	}

	async listAppointments(query: ListAppointmentsQuery): Promise<Appointment[]> {
		const fromMs = parseInstant(query.from, 'from', this.zone);
		const toMs = parseInstant(query.to, 'to', this.zone);
		if (toMs <= fromMs) throw new SchedulingInputError('"To" must be later than "From"', 'to');
		const attendeeEmail = calcomPatientFilter(query);
		const out: Appointment[] = [];
		const take = 100;
		const maxPages = 50;
		for (let skip = 0, page = 0; ; page++, skip += take) {
			const res = await this.client.call('GET', '/v2/bookings', CALCOM_BOOKINGS_API_VERSION, {
				params: {
					eventTypeId: String(this.eventTypeId),
					afterStart: new Date(fromMs).toISOString(),
					beforeEnd: new Date(toMs).toISOString(),
					...(attendeeEmail ? { attendeeEmail } : {}),
					sortStart: 'asc',
					take: String(take),
					skip: String(skip),
				},
			});
			if (res.status >= 400) this.client.fail('booking list', res);
			const body = res.body as { data?: CalBooking[]; pagination?: { hasNextPage?: boolean } };
			for (const b of body.data ?? []) {
				const a = this.mapper.toAppointment(b, query.locale ?? this.locale);
				if (Date.parse(a.start) < fromMs || Date.parse(a.start) >= toMs) continue;
				if (query.statuses?.length && !query.statuses.includes(a.status)) continue;
				out.push(a);
			}
			if (!body.pagination?.hasNextPage || (body.data ?? []).length === 0) break;
			if (page + 1 >= maxPages) {
				query.onWarning?.({
					code: 'results_truncated',
					unread: null,
					message: `More Cal.com bookings were not read: the list stopped after ${maxPages * take}. Narrow From/To.`,
				});
				break;
			}
		}
		out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
		return query.limit && query.limit > 0 ? out.slice(0, query.limit) : out;
	}

	async updateStatus(request: UpdateStatusRequest): Promise<Appointment> {
		const uid = this.uid(request.appointmentId);
		let res: HttpResponse;
		if (request.status === 'booked') {
			res = await this.client.bookingCall(uid, 'confirm');
		} else if (request.status === 'noshow') {
			const current = await this.client.getBooking(uid);
			if (!current) throw new SchedulingInputError(`No Cal.com booking "${uid}"`, 'appointmentId');
			res = await this.client.bookingCall(uid, 'mark-absent', {
				attendees: (current.attendees ?? [])
					.filter((a) => a.email)
					.map((a) => ({ email: a.email, absent: true })),
			});
		} else {
			throw new SchedulingInputError(
				`Cal.com has no "${request.status}" status; it supports Confirmed (booked) and No-show`,
				'status',
			);
		}
		if (res.status === 404) throw new SchedulingInputError(`No Cal.com booking "${uid}"`, 'appointmentId');
		if (res.status >= 400) this.client.fail('status update', res);
		const booking = (res.body as { data?: CalBooking }).data ?? (await this.client.getBooking(uid));
		if (!booking)
			throw new SchedulingRemoteError('Cal.com status response has no booking', res.status, res.body);
		return this.mapper.toAppointment(booking);
	}
}

/** Cal.com's booking list filters by attendee email; it has no filter by phone or FHIR reference. */
function calcomPatientFilter(query: ListAppointmentsQuery): string | undefined {
	const email = query.patient?.email?.trim();
	if (email) return email;
	if (query.patient?.phone?.trim() || query.patient?.reference?.trim())
		throw new SchedulingInputError(
			'Cal.com cannot list bookings by phone number or FHIR reference: its booking list filters by attendee email only',
			'patientEmail',
			'Fill Patient Email with the email the patient booked with (and leave Patient Phone empty), or leave the patient filter empty to list everyone.',
		);
	return undefined;
}
