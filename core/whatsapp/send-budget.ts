/**
 * One send budget per phone number ID for every n8n process at once (queue mode: workers, webhook processors, main),
 * kept in a shared store (the clinic store on PostgreSQL: send-budget-sql.ts). Single-instance n8n keeps the
 * in-process ThroughputLimiter (rate-limiter.ts); the Send nodes pick this one when their Clinic Store credential is
 * PostgreSQL (nodes/shared/send-budget.ts).
 *
 * Slots. The store keeps, per number, the time of its next free departure slot. A process reserves a block of
 * consecutive slots `intervalMs = windowMs / mps` apart in ONE statement (about 100 ms worth of sends, so the cost is
 * one round trip per ~8 messages at 80 msg/s, ~100 at 1,000 msg/s), and sends each request at its slot. A request may
 * leave at its slot or up to `maxLatenessMs` later; a process that wakes up later than that (busy event loop, slow
 * store answer) gives the slot up and asks for a new one, so a slot is used at most once and never late. Departures
 * of all processes inside any 1,000 ms therefore come from slots inside a span of 1,000 + maxLatenessMs ms, which
 * holds fewer than (1,000 + maxLatenessMs) / intervalMs + 1 ≤ mps slots when windowMs ≥ 1,000 + maxLatenessMs. The
 * default windowMs = 1,030 (20 ms lateness, 10 ms for network jitter before Meta counts it) gives 97 % of the cap.
 * Unused slots (a run ends, a slot given up) are capacity lost, never capacity gained.
 *
 * Clocks. Slot times are the store's clock (PostgreSQL `clock_timestamp()`). Each answer carries the store's time;
 * the offset to this process's monotonic clock is taken from the answer with the shortest round trip among the last
 * 32 (NTP's minimum filter), so its error is at most half of that round trip (well under 1 ms on a LAN).
 *
 * Pair limit (Meta 131056: one message per 6 s to one user, bursts of up to 45 borrowed). Checked in the same
 * statement as the slots: per (number, recipient digest) a GCRA "theoretical arrival time" (tat): a slot at time s
 * may carry the message when tat − (burst − 1)·6 s ≤ s, and then tat = max(tat, s) + 6 s. Otherwise the slot is
 * given up and the message waits until the recipient is free. After a 131056 anyway, `holdPair` pushes the
 * recipient's tat so no process sends to them during the backoff. Recipients reach the store only as keyed digests.
 *
 * When the store is slow, sends wait (slower, never faster). When it is down, waiting sends keep waiting and the
 * reservation is retried with backoff; after `maxOutageMs` (60 s) without an answer the waiting sends fail with
 * SendBudgetUnavailableError: "not sent", so the item comes out as failed and can be run again. Nothing is sent
 * without a slot, nothing is dropped silently.
 */
import { ClinicError } from '../errors';
import { systemClock, type Clock } from './clock';
import { validateMps, type LimiterPermit, type SendLimiter } from './rate-limiter';

/** Sends may leave this late after their slot; later wake-ups give the slot up. */
export const SHARED_MAX_LATENESS_MS = 20;
/** Slots are windowMs / mps apart: 1,000 ms + lateness + 10 ms for network jitter. */
export const SHARED_WINDOW_MS = 1030;
/** Meta's pair rate limit: one message per 6 s to the same user, bursts of up to 45. */
export const PAIR_INTERVAL_MS = 6000;
export const PAIR_BURST = 45;
/** How long the store may be unreachable before waiting sends fail (not sent). */
export const DEFAULT_MAX_OUTAGE_MS = 60_000;

export interface BudgetReserveRequest {
	budgetKey: string;
	/** Slots to reserve (one per recipient below). */
	count: number;
	intervalMs: number;
	/** The first slot is at least this far after the store's now (covers the answer's way back). */
	leadMs: number;
	/** Recipient digest per slot, or null (no pair check, e.g. a message without a recipient). */
	recipients: Array<string | null>;
	pairIntervalMs: number;
	/** (burst − 1) × pairIntervalMs. */
	pairToleranceMs: number;
	/** The number's Messages per Second, recorded for the status command. */
	mps?: number;
}

