/**
 * FHIR R4 scheduling backend (Schedule / Slot / Appointment).
 *
 * - Find: `Schedule?actor=Practitioner/x` → `Slot?schedule=…&status=free&start=ge…&start=lt…&_sort=start&_count=…
 *   &_include=Slot:schedule`, following `Bundle.link[next]`.
 * - Book: one transaction Bundle = POST Appointment (booked, patient + practitioner, slot reference) + PUT Slot busy
 *   with `If-Match: W/"<versionId>"` read just before. Two bookings of one slot cannot both succeed: the second
 *   transaction fails with 409/412 and the server rolls it back; the loser gets `slot_taken` + alternatives.
 * - Cancel: transaction PUT Appointment cancelled (If-Match) + PUT Slot free (If-Match). Reschedule: one
 *   transaction moving the Appointment, freeing the old Slot and taking the new one, all versioned.
 * - A patient without a FHIR id is carried as a contained Patient (name + telecom) so reminder workflows can
 *   still read the contact from List Appointments.
 */
import { randomUUID } from 'node:crypto';
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
	type PatientContact,
	type RescheduleOutcome,
	type RescheduleRequest,
	SchedulingInputError,
	SchedulingRemoteError,
	type SlotLocale,
	type SlotQuery,
	type UpdateStatusRequest,
} from '../types';
import { parseInstant } from './builtin';

/* Minimal R4 shapes (only what we read/write). */
interface Reference {
	reference?: string;
	display?: string;
}
interface CodeableConcept {
	coding?: Array<{ system?: string; code?: string; display?: string }>;
	text?: string;
}
interface Meta {
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
interface FhirSchedule {
	resourceType: 'Schedule';
	id?: string;
	actor?: Reference[];
	serviceType?: CodeableConcept[];
}
interface FhirPatient {
	resourceType: 'Patient';
	id?: string;
	name?: Array<{ text?: string; given?: string[]; family?: string }>;
	telecom?: Array<{ system?: string; value?: string }>;
}
interface FhirAppointment {
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
interface BundleEntry {
	fullUrl?: string;
	resource?: { resourceType: string; id?: string; [k: string]: unknown };
	search?: { mode?: string };
	request?: { method: string; url: string; ifMatch?: string };
	response?: { status?: string; location?: string };
}
interface Bundle {
	resourceType: 'Bundle';
	type: string;
	total?: number;
	link?: Array<{ relation: string; url: string }>;
	entry?: BundleEntry[];
}

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

const CONFLICT = new Set([409, 412]);
const FHIR_JSON = 'application/fhir+json';

function practitionerRef(id: string): string {
	const trimmed = id.trim();
	return trimmed.includes('/') ? trimmed : `Practitioner/${trimmed}`;
}

function refId(reference: string | undefined, type: string): string | undefined {
	if (!reference) return undefined;
	const parts = reference.split('/');
	const i = parts.lastIndexOf(type);
	return i >= 0 && parts[i + 1] ? parts[i + 1] : undefined;
}

function conceptToService(concepts: CodeableConcept[] | undefined) {
	const c = concepts?.[0];
	if (!c) return undefined;
	const coding = c.coding?.[0];
	const id = coding?.code ?? c.text;
	if (!id) return undefined;
	return { id, name: coding?.display ?? c.text };
}

function outcomeText(body: unknown): string {
	const issues = (body as { issue?: Array<{ diagnostics?: string; details?: { text?: string } }> })?.issue;
	const text = issues
		?.map((i) => i.diagnostics ?? i.details?.text)
		.filter(Boolean)
		.join('; ');
	return text ? `: ${text}` : '';
}

export class FhirSchedulingProvider implements SchedulingProvider {
	readonly backend = 'fhir' as const;
	private readonly base: string;
	private readonly send: HttpSender;
	private readonly zone: string;
	private readonly clock: Clock;
	private readonly locale: SlotLocale;
	private readonly alternativesCount: number;
	private readonly pageSize: number;
	private readonly maxPages: number;

	constructor(options: FhirProviderOptions) {
		if (!/^https?:\/\//i.test(options.baseUrl ?? '')) {
			throw new SchedulingInputError('FHIR base URL must start with http:// or https://', 'baseUrl');
		}
		this.base = options.baseUrl.replace(/\/+$/, '');
		this.send = options.send;
		this.zone = options.timeZone;
		this.clock = options.clock ?? Date.now;
		this.locale = options.locale ?? 'pt-BR';
		this.alternativesCount = options.alternatives ?? DEFAULT_ALTERNATIVES;
		this.pageSize = options.pageSize ?? 50;
		this.maxPages = options.maxPages ?? 20;
	}

