/**
 * The bulk-send scheduler behind WhatsApp Send Template and WhatsApp Send Message (n8n-free; the node glue is
 * nodes/shared/send.ts). It validates ("prepares") every input item into a job, optionally lets a gate decide all
 * valid jobs at once, sends them with bounded concurrency and returns one outcome per item, in input order.
 *
 * Two schedules:
 * - Validate all, then send (Continue On Fail OFF, or any run with a gate): every item is prepared BEFORE the first
 *   request. Without Continue On Fail the first bad item stops the run (`stop.phase = 'prepare'`) and NOTHING is
 *   sent; with it, bad items become failed outcomes. Then the gate (if any) decides every valid job in ONE call and
 *   the kept jobs are sent. Without Continue On Fail no new send starts after the first failure; sends already in
 *   flight finish and are counted (`stop.phase = 'send'`, `stop.accepted` = messages accepted by then, the failure
 *   reported is the lowest failed item index).
 * - Streaming (Continue On Fail ON and no gate): bad items become failed outcomes whatever happens, so sending starts
 *   with the first valid item while the remaining items are still being prepared (workers take jobs from a queue;
 *   the preparing loop yields to the event loop every `yieldEvery` items or `yieldAfterMs` so started sends progress,
 *   and stays at most `concurrency` prepared items ahead of the senders).
 *
 * Every send ends in one of three outcomes (send-outcome.ts): sent, failed (not sent), or unknown (the request may
 * have reached Meta without an answer: `SendOutcomeUnknownError`). An unknown is a regular outcome in both modes, not
 * a failure: it never stops a run without Continue On Fail, since the message may well have been delivered and
 * stopping would neither undo it nor tell the clinic more than the item does. (A streak detector was tried and
 * dropped: under concurrency, sends that fail fast finish first, so "N unknowns in a row" fired at a 15 % fault
 * rate. Each unknown is bounded by the request timeout; a network that is down from the start answers "refused" or
 * "not found", which are failures and stop the run.)
 *
 * A send may also be held back at the last moment (`SendHeldBackError`, thrown by a check right before its request
 * leaves, e.g. consent read again per send): a blocked outcome like the gate's, not a failure.
 *
 * `requireSender` is checked before anything is sent (streaming: before the first item is prepared; validate-all:
 * once after validation when at least one item is valid). `onOutcomes` sees the settled outcomes exactly once: on
 * success with every item, after a stop with EVERY outcome settled by then (sent, failed and unknown: each send
 * that started has finished), so every message that may have been sent is recorded even when the run throws; not
 * at all when validation stopped the run (nothing was sent).
 */
import { mapWithConcurrency } from './concurrency';
import { isSendOutcomeUnknown } from './send-outcome';

/** Output fields of one item (an n8n item's json in the node layer). */
export type SendFields = Record<string, unknown>;

/**
 * Thrown by a send when a check right before its request leaves holds it back (e.g. the patient opted out while the
 * batch was being sent): the item becomes a regular blocked outcome with `json`, never a failure, and never stops
 * the run.
 */
export class SendHeldBackError extends Error {
	constructor(readonly json: SendFields) {
		super('Held back right before sending');
		this.name = 'SendHeldBackError';
	}
}

/** One item, validated and ready to send. */
export interface BulkJob<F extends SendFields = SendFields> {
	/** Fields known before sending (recipient, template…), merged into every outcome of the item. */
	summary: F;
}

/** A valid item waiting to be sent. */
export interface PreparedSend<J> {
	itemIndex: number;
	job: J;
}

/** What a gate decided for one job: send it (with extra summary fields) or hold it back (output `json`). */
export type GateDecision<F extends SendFields = SendFields> =
	| { send: true; summary: F }
	| { send: false; json: F };

