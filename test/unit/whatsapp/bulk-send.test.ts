/**
 * The bulk-send scheduler (core/whatsapp/bulk-send.ts) with a fake sender: no n8n, no HTTP, no timers.
 */
import {
	JobQueue,
	runBulkSend,
	type BulkSendPlan,
	type GateDecision,
	type PreparedSend,
	type SendFields,
	type SendOutcome,
} from '../../../core/whatsapp/bulk-send';
import { networkError } from '../../../core/whatsapp/errors';
import { SendOutcomeUnknownError } from '../../../core/whatsapp/send-outcome';

interface Job {
	summary: SendFields;
	to: string;
}

/** What GraphClient.sendMessage throws when the connection broke after the request was written. */
const lost = () =>
	new SendOutcomeUnknownError(
		networkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
	);

/** A plan over `inputs` (a string is a recipient, an Error an invalid item); records what happened, in order. */
function plan(
	inputs: Array<string | Error>,
	overrides: Partial<BulkSendPlan<SendFields, Job>> = {},
): { plan: BulkSendPlan<SendFields, Job>; log: string[]; outcomes: Array<Array<SendOutcome<SendFields>>> } {
	const log: string[] = [];
	const outcomes: Array<Array<SendOutcome<SendFields>>> = [];
	return {
		log,
		outcomes,
		plan: {
			itemCount: inputs.length,
			continueOnFail: false,
			prepare: (i) => {
				log.push(`prepare ${i}`);
				const input = inputs[i];
				if (input instanceof Error) throw input;
				return { summary: { recipient: input }, to: input };
			},
			send: async (job) => {
				log.push(`send ${job.to}`);
				await Promise.resolve();
				if (job.to.startsWith('fail')) throw new Error(`rejected ${job.to}`);
				if (job.to.startsWith('lost')) throw lost();
				return { messageId: `wamid.${job.to}`, recipient: 'overwritten by the summary' };
			},
			concurrency: () => 1,
			onOutcomes: async (list) => {
				outcomes.push(list);
			},
			yieldToEventLoop: async () => {
				log.push('yield');
			},
			// Yields by time are their own test (a slow machine must not add yields to the exact logs below).
			yieldAfterMs: Infinity,
			...overrides,
		},
	};
}

