/**
 * Cal.com API v2 backend. Free slots: `GET /v2/slots` (cal-api-version 2024-09-04, range format); bookings:
 * `POST /v2/bookings`, `POST /v2/bookings/:uid/cancel`, `POST /v2/bookings/:uid/reschedule`, `GET /v2/bookings`,
 * `POST /v2/bookings/:uid/confirm`, `POST /v2/bookings/:uid/mark-absent` (cal-api-version 2024-08-13).
 * Double booking is refused by Cal.com itself (the slot is re-checked when the booking is created); a refusal
 * becomes `slot_taken` with the next free slots.
 */
import { DateTime } from 'luxon';

import { slotLabel } from '../labels';
import { DEFAULT_ALTERNATIVES, type SchedulingProvider } from '../provider';
import { decodeSlotIdFor, encodeSlotId } from '../slot-id';
import {
	type Appointment,
	type AppointmentStatus,
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
import { parseInstant } from './builtin';

export const CALCOM_SLOTS_API_VERSION = '2024-09-04';
export const CALCOM_BOOKINGS_API_VERSION = '2024-08-13';

interface CalAttendee {
	name?: string;
	email?: string;
	phoneNumber?: string;
	timeZone?: string;
	language?: string;
	absent?: boolean;
}
export interface CalBooking {
	id?: number;
	uid: string;
	title?: string;
	status: string;
	start: string;
	end: string;
	duration?: number;
	eventTypeId?: number;
	eventType?: { id?: number; slug?: string };
	attendees?: CalAttendee[];
	hosts?: Array<{ id?: number; name?: string; email?: string }>;
	location?: string;
	createdAt?: string;
	updatedAt?: string;
	bookingFieldsResponses?: Record<string, unknown>;
	cancellationReason?: string;
	absentHost?: boolean;
}

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

const TAKEN =
	/already has booking|not available|no_available_users|unavailable|is in the past|slot.*(taken|booked)/i;

function errorMessage(body: unknown): string {
	const b = body as { error?: { message?: string; code?: string }; message?: string };
	return b?.error?.message ?? b?.message ?? '';
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

export class CalcomSchedulingProvider implements SchedulingProvider {
	readonly backend = 'calcom' as const;
	private readonly base: string;
	private readonly send: HttpSender;
	private readonly eventTypeId: number;
	private readonly zone: string;
	private readonly clock: Clock;
	private readonly locale: SlotLocale;
	private readonly alternativesCount: number;

	constructor(private readonly options: CalcomProviderOptions) {
		if (!Number.isInteger(options.eventTypeId) || options.eventTypeId <= 0) {
			throw new SchedulingInputError('Cal.com event type ID must be a positive whole number', 'eventTypeId');
		}
		this.base = (options.baseUrl || 'https://api.cal.com').replace(/\/+$/, '');
		this.send = options.send;
		this.eventTypeId = options.eventTypeId;
		this.zone = options.timeZone;
		this.clock = options.clock ?? Date.now;
		this.locale = options.locale ?? 'pt-BR';
		this.alternativesCount = options.alternatives ?? DEFAULT_ALTERNATIVES;
	}

	private async call(
		method: 'GET' | 'POST',
		path: string,
		version: string,
		options: { params?: Record<string, string>; body?: unknown } = {},
	): Promise<HttpResponse> {
		const qs = options.params ? `?${new URLSearchParams(options.params).toString()}` : '';
		return await this.send({
			method,
			url: `${this.base}${path}${qs}`,
			headers: {
				'cal-api-version': version,
				Accept: 'application/json',
				...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
			},
			body: options.body,
		});
	}

	private fail(what: string, res: HttpResponse): never {
		const msg = errorMessage(res.body);
		throw new SchedulingRemoteError(
			`Cal.com ${what} failed with HTTP ${res.status}${msg ? `: ${msg}` : ''}`,
			res.status,
			res.body,
		);
	}

	private local(ms: number): string {
		return DateTime.fromMillis(ms, { zone: this.zone }).toISO({ suppressMilliseconds: true }) ?? '';
	}

	private practitioner() {
		return {
			id: `eventType/${this.eventTypeId}`,
			...(this.options.practitionerName ? { name: this.options.practitionerName } : {}),
		};
	}

	async findFreeSlots(query: SlotQuery): Promise<FreeSlot[]> {
		const now = this.clock();
		const fromMs = Math.max(now, query.from ? parseInstant(query.from, 'from', this.zone) : now);
		const toMs = query.to ? parseInstant(query.to, 'to', this.zone) : fromMs + 14 * 86_400_000;
		if (toMs <= fromMs) return [];
		const res = await this.call('GET', '/v2/slots', CALCOM_SLOTS_API_VERSION, {
			params: {
				eventTypeId: String(this.eventTypeId),
				start: new Date(fromMs).toISOString(),
				end: new Date(toMs).toISOString(),
				timeZone: this.zone,
				format: 'range',
			},
		});
		if (res.status >= 400) this.fail('slot search', res);
		const data = ((res.body as { data?: Record<string, Array<{ start: string; end?: string }>> })?.data ??
			{}) as Record<string, Array<{ start: string; end?: string }>>;
		const list: FreeSlot[] = [];
		for (const day of Object.keys(data).sort()) {
			for (const s of data[day] ?? []) {
				const startMs = Date.parse(s.start);
				if (!Number.isFinite(startMs) || startMs < fromMs || startMs >= toMs) continue;
				const endMs = s.end ? Date.parse(s.end) : startMs + (this.options.durationMinutes ?? 30) * 60000;
				const durationMinutes = Math.round((endMs - startMs) / 60000);
				list.push({
					slotId: encodeSlotId({
						backend: 'calcom',
						eventTypeId: this.eventTypeId,
						startMs,
						durationMinutes,
					}),
					start: new Date(startMs).toISOString(),
					end: new Date(endMs).toISOString(),
					startLocal: this.local(startMs),
					endLocal: this.local(endMs),
					timeZone: this.zone,
					practitioner: this.practitioner(),
					service: {
						id: String(this.eventTypeId),
						...(this.options.serviceName ? { name: this.options.serviceName } : {}),
						durationMinutes,
					},
					label: slotLabel(startMs, this.zone, query.locale ?? this.locale),
				});
			}
		}
		list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
		return query.limit && query.limit > 0 ? list.slice(0, query.limit) : list;
	}

	private async alternatives(afterMs: number): Promise<FreeSlot[]> {
		if (this.alternativesCount <= 0) return [];
		const from = new Date(Math.max(afterMs + 60000, this.clock())).toISOString();
		return await this.findFreeSlots({ from, limit: this.alternativesCount });
	}

	toAppointment(b: CalBooking, locale: SlotLocale = this.locale): Appointment {
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
				id: String(b.eventTypeId ?? b.eventType?.id ?? this.eventTypeId),
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
				eventTypeId: b.eventTypeId ?? this.eventTypeId,
				startMs,
				durationMinutes,
			}),
			...(b.createdAt ? { createdAt: b.createdAt } : {}),
			...(b.updatedAt ? { updatedAt: b.updatedAt } : {}),
		};
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
		const res = await this.call('POST', '/v2/bookings', CALCOM_BOOKINGS_API_VERSION, {
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
		if (res.status === 409 || (res.status >= 400 && res.status < 500 && TAKEN.test(errorMessage(res.body)))) {
			return {
				booked: false,
				reason: 'slot_taken',
				message: 'This time was just taken by another booking.',
				alternatives: await this.alternatives(ref.startMs),
			};
		}
		if (res.status >= 400) this.fail('booking', res);
		const data = (res.body as { data?: CalBooking | CalBooking[] })?.data;
		const booking = Array.isArray(data) ? data[0] : data;
		if (!booking?.uid)
			throw new SchedulingRemoteError('Cal.com booking response has no booking uid', res.status, res.body);
		return { booked: true, appointment: this.toAppointment(booking) };
	}

	private async get(uid: string): Promise<CalBooking | undefined> {
		const res = await this.call(
			'GET',
			`/v2/bookings/${encodeURIComponent(uid)}`,
			CALCOM_BOOKINGS_API_VERSION,
		);
		if (res.status === 404) return undefined;
		if (res.status >= 400) this.fail('booking lookup', res);
		return (res.body as { data?: CalBooking }).data;
	}

	private uid(id: string | undefined): string {
		const uid = id?.trim();
		if (!uid)
			throw new SchedulingInputError('Appointment ID (Cal.com booking uid) is required', 'appointmentId');
		return uid;
	}

	async cancel(request: CancelRequest): Promise<CancelOutcome> {
		const uid = this.uid(request.appointmentId);
		const res = await this.call(
			'POST',
			`/v2/bookings/${encodeURIComponent(uid)}/cancel`,
			CALCOM_BOOKINGS_API_VERSION,
			{
				body: { cancellationReason: request.reason || 'Cancelled by the clinic' },
			},
		);
		if (res.status === 404)
			return { cancelled: false, reason: 'not_found', message: `No Cal.com booking "${uid}"` };
		if (res.status >= 400 && /already (been )?cancel/i.test(errorMessage(res.body))) {
			return {
				cancelled: false,
				reason: 'already_cancelled',
				message: 'The appointment was already cancelled',
			};
		}
		if (res.status >= 400) this.fail('cancel', res);
		const booking = (res.body as { data?: CalBooking }).data;
		if (!booking)
			throw new SchedulingRemoteError('Cal.com cancel response has no booking', res.status, res.body);
		return { cancelled: true, appointment: this.toAppointment({ ...booking, status: 'cancelled' }) };
	}

	async reschedule(request: RescheduleRequest): Promise<RescheduleOutcome> {
		const uid = this.uid(request.appointmentId);
		const ref = decodeSlotIdFor(request.newSlotId, 'calcom');
		const current = await this.get(uid);
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
		const res = await this.call(
			'POST',
			`/v2/bookings/${encodeURIComponent(uid)}/reschedule`,
			CALCOM_BOOKINGS_API_VERSION,
			{
				body: {
					start: new Date(ref.startMs).toISOString(),
					...(request.reason ? { reschedulingReason: request.reason } : {}),
				},
			},
		);
		if (res.status === 409 || (res.status >= 400 && res.status < 500 && TAKEN.test(errorMessage(res.body)))) {
			return {
				rescheduled: false,
				reason: 'slot_taken',
				message: 'This time was just taken by another booking.',
				alternatives: await this.alternatives(ref.startMs),
			};
		}
		if (res.status >= 400) this.fail('reschedule', res);
		const booking = (res.body as { data?: CalBooking }).data;
		if (!booking?.uid)
			throw new SchedulingRemoteError('Cal.com reschedule response has no booking', res.status, res.body);
		return {
			rescheduled: true,
			appointment: this.toAppointment(booking),
			previous: {
				start: new Date(Date.parse(current.start)).toISOString(),
				end: new Date(Date.parse(current.end)).toISOString(),
			},
		};
	}

	async listAppointments(query: ListAppointmentsQuery): Promise<Appointment[]> {
		const fromMs = parseInstant(query.from, 'from', this.zone);
		const toMs = parseInstant(query.to, 'to', this.zone);
		if (toMs <= fromMs) throw new SchedulingInputError('"To" must be later than "From"', 'to');
		const out: Appointment[] = [];
		const take = 100;
		for (let skip = 0, page = 0; page < 50; page++, skip += take) {
			const res = await this.call('GET', '/v2/bookings', CALCOM_BOOKINGS_API_VERSION, {
				params: {
					eventTypeId: String(this.eventTypeId),
					afterStart: new Date(fromMs).toISOString(),
					beforeEnd: new Date(toMs).toISOString(),
					sortStart: 'asc',
					take: String(take),
					skip: String(skip),
				},
			});
			if (res.status >= 400) this.fail('booking list', res);
			const body = res.body as { data?: CalBooking[]; pagination?: { hasNextPage?: boolean } };
			for (const b of body.data ?? []) {
				const a = this.toAppointment(b, query.locale ?? this.locale);
				if (Date.parse(a.start) < fromMs || Date.parse(a.start) >= toMs) continue;
				if (query.statuses?.length && !query.statuses.includes(a.status)) continue;
				out.push(a);
			}
			if (!body.pagination?.hasNextPage || (body.data ?? []).length === 0) break;
		}
		out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
		return query.limit && query.limit > 0 ? out.slice(0, query.limit) : out;
	}

	async updateStatus(request: UpdateStatusRequest): Promise<Appointment> {
		const uid = this.uid(request.appointmentId);
		let res: HttpResponse;
		if (request.status === 'booked') {
			res = await this.call(
				'POST',
				`/v2/bookings/${encodeURIComponent(uid)}/confirm`,
				CALCOM_BOOKINGS_API_VERSION,
			);
		} else if (request.status === 'noshow') {
			const current = await this.get(uid);
			if (!current) throw new SchedulingInputError(`No Cal.com booking "${uid}"`, 'appointmentId');
			res = await this.call(
				'POST',
				`/v2/bookings/${encodeURIComponent(uid)}/mark-absent`,
				CALCOM_BOOKINGS_API_VERSION,
				{
					body: {
						attendees: (current.attendees ?? [])
							.filter((a) => a.email)
							.map((a) => ({ email: a.email, absent: true })),
					},
				},
			);
		} else {
			throw new SchedulingInputError(
				`Cal.com has no "${request.status}" status; it supports Confirmed (booked) and No-show`,
				'status',
			);
		}
		if (res.status === 404) throw new SchedulingInputError(`No Cal.com booking "${uid}"`, 'appointmentId');
		if (res.status >= 400) this.fail('status update', res);
		const booking = (res.body as { data?: CalBooking }).data ?? (await this.get(uid));
		if (!booking)
			throw new SchedulingRemoteError('Cal.com status response has no booking', res.status, res.body);
		return this.toAppointment(booking);
	}
}