/** Result of one item; what the output items and "Audit to Store" are built from. */
export type SendOutcome<F extends SendFields = SendFields> =
	| { itemIndex: number; ok: true; json: F; blocked?: undefined; unknown?: undefined }
	/** Not sent: invalid item, refused by Meta, or the request never left. */
	| { itemIndex: number; ok: false; error: unknown; summary: F; blocked?: undefined; unknown?: undefined }
	/** May have been sent (`SendOutcomeUnknownError`): a regular output item, neither sent nor failed. */
	| { itemIndex: number; ok: false; unknown: true; error: unknown; summary: F; blocked?: undefined }
	/** Deliberately not sent (e.g. "Require Consent for Purpose"): a regular output item, not an error. */
	| {
			itemIndex: number;
			ok: false;
			blocked: true;
			json: F;
			summary: F;
			error?: undefined;
			unknown?: undefined;
	  };

/** Why a run without Continue On Fail stopped. */
export interface BulkSendStop {
	/** `prepare`: item `itemIndex` was invalid, nothing was sent. `send`: its send failed. */
	phase: 'prepare' | 'send';
	itemIndex: number;
	error: unknown;
	/** Messages accepted before the run stopped (always 0 for `prepare`). */
	accepted: number;
	/** Sends with an unknown outcome before the run stopped (they may have been delivered). */
	unknown: number;
}

export interface BulkSendResult<F extends SendFields = SendFields> {
	/** One outcome per item in input order; after a stop only the settled ones (may be empty). */
	outcomes: SendOutcome<F>[];
	stop?: BulkSendStop;
}

export interface BulkSendPlan<F extends SendFields, J extends BulkJob<F>> {
	/** Number of input items. */
	itemCount: number;
	continueOnFail: boolean;
	/** Builds (and fully validates) the job of one item; throws when the item is invalid. */
	prepare(itemIndex: number): Promise<J> | J;
	/** Performs the request(s) of one job and returns its output fields (messageId…). */
	send(job: J): Promise<F>;
	/** How many sends may run at once for `count` jobs. */
	concurrency(count: number): number;
	/** Throws when nothing can be sent at all (e.g. no sender phone number). */
	requireSender?(): void;
	/** Decides every valid job at once, right before the first send; one decision per job, in order. */
	gate?(jobs: ReadonlyArray<PreparedSend<J>>): Promise<Array<GateDecision<F>>>;
	/** Sees the settled outcomes once (Audit to Store hooks in here). */
	onOutcomes?(outcomes: Array<SendOutcome<F>>): Promise<void>;
	/** Yield to the event loop after at most this many prepared items (default 20)… */
	yieldEvery?: number;
	/**
	 * …or as soon as preparing has held the event loop this long (ms, default 4): a send waiting for its departure
	 * slot (the shared send budget gives a slot up when its sender wakes more than 20 ms late) or a queue worker's job
	 * lock renewal must not wait behind a long run of expression evaluations.
	 */
	yieldAfterMs?: number;
	/** Default: `setImmediate`, so due timers and pending network callbacks run first. */
	yieldToEventLoop?(): Promise<void>;
	/** Monotonic milliseconds for `yieldAfterMs` (tests). */
	now?(): number;
}

/** A FIFO of jobs that workers wait on until it is closed. */
export class JobQueue<T> {
	private readonly items: T[] = [];
	private readonly waiters: Array<(value: T | undefined) => void> = [];
	private readonly roomWaiters: Array<() => void> = [];
	private closed = false;

	/** Resolves once fewer than `limit` items wait to be taken (at once when that is already so). */
	async room(limit: number): Promise<void> {
		while (this.items.length >= Math.max(1, limit) && !this.closed)
			await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
	}

	push(value: T): void {
		const waiter = this.waiters.shift();
		if (waiter) waiter(value);
		else this.items.push(value);
	}

	/** No more pushes: waiting and later takes get `undefined` once the queue is empty. */
	close(): void {
		this.closed = true;
		for (const waiter of this.waiters.splice(0)) waiter(undefined);
	}

	async take(): Promise<T | undefined> {
		if (this.items.length > 0) {
			const value = this.items.shift();
			for (const waiter of this.roomWaiters.splice(0)) waiter();
			return value;
		}
		if (this.closed) return undefined;
		return await new Promise<T | undefined>((resolve) => this.waiters.push(resolve));
	}
}

const DEFAULT_YIELD_EVERY = 20;
const DEFAULT_YIELD_AFTER_MS = 4;

