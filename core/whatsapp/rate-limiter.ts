/**
 * Throughput control for WhatsApp sends.
 * - ThroughputLimiter: the in-process pacing of one n8n instance (queue mode shares one budget between processes
 *   instead: send-budget.ts; both implement SendLimiter). A token bucket per phone-number ID (tokens refill at `mps`
 *   per second up to `burst`), plus a sliding-window guard (never more than `mps` grants in any `windowMs`), so the
 *   number stays under Meta's messages-per-second cap (130429) even when the bucket refills during a long queue.
 *   Meta counts a request when it arrives: with `permit.answered()` a send whose round trip took longer than the
 *   fastest recent one is counted from its likely arrival (see grant()), so a request held up on its way out does
 *   not put `mps + 1` sends into one Meta second.
 * - Shared registry: every GraphClient in the process gets the same limiter for the same base URL + phone number,
 *   so concurrent executions of several workflows share one budget.
 * - PairLimitGuard: after 131056 for a recipient, only that recipient waits 4^n seconds.
 */
import { systemClock, type Clock } from './clock';

export const DEFAULT_MPS = 80;
export const MIN_MPS = 1;
export const MAX_MPS = 1000;
/** 2 % headroom over one second absorbs clock and network jitter between us and Meta's counter. */
export const DEFAULT_WINDOW_MS = 1020;

export interface ThroughputLimiterOptions {
	/** Messages per second (1..1000, default 80). */
	mps?: number;
	/** Bucket capacity: how many sends may start at once after an idle period (default mps / 10, at least 1). */
	burst?: number;
	/** Sliding window over which at most `mps` sends are granted (default 1020 ms). */
	windowMs?: number;
	clock?: Clock;
}

export function validateMps(mps: number | undefined): number {
	if (mps === undefined) return DEFAULT_MPS;
	if (!Number.isFinite(mps) || mps < MIN_MPS || mps > MAX_MPS) {
		throw new Error(
			`Messages per second must be between ${MIN_MPS} and ${MAX_MPS} (got ${mps}); WhatsApp numbers start at 80 and can be upgraded to 1,000`,
		);
	}
	return Math.floor(mps);
}

function defaultBurst(mps: number): number {
	return Math.max(1, Math.ceil(mps / 10));
}

/**
 * A granted send. Call `stamp()` right before the request leaves: when the event loop is busy (thousands of sends
 * queued) the request may go out later than the grant, and the window must count the real departure time.
 * Call `answered()` (optional for limiters) when its answer, or its failure, is back: a request whose round trip
 * took longer than the fastest recent one may have reached Meta that much later, and the window counts it from there.
 */
export interface LimiterPermit {
	stamp(): void;
	answered?(): void;
}

/** One grant in the window: its booked time, and while its request is out (stamped, not answered) when it left. */
interface Grant {
	t: number;
	sentAt?: number;
}

/** Round trips remembered to know the fastest recent one (a send's excess over it is how late it may have arrived). */
const ROUND_TRIPS_KEPT = 64;
/**
 * Largest lateness an answer can add to a send's place in the window: an answer slower by more than this (a slow
 * Meta, not a stalled sender) delays the following sends by at most this much.
 */
export const MAX_ARRIVAL_CORRECTION_MS = 500;

/**
 * What paces one phone number's sends: the in-process ThroughputLimiter below (one n8n instance), or the budget all
 * processes share (send-budget.ts, queue mode). `recipient` lets a shared budget check the pair limit too.
 */
export interface SendLimiter {
	readonly mps: number;
	acquire(recipient?: string): Promise<LimiterPermit>;
}

