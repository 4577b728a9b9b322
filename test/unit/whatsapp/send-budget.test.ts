/**
 * The shared send budget (core/whatsapp/send-budget.ts): several budget instances (one per "process") over ONE store
 * never grant more than mps sends in any 1,000 ms window between them, keep the pair limit between them, survive
 * late wake-ups, other clocks, a slow store and an outage (fail safe: slower, never more, never lost silently).
 * The store here is an in-memory twin of the SQL one (send-budget-sql.ts; its SQL is checked against PostgreSQL in
 * test/integration/store/send-budget-pg.test.ts).
 */
import type { Clock } from '../../../core/whatsapp/clock';
import {
	SendBudgetUnavailableError,
	SharedSendBudget,
	type BudgetReservation,
	type BudgetReserveRequest,
	type SendBudgetStore,
} from '../../../core/whatsapp/send-budget';
import { maxInWindow } from '../../stack/reminder-batch';
import { FakeClock } from './helpers';

/** Same arithmetic as the SQL store, on the fake clock (the "database server's" clock). */
class MemoryBudgetStore implements SendBudgetStore {
	private readonly next = new Map<string, number>();
	private readonly tat = new Map<string, number>();
	down = false;
	/** One-way delay of each call (ms). */
	latencyMs = 0;

	constructor(private readonly clock: FakeClock) {}

	async reserve(r: BudgetReserveRequest): Promise<BudgetReservation> {
		if (this.latencyMs) await this.clock.sleep(this.latencyMs);
		if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
		const now = this.clock.now();
		const first = Math.max(this.next.get(r.budgetKey) ?? -Infinity, now + r.leadMs);
		this.next.set(r.budgetKey, first + r.count * r.intervalMs);
		const blocked = r.recipients.map((recipient, j) => {
			if (!recipient) return 0;
			const key = `${r.budgetKey}|${recipient}`;
			const slot = first + j * r.intervalMs;
			const tat = this.tat.get(key) ?? -Infinity;
			if (tat - r.pairToleranceMs > slot) return tat - r.pairToleranceMs;
			this.tat.set(key, Math.max(tat, slot) + r.pairIntervalMs);
			return 0;
		});
		if (this.latencyMs) await this.clock.sleep(this.latencyMs);
		return { firstSlotMs: first, storeNowMs: now, pairBlockedUntilMs: blocked };
	}

	async holdPair(budgetKey: string, recipient: string, holdMs: number, toleranceMs: number): Promise<void> {
		const key = `${budgetKey}|${recipient}`;
		this.tat.set(key, Math.max(this.tat.get(key) ?? -Infinity, this.clock.now() + holdMs + toleranceMs));
	}
}

/** A process's view of time: another origin, and timers that fire late by up to `maxLateMs` (seeded). */
function processClock(fake: FakeClock, origin: number, maxLateMs: number, seed = 1): Clock {
	let state = seed;
	const random = () => {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		return state / 2 ** 31;
	};
	return {
		now: () => fake.now() + origin,
		sleep: async (ms) => await fake.sleep(ms + random() * maxLateMs),
	};
}

function budget(store: SendBudgetStore, clock: Clock, mps: number, extra = {}): SharedSendBudget {
	return new SharedSendBudget({ store, budgetKey: 'graph|100000000000001', mps, clock, ...extra });
}

/** Acquires `count` permits (recipient i for permit i unless `to` says otherwise) and records the global grant time. */
function send(
	b: SharedSendBudget,
	fake: FakeClock,
	count: number,
	granted: number[],
	to?: (i: number) => string,
) {
	return Array.from({ length: count }, (_, i) =>
		b.acquire(to ? to(i) : `p${Math.random()}`).then(() => granted.push(fake.now())),
	);
}

