/**
 * FHIR R4 scheduling backend (Schedule / Slot / Appointment).
 *
 * - Find: `Schedule?actor=Practitioner/x` → `Slot?schedule=…&status=free&start=ge…&start=lt…&_sort=start&_count=…
 *   &_include=Slot:schedule`, following `Bundle.link[next]` (fhir-client.ts). An unknown practitioner or Schedule is
 *   a SchedulingInputError (never an empty list that looks fully booked); a service type also finds the Slots that
 *   take it from their Schedule (R4: a Slot without serviceType has its Schedule's).
 * - List: `Appointment?date=ge…&date=lt…&_include=Appointment:patient`, by patient with `patient=`.
 * - Results the server reported but did not let us read become a warning (query.onWarning), never a silent cut.
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
import { parseInstant } from '../instant';
import { FhirBookings } from './fhir-booking';
import { FhirClient, type SearchResult, type SearchTruncation } from './fhir-client';
import { FhirMapper } from './fhir-mapping';
import {
	type FhirAppointment,
	type FhirResource,
	type FhirSchedule,
	type FhirSlot,
	hasServiceType,
	type IncludedResources,
	practitionerRef,
	refId,
} from './fhir-resources';
import { contactMatches } from '../patient-filter';

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

	get timeZone(): string {
		return this.zone;
	}

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

	/**
	 * The Schedules a search is limited to: the given Schedule, the active Schedules of the given practitioner, or
	 * undefined (all). An unknown Schedule or a practitioner without Schedules is an input error, never an empty
	 * answer that would look like a fully booked calendar.
	 */
	private async schedulesFor(query: SlotQuery): Promise<FhirSchedule[] | undefined> {
		if (query.scheduleId) {
			const id = refId(query.scheduleId, 'Schedule') ?? query.scheduleId.trim();
			const schedule = await this.client.read<FhirSchedule>('Schedule', id);
			if (!schedule)
				throw new SchedulingInputError(
					`There is no Schedule/${id} on the FHIR server`,
					'scheduleId',
					'Check the Schedule ID field: use the id of a Schedule resource on this server (and the Base URL of the FHIR credential), or leave it empty and give the Practitioner ID.',
				);
			return [schedule];
		}
		if (!query.practitionerId) return undefined;
		const actor = practitionerRef(query.practitionerId);
		const { matches } = await this.client.search('Schedule', [
			['actor', actor],
			['_count', String(this.pageSize)],
		]);
		const schedules = matches as FhirSchedule[];
		const active = schedules.filter((s) => s.active !== false);
		if (active.length) return active;
		throw new SchedulingInputError(
			schedules.length
				? `Every Schedule for ${actor} on the FHIR server is inactive (active = false)`
				: `There is no Schedule for ${actor} on the FHIR server`,
			'practitionerId',
			schedules.length
				? `Check the Practitioner ID field, or ask the FHIR administrator to activate a Schedule for ${actor}.`
				: `Check the Practitioner ID field: it must be the id of a Practitioner (or "PractitionerRole/<id>") that is an actor of a Schedule (Schedule?actor=${actor} found none).`,
		);
	}

	/** Slot search parameters (status free, start window) around the optional schedule filter. */
	private slotParams(
		schedules: FhirSchedule[] | undefined,
		window: { fromMs: number; toMs: number },
		extra: Array<[string, string]>,
		limit: number,
	): Array<[string, string]> {
		return [
			...(schedules
				? [['schedule', schedules.map((s) => `Schedule/${s.id}`).join(',')] as [string, string]]
				: []),
			['status', 'free'],
			['start', `ge${new Date(window.fromMs).toISOString()}`],
			['start', `lt${new Date(window.toMs).toISOString()}`],
			...extra,
			['_sort', 'start'],
			['_count', String(Math.min(this.pageSize, limit))],
			['_include', 'Slot:schedule'],
		];
	}

	/**
	 * Free slots of one service type. FHIR R4: a Slot's serviceType overrides its Schedule's; a Slot without one takes
	 * the Schedule's. A `service-type` search only sees the Slot's own, so the Slots of Schedules with that service
	 * type that have none of their own are searched too.
	 */
	private async serviceSlots(
		serviceType: string,
		schedules: FhirSchedule[] | undefined,
		window: { fromMs: number; toMs: number },
		limit: number,
		warn: (t: SearchTruncation | undefined) => void,
	) {
		const own = await this.client.search(
			'Slot',
			this.slotParams(schedules, window, [['service-type', serviceType]], limit),
			limit,
		);
		warn(own.truncated);
		const inheriting = schedules
			? schedules.filter((s) => hasServiceType(s.serviceType, serviceType))
			: await this.activeSchedulesOfService(serviceType, warn);
		if (!inheriting.length) return own;
		const inherited = await this.client.search(
			'Slot',
			this.slotParams(inheriting, window, [], limit),
			limit,
			(slot) => !(slot as FhirSlot).serviceType?.length,
		);
		warn(inherited.truncated);
		for (const [k, v] of inherited.included) own.included.set(k, v);
		const ids = new Set(own.matches.map((m) => m.id));
		return {
			matches: [...own.matches, ...inherited.matches.filter((m) => !ids.has(m.id))],
			included: own.included,
		};
	}

	private async activeSchedulesOfService(
		serviceType: string,
		warn: (t: SearchTruncation | undefined) => void,
	): Promise<FhirSchedule[]> {
		const found = await this.client.search('Schedule', [
			['service-type', serviceType],
			['_count', String(this.pageSize)],
		]);
		warn(found.truncated);
		return (found.matches as FhirSchedule[]).filter((s) => s.active !== false);
	}

	async findFreeSlots(query: SlotQuery): Promise<FreeSlot[]> {
		const now = this.clock();
		const fromMs = Math.max(now, query.from ? parseInstant(query.from, 'from', this.zone) : now);
		const toMs = query.to ? parseInstant(query.to, 'to', this.zone) : fromMs + 30 * 86_400_000;
		const schedules = await this.schedulesFor(query);
		if (toMs <= fromMs) return [];
		const limit = query.limit && query.limit > 0 ? query.limit : 100;
		const warn = (t: SearchTruncation | undefined) =>
			t && query.onWarning?.({ code: 'results_truncated', message: t.message, unread: t.unread });
		const window = { fromMs, toMs };
		let found: { matches: FhirResource[]; included: IncludedResources };
		if (query.serviceId) found = await this.serviceSlots(query.serviceId, schedules, window, limit, warn);
		else {
			found = await this.client.search('Slot', this.slotParams(schedules, window, [], limit), limit);
			warn((found as SearchResult).truncated);
		}
		const { included } = found;
		for (const s of schedules ?? []) included.set(`Schedule/${s.id}`, s as unknown as FhirResource);
		const slots = (found.matches as FhirSlot[])
			.filter((s) => s.status === 'free' && Date.parse(s.start) >= fromMs)
			.sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
			.slice(0, limit);
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
		const patient = query.patient ?? {};
		const reference = patient.reference?.trim();
		if (reference) params.push(['patient', reference.includes('/') ? reference : `Patient/${reference}`]);
		if (query.statuses?.length) params.push(['status', query.statuses.join(',')]);
		params.push(['_sort', 'date'], ['_count', String(this.pageSize)], ['_include', 'Appointment:patient']);
		const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
		// A phone or email is matched on the Appointment's Patient (contained or included), after the search: the whole
		// window is read, then limited.
		const byContact = !reference && !!(patient.phone?.trim() || patient.email?.trim());
		const { matches, included, truncated } = await this.client.search(
			'Appointment',
			params,
			byContact ? Infinity : limit,
		);
		if (truncated)
			query.onWarning?.({ code: 'results_truncated', message: truncated.message, unread: truncated.unread });
		const list = (matches as unknown as FhirAppointment[]).map((a) =>
			this.mapper.toAppointment(a, query.locale ?? this.locale, included),
		);
		return byContact ? list.filter((a) => contactMatches(a.patient, patient)).slice(0, limit) : list;
	}
}