export class ThroughputLimiter implements SendLimiter {
	private readonly clock: Clock;
	private rate: number;
	private capacity: number;
	private windowMs: number;
	private tokens: number;
	private lastRefill: number;
	/** Grant times still inside the window, oldest first (at most `rate`). */
	private grants: Grant[] = [];
	/** The last `rate` grants, expired or not (to know when the window allowed the next one). */
	private recent: Grant[] = [];
	private readonly waiters: Array<(permit: LimiterPermit) => void> = [];
	/** The last ROUND_TRIPS_KEPT round trips (stamp → answered), oldest first, and the fastest of them. */
	private readonly roundTrips: number[] = [];
	private fastestRoundTrip = Infinity;
	private timerPending = false;
	/** Bumped when the rate changes so a timer armed under the old rate no longer counts. */
	private timerGeneration = 0;

	constructor(options: ThroughputLimiterOptions = {}) {
		this.clock = options.clock ?? systemClock;
		this.rate = validateMps(options.mps);
		this.capacity = Math.max(1, options.burst ?? defaultBurst(this.rate));
		this.windowMs = Math.max(1, options.windowMs ?? DEFAULT_WINDOW_MS);
		this.tokens = this.capacity;
		this.lastRefill = this.clock.now();
	}

	get mps(): number {
		return this.rate;
	}

	get burst(): number {
		return this.capacity;
	}

	/** Sends waiting for a token. */
	get pending(): number {
		return this.waiters.length;
	}

	/** Changes the rate (and burst) in place; waiting sends continue under the new rate. */
	setRate(mps: number, burst?: number): void {
		const rate = validateMps(mps);
		this.refill(this.clock.now());
		this.rate = rate;
		this.capacity = Math.max(1, burst ?? defaultBurst(rate));
		this.tokens = Math.min(this.tokens, this.capacity);
		if (this.grants.length > rate) this.grants = this.grants.slice(this.grants.length - rate);
		if (this.recent.length > rate) this.recent = this.recent.slice(this.recent.length - rate);
		this.timerGeneration++;
		this.timerPending = false;
		this.pump();
	}

	/** Resolves when the caller may send one message. Waiters are served first come, first served. */
	async acquire(): Promise<LimiterPermit> {
		if (this.waiters.length === 0 && this.waitTime() <= 0) return this.grant(this.clock.now());
		return await new Promise<LimiterPermit>((resolve) => {
			this.waiters.push(resolve);
			this.pump();
		});
	}

	/** Takes a token if one is available right now. */
	tryAcquire(): boolean {
		const now = this.clock.now();
		if (this.waitTime(now) > 0) return false;
		this.grant(now).stamp();
		return true;
	}

	/** Milliseconds until the next token is available (0 = now). */
	waitTime(now = this.clock.now()): number {
		this.refill(now);
		this.expire(now);
		const tokenWait = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
		const windowWait =
			this.grants.length < this.rate ? 0 : this.countedAt(this.grants[0], now) + this.windowMs - now;
		return Math.max(0, tokenWait, windowWait);
	}

