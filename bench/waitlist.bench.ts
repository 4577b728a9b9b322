/**
 * Waitlist backfill (issue 18): matching a freed slot against 100,000 waitlist entries, and 50 patients claiming
 * the same slot within 100 ms.
 *
 * Data: 100,000 waiting entries over 50 practitioners × 5 services (60 % name a practitioner, 50 % a service, the
 * rest "any"), earliest/latest dates spread over 60 days, a third with preferred times of day. Freed slots: 40
 * random (practitioner, service, day, hour) combinations.
 *
 * Figures:
 * - match_100k_ms (SQLite, the clinic store on disk): Offer Freed Slot's whole transaction for one freed slot —
 *   indexed match of the first wave (5 patients) + offers, wave counter and 6 audit entries written. Median of 40.
 *   Target < 50 ms.
 * - match_100k_memory_ms: the same on the in-memory twin (bucket index). match_100k_naive_ms: the reference one
 *   writes first (scan all 100,000 entries with the same predicate, sort by join time), same answers checked.
 * - claims: 50 patients (one wave of 50) tap "Take this time" at random moments within 100 ms, each claim going
 *   through the built-in scheduler's Book on the SQLite store. Target: exactly 1 booking and 49 "taken".
 *   claim_last_answer_ms: from the first tap until the last patient has an answer.
 * `--quick`: 20,000 entries, 10 freed slots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { BuiltinSchedulingProvider } from '../core/scheduling/providers/builtin';
import { SqlBookingRepository } from '../core/scheduling/repositories/sql';
import { parseClinicRules } from '../core/scheduling/rules';
import { encodeSlotId } from '../core/scheduling/slot-id';
import { closeAllClinicStores, openClinicStore, type ClinicStore } from '../core/store';
import {
	type FreedSlot,
	MemoryWaitlistRepository,
	SqlWaitlistRepository,
	TIMES_OF_DAY,
	type TimeOfDay,
	type WaitlistEntry,
	type WaitlistRepository,
	WaitlistService,
	timeOfDay,
} from '../core/waitlist';
import { rng } from './slots.bench';
import type { BenchResult, Benchmark } from './types';

const ZONE = 'America/Sao_Paulo';
const DAY = 86_400_000;
const T0 = Date.UTC(2030, 0, 7, 3); // Monday 2030-01-07 00:00 in São Paulo
const LIST = 'builtin:bench';
const PRACTITIONERS = 50;
const SERVICES = 5;
const WAVE = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function makeEntries(n: number): WaitlistEntry[] {
	const random = rng(7);
	const pick = (k: number) => Math.floor(random() * k);
	return Array.from({ length: n }, (_, i) => {
		const earliest = T0 + pick(40) * DAY;
		const times: TimeOfDay[] = random() < 0.33 ? [TIMES_OF_DAY[pick(3)]] : [];
		return {
			id: `wl_${String(i).padStart(6, '0')}`,
			listId: LIST,
			status: 'waiting',
			practitionerId: random() < 0.6 ? `p${pick(PRACTITIONERS)}` : null,
			serviceId: random() < 0.5 ? `s${pick(SERVICES)}` : null,
			earliestMs: earliest,
			latestMs: random() < 0.2 ? null : earliest + (1 + pick(30)) * DAY,
			timesOfDay: times,
			patient: { name: `Paciente ${i}`, phone: `55119${String(i).padStart(8, '0')}` },
			createdAtMs: T0 - DAY + i,
			updatedAtMs: T0 - DAY + i,
		};
	});
}

function makeSlots(n: number): FreedSlot[] {
	const random = rng(11);
	return Array.from({ length: n }, (_, i) => {
		const startMs =
			T0 + (10 + Math.floor(random() * 40)) * DAY + (11 + Math.floor(random() * 10)) * 3_600_000;
		const practitionerId = `p${Math.floor(random() * PRACTITIONERS)}`;
		const serviceId = `s${Math.floor(random() * SERVICES)}`;
		return {
			slotId: encodeSlotId({ backend: 'builtin', practitionerId, serviceId, startMs: startMs + i * 60_000 }),
			startMs: startMs + i * 60_000,
			endMs: startMs + i * 60_000 + 1_800_000,
			practitionerId,
			serviceId,
			timeZone: ZONE,
		};
	});
}

/** The reference: every entry checked, sorted by join time. */
function naiveMatch(entries: WaitlistEntry[], slot: FreedSlot, limit: number): string[] {
	const tod = timeOfDay(slot.startMs, ZONE);
	return entries
		.filter(
			(e) =>
				e.status === 'waiting' &&
				(e.practitionerId === null || e.practitionerId === slot.practitionerId) &&
				(e.serviceId === null || e.serviceId === slot.serviceId) &&
				e.earliestMs <= slot.startMs &&
				(e.latestMs === null || e.latestMs > slot.startMs) &&
				(e.timesOfDay.length === 0 || e.timesOfDay.includes(tod)),
		)
		.sort((a, b) => a.createdAtMs - b.createdAtMs)
		.slice(0, limit)
		.map((e) => e.id);
}

