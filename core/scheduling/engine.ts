/**
 * Built-in free-slot engine. Pure and synchronous: rules + busy intervals + clock in, free slots out.
 *
 * Semantics
 * - Opening hours, breaks and closures are clinic-local wall times (IANA zone from the rules). Each opening
 *   interval is converted to instants once per day; candidates then step in absolute minutes from the interval's
 *   start, so DST days are handled truthfully: on a spring-forward day a 01:00–04:00 shift yields 2 h of slots,
 *   on a fall-back day 3 h would yield 4 h (the repeated hour appears twice, with its own offset).
 *   A local time that does not exist (e.g. Sao Paulo 2018-11-04 00:00) moves forward to the first valid instant.
 * - A slot [t, t+duration) must lie fully inside an opening interval after removing breaks and closures.
 * - Buffers: every appointment occupies [start − bufferBefore, end + bufferAfter]. Two appointments may not have
 *   overlapping occupied windows; the buffers may extend outside opening hours.
 * - Minimum notice: start ≥ now + minimumNotice. Horizon: start < now + bookingHorizonDays × 24 h.
 */
import type { BusyIndex } from './busy-index';
import { type ClinicRules, WEEKDAYS, hhmmToMinutes } from './rules';
import { SchedulingInputError } from './types';
import { DAY, type DayInfo, MINUTE, ZoneCalendar } from './zone-calendar';

export interface EngineSlot {
	practitionerId: string;
	serviceId: string;
	startMs: number;
	endMs: number;
}

export interface EngineQuery {
	serviceId?: string;
	practitionerId?: string;
	fromMs?: number;
	toMs?: number;
	nowMs: number;
	limit?: number;
}

export type SlotCheck = 'ok' | 'slot_taken' | 'too_soon' | 'beyond_horizon' | 'not_available';

interface CompiledPractitioner {
	id: string;
	name: string;
	location?: string;
	/** Local-minute intervals per weekday (Monday = 0), breaks already removed. */
	week: Array<Array<[number, number]>>;
	/** Closure instant ranges, sorted. */
	closures: Array<[number, number]>;
	/** Service ids offered, or null for all. */
	services: Set<string> | null;
	/** Equal for practitioners with identical hours and closures (they share candidate runs). */
	template: string;
}

function subtractIntervals(
	base: Array<[number, number]>,
	cuts: Array<[number, number]>,
): Array<[number, number]> {
	let out = base;
	for (const [cs, ce] of cuts) {
		const next: Array<[number, number]> = [];
		for (const [s, e] of out) {
			if (ce <= s || cs >= e) next.push([s, e]);
			else {
				if (cs > s) next.push([s, cs]);
				if (ce < e) next.push([ce, e]);
			}
		}
		out = next;
	}
	return out;
}

export class SlotEngine {
	readonly zone: string;
	private readonly calendar: ZoneCalendar;
	private readonly granularityMs: number;
	readonly padMs: number;
	private readonly noticeMs: number;
	private readonly horizonMs: number;
	readonly practitioners: CompiledPractitioner[];
	private readonly practitionerById = new Map<string, CompiledPractitioner>();
	readonly services = new Map<
		string,
		{ id: string; name: string; durationMs: number; practitionerIds: Set<string> | null }
	>();

