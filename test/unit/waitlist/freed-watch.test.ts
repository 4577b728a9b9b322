/** Find Freed Slots' comparison of a poll with the previous one (core/waitlist/freed-watch.ts). */
import { compareWithSeen } from '../../../core/waitlist/freed-watch';

const H = 3_600_000;
const slot = (id: string, hour: number) => ({ slotId: id, start: new Date(hour * H).toISOString() });

it('first poll: nothing freed, the window and free IDs remembered', () => {
	const { freed, seen } = compareWithSeen(
		undefined,
		{ fromMs: 0, toMs: 10 * H, free: [slot('a', 1)], truncated: false },
		0,
	);
	expect(freed).toEqual([]);
	expect(seen).toEqual({ fromMs: 0, toMs: 10 * H, slotIds: ['a'], updatedAtMs: 0 });
});

it('freed = free now, not free before, inside the window the previous poll covered and not started', () => {
	const previous = { fromMs: 0, toMs: 10 * H, slotIds: ['a'], updatedAtMs: 0 };
	const free = [slot('past', 1), slot('a', 3), slot('b', 4), slot('later', 12)];
	const { freed } = compareWithSeen(previous, { fromMs: 2 * H, toMs: 14 * H, free, truncated: false }, 2 * H);
	expect(freed.map((s) => s.slotId)).toEqual(['b']);
});

it('a cut-off poll covers only up to its last slot (the next poll does not call later slots freed)', () => {
	const first = compareWithSeen(
		undefined,
		{ fromMs: 0, toMs: 10 * H, free: [slot('a', 1), slot('b', 2)], truncated: true },
		0,
	);
	expect(first.seen.toMs).toBe(2 * H + 1);
	const { freed } = compareWithSeen(
		first.seen,
		{ fromMs: 0, toMs: 10 * H, free: [slot('a', 1), slot('c', 5)], truncated: false },
		0,
	);
	expect(freed).toEqual([]);
});
