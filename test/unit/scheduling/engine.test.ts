import { BusyIndex, type BusyInterval } from '../../../core/scheduling/busy-index';
import { SlotEngine } from '../../../core/scheduling/engine';
import { parseClinicRules } from '../../../core/scheduling/rules';
import { at, clinicRules, localTimes } from './helpers';

const SP = 'America/Sao_Paulo';
const none = BusyIndex.build([], 0);
// 2030-01-07 is a Monday.
const MONDAY = '2030-01-07';
const NOW = at('2030-01-01T00:00');

function times(engine: SlotEngine, query: Parameters<SlotEngine['findFreeSlots']>[0], busy = none) {
	return localTimes(engine.findFreeSlots(query, busy), engine.zone).map((t) => t.slice(11, 16));
}

describe('SlotEngine: opening hours, breaks, closures', () => {
	it('generates starts on the grid inside each opening interval, the whole service fitting before closing', () => {
		const engine = new SlotEngine(clinicRules());
		const slots = engine.findFreeSlots(
			{
				serviceId: 'consulta',
				practitionerId: 'ana',
				fromMs: at(`${MONDAY}T00:00`),
				toMs: at(`${MONDAY}T23:59`),
				nowMs: NOW,
			},
			none,
		);
		const t = localTimes(slots, SP).map((x) => x.slice(11, 16));
		// 08:00–12:00 with a 30-minute service on a 15-minute grid: 08:00 … 11:30 (15 starts), same in the afternoon.
		expect(t.slice(0, 3)).toEqual(['08:00', '08:15', '08:30']);
		expect(t).toContain('11:30');
		expect(t).not.toContain('11:45');
		expect(t).toContain('14:00');
		expect(t).toContain('17:30');
		expect(t).not.toContain('12:00');
		expect(t).toHaveLength(30);
		for (const s of slots) expect(s.endMs - s.startMs).toBe(30 * 60000);
	});

	it('removes clinic-wide and practitioner breaks (by weekday)', () => {
		const engine = new SlotEngine(
			clinicRules({
				breaks: [{ start: '10:00', end: '10:30', days: ['mon'] }],
				practitioners: [{ id: 'ana', name: 'Ana', breaks: [{ start: '08:00', end: '09:00' }] }],
			}),
		);
		const t = times(engine, {
			serviceId: 'retorno',
			fromMs: at(`${MONDAY}T00:00`),
			toMs: at(`${MONDAY}T12:00`),
			nowMs: NOW,
		});
		expect(t).toEqual([
			'09:00',
			'09:15',
			'09:30',
			'09:45',
			'10:30',
			'10:45',
			'11:00',
			'11:15',
			'11:30',
			'11:45',
		]);
		// The Monday-only clinic break does not apply on Tuesday.
		const tue = times(engine, {
			serviceId: 'retorno',
			fromMs: at('2030-01-08T09:30'),
			toMs: at('2030-01-08T11:00'),
			nowMs: NOW,
		});
		expect(tue).toContain('10:00');
		expect(tue).toContain('10:15');
	});

	it('skips holidays (whole local day) and partial closures (local date-time range)', () => {
		const engine = new SlotEngine(
			clinicRules({
				closures: [{ date: MONDAY, reason: 'Feriado' }],
				practitioners: [
					{ id: 'ana', name: 'Ana', closures: [{ start: '2030-01-08T10:00', end: '2030-01-08T11:10' }] },
					{ id: 'bruno', name: 'Bruno' },
				],
			}),
		);
		expect(
			times(engine, {
				serviceId: 'consulta',
				fromMs: at(`${MONDAY}T00:00`),
				toMs: at('2030-01-08T00:00'),
				nowMs: NOW,
			}),
		).toEqual([]);
		const tue = times(engine, {
			serviceId: 'consulta',
			practitionerId: 'ana',
			fromMs: at('2030-01-08T00:00'),
			toMs: at('2030-01-09T00:00'),
			nowMs: NOW,
		});
		// 30-min slots must end by 10:00; after the closure the grid (anchored at 08:00) resumes at 11:15.
		expect(tue).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '11:15', '11:30']);
	});

	it('date-only closure ranges include their last day', () => {
		const engine = new SlotEngine(clinicRules({ closures: [{ start: MONDAY, end: '2030-01-08' }] }));
		const slots = engine.findFreeSlots(
			{ serviceId: 'consulta', fromMs: at(`${MONDAY}T00:00`), toMs: at('2030-01-10T00:00'), nowMs: NOW },
			none,
		);
		expect(new Set(localTimes(slots, SP).map((t) => t.slice(0, 10)))).toEqual(new Set(['2030-01-09']));
	});

	it('respects which practitioners offer a service', () => {
		const engine = new SlotEngine(clinicRules());
		const retorno = engine.findFreeSlots(
			{ serviceId: 'retorno', fromMs: at(`${MONDAY}T08:00`), toMs: at(`${MONDAY}T09:00`), nowMs: NOW },
			none,
		);
		expect(new Set(retorno.map((s) => s.practitionerId))).toEqual(new Set(['ana']));
		const consulta = engine.findFreeSlots(
			{ serviceId: 'consulta', fromMs: at(`${MONDAY}T08:00`), toMs: at(`${MONDAY}T09:00`), nowMs: NOW },
			none,
		);
		expect(new Set(consulta.map((s) => s.practitionerId))).toEqual(new Set(['ana', 'bruno']));
		// Sorted by start, ties in rules order.
		expect(
			consulta.map((s) => `${localTimes([s], SP)[0].slice(11, 16)} ${s.practitionerId}`).slice(0, 4),
		).toEqual(['08:00 ana', '08:00 bruno', '08:15 ana', '08:15 bruno']);
	});

	it('names unknown services and practitioners', () => {
		const engine = new SlotEngine(clinicRules());
		expect(() => engine.findFreeSlots({ serviceId: 'nope', nowMs: NOW }, none)).toThrow(
			/Unknown service "nope".*consulta, retorno/,
		);
		expect(() =>
			engine.findFreeSlots({ serviceId: 'consulta', practitionerId: 'zeca', nowMs: NOW }, none),
		).toThrow(/Unknown practitioner "zeca"/);
		expect(() => engine.findFreeSlots({ nowMs: NOW }, none)).toThrow(/Choose a service/);
	});
});