async function seed(repository: WaitlistRepository, entries: WaitlistEntry[]): Promise<void> {
	for (let i = 0; i < entries.length; i += 5000)
		await repository.transaction(LIST, async (tx) => {
			for (const e of entries.slice(i, i + 5000)) await tx.insertEntry(e);
		});
}

/** Offers each slot once; returns the wave's entry ids per slot and the time of each call. */
async function offerAll(service: WaitlistService, slots: FreedSlot[]) {
	const times: number[] = [];
	const answers: string[][] = [];
	for (const slot of slots) {
		const t = performance.now();
		const offers = await service.offerFreedSlot(LIST, slot, {
			waveSize: WAVE,
			windowMs: 1_800_000,
			locale: 'pt-BR',
		});
		times.push(performance.now() - t);
		answers.push(offers.map((o) => o.entry.id));
	}
	return { times, answers };
}

async function claimRace(store: ClinicStore, patients: number, log: (m: string) => void) {
	const rules = parseClinicRules({
		timeZone: ZONE,
		minimumNoticeMinutes: 0,
		bookingHorizonDays: 60,
		openingHours: { mon: [{ start: '08:00', end: '12:00' }] },
		services: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }],
		practitioners: [{ id: 'ana', name: 'Dra. Ana' }],
	});
	const now = T0 - DAY;
	const provider = new BuiltinSchedulingProvider({
		rules,
		repository: new SqlBookingRepository(store, 'race'),
		clock: () => now,
	});
	const service = new WaitlistService({ repository: new SqlWaitlistRepository(store), clock: () => now });
	const list = 'builtin:race';
	for (let i = 0; i < patients; i++)
		await service.join(list, {
			patient: { name: `Race ${i}`, phone: `55118${String(i).padStart(8, '0')}` },
			practitionerId: 'ana',
			timeZone: ZONE,
		});
	const startMs = T0 + 9 * 3_600_000;
	const slotId = encodeSlotId({ backend: 'builtin', practitionerId: 'ana', serviceId: 'consulta', startMs });
	const offers = await service.offerFreedSlot(
		list,
		{
			slotId,
			startMs,
			endMs: startMs + 1_800_000,
			practitionerId: 'ana',
			serviceId: 'consulta',
			timeZone: ZONE,
		},
		{ waveSize: patients, windowMs: 1_800_000, locale: 'pt-BR' },
	);
	if (offers.length !== patients) throw new Error(`expected ${patients} offers, got ${offers.length}`);
	const random = rng(3);
	const t0 = performance.now();
	const outcomes = await Promise.all(
		offers.map(
			(o) =>
				new Promise<{ claimed: boolean; reason?: string }>((resolve, reject) => {
					setTimeout(() => {
						service
							.claim(list, { offerId: o.offer.id, tapper: { phone: o.entry.patient.phone } }, (entry, slot) =>
								provider.book({
									slotId: slot.slotId,
									patient: { name: entry.patient.name, phone: entry.patient.phone },
								}),
							)
							.then((r) => resolve(r.claimed ? { claimed: true } : { claimed: false, reason: r.reason }))
							.catch(reject);
					}, random() * 100);
				}),
		),
	);
	const lastAnswerMs = performance.now() - t0;
	const [{ n }] = await store.query<{ n: number }>(
		`SELECT COUNT(*) AS n FROM clinic_bookings WHERE calendar_id = 'race' AND active = 1`,
	);
	const booked = outcomes.filter((o) => o.claimed).length;
	const taken = outcomes.filter((o) => o.reason === 'taken').length;
	log(
		`claims: ${booked} booked, ${taken} taken, ${Number(n)} booking row(s), last answer after ${lastAnswerMs.toFixed(0)} ms`,
	);
	return { booked, taken, rows: Number(n), lastAnswerMs };
}

