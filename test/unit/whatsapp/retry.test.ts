import { CloudApiError, networkError, parseGraphError } from '../../../core/whatsapp/errors';
import {
	backoffDelay,
	isRetryableError,
	resolveRetryOptions,
	withRetry,
	type RetryOptions,
} from '../../../core/whatsapp/retry';
import { FakeClock, metaError } from './helpers';

function options(clock: FakeClock, random = () => 0.5, extra: Partial<RetryOptions> = {}): RetryOptions {
	return resolveRetryOptions({ clock, random, baseDelayMs: 100, maxDelayMs: 5000, ...extra });
}

const throttled = () => parseGraphError(429, metaError(130429, 'Rate limit hit'));
const windowClosed = () => parseGraphError(400, metaError(131047, 'Re-engagement message'));

describe('backoffDelay (full jitter)', () => {
	it('stays within [0, min(max, base·2^(attempt-1))]', () => {
		const clock = new FakeClock();
		const low = options(clock, () => 0);
		const high = options(clock, () => 0.999999);
		for (let attempt = 1; attempt <= 10; attempt++) {
			const ceiling = Math.min(5000, 100 * 2 ** (attempt - 1));
			expect(backoffDelay(attempt, low)).toBe(0);
			expect(backoffDelay(attempt, high)).toBe(ceiling - 1);
			for (let i = 0; i < 50; i++) {
				const d = backoffDelay(attempt, options(clock, Math.random));
				expect(d).toBeGreaterThanOrEqual(0);
				expect(d).toBeLessThan(ceiling);
			}
		}
	});

	it('honours Retry-After as a floor, capped at the maximum', () => {
		const clock = new FakeClock();
		expect(
			backoffDelay(
				1,
				options(clock, () => 0),
				2000,
			),
		).toBe(2000);
		expect(
			backoffDelay(
				1,
				options(clock, () => 0),
				60_000,
			),
		).toBe(5000);
	});
});

describe('isRetryableError', () => {
	it('retries throttling and server errors, never client errors', () => {
		expect(isRetryableError(throttled(), false)).toBe(true);
		expect(isRetryableError(parseGraphError(500, ''), false)).toBe(true);
		expect(isRetryableError(windowClosed(), true)).toBe(false);
		expect(isRetryableError(new Error('plain'), true)).toBe(false);
	});

	it('does not resend a message after a timeout unless asked to', () => {
		const timeout = networkError(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
		const refused = networkError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
		expect(isRetryableError(timeout, true)).toBe(true);
		expect(isRetryableError(timeout, false)).toBe(false);
		expect(isRetryableError(timeout, false, true)).toBe(true);
		expect(isRetryableError(refused, false)).toBe(true);
	});

	it('does not resend a message after a proxy gateway timeout (it may have been forwarded)', () => {
		const gateway = parseGraphError(504, '<html>Gateway Timeout</html>');
		expect(isRetryableError(gateway, true)).toBe(true);
		expect(isRetryableError(gateway, false)).toBe(false);
	});
});

describe('withRetry', () => {
	it('retries a retryable error until it succeeds, sleeping the jittered backoff', async () => {
		const clock = new FakeClock();
		const attemptsAt: number[] = [];
		const promise = withRetry(
			async (attempt) => {
				attemptsAt.push(clock.now());
				if (attempt < 3) throw throttled();
				return 'ok';
			},
			options(clock),
			{ idempotent: false },
		);
		await clock.runAll();
		await expect(promise).resolves.toBe('ok');
		expect(attemptsAt).toEqual([0, 50, 150]);
	});

	it('stops after maxAttempts and throws the last error', async () => {
		const clock = new FakeClock();
		let calls = 0;
		const promise = withRetry(
			async () => {
				calls++;
				throw throttled();
			},
			options(clock, () => 0.5, { maxAttempts: 4 }),
			{ idempotent: true },
		);
		const settled = promise.catch((error: unknown) => error);
		await clock.runAll();
		const error = (await settled) as CloudApiError;
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error.code).toBe(130429);
		expect(calls).toBe(4);
	});

	it('does not retry a non-retryable error', async () => {
		const clock = new FakeClock();
		let calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw windowClosed();
				},
				options(clock),
				{ idempotent: true },
			),
		).rejects.toMatchObject({ code: 131047 });
		expect(calls).toBe(1);
	});

	it('lets the caller choose a delay or stop', async () => {
		const clock = new FakeClock();
		const seen: number[] = [];
		const promise = withRetry(
			async (attempt) => {
				seen.push(clock.now());
				if (attempt < 3) throw throttled();
				return attempt;
			},
			options(clock),
			{ idempotent: true, delayFor: (_e, attempt) => attempt * 1000 },
		);
		await clock.runAll();
		await expect(promise).resolves.toBe(3);
		expect(seen).toEqual([0, 1000, 3000]);
		await expect(
			withRetry(
				async () => {
					throw throttled();
				},
				options(clock),
				{ idempotent: true, delayFor: () => 'stop' },
			),
		).rejects.toMatchObject({ code: 130429 });
	});

	it('defaults to 5 attempts', () => {
		expect(resolveRetryOptions().maxAttempts).toBe(5);
		expect(resolveRetryOptions({ maxAttempts: 0 }).maxAttempts).toBe(1);
	});
});