describe('SharedSendBudget: one budget for every process', () => {
	it('two processes together never exceed mps in any 1,000 ms window, at ≥ 95 % of the cap', async () => {
		const fake = new FakeClock(1_000_000);
		const store = new MemoryBudgetStore(fake);
		const a = budget(store, processClock(fake, 0, 0), 50);
		const b = budget(store, processClock(fake, -777_000, 0), 50);
		const granted: number[] = [];
		const all = [...send(a, fake, 300, granted), ...send(b, fake, 300, granted)];
		await fake.runAll();
		await Promise.all(all);
		expect(granted).toHaveLength(600);
		expect(maxInWindow(granted)).toBeLessThanOrEqual(50);
		const seconds = (Math.max(...granted) - Math.min(...granted)) / 1000;
		expect(599 / seconds).toBeGreaterThanOrEqual(0.95 * 50);
		// Each process got a fair share (both were waiting the whole time).
		expect(a.state().granted).toBeGreaterThan(250);
		expect(b.state().granted).toBeGreaterThan(250);
	});

	it('late wake-ups give their slot up instead of crowding a window', async () => {
		const fake = new FakeClock(0);
		const store = new MemoryBudgetStore(fake);
		// Timers fire up to 60 ms late (a busy event loop): beyond the 20 ms allowance the slot is dropped.
		const a = budget(store, processClock(fake, 0, 60, 7), 80);
		const b = budget(store, processClock(fake, 5_000, 60, 99), 80);
		const granted: number[] = [];
		const all = [...send(a, fake, 400, granted), ...send(b, fake, 400, granted)];
		await fake.runAll();
		await Promise.all(all);
		expect(granted).toHaveLength(800);
		expect(maxInWindow(granted)).toBeLessThanOrEqual(80);
		expect(a.state().lateSlots + b.state().lateSlots).toBeGreaterThan(0);
		// Every wake-up is in the lateness histogram; those over 20 ms (the last three buckets) are the slots given up.
		for (const s of [a.state(), b.state()]) {
			expect(s.wakeLateness.reduce((x, y) => x + y, 0)).toBe(s.granted + s.lateSlots);
			expect(s.wakeLateness[4] + s.wakeLateness[5] + s.wakeLateness[6]).toBe(s.lateSlots);
		}
	});

	it('a slow store slows sends down and never lets more through', async () => {
		const fake = new FakeClock(0);
		const store = new MemoryBudgetStore(fake);
		store.latencyMs = 150;
		const a = budget(store, processClock(fake, 0, 5, 3), 40);
		const b = budget(store, processClock(fake, 123, 5, 4), 40);
		const granted: number[] = [];
		const all = [...send(a, fake, 120, granted), ...send(b, fake, 120, granted)];
		await fake.runAll();
		await Promise.all(all);
		expect(granted).toHaveLength(240);
		expect(maxInWindow(granted)).toBeLessThanOrEqual(40);
	});

	it('holds the pair limit across processes: a burst, then one message per interval to that recipient', async () => {
		const fake = new FakeClock(0);
		const store = new MemoryBudgetStore(fake);
		const opts = { pairBurst: 3, pairIntervalMs: 6000 };
		const a = budget(store, processClock(fake, 0, 0), 80, opts);
		const b = budget(store, processClock(fake, 42, 0), 80, opts);
		const granted: number[] = [];
		const same = () => '+5511912345678';
		const all = [...send(a, fake, 4, granted, same), ...send(b, fake, 4, granted, same)];
		await fake.runAll();
		await Promise.all(all);
		const times = [...granted].sort((x, y) => x - y);
		expect(times).toHaveLength(8);
		// GCRA: message i leaves no earlier than (i − (burst − 1)) × 6 s after the first.
		for (let i = 3; i < times.length; i++)
			expect(times[i] - times[0]).toBeGreaterThanOrEqual((i - 2) * 6000 - 1);
		expect(maxInWindow(times, 6000)).toBeLessThanOrEqual(3);
		expect(a.state().pairWaits + b.state().pairWaits).toBeGreaterThan(0);
	});

	it('after a 131056, no process sends to that recipient during the hold', async () => {
		const fake = new FakeClock(0);
		const store = new MemoryBudgetStore(fake);
		const a = budget(store, processClock(fake, 0, 0), 80);
		const b = budget(store, processClock(fake, 0, 0), 80);
		await a.holdPair('+5511912345678', 16_000);
		const granted: number[] = [];
		const done = b.acquire('+5511912345678').then(() => granted.push(fake.now()));
		const other = b.acquire('+5511900000000').then(() => granted.push(fake.now()));
		await fake.runAll();
		await Promise.all([done, other]);
		expect(granted[0]).toBeLessThan(100);
		expect(granted[1]).toBeGreaterThanOrEqual(16_000);
	});

	it('while the store is down nothing is granted; after the outage limit the sends fail as not sent', async () => {
		const fake = new FakeClock(0);
		const store = new MemoryBudgetStore(fake);
		store.down = true;
		const a = budget(store, processClock(fake, 0, 0), 80, { maxOutageMs: 10_000 });
		const results = Array.from({ length: 5 }, () =>
			a.acquire('+5511912345678').then(
				() => 'granted',
				(e: unknown) => e,
			),
		);
		await fake.advance(9_000);
		expect(a.state().granted).toBe(0);
		expect(a.state().waiting).toBe(5);
		await fake.runAll();
		for (const r of await Promise.all(results)) {
			expect(r).toBeInstanceOf(SendBudgetUnavailableError);
			expect((r as SendBudgetUnavailableError).code).toBe('send_budget_unavailable');
			expect((r as SendBudgetUnavailableError).field).toBe('Credential for Clinic Store');
		}
	});

	it('a store that comes back in time lets the waiting sends through, still within the cap', async () => {
		const fake = new FakeClock(0);
		const store = new MemoryBudgetStore(fake);
		store.down = true;
		const a = budget(store, processClock(fake, 0, 0), 20);
		const granted: number[] = [];
		const all = send(a, fake, 60, granted);
		await fake.advance(5_000);
		expect(granted).toHaveLength(0);
		store.down = false;
		await fake.runAll();
		await Promise.all(all);
		expect(granted).toHaveLength(60);
		expect(maxInWindow(granted)).toBeLessThanOrEqual(20);
		expect(a.state().storeErrors).toBeGreaterThan(0);
	});
});