describe('runBulkSend: validate every item, then send (Continue On Fail off)', () => {
	it('sends every item in input order; the summary is merged over the send result', async () => {
		const { plan: p, log, outcomes } = plan(['a', 'b', 'c']);
		const result = await runBulkSend(p);
		expect(result.stop).toBeUndefined();
		expect(log).toEqual(['prepare 0', 'prepare 1', 'prepare 2', 'send a', 'send b', 'send c']);
		expect(result.outcomes).toEqual([
			{ itemIndex: 0, ok: true, json: { messageId: 'wamid.a', recipient: 'a' } },
			{ itemIndex: 1, ok: true, json: { messageId: 'wamid.b', recipient: 'b' } },
			{ itemIndex: 2, ok: true, json: { messageId: 'wamid.c', recipient: 'c' } },
		]);
		expect(outcomes).toEqual([result.outcomes]);
	});

	it('stops at the first invalid item: nothing is sent, nothing is audited', async () => {
		const bad = new Error('Recipient is empty');
		const requireSender = jest.fn();
		const { plan: p, log, outcomes } = plan(['a', bad, new Error('second bad'), 'd'], { requireSender });
		const result = await runBulkSend(p);
		expect(result).toEqual({
			outcomes: [],
			stop: { phase: 'prepare', itemIndex: 1, error: bad, accepted: 0, unknown: 0 },
		});
		expect(log).toEqual(['prepare 0', 'prepare 1']);
		expect(outcomes).toEqual([]);
		expect(requireSender).not.toHaveBeenCalled();
	});

	it('starts no new send after the first failure and reports how many were accepted', async () => {
		const { plan: p, log, outcomes } = plan(['a', 'b', 'fail-c', 'd']);
		const result = await runBulkSend(p);
		expect(result.stop).toMatchObject({ phase: 'send', itemIndex: 2, accepted: 2 });
		expect((result.stop?.error as Error).message).toBe('rejected fail-c');
		expect(log.filter((l) => l.startsWith('send'))).toEqual(['send a', 'send b', 'send fail-c']);
		// The hook still sees every settled outcome (Audit to Store must record accepted messages and the refusal).
		expect(outcomes).toEqual([result.outcomes]);
		expect(result.outcomes.map((o) => [o.itemIndex, o.ok])).toEqual([
			[0, true],
			[1, true],
			[2, false],
		]);
	});

	it('with sends in flight, reports the lowest failed item and counts the ones that finished', async () => {
		const release: Array<() => void> = [];
		const { plan: p } = plan(['fail-a', 'b', 'fail-c'], {
			concurrency: () => 3,
			send: async (job) => {
				await new Promise<void>((resolve) => release.push(resolve));
				if (job.to.startsWith('fail')) throw new Error(job.to);
				return { messageId: job.to };
			},
		});
		const running = runBulkSend(p);
		while (release.length < 3) await Promise.resolve();
		// Finish in reverse order: item 2 fails first, then 1 succeeds, then 0 fails.
		for (const done of release.reverse()) {
			done();
			await new Promise((resolve) => setImmediate(resolve));
		}
		const result = await running;
		expect(result.stop).toMatchObject({ phase: 'send', itemIndex: 0, accepted: 1 });
	});

	it('checks the sender once, after validation, only when something is to be sent', async () => {
		const requireSender = jest.fn(() => {
			throw new Error('No sender phone number ID');
		});
		const { plan: p, log } = plan(['a'], { requireSender });
		await expect(runBulkSend(p)).rejects.toThrow('No sender phone number ID');
		expect(log).toEqual(['prepare 0']);
		const none = plan([new Error('bad')], { continueOnFail: true, requireSender, gate: async () => [] });
		await expect(runBulkSend(none.plan)).resolves.toMatchObject({ outcomes: [{ ok: false }] });
		expect(requireSender).toHaveBeenCalledTimes(1);
	});
});

describe('runBulkSend: Continue On Fail', () => {
	it('streams: the first valid item is sent while later items are still being prepared', async () => {
		const { plan: p, log } = plan(['a', 'b', 'c'], {
			continueOnFail: true,
			prepare: async (i) => {
				log.push(`prepare ${i}`);
				// Give the worker a turn between items, as the real preparation does (it awaits n8n).
				await new Promise((resolve) => setImmediate(resolve));
				return { summary: { recipient: String(i) }, to: String(i) };
			},
		});
		await runBulkSend(p);
		expect(log.indexOf('send 0')).toBeLessThan(log.indexOf('prepare 2'));
	});

	it('keeps input order and pairing: bad items and failed sends become failed outcomes', async () => {
		const bad = new Error('bad recipient');
		const { plan: p, outcomes } = plan([bad, 'b', 'fail-c', 'd'], { continueOnFail: true });
		const result = await runBulkSend(p);
		expect(result.stop).toBeUndefined();
		expect(result.outcomes.map((o) => [o.itemIndex, o.ok])).toEqual([
			[0, false],
			[1, true],
			[2, false],
			[3, true],
		]);
		expect(result.outcomes[0]).toEqual({ itemIndex: 0, ok: false, error: bad, summary: {} });
		expect(result.outcomes[2]).toMatchObject({ ok: false, summary: { recipient: 'fail-c' } });
		expect(outcomes).toHaveLength(1);
	});

	it('checks the sender before preparing anything and yields every `yieldEvery` items', async () => {
		const requireSender = jest.fn();
		const { plan: p, log } = plan(['a', 'b', 'c', 'd', 'e'], {
			continueOnFail: true,
			requireSender,
			yieldEvery: 2,
		});
		await runBulkSend(p);
		expect(requireSender).toHaveBeenCalledTimes(1);
		expect(log.filter((l) => l === 'yield')).toHaveLength(2);
	});
});

