/**
 * FHIR R4 scheduling backend (Schedule / Slot / Appointment).
 *
 * - Find: `Schedule?actor=Practitioner/x` → `Slot?schedule=…&status=free&start=ge…&start=lt…&_sort=start&_count=…
 *   &_include=Slot:schedule`, following `Bundle.link[next]` (fhir-client.ts).
 * - List: `Appointment?date=ge…&date=lt…&_include=Appointment:patient`.
 * - Book, Cancel, Reschedule, Update Status: version-checked transactions (fhir-booking.ts).
 * - Resources map to slots and appointments in the clinic's time zone (fhir-mapping.ts).
 */
import { DEFAULT_ALTERNATIVES, type SchedulingProvider } from '../provider';
import {
	type Appointment,
	type BookOutcome,
	type BookRequest,
	type CancelOutcome,
	type CancelRequest,
	type Clock,
	type FreeSlot,
	type HttpSender,
	type ListAppointmentsQuery,
	type RescheduleOutcome,
	type RescheduleRequest,
	SchedulingInputError,
	type SlotLocale,
	type SlotQuery,
	type UpdateStatusRequest,
} from '../types';
import { parseInstant } from './builtin';
import { FhirBookings } from './fhir-booking';
import { FhirClient } from './fhir-client';
import { FhirMapper } from './fhir-mapping';
import {
	type FhirAppointment,
	type FhirSchedule,
	type FhirSlot,
	practitionerRef,
	refId,
} from './fhir-resources';

export interface FhirProviderOptions {
	baseUrl: string;
	send: HttpSender;
	/** Clinic time zone for local times and labels. */
	timeZone: string;
	clock?: Clock;
	locale?: SlotLocale;
	alternatives?: number;
	/** Page size for searches (`_count`). */
	pageSize?: number;
	/** Safety cap on followed `next` links. */
	maxPages?: number;
}

export class FhirSchedulingProvider implements SchedulingProvider {
	readonly backend = 'fhir' as const;
	private readonly client: FhirClient;
	private readonly mapper: FhirMapper;
	private readonly bookings: FhirBookings;
	private readonly zone: string;
	private readonly clock: Clock;
	private readonly locale: SlotLocale;
	private readonly alternativesCount: number;
	private readonly pageSize: number;

	constructor(options: FhirProviderOptions) {
		this.client = new FhirClient(options.baseUrl, options.send, options.maxPages ?? 20);
		this.zone = options.timeZone;
		this.clock = options.clock ?? Date.now;
		this.locale = options.locale ?? 'pt-BR';
		this.alternativesCount = options.alternatives ?? DEFAULT_ALTERNATIVES;
		this.pageSize = options.pageSize ?? 50;
		this.mapper = new FhirMapper(this.zone, this.locale);
		this.bookings = new FhirBookings({
			client: this.client,
			mapper: this.mapper,
			clock: this.clock,
			alternativesAfter: async (slot) => await this.alternativesAfter(slot),
		});
	}

	private async scheduleRefs(practitionerId: string): Promise<string[]> {
		const { matches } = await this.client.search('Schedule', [
			['actor', practitionerRef(practitionerId)],
			['_count', String(this.pageSize)],
		]);
		return matches
			.filter((s) => (s as { active?: boolean }).active !== false)
			.map((s) => `Schedule/${s!.id}`);
	}

	async findFreeSlots(query: SlotQuery): Promise<FreeSlot[]> {
		const now = this.clock();
		const fromMs = Math.max(now, query.from ? parseInstant(query.from, 'from', this.zone) : now);
		const toMs = query.to ? parseInstant(query.to, 'to', this.zone) : fromMs + 30 * 86_400_000;
		if (toMs <= fromMs) return [];
		const limit = query.limit && query.limit > 0 ? query.limit : 100;
		let schedules: string[] = [];
		if (query.scheduleId)
			schedules = [query.scheduleId.includes('/') ? query.scheduleId : `Schedule/${query.scheduleId}`];
		else if (query.practitionerId) {
			schedules = await this.scheduleRefs(query.practitionerId);
			if (!schedules.length) return [];
		}
		const params: Array<[string, string]> = [];
		if (schedules.length) params.push(['schedule', schedules.join(',')]);
		params.push(
			['status', 'free'],
			['start', `ge${new Date(fromMs).toISOString()}`],
			['start', `lt${new Date(toMs).toISOString()}`],
		);
		if (query.serviceId) params.push(['service-type', query.serviceId]);
		params.push(
			['_sort', 'start'],
			['_count', String(Math.min(this.pageSize, limit))],
			['_include', 'Slot:schedule'],
		);
		const { matches, included } = await this.client.search('Slot', params, limit);
		const slots = (matches as FhirSlot[])
			.filter((s) => s.status === 'free' && Date.parse(s.start) >= fromMs)
			.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
		const missing = [
			...new Set(slots.map((s) => s.schedule.reference).filter((r): r is string => !!r && !included.has(r))),
		];
		for (const ref of missing) {
			const id = refId(ref, 'Schedule');
			if (id) {
				const schedule = await this.client.read<FhirSchedule>('Schedule', id);
				if (schedule) included.set(ref, schedule as never);
			}
		}
		return slots.map((s) =>
			this.mapper.toFreeSlot(
				s,
				included.get(s.schedule.reference ?? '') as FhirSchedule | undefined,
				query.locale ?? this.locale,
			),
		);
	}

	/** Next free slots of the same schedule from the taken slot's start (the taken one is no longer free). */
	private async alternativesAfter(slot: FhirSlot | undefined): Promise<FreeSlot[]> {
		if (!slot || this.alternativesCount <= 0) return [];
		return await this.findFreeSlots({
			scheduleId: slot.schedule.reference,
			from: slot.start,
			limit: this.alternativesCount,
		});
	}

	async book(request: BookRequest): Promise<BookOutcome> {
		return await this.bookings.book(request);
	}

	async cancel(request: CancelRequest): Promise<CancelOutcome> {
		return await this.bookings.cancel(request);
	}

	async reschedule(request: RescheduleRequest): Promise<RescheduleOutcome> {
		return await this.bookings.reschedule(request);
	}

	async updateStatus(request: UpdateStatusRequest): Promise<Appointment> {
		return await this.bookings.updateStatus(request);
	}

	async listAppointments(query: ListAppointmentsQuery): Promise<Appointment[]> {
		const fromMs = parseInstant(query.from, 'from', this.zone);
		const toMs = parseInstant(query.to, 'to', this.zone);
		if (toMs <= fromMs) throw new SchedulingInputError('"To" must be later than "From"', 'to');
		const params: Array<[string, string]> = [
			['date', `ge${new Date(fromMs).toISOString()}`],
			['date', `lt${new Date(toMs).toISOString()}`],
		];
		if (query.practitionerId) params.push(['practitioner', practitionerRef(query.practitionerId)]);
		if (query.statuses?.length) params.push(['status', query.statuses.join(',')]);
		params.push(['_sort', 'date'], ['_count', String(this.pageSize)], ['_include', 'Appointment:patient']);
		const { matches, included } = await this.client.search(
			'Appointment',
			params,
			query.limit && query.limit > 0 ? query.limit : Infinity,
		);
		return (matches as unknown as FhirAppointment[]).map((a) =>
			this.mapper.toAppointment(a, query.locale ?? this.locale, included),
		);
	}
}