export interface BudgetReservation {
	/** The first slot on the store's clock (ms since the epoch); slot j is at firstSlotMs + j × intervalMs. */
	firstSlotMs: number;
	/** The store's clock when it reserved. */
	storeNowMs: number;
	/** Per slot: 0 when its recipient may receive at that slot, else the store time from which they may again. */
	pairBlockedUntilMs: number[];
}

/** Where the shared state lives (send-budget-sql.ts on the clinic store; an in-memory one in tests). */
export interface SendBudgetStore {
	reserve(request: BudgetReserveRequest): Promise<BudgetReservation>;
	/**
	 * After a 131056: no slot before now + `holdMs` carries a message to the recipient (then one per pair interval):
	 * their arrival time becomes at least now + holdMs + `pairToleranceMs`.
	 */
	holdPair(budgetKey: string, recipient: string, holdMs: number, pairToleranceMs: number): Promise<void>;
}

export interface SharedSendBudgetOptions {
	store: SendBudgetStore;
	/** Identifies the number in the store, e.g. `<base URL>|<phone number ID>`. */
	budgetKey: string;
	mps?: number;
	clock?: Clock;
	/** Turns a recipient into the value stored (a keyed digest: no phone numbers in the budget tables). */
	digest?: (recipient: string) => string;
	windowMs?: number;
	maxLatenessMs?: number;
	/** One reservation covers about this much sending time (default 100 ms). */
	blockMs?: number;
	/** Slots are reserved at most this far ahead of now (default 300 ms). */
	horizonMs?: number;
	maxOutageMs?: number;
	pairIntervalMs?: number;
	pairBurst?: number;
}

/** What the budget is doing (for the queue-mode status command and the benchmarks). */
export interface SendBudgetState {
	budgetKey: string;
	mps: number;
	intervalMs: number;
	/** Sends waiting for a slot, and holding one (sleeping until it). */
	waiting: number;
	scheduled: number;
	granted: number;
	reservations: number;
	/** Slots given up: woke too late, or the recipient was not free. */
	lateSlots: number;
	pairWaits: number;
	storeErrors: number;
	/** How late senders woke after their slot: counts per bucket of WAKE_LATENESS_BUCKETS_MS (upper bounds). */
	wakeLateness: number[];
	/** Offset store clock − local clock (ms) and the round trip it was measured with. */
	clockOffsetMs: number;
	bestRoundTripMs: number;
}

/** Sends failed because the shared budget could not be reached for too long (nothing was sent). */
export class SendBudgetUnavailableError extends ClinicError {
	constructor(seconds: number, cause: unknown) {
		super(
			`Not sent: the shared send budget in the Clinic Store could not be reached for ${seconds} s (${(cause as Error)?.message ?? String(cause)})`,
			{
				code: 'send_budget_unavailable',
				field: 'Credential for Clinic Store',
				title: 'Shared send budget unavailable',
				hint: 'Sending without it could exceed the number’s messages per second across workers, so these messages were held back and not sent. Check that the Clinic Store database (PostgreSQL) is reachable, then run them again.',
				kind: 'store',
				cause,
			},
		);
		this.name = 'SendBudgetUnavailableError';
	}
}

interface Waiter {
	recipient: string | null;
	/** Local time before which no slot is useful (pair limit). */
	notBefore: number;
	resolve(permit: LimiterPermit): void;
	reject(error: unknown): void;
}

/** Upper bounds (ms, inclusive) of the wake-lateness buckets in SendBudgetState: ≤ 20 ms is a slot used. */
export const WAKE_LATENESS_BUCKETS_MS = [1, 5, 10, 20, 50, 100, Infinity];

const NO_OP_PERMIT: LimiterPermit = { stamp: () => undefined };