	private refill(now: number): void {
		const elapsed = now - this.lastRefill;
		if (elapsed > 0) {
			this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.rate) / 1000);
			this.lastRefill = now;
		}
	}

	private expire(now: number): void {
		let drop = 0;
		while (drop < this.grants.length && this.countedAt(this.grants[drop], now) + this.windowMs <= now) drop++;
		if (drop > 0) this.grants.splice(0, drop);
	}

	/**
	 * Records a grant. When the window is full, a grant is booked at the moment the window allowed it, even if the
	 * timer woke a few ms late (always, under load) — up to `headroom` (windowMs − 1 s, 20 ms by default) before the
	 * real time — so lateness does not push every later grant back (over 2,000 sends that cost ~3 % of the rate).
	 * Real departures still keep at most `mps` sends in any 1,000 ms: booked times lie within [departure − headroom,
	 * departure] and grants `mps` apart are booked ≥ windowMs apart, so they left ≥ windowMs − headroom apart. With a
	 * punctual timer nothing changes: grants stay windowMs apart (the 2 % headroom for network jitter is kept).
	 *
	 * What Meta counts is the arrival, not the departure: a request held up on its way out (the sender's event loop or
	 * CPU busy, a GC pause) arrives late, and the send `mps` places after it, leaving on time, can then land in the same
	 * Meta second as `mps` others (130429). `answered()` measures that: the round trip's excess over the fastest of the
	 * last 64 is how much later than its departure the request may have arrived (the whole excess is assumed to be on
	 * the way out, which errs on the safe side), and the grant is re-booked at departure + excess − headroom (at most
	 * MAX_ARRIVAL_CORRECTION_MS later). The send `mps` places on then leaves ≥ 1,000 ms after that estimated arrival.
	 * An excess within the headroom changes nothing.
	 */
	private grant(now: number): LimiterPermit {
		this.tokens -= 1;
		const headroom = Math.max(0, this.windowMs - 1000);
		// The window allowed this grant when the grant `rate` places back left it; a wake-up up to `headroom` later
		// is booked at that moment. Otherwise (start, idle, token-bound) the grant is booked now.
		const allowedAt = this.recent.length >= this.rate ? this.recent[0].t + this.windowMs : undefined;
		const entry: Grant = {
			t: allowedAt !== undefined && allowedAt >= now - headroom ? Math.min(now, allowedAt) : now,
		};
		this.grants.push(entry);
		this.recent.push(entry);
		while (this.recent.length > this.rate) this.recent.shift();
		const clock = this.clock;
		return {
			stamp: () => {
				entry.sentAt = clock.now();
				entry.t = Math.max(entry.t, entry.sentAt - headroom);
			},
			answered: () => {
				if (entry.sentAt === undefined) return;
				const now = clock.now();
				const roundTrip = now - entry.sentAt;
				this.roundTrips.push(roundTrip);
				if (this.roundTrips.length > ROUND_TRIPS_KEPT) this.roundTrips.shift();
				this.fastestRoundTrip = Math.min(...this.roundTrips);
				entry.t = this.countedAt(entry, now);
				entry.sentAt = undefined;
				// The send the window was waiting on is back: the next grant may come sooner than the timer set.
				if (this.grants[0] === entry && this.waiters.length > 0) this.rearm();
			},
		};
	}

	/**
	 * The time the window counts a grant from: its booked time, or its departure + its round trip's excess over the
	 * fastest recent one − headroom (at most MAX_ARRIVAL_CORRECTION_MS later), whichever is later. A request still out
	 * counts from departure + the excess it has so far, so the send `rate` places on waits for its answer (or for the
	 * 500 ms bound) instead of going out while it may still be on its way. Until the limiter has heard any answer
	 * (callers that never call answered()) only the booked time counts.
	 */
	private countedAt(entry: Grant, now: number): number {
		if (entry.sentAt === undefined || this.roundTrips.length === 0) return entry.t;
		const excess = Math.min(MAX_ARRIVAL_CORRECTION_MS, now - entry.sentAt - this.fastestRoundTrip);
		return Math.max(entry.t, entry.sentAt + excess - Math.max(0, this.windowMs - 1000));
	}

	/** Forgets the armed timer and serves the waiters again now. */
	private rearm(): void {
		this.timerGeneration++;
		this.timerPending = false;
		this.pump();
	}

	private pump(): void {
		if (this.timerPending) return;
		while (this.waiters.length > 0) {
			const now = this.clock.now();
			const wait = this.waitTime(now);
			if (wait > 0) {
				this.timerPending = true;
				const generation = ++this.timerGeneration;
				void this.clock.sleep(Math.ceil(wait)).then(() => {
					if (generation !== this.timerGeneration) return;
					this.timerPending = false;
					this.pump();
				});
				return;
			}
			this.waiters.shift()!(this.grant(now));
		}
	}
}

const sharedLimiters = new Map<string, ThroughputLimiter>();

function limiterKey(baseUrl: string, phoneNumberId: string): string {
	return `${baseUrl.replace(/\/+$/, '')}|${phoneNumberId}`;
}