const bench: Benchmark = {
	name: 'waitlist',
	description:
		'Waitlist: match a freed slot against 100,000 entries (SQLite, memory, naive); 50 claims of one slot',
	async run({ quick, log }): Promise<BenchResult[]> {
		const n = quick ? 20_000 : 100_000;
		const slotCount = quick ? 10 : 40;
		const label = `${n / 1000}k`;
		const entries = makeEntries(n);
		const slots = makeSlots(slotCount);
		const dir = mkdtempSync(join(tmpdir(), 'waitlist-bench-'));
		const store = await openClinicStore(
			{ backend: 'sqlite', path: join(dir, 'store.sqlite'), phi: { key: 'bench-passphrase', keyId: 'b1' } },
			{ cache: false },
		);
		try {
			const clock = () => T0;
			log(`seeding ${n} entries into SQLite and memory…`);
			const t = performance.now();
			const sqlRepo = new SqlWaitlistRepository(store);
			await seed(sqlRepo, entries);
			const memRepo = new MemoryWaitlistRepository(async () => undefined);
			await seed(memRepo, entries);
			log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

			const sql = await offerAll(new WaitlistService({ repository: sqlRepo, clock }), slots);
			const memory = await offerAll(new WaitlistService({ repository: memRepo, clock }), slots);
			const naiveTimes: number[] = [];
			const naive = slots.map((slot) => {
				const t1 = performance.now();
				const ids = naiveMatch(entries, slot, WAVE);
				naiveTimes.push(performance.now() - t1);
				return ids;
			});
			const same = (a: string[][]) => a.every((ids, i) => ids.join() === naive[i].join());
			if (!same(sql.answers) || !same(memory.answers))
				throw new Error('the indexed matches differ from the naive scan');
			log(
				`matched ${naive.reduce((s, x) => s + x.length, 0)} offers over ${slotCount} slots; answers identical`,
			);

			const race = await claimRace(store, 50, log);
			log(
				`load average ${loadavg()
					.map((l) => l.toFixed(1))
					.join(' ')} on ${cpus().length} CPUs`,
			);
			const m = median(sql.times);
			return [
				{ metric: `match_${label}_ms`, value: m, unit: 'ms', target: '< 50 ms', pass: m < 50 },
				{
					metric: `match_${label}_max_ms`,
					value: Math.max(...sql.times),
					unit: 'ms',
					target: 'info',
					pass: true,
				},
				{
					metric: `match_${label}_memory_ms`,
					value: median(memory.times),
					unit: 'ms',
					target: 'info',
					pass: true,
				},
				{
					metric: `match_${label}_naive_ms`,
					value: median(naiveTimes),
					unit: 'ms',
					target: 'info',
					pass: true,
				},
				{
					metric: 'claims_booked',
					value: race.booked,
					unit: 'bookings',
					target: '= 1',
					pass: race.booked === 1 && race.rows === 1,
				},
				{
					metric: 'claims_taken',
					value: race.taken,
					unit: 'answers',
					target: '= 49',
					pass: race.taken === 49,
				},
				{ metric: 'claim_last_answer_ms', value: race.lastAnswerMs, unit: 'ms', target: 'info', pass: true },
			];
		} finally {
			await store.close();
			await closeAllClinicStores();
			rmSync(dir, { recursive: true, force: true });
		}
	},
};

export default bench;
