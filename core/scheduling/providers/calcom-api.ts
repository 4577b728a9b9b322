/**
 * The Cal.com API v2 wire for the scheduling backend: the booking shape it returns, the `cal-api-version` of each
 * endpoint family, one call over the injected HttpSender (statuses come back as values) and how its refusals read.
 */
import { type HttpResponse, type HttpSender, SchedulingRemoteError } from '../types';

/** `GET /v2/slots`. */
export const CALCOM_SLOTS_API_VERSION = '2024-09-04';
/** `/v2/bookings…`. */
export const CALCOM_BOOKINGS_API_VERSION = '2024-08-13';

export interface CalAttendee {
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

/** `GET /v2/slots` range format: start/end per free slot, grouped by day. */
export type CalSlotDays = Record<string, Array<{ start: string; end?: string }>>;

const TAKEN =
	/already has booking|not available|no_available_users|unavailable|is in the past|slot.*(taken|booked)/i;

/** Cal.com's error message in a response body ('' when there is none). */
export function errorMessage(body: unknown): string {
	const b = body as { error?: { message?: string; code?: string }; message?: string };
	return b?.error?.message ?? b?.message ?? '';
}

/** A refusal because the time is no longer free (409, or a 4xx whose message says so). */
export function isTakenRefusal(res: HttpResponse): boolean {
	return res.status === 409 || (res.status >= 400 && res.status < 500 && TAKEN.test(errorMessage(res.body)));
}

export class CalcomClient {
	private readonly base: string;

	constructor(
		baseUrl: string | undefined,
		private readonly send: HttpSender,
	) {
		this.base = (baseUrl || 'https://api.cal.com').replace(/\/+$/, '');
	}

	async call(
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

	/** A `/v2/bookings/:uid…` call (the uid is path-encoded). */
	async bookingCall(uid: string, action: string, body?: unknown): Promise<HttpResponse> {
		return await this.call(
			'POST',
			`/v2/bookings/${encodeURIComponent(uid)}/${action}`,
			CALCOM_BOOKINGS_API_VERSION,
			body !== undefined ? { body } : {},
		);
	}

	fail(what: string, res: HttpResponse): never {
		const msg = errorMessage(res.body);
		throw new SchedulingRemoteError(
			`Cal.com ${what} failed with HTTP ${res.status}${msg ? `: ${msg}` : ''}`,
			res.status,
			res.body,
		);
	}

	/** The booking, or undefined when Cal.com does not know the uid (404). */
	async getBooking(uid: string): Promise<CalBooking | undefined> {
		const res = await this.call(
			'GET',
			`/v2/bookings/${encodeURIComponent(uid)}`,
			CALCOM_BOOKINGS_API_VERSION,
		);
		if (res.status === 404) return undefined;
		if (res.status >= 400) this.fail('booking lookup', res);
		return (res.body as { data?: CalBooking }).data;
	}
}
