/** Injectable time source so limiters and retries can be tested with a fake clock. */
export interface Clock {
	/** Milliseconds (monotonic enough for spacing requests). */
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