/** Runs the plan over every item; see the module comment for the two schedules. */
export async function runBulkSend<F extends SendFields, J extends BulkJob<F>>(
	plan: BulkSendPlan<F, J>,
): Promise<BulkSendResult<F>> {
	const outcomes = new Array<SendOutcome<F>>(plan.itemCount);
	const succeeded = (itemIndex: number, job: J, json: F) => {
		outcomes[itemIndex] = { itemIndex, ok: true, json: { ...json, ...job.summary } };
	};
	const notSent = (itemIndex: number, job: J, error: unknown) => {
		if (error instanceof SendHeldBackError) {
			outcomes[itemIndex] = {
				itemIndex,
				ok: false,
				blocked: true,
				json: error.json as F,
				summary: job.summary,
			};
			return;
		}
		outcomes[itemIndex] = isSendOutcomeUnknown(error)
			? { itemIndex, ok: false, unknown: true, error, summary: job.summary }
			: { itemIndex, ok: false, error, summary: job.summary };
	};
	// Continue On Fail: every valid item is sent; a failure becomes that item's failed (or unknown) outcome.
	const sendOne = async ({ itemIndex, job }: PreparedSend<J>) => {
		try {
			succeeded(itemIndex, job, await plan.send(job));
		} catch (error) {
			notSent(itemIndex, job, error);
		}
	};
	const invalid = (itemIndex: number, error: unknown) => {
		outcomes[itemIndex] = { itemIndex, ok: false, error, summary: {} as F };
	};

	if (plan.continueOnFail && !plan.gate) {
		await streamSends(plan, sendOne, invalid);
	} else {
		const prepared = await prepareAll(plan, invalid);
		if ('stop' in prepared) return { outcomes: [], stop: prepared.stop };
		let toSend = prepared.jobs;
		if (toSend.length > 0) plan.requireSender?.();
		if (plan.gate && toSend.length > 0) toSend = await applyGate(plan.gate, toSend, outcomes);
		if (plan.continueOnFail && toSend.length > 0)
			await mapWithConcurrency(toSend, plan.concurrency(toSend.length), sendOne);
		if (!plan.continueOnFail && toSend.length > 0) {
			const stop = await sendUntilFailure(plan, toSend, succeeded, notSent);
			if (stop) {
				const settled = outcomes.filter(Boolean);
				if (plan.onOutcomes) await plan.onOutcomes(settled);
				return { outcomes: settled, stop };
			}
		}
	}

	if (plan.onOutcomes) await plan.onOutcomes(outcomes);
	return { outcomes };
}

/** After a prepared item: a pause that lets timers and I/O callbacks run, every `yieldEvery` items or `yieldAfterMs`. */
function pauser(
	plan: Pick<
		BulkSendPlan<SendFields, BulkJob<SendFields>>,
		'yieldEvery' | 'yieldAfterMs' | 'yieldToEventLoop' | 'now'
	>,
) {
	const every = plan.yieldEvery ?? DEFAULT_YIELD_EVERY;
	const afterMs = plan.yieldAfterMs ?? DEFAULT_YIELD_AFTER_MS;
	const pause =
		plan.yieldToEventLoop ?? (async () => await new Promise<void>((resolve) => setImmediate(resolve)));
	const now = plan.now ?? (() => performance.now());
	let since = 0;
	let lastYield = now();
	return async () => {
		if (++since < every && now() - lastYield < afterMs) return;
		await pause();
		since = 0;
		lastYield = now();
	};
}

/** Streaming schedule: workers send while the remaining items are still being prepared. */
async function streamSends<F extends SendFields, J extends BulkJob<F>>(
	plan: BulkSendPlan<F, J>,
	sendOne: (next: PreparedSend<J>) => Promise<void>,
	invalid: (itemIndex: number, error: unknown) => void,
): Promise<void> {
	plan.requireSender?.();
	const pause = pauser(plan);
	const queue = new JobQueue<PreparedSend<J>>();
	const concurrency = plan.concurrency(plan.itemCount);
	const workers = Array.from({ length: concurrency }, async () => {
		for (let next = await queue.take(); next; next = await queue.take()) await sendOne(next);
	});
	try {
		for (let i = 0; i < plan.itemCount; i++) {
			try {
				queue.push({ itemIndex: i, job: await plan.prepare(i) });
			} catch (error) {
				invalid(i, error);
			}
			// Let started sends progress (their I/O callbacks) while preparation goes on.
			await pause();
			// Prepare at most `concurrency` items ahead of the senders: when sends are paced (Messages per Second),
			// preparing all items at once would only hold the CPU for seconds (n8n evaluates each expression in an
			// isolate), making other sends late; spread out, preparing costs the same and nobody waits for it.
			await queue.room(concurrency);
		}
	} finally {
		queue.close();
	}
	await Promise.all(workers);
}

