/**
 * The report's calendar: the clinic-local days and weeks (Monday to Sunday, as ISO 8601) of the report period, with
 * the instant each starts. Bucketing an instant is a binary search over these starts, so a million audit entries
 * need no time-zone arithmetic each (that is done once per day, DST included, by the slot engine's ZoneCalendar).
 */
import { IANAZone } from 'luxon';

import { ClinicError } from '../errors';
import { type DayInfo, ZoneCalendar } from '../scheduling/zone-calendar';

/** The longest period one report covers (a little over three years of days). */
export const MAX_REPORT_DAYS = 1200;

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (d: DayInfo) => `${d.y}-${pad(d.m)}-${pad(d.d)}`;

export class ReportCalendar {
	/** `yyyy-MM-dd` of each local day that overlaps the period. */
	readonly days: string[] = [];
	/** For each day, the index of its week in `weeks`. */
	readonly weekOfDay: number[] = [];
	/** `yyyy-MM-dd` of the Monday of each week that overlaps the period. */
	readonly weeks: string[] = [];
	/** Instant each day starts (the first day: the period start). */
	private readonly starts: number[] = [];

	constructor(
		readonly fromMs: number,
		readonly toMs: number,
		readonly timeZone: string,
	) {
		if (!(toMs > fromMs))
			throw new ClinicError('"To" must be later than "From"', {
				code: 'invalid_input',
				field: 'To',
				hint: 'Set To after From, e.g. From {{ $now.minus({ days: 7 }) }} and To {{ $now }}.',
			});
		if (!IANAZone.isValidZone(timeZone))
			throw new ClinicError(`"${timeZone}" is not a time zone`, {
				code: 'invalid_input',
				field: 'Time Zone',
				hint: 'Use an IANA time zone name such as America/Sao_Paulo, or leave it empty for the workflow time zone.',
			});
		const zone = new ZoneCalendar(timeZone);
		let day = zone.dayOf(fromMs);
		let start = fromMs;
		while (start < toMs) {
			if (this.days.length >= MAX_REPORT_DAYS)
				throw new ClinicError(`The report period is longer than ${MAX_REPORT_DAYS} days`, {
					code: 'invalid_input',
					field: 'From',
					hint: 'Report on a shorter period (e.g. the last 12 weeks); run the report once per period for longer spans.',
				});
			const monday = zone.day(day.y, day.m, day.d - day.weekday);
			const week = isoDate(monday);
			if (this.weeks[this.weeks.length - 1] !== week) this.weeks.push(week);
			this.days.push(isoDate(day));
			this.weekOfDay.push(this.weeks.length - 1);
			this.starts.push(start);
			day = zone.nextDay(day);
			start = Math.max(start + 1, zone.localToEpoch(day, 0));
		}
	}

	/** Index of the day `ms` falls on, or -1 outside the period. */
	dayIndex(ms: number): number {
		if (!(ms >= this.fromMs && ms < this.toMs)) return -1;
		const s = this.starts;
		let lo = 0;
		let hi = s.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (s[mid] <= ms) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}

	/** Index of the week `ms` falls in, or -1 outside the period. */
	weekIndex(ms: number): number {
		const day = this.dayIndex(ms);
		return day < 0 ? -1 : this.weekOfDay[day];
	}
}
