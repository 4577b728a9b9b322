/**
 * Local calendar days of one IANA zone and the instants of their wall times, for the slot engine. Each day knows
 * the offsets in force around it, so a day without a DST transition converts with one addition and a transition
 * day resolves gaps and repeated hours explicitly (see localToEpoch).
 */
import { IANAZone } from 'luxon';

import { hhmmToMinutes } from './rules';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export interface DayInfo {
	y: number;
	m: number;
	d: number;
	/** 0 = Monday … 6 = Sunday */
	weekday: number;
	/** Wall-clock midnight read as if it were UTC. */
	wallMs: number;
	/** Offset in minutes valid for the whole day, or null when the offset changes during that day. */
	uniformOffset: number | null;
	offsetBefore: number;
	offsetAfter: number;
	key: number;
}

export class ZoneCalendar {
	private readonly iana: IANAZone;
	private readonly dayCache = new Map<number, DayInfo>();

	constructor(readonly zone: string) {
		this.iana = IANAZone.create(zone);
	}

	/** Day info for a local calendar date (cached). */
	day(y: number, m: number, d: number): DayInfo {
		const wallMs = Date.UTC(y, m - 1, d);
		let info = this.dayCache.get(wallMs);
		if (info) return info;
		const date = new Date(wallMs);
		// Offsets in force just before the local day can start and just after it can end (UTC-14 … UTC+14 zones).
		// Two transitions never happen that close together in tzdb, so equal offsets mean a uniform day.
		const before = this.iana.offset(wallMs - 14 * 3_600_000);
		const after = this.iana.offset(wallMs + DAY + 14 * 3_600_000);
		info = {
			y: date.getUTCFullYear(),
			m: date.getUTCMonth() + 1,
			d: date.getUTCDate(),
			weekday: (date.getUTCDay() + 6) % 7,
			wallMs,
			uniformOffset: before === after ? before : null,
			offsetBefore: before,
			offsetAfter: after,
			key: wallMs,
		};
		this.dayCache.set(wallMs, info);
		return info;
	}

	dayOf(ms: number): DayInfo {
		const wall = ms + this.iana.offset(ms) * MINUTE;
		const date = new Date(wall);
		return this.day(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
	}

	nextDay(info: DayInfo): DayInfo {
		const date = new Date(info.wallMs + DAY);
		return this.day(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
	}

	/**
	 * Instant of local wall time `minute` (0–1440) on `info`'s date. A time that does not exist (spring-forward
	 * gap) moves forward by the gap; a time that exists twice (fall-back) resolves to its first occurrence
	 * (`'early'`, for starts) or its second (`'late'`, for ends) so opening intervals cover the whole real span.
	 */
	localToEpoch(info: DayInfo, minute: number, prefer: 'early' | 'late' = 'early'): number {
		if (minute >= 1440) return this.localToEpoch(this.nextDay(info), minute - 1440, prefer);
		if (info.uniformOffset !== null) return info.wallMs + (minute - info.uniformOffset) * MINUTE;
		const wall = info.wallMs + minute * MINUTE;
		const a = wall - info.offsetBefore * MINUTE;
		const b = wall - info.offsetAfter * MINUTE;
		const aValid = this.iana.offset(a) === info.offsetBefore;
		const bValid = this.iana.offset(b) === info.offsetAfter;
		if (aValid && bValid) return prefer === 'early' ? Math.min(a, b) : Math.max(a, b);
		if (aValid) return a;
		if (bValid) return b;
		return a; // in the gap: the pre-transition offset lands after the jump, like luxon and Temporal do
	}

	/** Instant of a clinic-local `yyyy-MM-dd` (start or end of that day) or `yyyy-MM-ddTHH:mm`. */
	parseLocal(value: string, endOfDay: boolean): number {
		const [datePart, timePart] = value.split('T');
		const [y, m, d] = datePart.split('-').map(Number);
		const info = this.day(y, m, d);
		if (!timePart) return this.localToEpoch(info, endOfDay ? 1440 : 0, endOfDay ? 'late' : 'early');
		return this.localToEpoch(info, hhmmToMinutes(timePart.slice(0, 5)), endOfDay ? 'late' : 'early');
	}
}
