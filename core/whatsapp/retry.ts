/**
 * Bounded retries with exponential backoff and full jitter, only for errors that retrying can fix:
 * retryable catalogue codes (throttling, Meta server errors), HTTP 5xx / 429 and network failures.
 */
import { systemClock, type Clock } from './clock';
import { CloudApiError } from './errors';

export interface RetryOptions {
	/** Total attempts including the first (default 5, at least 1). */
	maxAttempts: number;
	/** Backoff cap for attempt 1 (default 500 ms); doubles each attempt. */
	baseDelayMs: number;
	/** Upper bound of one backoff (default 30 s). */
	maxDelayMs: number;
	/**
	 * Resend a non-idempotent request (a message) after a timeout or reset, when Meta may already have received it.
	 * Default false: a duplicate appointment message is worse than a reported failure.
	 */
	retryUnsafeNetworkErrors: boolean;
	/** Random source in [0, 1) (tests inject a fixed one). */
	random: () => number;
	clock: Clock;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
	maxAttempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	retryUnsafeNetworkErrors: false,
	random: Math.random,
	clock: systemClock,
};

export function resolveRetryOptions(partial?: Partial<RetryOptions>): RetryOptions {
	const merged = { ...DEFAULT_RETRY_OPTIONS, ...(partial ?? {}) };
	merged.maxAttempts = Math.max(1, Math.floor(merged.maxAttempts));
	merged.baseDelayMs = Math.max(0, merged.baseDelayMs);
	merged.maxDelayMs = Math.max(merged.baseDelayMs, merged.maxDelayMs);
	return merged;
}

/**
 * Full-jitter backoff for the retry after attempt `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))].
 * A server `Retry-After` is honoured as a floor (capped at maxDelayMs).
 */
export function backoffDelay(attempt: number, options: RetryOptions, retryAfterMs?: number): number {
	const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
	const jittered = Math.floor(options.random() * ceiling);
	if (retryAfterMs !== undefined && retryAfterMs > jittered)
		return Math.min(retryAfterMs, options.maxDelayMs);
	return jittered;
}

/**
 * Whether an error is worth another attempt for this kind of request. A non-idempotent request (a message) that
 * may have reached Meta (reset or timeout after sending, a gateway timeout) is not repeated: that would risk a
 * duplicate; the caller reports its outcome as unknown instead (graph-client.ts, send-outcome.ts).
 */
export function isRetryableError(
	error: unknown,
	idempotent: boolean,
	retryUnsafeNetworkErrors = false,
): boolean {
	if (!(error instanceof CloudApiError) || !error.retryable) return false;
	if (error.mayHaveBeenSent && !idempotent && !retryUnsafeNetworkErrors) return false;
	return true;
}

export interface RetryCallOptions {
	/** GET/DELETE and uploads are idempotent; sending a message is not. */
	idempotent: boolean;
	/**
	 * Custom delay for an error (e.g. the pair-limit guard): a number of ms, 'stop' to give up now,
	 * or undefined for the normal backoff.
	 */
	delayFor?: (error: CloudApiError, attempt: number) => number | 'stop' | undefined;
	onRetry?: (info: { attempt: number; delayMs: number; error: CloudApiError }) => void;
}

/** Runs `operation` until it succeeds, a non-retryable error occurs, or the attempts run out (last error thrown). */
export async function withRetry<T>(
	operation: (attempt: number) => Promise<T>,
	options: RetryOptions,
	call: RetryCallOptions,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await operation(attempt);
		} catch (error) {
			failure = error;
		}
		if (attempt >= options.maxAttempts) throw failure;
		if (!isRetryableError(failure, call.idempotent, options.retryUnsafeNetworkErrors)) throw failure;
		const apiError = failure as CloudApiError;
		const custom = call.delayFor?.(apiError, attempt);
		if (custom === 'stop') throw failure;
		const delayMs = custom ?? backoffDelay(attempt, options, apiError.retryAfterMs);
		call.onRetry?.({ attempt, delayMs, error: apiError });
		if (delayMs > 0) await options.clock.sleep(delayMs);
	}
}
