/**
 * The contract every scheduling backend implements (built-in, FHIR R4, Cal.com). Expected results — slot taken,
 * appointment not found, already cancelled — are outcome values; exceptions are for bad input
 * (SchedulingInputError) and remote failures (SchedulingRemoteError).
 */
import type {
	Appointment,
	BookOutcome,
	BookRequest,
	CancelOutcome,
	CancelRequest,
	FreeSlot,
	ListAppointmentsQuery,
	RescheduleOutcome,
	RescheduleRequest,
	SchedulingBackend,
	SlotQuery,
	UpdateStatusRequest,
} from './types';

export interface SchedulingProvider {
	readonly backend: SchedulingBackend;
	/** The clinic's IANA time zone (local times, labels, waitlist times of day). */
	readonly timeZone: string;
	findFreeSlots(query: SlotQuery): Promise<FreeSlot[]>;
	book(request: BookRequest): Promise<BookOutcome>;
	cancel(request: CancelRequest): Promise<CancelOutcome>;
	reschedule(request: RescheduleRequest): Promise<RescheduleOutcome>;
	listAppointments(query: ListAppointmentsQuery): Promise<Appointment[]>;
	/** Throws SchedulingInputError when the appointment does not exist or the backend cannot set that status. */
	updateStatus(request: UpdateStatusRequest): Promise<Appointment>;
}

/** How many next free slots a "slot just taken" outcome proposes. */
export const DEFAULT_ALTERNATIVES = 3;