export class SharedSendBudget implements SendLimiter {
	private readonly store: SendBudgetStore;
	private readonly clock: Clock;
	private readonly digest: (recipient: string) => string;
	private readonly windowMs: number;
	private readonly maxLatenessMs: number;
	private readonly blockMs: number;
	private readonly horizonMs: number;
	private readonly maxOutageMs: number;
	private readonly pairIntervalMs: number;
	private readonly pairBurst: number;
	private rate: number;
	private readonly waiters: Waiter[] = [];
	private scheduled = 0;
	private reserving = false;
	/** The earliest armed wake-up (later timers of an older generation are ignored). */
	private wakeTime = Infinity;
	private wakeGeneration = 0;
	/** Local time of the last slot this process holds. */
	private reservedUntil = -Infinity;
	private failingSince: number | undefined;
	private failures = 0;
	private readonly samples: Array<{ rtt: number; offset: number }> = [];
	private readonly counters = { granted: 0, reservations: 0, lateSlots: 0, pairWaits: 0, storeErrors: 0 };
	private readonly wakeLateness = WAKE_LATENESS_BUCKETS_MS.map(() => 0);
	readonly budgetKey: string;

	constructor(options: SharedSendBudgetOptions) {
		this.store = options.store;
		this.budgetKey = options.budgetKey;
		this.clock = options.clock ?? systemClock;
		this.digest = options.digest ?? ((r) => r);
		this.rate = validateMps(options.mps);
		this.maxLatenessMs = options.maxLatenessMs ?? SHARED_MAX_LATENESS_MS;
		this.windowMs = Math.max(options.windowMs ?? SHARED_WINDOW_MS, 1000 + this.maxLatenessMs);
		this.blockMs = options.blockMs ?? 100;
		this.horizonMs = options.horizonMs ?? 300;
		this.maxOutageMs = options.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS;
		this.pairIntervalMs = options.pairIntervalMs ?? PAIR_INTERVAL_MS;
		this.pairBurst = Math.max(1, options.pairBurst ?? PAIR_BURST);
	}

	get mps(): number {
		return this.rate;
	}

	get intervalMs(): number {
		return this.windowMs / this.rate;
	}

	setRate(mps: number): void {
		this.rate = validateMps(mps);
	}

	/** Resolves at the moment a message (to `recipient`, if given) may leave. */
	async acquire(recipient?: string): Promise<LimiterPermit> {
		return await new Promise<LimiterPermit>((resolve, reject) => {
			this.waiters.push({
				recipient: recipient ? this.digest(recipient) : null,
				notBefore: -Infinity,
				resolve,
				reject,
			});
			this.pump();
		});
	}

	/** After a 131056 for `recipient`: every process holds its messages to them for `holdMs`. */
	async holdPair(recipient: string, holdMs: number): Promise<void> {
		const tolerance = (this.pairBurst - 1) * this.pairIntervalMs;
		await this.store.holdPair(this.budgetKey, this.digest(recipient), holdMs, tolerance);
	}

	state(): SendBudgetState {
		const best = this.bestSample();
		return {
			budgetKey: this.budgetKey,
			mps: this.rate,
			intervalMs: this.intervalMs,
			waiting: this.waiters.length,
			scheduled: this.scheduled,
			...this.counters,
			wakeLateness: [...this.wakeLateness],
			clockOffsetMs: best?.offset ?? NaN,
			bestRoundTripMs: best?.rtt ?? NaN,
		};
	}

	private bestSample(): { rtt: number; offset: number } | undefined {
		let best: { rtt: number; offset: number } | undefined;
		for (const s of this.samples) if (!best || s.rtt < best.rtt) best = s;
		return best;
	}

	private get leadMs(): number {
		const rtt = this.samples.length ? this.samples[this.samples.length - 1].rtt : 5;
		return Math.min(250, Math.max(2, rtt * 1.5 + 1));
	}

