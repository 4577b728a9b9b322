/**
 * Built-in scheduler: clinic rules (SlotEngine) + a BookingRepository. Book re-validates the slot against the
 * rules and the clock, then relies on the repository's atomic overlap-check-and-insert, so two concurrent Book
 * calls for one slot produce exactly one booking; the loser gets `slot_taken` and the next free alternatives.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';

import { BusyIndex } from '../busy-index';
import { parseInstant } from '../instant';
import { type EngineSlot, SlotEngine } from '../engine';
import { slotLabel } from '../labels';
import { DEFAULT_ALTERNATIVES, type SchedulingProvider } from '../provider';
import type { BookingRepository, StoredBooking } from '../repositories/port';
import type { ClinicRules } from '../rules';
import { decodeSlotIdFor, encodeSlotId } from '../slot-id';
import { cleanPatient, requireId } from './request-input';
import {
	type Appointment,
	type BookOutcome,
	type BookRequest,
	type CancelOutcome,
	type CancelRequest,
	type Clock,
	type FreeSlot,
	type ListAppointmentsQuery,
	type NotBookedReason,
	type RescheduleOutcome,
	type RescheduleRequest,
	SchedulingInputError,
	type SlotLocale,
	type SlotQuery,
	type UpdateStatusRequest,
} from '../types';

const DAY = 86_400_000;

export interface BuiltinProviderOptions {
	rules: ClinicRules;
	repository: BookingRepository;
	clock?: Clock;
	locale?: SlotLocale;
	alternatives?: number;
	newId?: () => string;
}

const REASON_TEXT: Record<NotBookedReason, string> = {
	slot_taken: 'This time was just taken by another booking.',
	too_soon: 'This time is closer than the clinic’s minimum booking notice.',
	beyond_horizon: 'This time is beyond how far ahead the clinic accepts bookings.',
	not_available: 'This time is not offered by the clinic’s schedule (hours, breaks or closures).',
};

export class BuiltinSchedulingProvider implements SchedulingProvider {
	readonly backend = 'builtin' as const;
	readonly engine: SlotEngine;
	private readonly repo: BookingRepository;
	private readonly clock: Clock;
	private readonly locale: SlotLocale;
	private readonly alternativesCount: number;
	private readonly newId: () => string;

	constructor(options: BuiltinProviderOptions) {
		this.engine = new SlotEngine(options.rules);
		this.repo = options.repository;
		this.clock = options.clock ?? Date.now;
		this.locale = options.locale ?? 'pt-BR';
		this.alternativesCount = options.alternatives ?? DEFAULT_ALTERNATIVES;
		this.newId = options.newId ?? (() => `apt_${randomUUID()}`);
	}

	get timeZone(): string {
		return this.engine.zone;
	}

	private iso(ms: number): string {
		return new Date(ms).toISOString();
	}

	private local(ms: number): string {
		return DateTime.fromMillis(ms, { zone: this.engine.zone }).toISO({ suppressMilliseconds: true }) ?? '';
	}

	toFreeSlot(s: EngineSlot, locale: SlotLocale = this.locale): FreeSlot {
		const p = this.engine.practitioner(s.practitionerId);
		const service = this.engine.services.get(s.serviceId);
		return {
			slotId: encodeSlotId({
				backend: 'builtin',
				practitionerId: s.practitionerId,
				serviceId: s.serviceId,
				startMs: s.startMs,
			}),
			start: this.iso(s.startMs),
			end: this.iso(s.endMs),
			startLocal: this.local(s.startMs),
			endLocal: this.local(s.endMs),
			timeZone: this.engine.zone,
			practitioner: { id: s.practitionerId, name: p?.name },
			service: service
				? { id: service.id, name: service.name, durationMinutes: service.durationMs / 60000 }
				: undefined,
			...(p?.location ? { location: p.location } : {}),
			label: slotLabel(s.startMs, this.engine.zone, locale),
		};
	}

	private toAppointment(b: StoredBooking, locale: SlotLocale = this.locale): Appointment {
		const p = this.engine.practitioner(b.practitionerId);
		const service = this.engine.services.get(b.serviceId);
		return {
			id: b.id,
			backend: 'builtin',
			status: b.status,
			start: this.iso(b.startMs),
			end: this.iso(b.endMs),
			startLocal: this.local(b.startMs),
			timeZone: this.engine.zone,
			label: slotLabel(b.startMs, this.engine.zone, locale),
			practitioner: { id: b.practitionerId, name: p?.name },
			service: {
				id: b.serviceId,
				name: service?.name,
				durationMinutes: Math.round((b.endMs - b.startMs) / 60000),
			},
			...(p?.location ? { location: p.location } : {}),
			patient: { ...b.patient },
			...(b.notes ? { notes: b.notes } : {}),
			slotId: encodeSlotId({
				backend: 'builtin',
				practitionerId: b.practitionerId,
				serviceId: b.serviceId,
				startMs: b.startMs,
			}),
			createdAt: this.iso(b.createdAtMs),
			updatedAt: this.iso(b.updatedAtMs),
		};
	}

	private async busyIndex(fromMs: number, toMs: number, practitionerIds: string[]): Promise<BusyIndex> {
		const pad = this.engine.padMs;
		const busy = await this.repo.listBusy(fromMs - pad - DAY, toMs + pad + DAY, practitionerIds);
		return BusyIndex.build(busy, pad);
	}

	async findFreeSlots(query: SlotQuery): Promise<FreeSlot[]> {
		const now = this.clock();
		const service = this.engine.resolveService(query.serviceId);
		const practitioners = this.engine.practitionersFor(service.id, query.practitionerId);
		const window = this.engine.bookableWindow(now);
		const fromMs = Math.max(
			window.fromMs,
			query.from ? parseInstant(query.from, 'from', this.engine.zone) : -Infinity,
		);
		const toMs = Math.min(window.toMs, query.to ? parseInstant(query.to, 'to', this.engine.zone) : Infinity);
		if (fromMs >= toMs || !practitioners.length) return [];
		const busy = await this.busyIndex(
			fromMs,
			toMs,
			practitioners.map((p) => p.id),
		);
		const slots = this.engine.findFreeSlots(
			{
				serviceId: service.id,
				practitionerId: query.practitionerId,
				fromMs,
				toMs,
				nowMs: now,
				limit: query.limit,
			},
			busy,
		);
		return slots.map((s) => this.toFreeSlot(s, query.locale));
	}

	/** Next free slots after a failed booking: same practitioner first, then anyone offering the service. */
	private async alternatives(
		serviceId: string,
		practitionerId: string,
		afterMs: number,
	): Promise<FreeSlot[]> {
		if (this.alternativesCount <= 0) return [];
		const from = new Date(afterMs).toISOString();
		const same = await this.findFreeSlots({ serviceId, practitionerId, from, limit: this.alternativesCount });
		if (same.length >= this.alternativesCount) return same;
		const any = await this.findFreeSlots({ serviceId, from, limit: this.alternativesCount * 2 });
		const seen = new Set(same.map((s) => s.slotId));
		return [...same, ...any.filter((s) => !seen.has(s.slotId))].slice(0, this.alternativesCount);
	}

	private async notBooked(
		reason: NotBookedReason,
		serviceId: string,
		practitionerId: string,
		startMs: number,
	) {
		const after = reason === 'too_soon' ? this.clock() : startMs;
		return {
			booked: false as const,
			reason,
			message: REASON_TEXT[reason],
			alternatives:
				reason === 'beyond_horizon' ? [] : await this.alternatives(serviceId, practitionerId, after),
		};
	}

	private validatePatient(request: BookRequest): void {
		if (!request.patient?.name?.trim())
			throw new SchedulingInputError('Patient name is required to book', 'patientName');
		if (!request.patient.phone?.trim() && !request.patient.email?.trim()) {
			throw new SchedulingInputError(
				'Give the patient phone (WhatsApp number) or email so the clinic can reach them',
				'patientPhone',
			);
		}
	}

	async book(request: BookRequest): Promise<BookOutcome> {
		const ref = decodeSlotIdFor(request.slotId, 'builtin');
		this.validatePatient(request);
		const now = this.clock();
		const service = this.engine.services.get(ref.serviceId);
		if (!service || !this.engine.practitioner(ref.practitionerId)) {
			return this.notBookedNoAlternatives('not_available');
		}
		const endMs = ref.startMs + service.durationMs;
		const busy = await this.busyIndex(ref.startMs, endMs, [ref.practitionerId]);
		const check = this.engine.checkSlot(ref.practitionerId, ref.serviceId, ref.startMs, now, busy);
		if (check !== 'ok') return this.notBooked(check, ref.serviceId, ref.practitionerId, ref.startMs);
		const booking: StoredBooking = {
			id: this.newId(),
			practitionerId: ref.practitionerId,
			serviceId: ref.serviceId,
			startMs: ref.startMs,
			endMs,
			status: 'booked',
			patient: cleanPatient(request.patient),
			...(request.notes ? { notes: request.notes } : {}),
			createdAtMs: now,
			updatedAtMs: now,
		};
		const inserted = await this.repo.insertIfFree(booking, this.engine.padMs);
		if (!inserted.ok) return this.notBooked('slot_taken', ref.serviceId, ref.practitionerId, ref.startMs);
		return { booked: true, appointment: this.toAppointment(booking) };
	}

	private notBookedNoAlternatives(reason: NotBookedReason): BookOutcome {
		return { booked: false, reason, message: REASON_TEXT[reason], alternatives: [] };
	}

	async cancel(request: CancelRequest): Promise<CancelOutcome> {
		const id = requireId(request.appointmentId);
		const existing = await this.repo.get(id);
		if (!existing)
			return { cancelled: false, reason: 'not_found', message: `No appointment with id "${id}"` };
		if (existing.status === 'cancelled') {
			return {
				cancelled: false,
				reason: 'already_cancelled',
				message: 'The appointment was already cancelled',
			};
		}
		const updated = await this.repo.setStatus(id, 'cancelled', this.clock(), request.reason ?? '');
		return { cancelled: true, appointment: this.toAppointment(updated!) };
	}

	async reschedule(request: RescheduleRequest): Promise<RescheduleOutcome> {
		const id = requireId(request.appointmentId);
		const ref = decodeSlotIdFor(request.newSlotId, 'builtin');
		const existing = await this.repo.get(id);
		if (!existing)
			return {
				rescheduled: false,
				reason: 'not_found',
				message: `No appointment with id "${id}"`,
				alternatives: [],
			};
		const service = this.engine.services.get(ref.serviceId);
		if (!service || !this.engine.practitioner(ref.practitionerId)) {
			return {
				rescheduled: false,
				reason: 'not_available',
				message: REASON_TEXT.not_available,
				alternatives: [],
			};
		}
		const now = this.clock();
		const endMs = ref.startMs + service.durationMs;
		// The appointment's own time does not block its move (e.g. shifting by 15 minutes).
		const busyList = (
			await this.repo.listBusy(ref.startMs - this.engine.padMs - DAY, endMs + this.engine.padMs + DAY, [
				ref.practitionerId,
			])
		).filter(
			(b) =>
				!(
					b.practitionerId === existing.practitionerId &&
					b.startMs === existing.startMs &&
					b.endMs === existing.endMs
				),
		);
		const check = this.engine.checkSlot(
			ref.practitionerId,
			ref.serviceId,
			ref.startMs,
			now,
			BusyIndex.build(busyList, this.engine.padMs),
		);
		if (check !== 'ok') {
			const nb = await this.notBooked(check, ref.serviceId, ref.practitionerId, ref.startMs);
			return { rescheduled: false, reason: nb.reason, message: nb.message, alternatives: nb.alternatives };
		}
		const moved = await this.repo.moveIfFree(
			id,
			{ startMs: ref.startMs, endMs, serviceId: ref.serviceId, practitionerId: ref.practitionerId },
			now,
			this.engine.padMs,
		);
		if (!moved.ok) {
			if (moved.reason === 'slot_taken') {
				const nb = await this.notBooked('slot_taken', ref.serviceId, ref.practitionerId, ref.startMs);
				return {
					rescheduled: false,
					reason: 'slot_taken',
					message: nb.message,
					alternatives: nb.alternatives,
				};
			}
			return {
				rescheduled: false,
				reason: moved.reason,
				message:
					moved.reason === 'not_found'
						? `No appointment with id "${id}"`
						: `The appointment is ${existing.status}; only active appointments can be moved`,
				alternatives: [],
			};
		}
		return {
			rescheduled: true,
			appointment: this.toAppointment(moved.booking),
			previous: {
				start: this.iso(moved.previous.startMs),
				end: this.iso(moved.previous.endMs),
				slotId: encodeSlotId({
					backend: 'builtin',
					practitionerId: existing.practitionerId,
					serviceId: existing.serviceId,
					startMs: moved.previous.startMs,
				}),
			},
		};
	}

	async listAppointments(query: ListAppointmentsQuery): Promise<Appointment[]> {
		const fromMs = parseInstant(query.from, 'from', this.engine.zone);
		const toMs = parseInstant(query.to, 'to', this.engine.zone);
		if (toMs <= fromMs) throw new SchedulingInputError('"To" must be later than "From"', 'to');
		const patient = query.patient ?? {};
		if (patient.reference?.trim() || (patient.email?.trim() && !patient.phone?.trim()))
			throw new SchedulingInputError(
				'The built-in scheduler finds a patient’s appointments by phone number only',
				'patientPhone',
				'Fill Patient Phone (the WhatsApp number the appointment was booked with) and leave Patient Email and FHIR Patient Reference empty.',
			);
		const rows = await this.repo.list({
			fromMs,
			toMs,
			practitionerId: query.practitionerId || undefined,
			patientPhone: patient.phone?.trim() || undefined,
			statuses: query.statuses?.length ? query.statuses : undefined,
			// One more than asked: tells whether the limit cut the list (never cut off silently).
			limit: query.limit ? query.limit + 1 : undefined,
		});
		if (query.limit && rows.length > query.limit) {
			rows.length = query.limit;
			query.onWarning?.({
				code: 'results_truncated',
				message: `More appointments match than Limit (${query.limit}) allows: only the first ${query.limit} (earliest first) were listed. Raise Limit, narrow the window (From / To), or, for reminders, use workflow 10 (paged reminders).`,
				unread: null,
			});
		}
		return rows.map((b) => this.toAppointment(b, query.locale));
	}

	async updateStatus(request: UpdateStatusRequest): Promise<Appointment> {
		const id = requireId(request.appointmentId);
		const updated = await this.repo.setStatus(id, request.status, this.clock());
		if (!updated) throw new SchedulingInputError(`No appointment with id "${id}"`, 'appointmentId');
		return this.toAppointment(updated);
	}
}
