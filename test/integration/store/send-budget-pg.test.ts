/**
 * The shared send budget on a real PostgreSQL (core/whatsapp/send-budget-sql.ts): two "processes" (two budgets,
 * each with its own connection pool, like two n8n workers) send for one number at once; the departures of both
 * together stay within the cap in every 1,000 ms window, the pair limit holds across them, and the answers come from
 * one statement per block; and the send claims behind "Idempotency Key" give each key to exactly one of them.
 * Runs when WAC_PG_URL is set (scripts/pg-test-server.sh); skipped otherwise.
 */
import { closeAllClinicStores, openClinicStore } from '../../../core/store/open-store';
import type { ClinicStore, PostgresStoreConfig } from '../../../core/store/ports';
import { SqlSendBudgetStore } from '../../../core/whatsapp/send-budget-sql';
import { SendClaims } from '../../../core/whatsapp/send-claims';
import { SharedSendBudget } from '../../../core/whatsapp/send-budget';
import { maxInWindow } from '../../stack/reminder-batch';
import { pgUrl, postgresBackend, type Backend } from './backends';

const url = pgUrl();
const describePg = url ? describe : describe.skip;

/** A fresh schema opened by two stores with their own pools: two processes. */
function twoProcesses(): { stores: () => ClinicStore[] } {
	let backend: Backend | undefined;
	let stores: ClinicStore[] = [];
	beforeAll(async () => {
		backend = postgresBackend(url!);
		const config = (await backend.fresh()) as PostgresStoreConfig;
		stores = [
			await openClinicStore(config, { cache: false }),
			await openClinicStore({ ...config, maxConnections: 3 }, { cache: false }),
		];
	}, 60_000);
	afterAll(async () => {
		for (const s of stores) await s.close();
		await closeAllClinicStores();
		await backend?.cleanup();
	});
	return { stores: () => stores };
}

describePg('shared send budget on PostgreSQL', () => {
	const processes = twoProcesses();

	it('two processes at 50 msg/s: ≤ 50 departures in any 1,000 ms, ≥ 90 % of the cap, every send granted', async () => {
		const budgets = processes.stores().map(
			(store) =>
				new SharedSendBudget({
					store: new SqlSendBudgetStore(store),
					budgetKey: 'http://sim|100000000000001',
					mps: 50,
				}),
		);
		const granted: number[] = [];
		const started = Date.now();
		await Promise.all(
			budgets.flatMap((budget, b) =>
				Array.from({ length: 125 }, async (_, i) => {
					await budget.acquire(`+55119${b}${String(i).padStart(7, '0')}`);
					granted.push(Date.now());
				}),
			),
		);
		const seconds = (Math.max(...granted) - started) / 1000;
		expect(granted).toHaveLength(250);
		expect(maxInWindow(granted)).toBeLessThanOrEqual(50);
		// Wall clock on a loaded CI machine: the cap is the hard limit, the pace a sanity check.
		expect(250 / seconds).toBeGreaterThan(0.9 * 50 * (250 / (250 + 50)));
		for (const b of budgets) {
			expect(b.state().granted).toBeGreaterThan(90);
			expect(b.state().reservations).toBeLessThan(b.state().granted);
		}
	}, 60_000);

	it('the pair limit holds across processes (GCRA in the same statement)', async () => {
		const budgets = processes.stores().map(
			(store) =>
				new SharedSendBudget({
					store: new SqlSendBudgetStore(store),
					budgetKey: 'http://sim|pair-test',
					mps: 80,
					pairBurst: 2,
					pairIntervalMs: 1500,
				}),
		);
		const granted: number[] = [];
		await Promise.all(
			budgets.flatMap((budget) =>
				Array.from({ length: 2 }, async () => {
					await budget.acquire('+5511912345678');
					granted.push(Date.now());
				}),
			),
		);
		const times = granted.sort((a, b) => a - b);
		// Burst 2, then one per 1.5 s: the 3rd ≥ 1.5 s and the 4th ≥ 3 s after the first (20 ms slack for slots).
		expect(times[2] - times[0]).toBeGreaterThanOrEqual(1500 - 20);
		expect(times[3] - times[0]).toBeGreaterThanOrEqual(3000 - 20);
		expect(budgets[0].state().pairWaits + budgets[1].state().pairWaits).toBeGreaterThan(0);
	}, 30_000);

	it('holdPair keeps every process away from the recipient for the hold', async () => {
		const [a, b] = processes.stores().map(
			(store) =>
				new SharedSendBudget({
					store: new SqlSendBudgetStore(store),
					budgetKey: 'http://sim|hold',
					mps: 80,
				}),
		);
		await a.holdPair('+5511900000001', 1200);
		const started = Date.now();
		await b.acquire('+5511900000001');
		expect(Date.now() - started).toBeGreaterThanOrEqual(1150);
	}, 30_000);

	it('lists every number with its cap, last second and next slot (status command)', async () => {
		const budget = new SharedSendBudget({
			store: new SqlSendBudgetStore(processes.stores()[0]),
			budgetKey: 'http://sim|status',
			mps: 50,
		});
		await Promise.all(Array.from({ length: 20 }, async () => await budget.acquire()));
		const numbers = await new SqlSendBudgetStore(processes.stores()[0]).numbers();
		expect(numbers.map((n) => n.budgetKey)).toEqual(
			expect.arrayContaining(['http://sim|100000000000001', 'http://sim|pair-test', 'http://sim|status']),
		);
		const status = numbers.find((n) => n.budgetKey === 'http://sim|status')!;
		expect(status.mps).toBe(50);
		expect(status.slotsTotal).toBeGreaterThanOrEqual(20);
		// 20 slots 20.6 ms apart were handed out within the last second: none beyond the cap.
		expect(status.slotsLastSecond).toBeGreaterThanOrEqual(15);
		expect(status.slotsLastSecond).toBeLessThanOrEqual(50);
	});
});

describePg('send claims on PostgreSQL: two processes, one winner per key', () => {
	const processes = twoProcesses();

	it('200 keys claimed by both at once: each key claimed exactly once; sent keys stay sent', async () => {
		const [a, b] = processes.stores().map((s) => new SendClaims(s));
		const keys = Array.from({ length: 200 }, (_, i) => `100000000000001|appointment_reminder|APPT-${i}`);
		const results = await Promise.all(
			keys.flatMap((key) => [
				a.claim({ key, owner: 'execution:a' }).then((r) => ({ key, who: 'a', r })),
				b.claim({ key, owner: 'execution:b' }).then((r) => ({ key, who: 'b', r })),
			]),
		);
		for (const key of keys) {
			const mine = results.filter((x) => x.key === key);
			expect(mine.filter((x) => x.r.state === 'claimed')).toHaveLength(1);
			expect(mine.filter((x) => x.r.state === 'pending')).toHaveLength(1);
		}
		const winnerA = results.filter((x) => x.who === 'a' && x.r.state === 'claimed').map((x) => x.key);
		await Promise.all(winnerA.map((key) => a.settle(key, 'execution:a', 'sent')));
		const later = await Promise.all(winnerA.map((key) => b.claim({ key, owner: 'execution:c' })));
		expect(later.every((r) => r.state === 'sent')).toBe(true);
	}, 60_000);
});
