/**
 * Built-in free-slot engine: 50 practitioners × 60 days × 15-minute grid with 20,000 existing bookings.
 * A "search" = every free 30-minute slot of every practitioner over the horizon (the heaviest query the node can
 * make), including building the busy index from the 20,000 bookings, as Find Free Slots does per call.
 * The naive reference (luxon per candidate, linear scan over all bookings) runs in the same process on the same
 * data, and both must return the same slots. `--quick`: 10 practitioners × 14 days × 1,000 bookings.
 */
import { cpus, loadavg } from 'node:os';

import { DateTime } from 'luxon';

import { BusyIndex, type BusyInterval } from '../core/scheduling/busy-index';
import { type EngineSlot, SlotEngine } from '../core/scheduling/engine';
import { type ClinicRules, parseClinicRules } from '../core/scheduling/rules';
import type { BenchResult, Benchmark } from './types';

const ZONE = 'America/Sao_Paulo';
const HOURS = [
	{ start: '08:00', end: '12:00' },
	{ start: '13:00', end: '19:00' },
];

function makeRules(practitioners: number, horizonDays: number): ClinicRules {
	const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, HOURS]));
	return parseClinicRules({
		timeZone: ZONE,
		slotGranularityMinutes: 15,
		bufferBeforeMinutes: 0,
		bufferAfterMinutes: 5,
		minimumNoticeMinutes: 0,
		bookingHorizonDays: horizonDays,
		openingHours: week,
		services: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }],
		practitioners: Array.from({ length: practitioners }, (_, i) => ({
			id: `p${i}`,
			name: `Practitioner ${i}`,
		})),
	});
}

/** Deterministic PRNG (mulberry32); the waitlist benchmark uses it too. */
export function rng(seed: number) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** `count` non-overlapping bookings (30 or 45 minutes) on the grid, spread over practitioners and days. */
function makeBookings(engine: SlotEngine, nowMs: number, count: number): BusyInterval[] {
	const all = engine.findFreeSlots({ serviceId: 'consulta', nowMs }, BusyIndex.build([], 0));
	const random = rng(42);
	const taken = new Map<string, Array<[number, number]>>();
	const out: BusyInterval[] = [];
	let guard = 0;
	while (out.length < count && guard++ < count * 50) {
		const s = all[Math.floor(random() * all.length)];
		const end = s.startMs + (random() < 0.7 ? 30 : 45) * 60000;
		const list = taken.get(s.practitionerId) ?? [];
		const pad = engine.padMs;
		if (list.some(([a, b]) => a - pad < end && b + pad > s.startMs)) continue;
		list.push([s.startMs, end]);
		taken.set(s.practitionerId, list);
		out.push({ practitionerId: s.practitionerId, startMs: s.startMs, endMs: end });
	}
	if (out.length < count) throw new Error(`could only place ${out.length} of ${count} bookings`);
	return out;
}