	constructor(readonly rules: ClinicRules) {
		this.zone = rules.timeZone;
		this.calendar = new ZoneCalendar(rules.timeZone);
		this.granularityMs = rules.slotGranularityMinutes * MINUTE;
		this.padMs = (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * MINUTE;
		this.noticeMs = rules.minimumNoticeMinutes * MINUTE;
		this.horizonMs = rules.bookingHorizonDays * DAY;
		for (const s of rules.services) {
			this.services.set(s.id, {
				id: s.id,
				name: s.name,
				durationMs: s.durationMinutes * MINUTE,
				practitionerIds: s.practitionerIds ? new Set(s.practitionerIds) : null,
			});
		}
		this.practitioners = rules.practitioners.map((p) => {
			const hours = p.openingHours ?? rules.openingHours ?? {};
			const breaks = [...rules.breaks, ...(p.breaks ?? [])];
			const week = WEEKDAYS.map((day) => {
				const open = (hours[day] ?? [])
					.map((i) => [hhmmToMinutes(i.start), hhmmToMinutes(i.end)] as [number, number])
					.sort((a, b) => a[0] - b[0]);
				const cuts = breaks
					.filter((b) => !b.days || b.days.includes(day))
					.map((b) => [hhmmToMinutes(b.start), hhmmToMinutes(b.end)] as [number, number]);
				return subtractIntervals(open, cuts);
			});
			const closures = [...rules.closures, ...(p.closures ?? [])]
				.map((c) => this.closureRange(c))
				.sort((a, b) => a[0] - b[0]);
			const compiled: CompiledPractitioner = {
				id: p.id,
				name: p.name,
				location: p.location ?? rules.location,
				week,
				closures,
				services: p.serviceIds ? new Set(p.serviceIds) : null,
				template: JSON.stringify([week, closures]),
			};
			this.practitionerById.set(p.id, compiled);
			return compiled;
		});
	}

	/** Earliest bookable start and the horizon end for a given clock. */
	bookableWindow(nowMs: number): { fromMs: number; toMs: number } {
		return { fromMs: nowMs + this.noticeMs, toMs: nowMs + this.horizonMs };
	}

	practitioner(id: string): CompiledPractitioner | undefined {
		return this.practitionerById.get(id);
	}

	resolveService(serviceId: string | undefined) {
		if (!serviceId) {
			if (this.services.size === 1) return [...this.services.values()][0];
			throw new SchedulingInputError(
				`Choose a service: the clinic rules define ${this.services.size} (${[...this.services.keys()].join(', ')})`,
				'serviceId',
			);
		}
		const service = this.services.get(serviceId);
		if (!service) {
			throw new SchedulingInputError(
				`Unknown service "${serviceId}"; the clinic rules define: ${[...this.services.keys()].join(', ')}`,
				'serviceId',
			);
		}
		return service;
	}

	practitionersFor(serviceId: string, practitionerId?: string): CompiledPractitioner[] {
		const service = this.resolveService(serviceId);
		if (practitionerId && !this.practitionerById.has(practitionerId)) {
			throw new SchedulingInputError(
				`Unknown practitioner "${practitionerId}"; the clinic rules define: ${this.practitioners.map((p) => p.id).join(', ')}`,
				'practitionerId',
			);
		}
		return this.practitioners.filter(
			(p) =>
				(!practitionerId || p.id === practitionerId) &&
				(service.practitionerIds ? service.practitionerIds.has(p.id) : true) &&
				(p.services ? p.services.has(service.id) : true),
		);
	}

	private closureRange(c: { date?: string; start?: string; end?: string }): [number, number] {
		if (c.date) return [this.calendar.parseLocal(c.date, false), this.calendar.parseLocal(c.date, true)];
		return [this.calendar.parseLocal(c.start!, false), this.calendar.parseLocal(c.end!, true)];
	}

	// ---- slot generation -----------------------------------------------------------------------------------

	/**
	 * Appends to `runs` one [firstStart, lastStart] pair per run of rule-valid starts (grid step = granularity,
	 * ignoring bookings) of practitioner `p` on local day `info`, limited to [minStart, maxStart). Runs ascend.
	 */
	private candidateRuns(
		p: CompiledPractitioner,
		info: DayInfo,
		durationMs: number,
		minStart: number,
		maxStart: number,
		runs: number[],
	): void {
		const intervals = p.week[info.weekday];
		const g = this.granularityMs;
		for (let k = 0; k < intervals.length; k++) {
			const openStart = this.calendar.localToEpoch(info, intervals[k][0]);
			const openEnd = this.calendar.localToEpoch(info, intervals[k][1], 'late');
			if (openEnd - durationMs < minStart || openStart >= maxStart) continue;
			let pieces: Array<[number, number]> = [[openStart, openEnd]];
			if (p.closures.length) {
				const cuts = p.closures.filter(([s, e]) => s < openEnd && e > openStart);
				if (cuts.length) pieces = subtractIntervals(pieces, cuts);
			}
			for (const [ps, pe] of pieces) {
				// Grid anchored at the opening time; start no earlier than the piece and minStart.
				const lower = Math.max(ps, minStart);
				const first = openStart + Math.ceil((lower - openStart) / g) * g;
				const lastStart = Math.min(pe - durationMs, maxStart - 1);
				if (first <= lastStart) runs.push(first, lastStart);
			}
		}
	}

	/** Free slots in ascending start order (ties: practitioner order in the rules). */
	findFreeSlots(query: EngineQuery, busy: BusyIndex): EngineSlot[] {
		const service = this.resolveService(query.serviceId);
		const practitioners = this.practitionersFor(service.id, query.practitionerId);
		const window = this.bookableWindow(query.nowMs);
		const minStart = Math.max(window.fromMs, query.fromMs ?? -Infinity);
		const maxStart = Math.min(window.toMs, query.toMs ?? Infinity);
		const out: EngineSlot[] = [];
		if (minStart >= maxStart || practitioners.length === 0) return out;
		const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
		const durationMs = service.durationMs;
		const pointers = new Int32Array(practitioners.length);
		const g = this.granularityMs;
		const lastDay = this.calendar.dayOf(maxStart - 1).key;
		// Start one day early: a local day's opening interval can begin before minStart's local date (DST, "24:00").
		const runsByTemplate = new Map<string, number[]>();
		const serviceId = service.id;
		for (
			let info = this.calendar.dayOf(minStart - DAY);
			info.key <= lastDay;
			info = this.calendar.nextDay(info)
		) {
			const dayStartIndex = out.length;
			runsByTemplate.clear();
			for (let pi = 0; pi < practitioners.length; pi++) {
				const p = practitioners[pi];
				// Practitioners with the same hours and closures share the day's candidate runs.
				let runs = runsByTemplate.get(p.template);
				if (!runs) {
					runs = [];
					this.candidateRuns(p, info, durationMs, minStart, maxStart, runs);
					runsByTemplate.set(p.template, runs);
				}
				const b = busy.get(p.id);
				const starts = b?.starts;
				const ends = b?.ends;
				const n = ends ? ends.length : 0;
				let ptr = pointers[pi];
				const id = p.id;
				for (let r = 0; r < runs.length; r += 2) {
					const last = runs[r + 1];
					for (let t = runs[r]; t <= last; t += g) {
						const end = t + durationMs;
						if (n) {
							while (ptr < n && ends![ptr] <= t) ptr++;
							if (ptr < n && starts![ptr] < end) {
								// Blocked until ends[ptr]: jump to the last grid start before it (the loop adds g).
								const skip = Math.ceil((ends![ptr] - t) / g) - 1;
								if (skip > 0) t += skip * g;
								continue;
							}
						}
						out.push({ practitionerId: id, serviceId, startMs: t, endMs: end });
					}
				}
				pointers[pi] = ptr;
			}
			if (practitioners.length > 1 && out.length - dayStartIndex > 1) this.sortDay(out, dayStartIndex);
			if (out.length >= limit) break;
		}
		return out.length > limit ? out.slice(0, limit) : out;
	}

	/**
	 * Orders out[from…] by start, keeping practitioner order for equal starts (stable). Starts on one shared grid
	 * (the usual case: openings on the quarter hour) use a counting sort over grid positions; otherwise Array.sort.
	 */
	private sortDay(out: EngineSlot[], from: number): void {
		const g = this.granularityMs;
		let min = Infinity;
		let max = -Infinity;
		for (let i = from; i < out.length; i++) {
			const t = out[i].startMs;
			if (t < min) min = t;
			if (t > max) max = t;
		}
		const buckets = (max - min) / g + 1;
		let aligned = Number.isInteger(buckets) && buckets <= 4096;
		for (let i = from; aligned && i < out.length; i++) if ((out[i].startMs - min) % g !== 0) aligned = false;
		const part = out.slice(from);
		if (!aligned) {
			part.sort((a, c) => a.startMs - c.startMs);
		} else {
			const counts = new Int32Array(buckets + 1);
			for (const x of part) counts[(x.startMs - min) / g + 1]++;
			for (let k = 1; k <= buckets; k++) counts[k] += counts[k - 1];
			for (const x of part) out[from + counts[(x.startMs - min) / g]++] = x;
			return;
		}
		for (let i = 0; i < part.length; i++) out[from + i] = part[i];
	}

	/** Whether a specific start is bookable right now (used by Book, which trusts nothing in the slot id). */
	checkSlot(
		practitionerId: string,
		serviceId: string,
		startMs: number,
		nowMs: number,
		busy: BusyIndex,
	): SlotCheck {
		const service = this.services.get(serviceId);
		const p = this.practitionerById.get(practitionerId);
		if (!service || !p || !this.practitionersFor(serviceId, practitionerId).length) return 'not_available';
		const window = this.bookableWindow(nowMs);
		if (startMs < window.fromMs) return 'too_soon';
		if (startMs >= window.toMs) return 'beyond_horizon';
		let onGrid = false;
		const runs: number[] = [];
		for (const info of [this.calendar.dayOf(startMs - DAY), this.calendar.dayOf(startMs)]) {
			this.candidateRuns(p, info, service.durationMs, startMs, startMs + 1, runs);
		}
		for (let r = 0; r < runs.length; r += 2) if (runs[r] === startMs) onGrid = true;
		if (!onGrid) return 'not_available';
		const b = busy.get(practitionerId);
		if (b) {
			const end = startMs + service.durationMs;
			for (let i = 0; i < b.starts.length; i++)
				if (b.starts[i] < end && b.ends[i] > startMs) return 'slot_taken';
		}
		return 'ok';
	}

	durationMs(serviceId: string): number {
		return this.resolveService(serviceId).durationMs;
	}
}
