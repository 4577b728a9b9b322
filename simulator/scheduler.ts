/**
 * Tracks the simulator's background work (status timers, webhook attempts and retries) so that tests can
 * wait for quiescence (`idle()`) and `close()` can cancel everything.
 */
export class Scheduler {
	private readonly timers = new Set<NodeJS.Timeout>();
	private running = 0;
	private waiters: Array<() => void> = [];
	private closed = false;

	/** Runs `fn` after `ms` real milliseconds (errors are reported to onError, never thrown). */
	schedule(ms: number, fn: () => unknown | Promise<unknown>, onError?: (e: unknown) => void): void {
		if (this.closed) return;
		const timer = setTimeout(
			() => {
				this.timers.delete(timer);
				void this.track(fn, onError);
			},
			Math.max(0, ms),
		);
		this.timers.add(timer);
	}

	/** Runs `fn` now, counted as background work until it settles. */
	async track<T>(fn: () => T | Promise<T>, onError?: (e: unknown) => void): Promise<T | undefined> {
		this.running++;
		try {
			return await fn();
		} catch (e) {
			if (onError) onError(e);
			return undefined;
		} finally {
			this.running--;
			this.notify();
		}
	}

	/** A cancellable sleep inside tracked work. Resolves false when the scheduler closed. */
	sleep(ms: number): Promise<boolean> {
		if (this.closed) return Promise.resolve(false);
		return new Promise((resolve) => {
			const timer = setTimeout(
				() => {
					this.timers.delete(timer);
					this.cancels.delete(timer);
					resolve(!this.closed);
				},
				Math.max(0, ms),
			);
			this.timers.add(timer);
			this.cancels.set(timer, () => resolve(false));
		});
	}

	private readonly cancels = new Map<NodeJS.Timeout, () => void>();

	get pending(): number {
		return this.timers.size + this.running;
	}

	/** Resolves when no timer is pending and no tracked work runs (or after timeoutMs; then rejects). */
	idle(timeoutMs = 10000): Promise<void> {
		if (this.pending === 0) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const t = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w !== done);
				reject(new Error(`simulator not idle after ${timeoutMs} ms (${this.pending} pending tasks)`));
			}, timeoutMs);
			const done = () => {
				clearTimeout(t);
				resolve();
			};
			this.waiters.push(done);
		});
	}

	private notify(): void {
		if (this.pending !== 0) return;
		const waiters = this.waiters;
		this.waiters = [];
		for (const w of waiters) w();
	}

	/** Cancels every pending timer (sleepers resolve false). Reusable after reopen(). */
	cancelAll(): void {
		for (const t of this.timers) {
			clearTimeout(t);
			this.cancels.get(t)?.();
		}
		this.timers.clear();
		this.cancels.clear();
		this.notify();
	}

	close(): void {
		this.closed = true;
		this.cancelAll();
	}
}