	// ---- HTTP ------------------------------------------------------------------------------------------------

	private url(path: string, params?: Array<[string, string]>): string {
		const url = /^https?:\/\//i.test(path) ? path : `${this.base}/${path.replace(/^\/+/, '')}`;
		if (!params?.length) return url;
		const qs = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
		return `${url}${url.includes('?') ? '&' : '?'}${qs}`;
	}

	private async call(
		method: 'GET' | 'POST' | 'PUT',
		path: string,
		options: { params?: Array<[string, string]>; body?: unknown; ifMatch?: string } = {},
	): Promise<HttpResponse> {
		const headers: Record<string, string> = { Accept: FHIR_JSON };
		if (options.body !== undefined) headers['Content-Type'] = FHIR_JSON;
		if (options.ifMatch) headers['If-Match'] = options.ifMatch;
		return await this.send({ method, url: this.url(path, options.params), headers, body: options.body });
	}

	private fail(what: string, res: HttpResponse): never {
		throw new SchedulingRemoteError(
			`FHIR server ${what} failed with HTTP ${res.status}${outcomeText(res.body)}`,
			res.status,
			res.body,
		);
	}

	private async read<T>(type: string, id: string): Promise<T | undefined> {
		const res = await this.call('GET', `${type}/${encodeURIComponent(id)}`);
		if (res.status === 404 || res.status === 410) return undefined;
		if (res.status >= 400) this.fail(`read of ${type}/${id}`, res);
		return res.body as T;
	}

	/** Runs a search and follows `next` links until `limit` matches or the pages run out. */
	private async search(type: string, params: Array<[string, string]>, limit = Infinity) {
		const matches: BundleEntry['resource'][] = [];
		const included = new Map<string, BundleEntry['resource']>();
		let res = await this.call('GET', type, { params });
		for (let page = 0; ; page++) {
			if (res.status >= 400) this.fail(`search ${type}`, res);
			const bundle = res.body as Bundle;
			for (const e of bundle.entry ?? []) {
				if (!e.resource) continue;
				if (e.search?.mode === 'include' || e.resource.resourceType !== type) {
					included.set(`${e.resource.resourceType}/${e.resource.id}`, e.resource);
				} else matches.push(e.resource);
			}
			const next = bundle.link?.find((l) => l.relation === 'next')?.url;
			if (!next || matches.length >= limit || page + 1 >= this.maxPages) break;
			res = await this.call('GET', next);
		}
		return { matches: matches.slice(0, limit), included };
	}

	private async transaction(entries: BundleEntry[]): Promise<HttpResponse> {
		return await this.call('POST', '', {
			body: { resourceType: 'Bundle', type: 'transaction', entry: entries },
		});
	}

	// ---- mapping ---------------------------------------------------------------------------------------------

	private local(ms: number): string {
		return DateTime.fromMillis(ms, { zone: this.zone }).toISO({ suppressMilliseconds: true }) ?? '';
	}

	private toFreeSlot(slot: FhirSlot, schedule: FhirSchedule | undefined, locale: SlotLocale): FreeSlot {
		const startMs = Date.parse(slot.start);
		const endMs = Date.parse(slot.end);
		const practitioner = schedule?.actor?.find((a) => /(^|\/)Practitioner(Role)?\//.test(a.reference ?? ''));
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
				? { id: practitioner.reference!.split('/').slice(-2).join('/'), name: practitioner.display }
				: { id: slot.schedule.reference ?? '', name: schedule?.actor?.[0]?.display },
			...(service ? { service: { ...service, durationMinutes: Math.round((endMs - startMs) / 60000) } } : {}),
			...(location?.display ? { location: location.display } : {}),
			label: slotLabel(startMs, this.zone, locale),
		};
	}

