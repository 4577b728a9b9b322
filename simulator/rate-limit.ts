/**
 * Meta's two send limits: throughput per business number (messages per second → 130429) and the
 * business/consumer pair limit (a burst, then one message per interval to the same user → 131056).
 * Both run on the simulated clock.
 */
import type { Clock } from './options';

export interface LimitSettings {
	mps: number;
	pairBurst: number;
	pairIntervalMs: number;
}

export class SendLimiter {
	/** Per phone number: timestamps of accepted sends in the last second (ring buffer by array). */
	private readonly perNumber = new Map<string, number[]>();
	/** Per (number, user): token bucket. */
	private readonly perPair = new Map<string, { tokens: number; updatedAt: number }>();
	/** Sends refused since the last reset, per limit (benchmarks report them). */
	readonly refused = { throughput: 0, pair: 0 };

	constructor(
		private readonly clock: Clock,
		private readonly settings: () => LimitSettings,
	) {}

	/**
	 * Returns which limit would be exceeded, or null and records the send. `now`: the instant the send is recorded as
	 * accepted, so the messages' acceptedAt times and this count agree to the millisecond.
	 */
	take(phoneNumberId: string, userKey: string, now = this.clock.now()): 'throughput' | 'pair' | null {
		const { mps, pairBurst, pairIntervalMs } = this.settings();
		let window = this.perNumber.get(phoneNumberId);
		if (!window) {
			window = [];
			this.perNumber.set(phoneNumberId, window);
		}
		let drop = 0;
		while (drop < window.length && now - window[drop] >= 1000) drop++;
		if (drop) window.splice(0, drop);
		if (window.length >= mps) {
			this.refused.throughput++;
			return 'throughput';
		}

		const pairKey = `${phoneNumberId}:${userKey}`;
		const bucket = this.perPair.get(pairKey) ?? { tokens: pairBurst, updatedAt: now };
		const refill = pairIntervalMs > 0 ? (now - bucket.updatedAt) / pairIntervalMs : pairBurst;
		bucket.tokens = Math.min(pairBurst, bucket.tokens + Math.max(0, refill));
		bucket.updatedAt = now;
		if (bucket.tokens < 1) {
			this.perPair.set(pairKey, bucket);
			this.refused.pair++;
			return 'pair';
		}
		bucket.tokens -= 1;
		this.perPair.set(pairKey, bucket);
		window.push(now);
		return null;
	}

	reset(): void {
		this.perNumber.clear();
		this.perPair.clear();
		this.refused.throughput = 0;
		this.refused.pair = 0;
	}
}