/** Prepares every item; without Continue On Fail the first invalid one stops the run. */
async function prepareAll<F extends SendFields, J extends BulkJob<F>>(
	plan: BulkSendPlan<F, J>,
	invalid: (itemIndex: number, error: unknown) => void,
): Promise<{ jobs: Array<PreparedSend<J>> } | { stop: BulkSendStop }> {
	const jobs: Array<PreparedSend<J>> = [];
	const pause = pauser(plan);
	for (let i = 0; i < plan.itemCount; i++) {
		try {
			jobs.push({ itemIndex: i, job: await plan.prepare(i) });
		} catch (error) {
			if (!plan.continueOnFail)
				return { stop: { phase: 'prepare', itemIndex: i, error, accepted: 0, unknown: 0 } };
			invalid(i, error);
		}
		// Preparing evaluates the node's expressions per item: thousands of items would hold the event loop for
		// seconds (minutes on a busy machine), starving other executions' sends and, in queue mode, the worker's
		// job lock renewal (n8n then fails the execution as "stalled").
		await pause();
	}
	return { jobs };
}

/** The gate's decisions: kept jobs (with the gate's summary fields) go on; held-back ones become outcomes. */
async function applyGate<F extends SendFields, J extends BulkJob<F>>(
	gate: NonNullable<BulkSendPlan<F, J>['gate']>,
	jobs: Array<PreparedSend<J>>,
	outcomes: Array<SendOutcome<F>>,
): Promise<Array<PreparedSend<J>>> {
	const decisions = await gate(jobs);
	const kept: Array<PreparedSend<J>> = [];
	jobs.forEach(({ itemIndex, job }, k) => {
		const decision = decisions[k];
		if (decision.send)
			kept.push({ itemIndex, job: { ...job, summary: { ...job.summary, ...decision.summary } } });
		else
			outcomes[itemIndex] = {
				itemIndex,
				ok: false,
				blocked: true,
				json: decision.json,
				summary: job.summary,
			};
	});
	return kept;
}

/**
 * Sends concurrently; no new send starts after the first failure (in-flight sends finish, are counted and get their
 * outcome). An unknown outcome does not stop the run.
 */
async function sendUntilFailure<F extends SendFields, J extends BulkJob<F>>(
	plan: BulkSendPlan<F, J>,
	jobs: Array<PreparedSend<J>>,
	succeeded: (itemIndex: number, job: J, json: F) => void,
	notSent: (itemIndex: number, job: J, error: unknown) => void,
): Promise<BulkSendStop | undefined> {
	const state: { accepted: number; unknown: number; failure?: { itemIndex: number; error: unknown } } = {
		accepted: 0,
		unknown: 0,
	};
	// Re-read after an await (another send may have failed meanwhile): report the lowest failed item.
	const fail = (itemIndex: number, error: unknown) => {
		const first = state.failure as { itemIndex: number } | undefined;
		if (!first || itemIndex < first.itemIndex) state.failure = { itemIndex, error };
	};
	await mapWithConcurrency(jobs, plan.concurrency(jobs.length), async ({ itemIndex, job }) => {
		if (state.failure) return;
		try {
			const json = await plan.send(job);
			state.accepted++;
			succeeded(itemIndex, job, json);
		} catch (error) {
			notSent(itemIndex, job, error);
			if (isSendOutcomeUnknown(error)) state.unknown++;
			else if (!(error instanceof SendHeldBackError)) fail(itemIndex, error);
		}
	});
	const { failure, accepted, unknown } = state;
	return failure ? { phase: 'send', ...failure, accepted, unknown } : undefined;
}
