/** Injectable time source so limiters and retries can be tested with a fake clock. */
import { performance } from 'node:perf_hooks';

export interface Clock {
	/** Milliseconds from an arbitrary origin; only differences are used (must be monotonic). */
	now(): number;
	sleep(ms: number): Promise<void>;
}

/**
 * Real time. Uses the monotonic performance clock, not Date.now(): a wall-clock step (NTP adjusting a VM's time)
 * would otherwise age the limiter's window at once and let a burst through over Meta's cap.
 */
export const systemClock: Clock = {
	now: () => performance.now(),
	sleep: async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