	private pump(): void {
		if (this.reserving || this.waiters.length === 0) return;
		const now = this.clock.now();
		// Hold at most `horizonMs` of slots ahead: a run that ends leaves little unused.
		const ahead = this.reservedUntil - now;
		const eligible = this.waiters.some((w) => w.notBefore <= now + this.leadMs + this.horizonMs);
		if (ahead > this.horizonMs || !eligible) {
			const nextFree = Math.min(...this.waiters.map((w) => w.notBefore));
			const wakeAt = Math.max(
				this.reservedUntil - this.horizonMs,
				eligible ? now : nextFree - this.horizonMs,
			);
			this.wakeAt(wakeAt);
			return;
		}
		const size = Math.max(1, Math.ceil((this.rate * this.blockMs) / 1000));
		const batch: Waiter[] = [];
		const recipients = new Set<string>();
		for (let i = 0; i < this.waiters.length && batch.length < size; ) {
			const w = this.waiters[i];
			const free = w.notBefore <= now + this.leadMs + this.horizonMs;
			// One slot per recipient per statement (the pair check of a statement sees one message per recipient).
			if (free && (w.recipient === null || !recipients.has(w.recipient))) {
				if (w.recipient !== null) recipients.add(w.recipient);
				batch.push(w);
				this.waiters.splice(i, 1);
			} else i++;
		}
		if (batch.length === 0) return;
		this.reserving = true;
		void this.reserve(batch).finally(() => {
			this.reserving = false;
			this.pump();
		});
	}

	private wakeAt(at: number): void {
		if (!Number.isFinite(at) || at >= this.wakeTime) return;
		this.wakeTime = at;
		const generation = ++this.wakeGeneration;
		void this.clock.sleep(Math.max(1, at - this.clock.now())).then(() => {
			if (generation !== this.wakeGeneration) return;
			this.wakeTime = Infinity;
			this.pump();
		});
	}

	private async reserve(batch: Waiter[]): Promise<void> {
		const interval = this.intervalMs;
		const t0 = this.clock.now();
		let result: BudgetReservation;
		try {
			result = await this.store.reserve({
				budgetKey: this.budgetKey,
				count: batch.length,
				intervalMs: interval,
				leadMs: this.leadMs,
				recipients: batch.map((w) => w.recipient),
				pairIntervalMs: this.pairIntervalMs,
				pairToleranceMs: (this.pairBurst - 1) * this.pairIntervalMs,
				mps: this.mps,
			});
		} catch (error) {
			await this.storeFailed(batch, error, t0);
			return;
		}
		const t1 = this.clock.now();
		this.failingSince = undefined;
		this.failures = 0;
		this.counters.reservations++;
		this.samples.push({ rtt: t1 - t0, offset: result.storeNowMs - (t0 + t1) / 2 });
		if (this.samples.length > 32) this.samples.shift();
		const offset = this.bestSample()!.offset;
		batch.forEach((waiter, j) => {
			const slot = result.firstSlotMs + j * interval - offset;
			this.reservedUntil = Math.max(this.reservedUntil, slot);
			const blocked = result.pairBlockedUntilMs[j] ?? 0;
			if (blocked > 0) {
				this.counters.pairWaits++;
				this.requeue({ ...waiter, notBefore: blocked - offset });
				return;
			}
			this.schedule(waiter, slot);
		});
	}

	private schedule(waiter: Waiter, slot: number): void {
		this.scheduled++;
		void this.clock.sleep(Math.max(0, slot - this.clock.now())).then(() => {
			this.scheduled--;
			const late = this.clock.now() - slot;
			this.wakeLateness[WAKE_LATENESS_BUCKETS_MS.findIndex((bound) => late <= bound)]++;
			if (late <= this.maxLatenessMs) {
				this.counters.granted++;
				waiter.resolve(NO_OP_PERMIT);
				return;
			}
			// Woke too late: using the slot now could crowd a window; give it up and take the next one.
			this.counters.lateSlots++;
			this.requeue(waiter, true);
			this.pump();
		});
	}

	private requeue(waiter: Waiter, front = false): void {
		if (front) this.waiters.unshift(waiter);
		else this.waiters.push(waiter);
	}

	private async storeFailed(batch: Waiter[], error: unknown, startedAt: number): Promise<void> {
		this.counters.storeErrors++;
		this.failingSince ??= startedAt;
		this.waiters.unshift(...batch);
		if (this.clock.now() - this.failingSince >= this.maxOutageMs) {
			const failure = new SendBudgetUnavailableError(Math.round(this.maxOutageMs / 1000), error);
			for (const w of this.waiters.splice(0)) w.reject(failure);
			this.failingSince = undefined;
			this.failures = 0;
			return;
		}
		this.failures++;
		await this.clock.sleep(Math.min(2000, 50 * 2 ** Math.min(this.failures, 6)));
	}
}