describe('SlotEngine: bookings, buffers, notice, horizon, limit', () => {
	const busy = (list: Array<[string, string, string]>): BusyInterval[] =>
		list.map(([p, s, e]) => ({ practitionerId: p, startMs: at(s), endMs: at(e) }));

	it('excludes starts whose appointment would overlap an existing booking', () => {
		const engine = new SlotEngine(clinicRules());
		const index = BusyIndex.build(busy([['ana', `${MONDAY}T09:00`, `${MONDAY}T09:30`]]), engine.padMs);
		const t = times(
			engine,
			{
				serviceId: 'consulta',
				practitionerId: 'ana',
				fromMs: at(`${MONDAY}T08:00`),
				toMs: at(`${MONDAY}T10:00`),
				nowMs: NOW,
			},
			index,
		);
		expect(t).toEqual(['08:00', '08:15', '08:30', '09:30', '09:45']);
		// Bruno is unaffected by Ana's booking.
		const b = times(
			engine,
			{
				serviceId: 'consulta',
				practitionerId: 'bruno',
				fromMs: at(`${MONDAY}T08:45`),
				toMs: at(`${MONDAY}T09:30`),
				nowMs: NOW,
			},
			index,
		);
		expect(b).toEqual(['08:45', '09:00', '09:15']);
	});

	it('keeps buffers before and after every appointment', () => {
		const engine = new SlotEngine(clinicRules({ bufferBeforeMinutes: 10, bufferAfterMinutes: 5 }));
		const index = BusyIndex.build(busy([['ana', `${MONDAY}T09:00`, `${MONDAY}T09:30`]]), engine.padMs);
		const t = times(
			engine,
			{
				serviceId: 'consulta',
				practitionerId: 'ana',
				fromMs: at(`${MONDAY}T08:00`),
				toMs: at(`${MONDAY}T10:30`),
				nowMs: NOW,
			},
			index,
		);
		// A new 30-min slot needs 15 min (5 after it + 10 before the booking) before 09:00 → must end by 08:45;
		// after the booking it may start at 09:30 + 5 + 10 = 09:45.
		expect(t).toEqual(['08:00', '08:15', '09:45', '10:00', '10:15']);
	});

	it('merges overlapping and adjacent bookings', () => {
		const index = BusyIndex.build(
			busy([
				['ana', `${MONDAY}T09:00`, `${MONDAY}T09:30`],
				['ana', `${MONDAY}T09:15`, `${MONDAY}T10:00`],
				['ana', `${MONDAY}T10:00`, `${MONDAY}T10:15`],
			]),
			0,
		);
		const engine = new SlotEngine(clinicRules());
		const t = times(
			engine,
			{
				serviceId: 'retorno',
				practitionerId: 'ana',
				fromMs: at(`${MONDAY}T08:45`),
				toMs: at(`${MONDAY}T10:30`),
				nowMs: NOW,
			},
			index,
		);
		expect(t).toEqual(['08:45', '10:15']);
	});

	it('enforces minimum notice and booking horizon from the clock', () => {
		const engine = new SlotEngine(clinicRules({ minimumNoticeMinutes: 120, bookingHorizonDays: 2 }));
		const now = at(`${MONDAY}T08:10`);
		const slots = engine.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', nowMs: now }, none);
		const t = localTimes(slots, SP);
		expect(t[0]).toBe(`${MONDAY}T10:15-03:00`); // first grid start ≥ 10:10
		const last = slots[slots.length - 1].startMs;
		expect(last).toBeLessThan(now + 2 * 86_400_000);
		expect(t[t.length - 1]).toBe('2030-01-09T08:00-03:00'); // Wednesday 08:10 is the horizon
		expect(engine.checkSlot('ana', 'consulta', at(`${MONDAY}T10:00`), now, none)).toBe('too_soon');
		expect(engine.checkSlot('ana', 'consulta', at('2030-01-09T08:15'), now, none)).toBe('beyond_horizon');
		expect(engine.checkSlot('ana', 'consulta', at(`${MONDAY}T10:15`), now, none)).toBe('ok');
		expect(engine.checkSlot('ana', 'consulta', at(`${MONDAY}T10:20`), now, none)).toBe('not_available'); // off grid
		expect(engine.checkSlot('ana', 'consulta', at(`${MONDAY}T12:00`), now, none)).toBe('not_available'); // closed
		expect(engine.checkSlot('bruno', 'retorno', at(`${MONDAY}T10:15`), now, none)).toBe('not_available'); // service
		const taken = BusyIndex.build(busy([['ana', `${MONDAY}T10:30`, `${MONDAY}T11:00`]]), 0);
		expect(engine.checkSlot('ana', 'consulta', at(`${MONDAY}T10:15`), now, taken)).toBe('slot_taken');
	});

	it('returns the first N slots across practitioners in time order when limited', () => {
		const engine = new SlotEngine(clinicRules());
		const all = engine.findFreeSlots({ serviceId: 'consulta', nowMs: NOW }, none);
		const first = engine.findFreeSlots({ serviceId: 'consulta', nowMs: NOW, limit: 5 }, none);
		expect(first).toEqual(all.slice(0, 5));
		for (let i = 1; i < all.length; i++) expect(all[i].startMs).toBeGreaterThanOrEqual(all[i - 1].startMs);
	});
});