	private patientOf(a: FhirAppointment, included?: Map<string, BundleEntry['resource']>): PatientContact {
		const participant = a.participant.find((p) =>
			/^(#|Patient\/|.*\/Patient\/)/.test(p.actor?.reference ?? ''),
		);
		const ref = participant?.actor?.reference;
		let patient: FhirPatient | undefined;
		if (ref?.startsWith('#')) patient = a.contained?.find((c) => `#${c.id}` === ref);
		else if (ref) patient = included?.get(ref.split('/').slice(-2).join('/')) as FhirPatient | undefined;
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

	private toAppointment(
		a: FhirAppointment,
		locale: SlotLocale = this.locale,
		included?: Map<string, BundleEntry['resource']>,
	): Appointment {
		const startMs = a.start ? Date.parse(a.start) : NaN;
		const practitioner = a.participant.find((p) =>
			/(^|\/)Practitioner(Role)?\//.test(p.actor?.reference ?? ''),
		)?.actor;
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
				? {
						practitioner: {
							id: practitioner.reference!.split('/').slice(-2).join('/'),
							name: practitioner.display,
						},
					}
				: {}),
			...(service ? { service } : {}),
			patient: this.patientOf(a, included),
			...(a.comment ? { notes: a.comment } : {}),
			...(slotRef ? { slotId: encodeSlotId({ backend: 'fhir', slotResourceId: slotRef }) } : {}),
			...(a.created ? { createdAt: a.created } : {}),
		};
	}

	// ---- operations ------------------------------------------------------------------------------------------