/** Reference implementation: what one writes first. Luxon for every candidate, linear scan of all bookings. */
function naiveFreeSlots(
	rules: ClinicRules,
	bookings: BusyInterval[],
	nowMs: number,
	horizonDays: number,
): EngineSlot[] {
	const out: EngineSlot[] = [];
	const duration = rules.services[0].durationMinutes;
	const pad = (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * 60000;
	const endMs = nowMs + horizonDays * 86_400_000;
	const first = DateTime.fromMillis(nowMs, { zone: rules.timeZone }).startOf('day');
	const names = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
	for (const p of rules.practitioners) {
		for (let d = 0; d <= horizonDays; d++) {
			const day = first.plus({ days: d });
			const intervals = rules.openingHours?.[names[day.weekday - 1]] ?? [];
			for (const interval of intervals) {
				const [sh, sm] = interval.start.split(':').map(Number);
				const [eh, em] = interval.end.split(':').map(Number);
				const close = day.set({ hour: eh, minute: em });
				for (
					let t = day.set({ hour: sh, minute: sm });
					t.plus({ minutes: duration }) <= close;
					t = t.plus({ minutes: rules.slotGranularityMinutes })
				) {
					const start = t.toMillis();
					const end = start + duration * 60000;
					if (start < nowMs + rules.minimumNoticeMinutes * 60000 || start >= endMs) continue;
					const busy = bookings.some(
						(b) => b.practitionerId === p.id && b.startMs - pad < end && b.endMs + pad > start,
					);
					if (!busy) out.push({ practitionerId: p.id, serviceId: 'consulta', startMs: start, endMs: end });
				}
			}
		}
	}
	return out.sort(
		(a, b) =>
			a.startMs - b.startMs || a.practitionerId.localeCompare(b.practitionerId, 'en', { numeric: true }),
	);
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** Wall time and CPU time (user + system) of one call: CPU time stays meaningful on a loaded machine. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	const value = fn();
	const ms = performance.now() - t0;
	const c = process.cpuUsage(c0);
	return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

function sameSlots(a: EngineSlot[], b: EngineSlot[]): boolean {
	if (a.length !== b.length) return false;
	const key = (s: EngineSlot) => `${s.practitionerId}@${s.startMs}`;
	const set = new Set(a.map(key));
	return b.every((s) => set.has(key(s)));
}

const bench: Benchmark = {
	name: 'slots',
	description:
		'Built-in free-slot engine: 50 practitioners × 60 days × 15-min grid, 20,000 bookings; vs naive reference',
	async run({ quick, log }): Promise<BenchResult[]> {
		const practitioners = quick ? 10 : 50;
		const horizon = quick ? 14 : 60;
		const bookingCount = quick ? 1000 : 20000;
		const nowMs = Date.parse('2030-01-06T12:00:00Z');
		const rules = makeRules(practitioners, horizon);
		const engine = new SlotEngine(rules);
		const bookings = makeBookings(engine, nowMs, bookingCount);
		log(`${practitioners} practitioners, ${horizon} days, ${bookings.length} bookings`);

		// Per search, like the built-in provider: take the bookings overlapping the window (the store's WHERE),
		// build the busy index, enumerate.
		const search = (days: number) => {
			const toMs = nowMs + days * 86_400_000;
			const index = BusyIndex.build(
				bookings.filter((b) => b.startMs < toMs && b.endMs > nowMs),
				engine.padMs,
			);
			return engine.findFreeSlots({ serviceId: 'consulta', nowMs, toMs }, index);
		};
		for (let i = 0; i < 5; i++) search(horizon); // warm-up (JIT, zone offsets)
		const runs = quick ? 10 : 30;
		const results: BenchResult[] = [];

		const engineTimes: number[] = [];
		const engineCpu: number[] = [];
		let slots: EngineSlot[] = [];
		for (let i = 0; i < runs; i++) {
			const r = time(() => search(horizon));
			engineTimes.push(r.ms);
			engineCpu.push(r.cpuMs);
			slots = r.value;
		}
		const engineMs = median(engineTimes);
		const engineCpuMs = median(engineCpu);
		const naive = time(() => naiveFreeSlots(rules, bookings, nowMs, horizon));
		if (!sameSlots(slots, naive.value)) {
			throw new Error(`engine (${slots.length} slots) and naive reference (${naive.value.length}) disagree`);
		}
		log(
			`${slots.length} free slots; engine median ${engineMs.toFixed(2)} ms wall, ${engineCpuMs.toFixed(2)} ms CPU; naive ${naive.ms.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`,
		);
		// The WhatsApp-list query: first 10 slots; the store returns the first week's bookings for it.
		const weekBookings = bookings.filter((b) => b.startMs < nowMs + 7 * 86_400_000);
		const firstTen = median(
			Array.from({ length: runs }, () => {
				const r = time(() =>
					engine.findFreeSlots(
						{ serviceId: 'consulta', nowMs, limit: 10 },
						BusyIndex.build(weekBookings, engine.padMs),
					),
				);
				return r.cpuMs;
			}),
		);

		results.push(
			{
				metric: `search ${horizon}d, all practitioners (incl. busy index), wall`,
				value: engineMs,
				unit: 'ms',
				target: '< 20 ms',
				pass: engineMs < 20,
			},
			{
				metric: `search ${horizon}d, CPU time`,
				value: engineCpuMs,
				unit: 'ms',
				target: '< 20 ms',
				pass: engineCpuMs < 20,
			},
			{ metric: 'free slots returned', value: slots.length, unit: 'slots', target: 'info', pass: true },
			{
				metric: 'first 10 slots (WhatsApp list query), CPU time',
				value: firstTen,
				unit: 'ms',
				target: 'info',
				pass: true,
			},
			{ metric: `naive reference ${horizon}d`, value: naive.ms, unit: 'ms', target: 'info', pass: true },
			{
				metric: `naive reference ${horizon}d, CPU time`,
				value: naive.cpuMs,
				unit: 'ms',
				target: 'info',
				pass: true,
			},
			{
				metric: 'speed-up vs naive (CPU time)',
				value: naive.cpuMs / engineCpuMs,
				unit: '×',
				target: '> 1',
				pass: naive.cpuMs / engineCpuMs > 1,
			},
			{
				metric: 'load average (1 min) during run',
				value: loadavg()[0],
				unit: '',
				target: 'info',
				pass: true,
			},
		);
		for (const days of quick ? [7, 14] : [7, 14, 30, 60]) {
			const samples = Array.from({ length: runs }, () => time(() => search(days)));
			const wall = median(samples.map((x) => x.ms));
			const cpu = median(samples.map((x) => x.cpuMs));
			results.push(
				{
					metric: `horizon ${days}d (${samples[0].value.length} slots), wall`,
					value: wall,
					unit: 'ms',
					target: 'info',
					pass: true,
				},
				{ metric: `horizon ${days}d, CPU time`, value: cpu, unit: 'ms', target: 'info', pass: true },
			);
		}
		return results;
	},
};

export default bench;