describe('runBulkSend: preparation never holds the event loop long', () => {
	it('yields as soon as preparing has taken `yieldAfterMs`, however few items that was', async () => {
		// Each item takes 3 ms to prepare: with 5 ms, a yield after every second item (6 ms), not after the 20th.
		let clock = 0;
		const { plan: p, log } = plan(['a', 'b', 'c', 'd', 'e', 'f'], {
			continueOnFail: true,
			yieldEvery: 20,
			yieldAfterMs: 5,
			now: () => clock,
		});
		const prepare = p.prepare;
		p.prepare = (i) => {
			clock += 3;
			return prepare(i);
		};
		await runBulkSend(p);
		const prepared = log.filter((l) => l === 'yield' || l.startsWith('prepare'));
		expect(prepared).toEqual([
			'prepare 0',
			'prepare 1',
			'yield',
			'prepare 2',
			'prepare 3',
			'yield',
			'prepare 4',
			'prepare 5',
			'yield',
		]);
	});

	it('by default a due timer runs within one item of preparation, not after 20 items', async () => {
		// Items that each hold the event loop for 3 ms; a 1 ms timer set before the run must fire before item 4.
		const order: string[] = [];
		const { plan: p } = plan(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], { continueOnFail: true });
		delete p.yieldAfterMs;
		delete p.yieldToEventLoop;
		p.prepare = (i) => {
			const until = performance.now() + 3;
			while (performance.now() < until);
			order.push(`prepare ${i}`);
			return { summary: { recipient: String(i) }, to: String(i) };
		};
		setTimeout(() => order.push('timer'), 1);
		await runBulkSend(p);
		expect(order.indexOf('timer')).toBeGreaterThan(0);
		expect(order.indexOf('timer')).toBeLessThanOrEqual(3);
	});
});

describe('runBulkSend: streaming prepares only a little ahead of the senders', () => {
	it('with every sender busy, at most `concurrency` prepared items wait; all are sent in the end', async () => {
		const items = Array.from({ length: 30 }, (_, i) => `p${i}`);
		const { plan: p, log } = plan(items, { continueOnFail: true, concurrency: () => 3 });
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		const send = p.send;
		p.send = async (job) => {
			await held;
			return await send(job);
		};
		const run = runBulkSend(p);
		for (let k = 0; k < 20; k++) await new Promise((resolve) => setImmediate(resolve));
		// 3 taken by the busy senders + 3 waiting in the queue; the 7th is prepared once a sender takes one.
		expect(log.filter((l) => l.startsWith('prepare'))).toHaveLength(6);
		release();
		const result = await run;
		expect(result.outcomes.filter((o) => o.ok)).toHaveLength(30);
		expect(log.filter((l) => l.startsWith('send'))).toHaveLength(30);
	});
});

describe('runBulkSend: unknown outcomes (the request may have reached Meta)', () => {
	it('Continue On Fail off: an unknown is an outcome, not a stop; the run goes on and every outcome is seen', async () => {
		const { plan: p, log, outcomes } = plan(['a', 'lost-b', 'c']);
		const result = await runBulkSend(p);
		expect(result.stop).toBeUndefined();
		expect(log.filter((l) => l.startsWith('send'))).toEqual(['send a', 'send lost-b', 'send c']);
		expect(result.outcomes[1]).toMatchObject({
			itemIndex: 1,
			ok: false,
			unknown: true,
			summary: { recipient: 'lost-b' },
		});
		expect((result.outcomes[1] as { error?: unknown }).error).toBeInstanceOf(SendOutcomeUnknownError);
		expect(outcomes).toEqual([result.outcomes]);
	});

	it('Continue On Fail on: unknown outcomes keep their place in input order', async () => {
		const { plan: p } = plan(['lost-a', 'fail-b', 'c'], { continueOnFail: true });
		const result = await runBulkSend(p);
		expect(result.outcomes.map((o) => [o.itemIndex, o.ok, o.unknown ?? false])).toEqual([
			[0, false, true],
			[1, false, false],
			[2, true, false],
		]);
	});

	it('a refusal still stops the run; unknowns settled before it are reported to the hook and counted', async () => {
		const { plan: p, outcomes } = plan(['lost-a', 'b', 'fail-c', 'd']);
		const result = await runBulkSend(p);
		expect(result.stop).toMatchObject({ phase: 'send', itemIndex: 2, accepted: 1, unknown: 1 });
		expect(outcomes).toEqual([result.outcomes]);
		expect(result.outcomes.map((o) => [o.itemIndex, o.ok, o.unknown ?? false])).toEqual([
			[0, false, true],
			[1, true, false],
			[2, false, false],
		]);
	});

	it('many unknowns in a row do not stop it either (no streak rule: fast failures finish first under concurrency)', async () => {
		const inputs = ['a', ...Array.from({ length: 25 }, (_, i) => `lost-${i}`), 'z'];
		const { plan: p, log } = plan(inputs);
		const result = await runBulkSend(p);
		expect(result.stop).toBeUndefined();
		expect(log.filter((l) => l.startsWith('send'))).toHaveLength(27);
		expect(result.outcomes.filter((o) => o.unknown)).toHaveLength(25);
		expect(result.outcomes[26]).toMatchObject({ ok: true });
	});
});