/**
 * The process-wide limiter for a phone number (all node executions in one n8n process share it).
 * A different `mps` updates the existing limiter.
 */
export function getSharedLimiter(
	baseUrl: string,
	phoneNumberId: string,
	options: ThroughputLimiterOptions = {},
): ThroughputLimiter {
	const key = limiterKey(baseUrl, phoneNumberId);
	const mps = validateMps(options.mps);
	const existing = sharedLimiters.get(key);
	if (existing) {
		if (existing.mps !== mps || (options.burst !== undefined && existing.burst !== options.burst)) {
			existing.setRate(mps, options.burst);
		}
		return existing;
	}
	const limiter = new ThroughputLimiter({ ...options, mps });
	sharedLimiters.set(key, limiter);
	return limiter;
}

/** Forgets all shared limiters and pair guards (tests only). */
export function resetSharedLimiters(): void {
	sharedLimiters.clear();
	sharedPairGuards.clear();
}

export interface PairLimitOptions {
	clock?: Clock;
	/** Base of the backoff in ms (default 1000: 4^n seconds). */
	unitMs?: number;
	/** Largest exponent n (default 4 → at most 256 s). */
	maxExponent?: number;
}

interface PairState {
	count: number;
	until: number;
}

/**
 * Meta's pair rate limit (131056): about one message per 6 s to the same user. After the n-th consecutive 131056
 * for a recipient (n = 1, 2, …) that recipient waits 4^(n-1) seconds before its next attempt (1 s, 4 s, 16 s …,
 * Meta's "4^X seconds, X = 0, 1, 2…"); other recipients are not affected. A success resets the count.
 */
export class PairLimitGuard {
	private readonly clock: Clock;
	private readonly unitMs: number;
	private readonly maxExponent: number;
	private readonly state = new Map<string, PairState>();

	constructor(options: PairLimitOptions = {}) {
		this.clock = options.clock ?? systemClock;
		this.unitMs = options.unitMs ?? 1000;
		this.maxExponent = options.maxExponent ?? 4;
	}

	/** Milliseconds the recipient must still wait (0 when free). */
	delayFor(recipient: string): number {
		const entry = this.state.get(recipient);
		return entry ? Math.max(0, entry.until - this.clock.now()) : 0;
	}

	consecutiveLimits(recipient: string): number {
		return this.state.get(recipient)?.count ?? 0;
	}

	async wait(recipient: string): Promise<void> {
		const delay = this.delayFor(recipient);
		if (delay > 0) await this.clock.sleep(delay);
	}

	/** Records a 131056 for the recipient; returns the backoff (ms) now required before its next attempt. */
	recordPairLimit(recipient: string): number {
		const count = (this.state.get(recipient)?.count ?? 0) + 1;
		const exponent = Math.min(count - 1, this.maxExponent);
		const backoff = 4 ** exponent * this.unitMs;
		this.state.set(recipient, { count, until: this.clock.now() + backoff });
		if (this.state.size > 10_000) this.prune();
		return backoff;
	}

	recordSuccess(recipient: string): void {
		this.state.delete(recipient);
	}

	private prune(): void {
		const now = this.clock.now();
		const horizon = 4 ** this.maxExponent * this.unitMs;
		for (const [recipient, entry] of this.state)
			if (entry.until + horizon < now) this.state.delete(recipient);
	}
}

const sharedPairGuards = new Map<string, PairLimitGuard>();

/** The process-wide pair-limit guard for a phone number. */
export function getSharedPairGuard(
	baseUrl: string,
	phoneNumberId: string,
	options: PairLimitOptions = {},
): PairLimitGuard {
	const key = limiterKey(baseUrl, phoneNumberId);
	let guard = sharedPairGuards.get(key);
	if (!guard) {
		guard = new PairLimitGuard(options);
		sharedPairGuards.set(key, guard);
	}
	return guard;
}