	private async scheduleRefs(practitionerId: string): Promise<string[]> {
		const { matches } = await this.search('Schedule', [
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
		const { matches, included } = await this.search('Slot', params, limit);
		const slots = (matches as FhirSlot[])
			.filter((s) => s.status === 'free' && Date.parse(s.start) >= fromMs)
			.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
		const missing = [
			...new Set(slots.map((s) => s.schedule.reference).filter((r): r is string => !!r && !included.has(r))),
		];
		for (const ref of missing) {
			const id = refId(ref, 'Schedule');
			if (id) {
				const schedule = await this.read<FhirSchedule>('Schedule', id);
				if (schedule) included.set(ref, schedule as never);
			}
		}
		return slots.map((s) =>
			this.toFreeSlot(
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

	private patientParticipant(patient: PatientContact): {
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

	async book(request: BookRequest): Promise<BookOutcome> {
		const ref = decodeSlotIdFor(request.slotId, 'fhir');
		if (!request.patient?.name?.trim() && !request.patient?.reference?.trim()) {
			throw new SchedulingInputError(
				'Patient name (or FHIR Patient reference) is required to book',
				'patientName',
			);
		}
		const slot = await this.read<FhirSlot>('Slot', ref.slotResourceId);
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
				message: 'This time was just taken by another booking.',
				alternatives: await this.alternativesAfter(slot),
			};
		}
		if (Date.parse(slot.start) < this.clock()) {
			return {
				booked: false,
				reason: 'too_soon',
				message: 'This time has already passed.',
				alternatives: await this.alternativesAfter({ ...slot, start: new Date(this.clock()).toISOString() }),
			};
		}
		const schedule = await this.read<FhirSchedule>(
			'Schedule',
			refId(slot.schedule.reference, 'Schedule') ?? '',
		);
		const practitioner = schedule?.actor?.find((a) => /(^|\/)Practitioner(Role)?\//.test(a.reference ?? ''));
		const { participant, contained } = this.patientParticipant(request.patient);
		const appointment: FhirAppointment = {
			resourceType: 'Appointment',
			status: 'booked',
			...(contained ? { contained: [contained] } : {}),
			...(slot.serviceType ? { serviceType: slot.serviceType } : {}),
			start: slot.start,
			end: slot.end,
			minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60000),
			slot: [{ reference: `Slot/${slot.id}` }],
			created: new Date(this.clock()).toISOString().slice(0, 10),
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
		const fullUrl = `urn:uuid:${randomUUID()}`;
		const res = await this.transaction([
			{ fullUrl, resource: appointment as never, request: { method: 'POST', url: 'Appointment' } },
			{
				resource: { ...slot, status: 'busy' } as never,
				request: {
					method: 'PUT',
					url: `Slot/${slot.id}`,
					...(slot.meta?.versionId ? { ifMatch: `W/"${slot.meta.versionId}"` } : {}),
				},
			},
		]);
		if (CONFLICT.has(res.status)) {
			return {
				booked: false,
				reason: 'slot_taken',
				message: 'This time was just taken by another booking.',
				alternatives: await this.alternativesAfter(slot),
			};
		}
		if (res.status >= 400) this.fail('booking transaction', res);
		const created = this.createdAppointment(res.body as Bundle);
		return { booked: true, appointment: this.toAppointment(created ?? appointment) };
	}

	private createdAppointment(bundle: Bundle): FhirAppointment | undefined {
		const entry = bundle.entry?.find(
			(e) => e.resource?.resourceType === 'Appointment' || /Appointment\//.test(e.response?.location ?? ''),
		);
		if (entry?.resource?.resourceType === 'Appointment') return entry.resource as unknown as FhirAppointment;
		return undefined;
	}

	private async readAppointment(appointmentId: string): Promise<FhirAppointment | undefined> {
		const id = appointmentId?.trim().replace(/^Appointment\//, '');
		if (!id) throw new SchedulingInputError('Appointment ID is required', 'appointmentId');
		return await this.read<FhirAppointment>('Appointment', id);
	}

	private versioned(resource: {
		resourceType: string;
		id?: string;
		meta?: Meta;
		[key: string]: unknown;
	}): BundleEntry {
		return {
			resource: resource as never,
			request: {
				method: 'PUT',
				url: `${resource.resourceType}/${resource.id}`,
				...(resource.meta?.versionId ? { ifMatch: `W/"${resource.meta.versionId}"` } : {}),
			},
		};
	}

	async cancel(request: CancelRequest): Promise<CancelOutcome> {
		for (let attempt = 0; attempt < 3; attempt++) {
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
			const entries = [this.versioned(updated)];
			for (const s of appointment.slot ?? []) {
				const slotId = refId(s.reference, 'Slot');
				const slot = slotId ? await this.read<FhirSlot>('Slot', slotId) : undefined;
				if (slot && slot.status !== 'free') entries.push(this.versioned({ ...slot, status: 'free' }));
			}
			const res = await this.transaction(entries);
			if (CONFLICT.has(res.status)) continue; // changed meanwhile: re-read and retry
			if (res.status >= 400) this.fail('cancel transaction', res);
			const saved = (await this.readAppointment(appointment.id!)) ?? updated;
			return { cancelled: true, appointment: this.toAppointment(saved) };
		}
		throw new SchedulingRemoteError(
			'FHIR server kept reporting a version conflict while cancelling; try again',
		);
	}

	async reschedule(request: RescheduleRequest): Promise<RescheduleOutcome> {
		const ref = decodeSlotIdFor(request.newSlotId, 'fhir');
		for (let attempt = 0; attempt < 3; attempt++) {
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
			const slot = await this.read<FhirSlot>('Slot', ref.slotResourceId);
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
					message: 'This time was just taken by another booking.',
					alternatives: await this.alternativesAfter(slot),
				};
			}
			const entries: BundleEntry[] = [
				this.versioned({
					...appointment,
					start: slot.start,
					end: slot.end,
					minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60000),
					slot: [{ reference: `Slot/${slot.id}` }],
				}),
				this.versioned({ ...slot, status: 'busy' }),
			];
			for (const s of appointment.slot ?? []) {
				const oldId = refId(s.reference, 'Slot');
				const old = oldId && oldId !== slot.id ? await this.read<FhirSlot>('Slot', oldId) : undefined;
				if (old && old.status !== 'free') entries.push(this.versioned({ ...old, status: 'free' }));
			}
			const res = await this.transaction(entries);
			if (CONFLICT.has(res.status)) continue;
			if (res.status >= 400) this.fail('reschedule transaction', res);
			const saved = (await this.readAppointment(appointment.id!))!;
			return {
				rescheduled: true,
				appointment: this.toAppointment(saved),
				previous: {
					start: appointment.start ? new Date(Date.parse(appointment.start)).toISOString() : '',
					end: appointment.end ? new Date(Date.parse(appointment.end)).toISOString() : '',
				},
			};
		}
		return {
			rescheduled: false,
			reason: 'slot_taken',
			message: 'This time was just taken by another booking.',
			alternatives: [],
		};
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
		const { matches, included } = await this.search(
			'Appointment',
			params,
			query.limit && query.limit > 0 ? query.limit : Infinity,
		);
		return (matches as unknown as FhirAppointment[]).map((a) =>
			this.toAppointment(a, query.locale ?? this.locale, included),
		);
	}

	async updateStatus(request: UpdateStatusRequest): Promise<Appointment> {
		for (let attempt = 0; attempt < 3; attempt++) {
			const appointment = await this.readAppointment(request.appointmentId);
			if (!appointment)
				throw new SchedulingInputError(
					`No Appointment "${request.appointmentId}" on the FHIR server`,
					'appointmentId',
				);
			const res = await this.call('PUT', `Appointment/${appointment.id}`, {
				body: { ...appointment, status: request.status },
				...(appointment.meta?.versionId ? { ifMatch: `W/"${appointment.meta.versionId}"` } : {}),
			});
			if (CONFLICT.has(res.status)) continue;
			if (res.status >= 400) this.fail('status update', res);
			return this.toAppointment(
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