describe('runBulkSend: the gate', () => {
	const gateFor =
		(log: string[], blocked: string[]) =>
		async (jobs: ReadonlyArray<PreparedSend<Job>>): Promise<GateDecision[]> => {
			log.push(`gate ${jobs.map((j) => j.itemIndex).join(',')}`);
			return jobs.map(({ job }) =>
				blocked.includes(job.to)
					? { send: false, json: { sent: false, ...job.summary } }
					: { send: true, summary: { consent: 'ok' } },
			);
		};

	it('decides every valid item once, after validation and before the first send', async () => {
		const { plan: p, log, outcomes } = plan(['a', 'b', 'c']);
		p.gate = gateFor(log, ['b']);
		const result = await runBulkSend(p);
		expect(log).toEqual(['prepare 0', 'prepare 1', 'prepare 2', 'gate 0,1,2', 'send a', 'send c']);
		expect(result.outcomes[1]).toEqual({
			itemIndex: 1,
			ok: false,
			blocked: true,
			json: { sent: false, recipient: 'b' },
			summary: { recipient: 'b' },
		});
		expect(result.outcomes[0]).toMatchObject({ ok: true, json: { recipient: 'a', consent: 'ok' } });
		expect(outcomes).toEqual([result.outcomes]);
	});

	it('with Continue On Fail, still validates everything before the gate (no streaming)', async () => {
		const log: string[] = [];
		const { plan: p, log: planLog } = plan(['a', new Error('bad'), 'c'], {
			continueOnFail: true,
			gate: gateFor(log, []),
		});
		const result = await runBulkSend(p);
		expect(log).toEqual(['gate 0,2']);
		expect(planLog.filter((l) => l.startsWith('send'))).toEqual(['send a', 'send c']);
		expect(result.outcomes.map((o) => o.ok)).toEqual([true, false, true]);
	});

	it('yields to the event loop every `yieldEvery` items while validating before the gate', async () => {
		// A long synchronous preparation would starve timers (other executions' sends, a queue worker's job lock).
		const { plan: p, log } = plan(['a', 'b', 'c', 'd', 'e'], { yieldEvery: 2 });
		p.gate = gateFor(log, []);
		await runBulkSend(p);
		expect(log.slice(0, 8)).toEqual([
			'prepare 0',
			'prepare 1',
			'yield',
			'prepare 2',
			'prepare 3',
			'yield',
			'prepare 4',
			'gate 0,1,2,3,4',
		]);
	});

	it('a gate that throws stops the run with nothing sent', async () => {
		const { plan: p, log } = plan(['a', 'b'], {
			gate: async () => {
				throw new Error('consent store unreachable');
			},
		});
		await expect(runBulkSend(p)).rejects.toThrow('consent store unreachable');
		expect(log.some((l) => l.startsWith('send'))).toBe(false);
	});
});

describe('JobQueue', () => {
	it('hands items to waiting takers in order and ends them when closed', async () => {
		const queue = new JobQueue<number>();
		const first = queue.take();
		queue.push(1);
		queue.push(2);
		await expect(first).resolves.toBe(1);
		await expect(queue.take()).resolves.toBe(2);
		const waiting = queue.take();
		queue.close();
		await expect(waiting).resolves.toBeUndefined();
		await expect(queue.take()).resolves.toBeUndefined();
	});
});