describe('SlotEngine: time zones and DST', () => {
	function rulesFor(
		timeZone: string,
		hours: { start: string; end: string },
		granularity = 60,
		duration = 60,
	) {
		const everyDay = Object.fromEntries(
			['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [hours]]),
		);
		return parseClinicRules({
			timeZone,
			slotGranularityMinutes: granularity,
			minimumNoticeMinutes: 0,
			bookingHorizonDays: 366,
			openingHours: everyDay,
			services: [{ id: 's', name: 'S', durationMinutes: duration }],
			practitioners: [{ id: 'p', name: 'P' }],
		});
	}
	const utc = (engine: SlotEngine, fromMs: number, toMs: number, nowMs: number) =>
		engine
			.findFreeSlots({ serviceId: 's', fromMs, toMs, nowMs }, none)
			.map((s) => new Date(s.startMs).toISOString().slice(0, 16));

	it('America/Sao_Paulo 2018: DST began at midnight 2018-11-04 (00:00 did not exist)', () => {
		const engine = new SlotEngine(rulesFor(SP, { start: '00:00', end: '03:00' }));
		const from = Date.parse('2018-11-04T00:00Z');
		// Opening 00:00 does not exist: the day opens at 01:00 -02 (03:00Z); 2 hours of slots instead of 3.
		expect(utc(engine, from, Date.parse('2018-11-04T12:00Z'), Date.parse('2018-10-01T00:00Z'))).toEqual([
			'2018-11-04T03:00',
			'2018-11-04T04:00',
		]);
		// The day before: -03 all day, 3 slots.
		expect(
			utc(
				engine,
				Date.parse('2018-11-03T00:00Z'),
				Date.parse('2018-11-03T12:00Z'),
				Date.parse('2018-10-01T00:00Z'),
			),
		).toEqual(['2018-11-03T03:00', '2018-11-03T04:00', '2018-11-03T05:00']);
	});

	it('America/Sao_Paulo 2019: DST ended at midnight 2019-02-17 (23:00–24:00 on the 16th happened twice)', () => {
		const engine = new SlotEngine(rulesFor(SP, { start: '22:00', end: '24:00' }));
		const slots = engine.findFreeSlots(
			{
				serviceId: 's',
				fromMs: Date.parse('2019-02-16T12:00Z'),
				toMs: Date.parse('2019-02-17T12:00Z'),
				nowMs: Date.parse('2019-01-01T00:00Z'),
			},
			none,
		);
		// 22:00 -02 (00:00Z), 23:00 -02 (01:00Z), 23:00 -03 (02:00Z): three real hours until 24:00 -03 (03:00Z).
		expect(slots.map((s) => new Date(s.startMs).toISOString().slice(11, 16))).toEqual([
			'00:00',
			'01:00',
			'02:00',
		]);
		expect(localTimes(slots, SP)).toEqual([
			'2019-02-16T22:00-02:00',
			'2019-02-16T23:00-02:00',
			'2019-02-16T23:00-03:00',
		]);
	});

	it('America/Sao_Paulo since 2019: no DST, -03:00 all year (November 2019 and 2025)', () => {
		const engine = new SlotEngine(rulesFor(SP, { start: '08:00', end: '09:00' }));
		expect(
			utc(
				engine,
				Date.parse('2019-11-04T00:00Z'),
				Date.parse('2019-11-05T00:00Z'),
				Date.parse('2019-10-01T00:00Z'),
			),
		).toEqual(['2019-11-04T11:00']);
		expect(
			utc(
				engine,
				Date.parse('2025-11-03T00:00Z'),
				Date.parse('2025-11-04T00:00Z'),
				Date.parse('2025-10-01T00:00Z'),
			),
		).toEqual(['2025-11-03T11:00']);
		// In 2018 the same local time was -02:00 (DST).
		expect(
			utc(
				engine,
				Date.parse('2018-11-05T00:00Z'),
				Date.parse('2018-11-06T00:00Z'),
				Date.parse('2018-10-01T00:00Z'),
			),
		).toEqual(['2018-11-05T10:00']);
	});

	it('Europe/Lisbon: spring forward 2025-03-30 01:00→02:00, fall back 2025-10-26 02:00→01:00', () => {
		const engine = new SlotEngine(rulesFor('Europe/Lisbon', { start: '00:00', end: '03:00' }));
		const now = Date.parse('2025-01-01T00:00Z');
		expect(utc(engine, Date.parse('2025-03-29T22:00Z'), Date.parse('2025-03-30T12:00Z'), now)).toEqual([
			'2025-03-30T00:00',
			'2025-03-30T01:00',
		]);
		const fall = engine.findFreeSlots(
			{
				serviceId: 's',
				fromMs: Date.parse('2025-10-25T22:00Z'),
				toMs: Date.parse('2025-10-26T12:00Z'),
				nowMs: now,
			},
			none,
		);
		expect(localTimes(fall, 'Europe/Lisbon')).toEqual([
			'2025-10-26T00:00+01:00',
			'2025-10-26T01:00+01:00',
			'2025-10-26T01:00+00:00',
			'2025-10-26T02:00+00:00',
		]);
	});

	it('America/New_York: spring forward 2026-03-08 and fall back 2026-11-01 with 30-min grid', () => {
		const engine = new SlotEngine(rulesFor('America/New_York', { start: '01:00', end: '04:00' }, 30, 30));
		const now = Date.parse('2026-01-01T00:00Z');
		const spring = engine.findFreeSlots(
			{
				serviceId: 's',
				fromMs: Date.parse('2026-03-08T00:00Z'),
				toMs: Date.parse('2026-03-08T20:00Z'),
				nowMs: now,
			},
			none,
		);
		expect(localTimes(spring, 'America/New_York').map((t) => t.slice(11))).toEqual([
			'01:00-05:00',
			'01:30-05:00',
			'03:00-04:00',
			'03:30-04:00',
		]);
		const fall = engine.findFreeSlots(
			{
				serviceId: 's',
				fromMs: Date.parse('2026-11-01T00:00Z'),
				toMs: Date.parse('2026-11-01T20:00Z'),
				nowMs: now,
			},
			none,
		);
		expect(localTimes(fall, 'America/New_York').map((t) => t.slice(11))).toEqual([
			'01:00-04:00',
			'01:30-04:00',
			'01:00-05:00',
			'01:30-05:00',
			'02:00-05:00',
			'02:30-05:00',
			'03:00-05:00',
			'03:30-05:00',
		]);
		// An ordinary weekday: 09:00 is 14:00Z in winter and 13:00Z in summer.
		const nine = new SlotEngine(rulesFor('America/New_York', { start: '09:00', end: '10:00' }));
		expect(utc(nine, Date.parse('2026-01-12T00:00Z'), Date.parse('2026-01-13T00:00Z'), now)).toEqual([
			'2026-01-12T14:00',
		]);
		expect(utc(nine, Date.parse('2026-07-13T00:00Z'), Date.parse('2026-07-14T00:00Z'), now)).toEqual([
			'2026-07-13T13:00',
		]);
	});

	it('checkSlot accepts exactly the starts findFreeSlots produces on a DST day', () => {
		const engine = new SlotEngine(rulesFor('America/New_York', { start: '01:00', end: '04:00' }, 30, 30));
		const now = Date.parse('2026-01-01T00:00Z');
		const fall = engine.findFreeSlots(
			{
				serviceId: 's',
				fromMs: Date.parse('2026-11-01T00:00Z'),
				toMs: Date.parse('2026-11-01T20:00Z'),
				nowMs: now,
			},
			none,
		);
		for (const s of fall) expect(engine.checkSlot('p', 's', s.startMs, now, none)).toBe('ok');
		expect(engine.checkSlot('p', 's', Date.parse('2026-11-01T09:00Z'), now, none)).toBe('not_available');
	});
});

describe('BusyIndex', () => {
	it('merges like a straightforward sort-and-merge on random intervals (touching intervals merge)', () => {
		let seed = 7;
		const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		for (let round = 0; round < 50; round++) {
			const list: BusyInterval[] = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => {
				const s = Math.floor(rnd() * 200) * 5;
				return {
					practitionerId: rnd() < 0.5 ? 'a' : 'b',
					startMs: s,
					endMs: s + 5 + Math.floor(rnd() * 6) * 5,
				};
			});
			const pad = Math.floor(rnd() * 3) * 5;
			const index = BusyIndex.build(list, pad);
			for (const p of ['a', 'b']) {
				const sorted = list
					.filter((x) => x.practitionerId === p)
					.map((x) => [x.startMs - pad, x.endMs + pad])
					.sort((x, y) => x[0] - y[0]);
				const merged: number[][] = [];
				for (const [s, e] of sorted) {
					const last = merged[merged.length - 1];
					if (last && s <= last[1]) last[1] = Math.max(last[1], e);
					else merged.push([s, e]);
				}
				const got = index.get(p);
				expect(got ? Array.from(got.starts).map((s, i) => [s, got.ends[i]]) : []).toEqual(merged);
			}
		}
	});
});

describe('SlotEngine: practitioners on different grids', () => {
	it('merges starts that are not on one shared grid in time order (stable for ties)', () => {
		const engine = new SlotEngine(
			parseClinicRules({
				timeZone: SP,
				slotGranularityMinutes: 15,
				minimumNoticeMinutes: 0,
				services: [{ id: 's', name: 'S', durationMinutes: 15 }],
				practitioners: [
					{ id: 'a', name: 'A', openingHours: { mon: [{ start: '08:10', end: '09:00' }] } },
					{ id: 'b', name: 'B', openingHours: { mon: [{ start: '08:00', end: '09:00' }] } },
				],
			}),
		);
		const slots = engine.findFreeSlots(
			{ serviceId: 's', fromMs: at(`${MONDAY}T00:00`), toMs: at(`${MONDAY}T12:00`), nowMs: NOW },
			none,
		);
		expect(slots.map((s) => `${localTimes([s], SP)[0].slice(11, 16)} ${s.practitionerId}`)).toEqual([
			'08:00 b',
			'08:10 a',
			'08:15 b',
			'08:25 a',
			'08:30 b',
			'08:40 a',
			'08:45 b',
		]);
	});
});
