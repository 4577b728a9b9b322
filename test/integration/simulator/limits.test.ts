/** Contract tests: throughput (130429), pair rate (131056), latency and injected faults. */
import type { Simulator } from '../../../simulator';
import { SendLimiter } from '../../../simulator/rate-limit';
import { expectGraphError, manualClock, reminder, send, start } from './helpers';

describe('throughput and pair limits (deterministic clock)', () => {
	const clock = manualClock();
	let sim: Simulator;
	beforeAll(async () => {
		sim = await start({ clock, mps: 5, pairBurst: 3, pairIntervalMs: 6000 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => sim.reset());

	it('more than --mps messages in one second per number → 130429; the next second is fine again', async () => {
		const answers = await Promise.all(
			Array.from({ length: 8 }, (_, i) => send(sim, reminder(`551190000000${i}`))),
		);
		const codes = answers.map((a) => (a.status === 200 ? 'ok' : a.body.error.code));
		expect(codes.filter((c) => c === 'ok')).toHaveLength(5);
		expect(codes.filter((c) => c === 130429)).toHaveLength(3);
		expectGraphError(answers.find((a) => a.status !== 200)!, 400, 130429);
		expect(sim.messages()).toHaveLength(5);
		expect(sim.refusals()).toEqual({ throughput: 3, pair: 0 });
		clock.tick(1000);
		expect((await send(sim, reminder('5511900000009'))).status).toBe(200);
	});

	it('a burst then one message per interval to the same user → 131056', async () => {
		for (let i = 0; i < 3; i++) {
			expect((await send(sim, reminder('5511911111111'))).status).toBe(200);
			clock.tick(1000); // stay under mps
		}
		const limited = await send(sim, reminder('5511911111111'));
		expect(expectGraphError(limited, 400, 131056)).toMatch(/same recipient/);
		// Other users are not affected.
		expect((await send(sim, reminder('5511922222222'))).status).toBe(200);
		clock.tick(6000);
		expect((await send(sim, reminder('5511911111111'))).status).toBe(200);
		expectGraphError(await send(sim, reminder('5511911111111')), 400, 131056);
		expect(sim.refusals()).toEqual({ throughput: 0, pair: 2 });
		sim.reset();
		expect(sim.refusals()).toEqual({ throughput: 0, pair: 0 });
	});

	it('limits are configurable at runtime through /_sim/config', async () => {
		await sim.configure({ mps: 1000, pairBurst: 45 });
		const answers = await Promise.all(Array.from({ length: 45 }, () => send(sim, reminder('5511933333333'))));
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expectGraphError(await send(sim, reminder('5511933333333')), 400, 131056);
		await sim.configure({ mps: 5, pairBurst: 3 });
	});
});

describe('throughput: the count and the recorded acceptance times agree', () => {
	it('a send is counted at the instant it is recorded as accepted, not at a later clock reading', () => {
		// The clock has moved on (Date.now() ticks between two readings); the count uses the acceptance instant given.
		const limiter = new SendLimiter({ now: () => 5_000_000 }, () => ({
			mps: 1,
			pairBurst: 45,
			pairIntervalMs: 6000,
		}));
		expect(limiter.take('100', 'a', 1000)).toBeNull();
		expect(limiter.take('100', 'b', 1999)).toBe('throughput');
		expect(limiter.take('100', 'c', 2000)).toBeNull();
		expect(limiter.refused).toEqual({ throughput: 1, pair: 0 });
	});
});

describe('throughput with the real clock', () => {
	it('130429 is observable when sending faster than --mps', async () => {
		const sim = await start({ mps: 20 });
		try {
			const answers = await Promise.all(
				Array.from({ length: 60 }, (_, i) => send(sim, reminder(`55119000001${String(i).padStart(2, '0')}`))),
			);
			const ok = answers.filter((a) => a.status === 200).length;
			const limited = answers.filter((a) => a.body?.error?.code === 130429).length;
			expect(ok + limited).toBe(60);
			expect(limited).toBeGreaterThan(0);
			expect(ok).toBeGreaterThanOrEqual(20);
		} finally {
			await sim.close();
		}
	});
});

describe('latency and faults', () => {
	it('--latency-ms delays every Graph response', async () => {
		const sim = await start({ latencyMs: 150 });
		try {
			const t0 = Date.now();
			expect((await send(sim, reminder('5511944444444'))).status).toBe(200);
			expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		} finally {
			await sim.close();
		}
	});

	it('--fault-rate 1 with error500 → HTTP 500 code 131000; nothing is accepted', async () => {
		const sim = await start({ faultRate: 1, faultKinds: ['error500'] });
		try {
			const r = await send(sim, reminder('5511955555555'));
			expectGraphError(r, 500, 131000);
			expect(sim.messages()).toHaveLength(0);
			// The control API is never faulted.
			expect((await fetch(`${sim.url}/_sim/health`)).status).toBe(200);
		} finally {
			await sim.close();
		}
	});

	it('drop fault closes the connection without an answer', async () => {
		const sim = await start({ faultRate: 1, faultKinds: ['drop'] });
		try {
			await expect(send(sim, reminder('5511966666666'))).rejects.toThrow();
		} finally {
			await sim.close();
		}
	});

	it('lostResponse fault accepts the message but loses the answer (a retry would duplicate it)', async () => {
		const sim = await start({ faultRate: 1, faultKinds: ['lostResponse'] });
		try {
			await expect(send(sim, reminder('5511966666667'))).rejects.toThrow();
			expect(sim.messages({ to: '5511966666667' })).toHaveLength(1);
			await sim.configure({ faultRate: 0 });
			expect((await send(sim, reminder('5511966666667'))).status).toBe(200);
			expect(sim.messages({ to: '5511966666667' })).toHaveLength(2);
		} finally {
			await sim.close();
		}
	});

	it('timeout fault holds the request, then drops it', async () => {
		const sim = await start({ faultRate: 1, faultKinds: ['timeout'], faultTimeoutMs: 300 });
		try {
			const t0 = Date.now();
			await expect(send(sim, reminder('5511977777777'))).rejects.toThrow();
			expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
		} finally {
			await sim.close();
		}
	});

	it('a partial fault rate faults only the requests whose random draw is below it (injected random)', async () => {
		let n = 0;
		// Draws: 0.1 → fault (then 0 picks the kind), 0.9 → no fault; so requests alternate fault / success.
		const seq = [0.1, 0, 0.9];
		const sim = await start({ faultRate: 0.5, faultKinds: ['error500'], random: () => seq[n++ % 3] });
		try {
			const codes: number[] = [];
			for (let i = 0; i < 4; i++) codes.push((await send(sim, reminder(`55119888888${i}0`))).status);
			expect(codes).toEqual([500, 200, 500, 200]);
		} finally {
			await sim.close();
		}
	});
});
