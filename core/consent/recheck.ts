/**
 * Consent re-read right before each message leaves: what makes "Require Consent for Purpose" hold per send, not per
 * batch. A batch of 2,000 reminders takes ~25 s at 80 msg/s; the batch's one consent read before the first send
 * cannot see a patient who writes PARAR meanwhile, so every send asks again, after its rate-limit wait and right
 * before its request leaves.
 *
 * Guarantee: the decision a send gets comes from a store read that STARTED AFTER the send asked (after its
 * rate-limit wait), so an opt-out committed before that moment blocks it, in any workflow or process. What is left
 * is the read itself and the hand-over to the network (well under a millisecond with SQLite, one round trip with
 * PostgreSQL).
 *
 * Cost: sends that ask while a read is running wait for the next read and share it (one `ConsentService.check`,
 * i.e. one repository query, for all of them), so the number of reads is at most the number of sends and falls as
 * more sends are ready at once. The batch's up-front check (one query for every recipient) still decides who is
 * never tried; this adds one small indexed lookup per send, or per group of sends that leave together.
 */
import { settle } from '../settle';
import type { ConsentDecision } from './decision';
import type { CheckRequest, ConsentService } from './service';

interface Waiting {
	request: CheckRequest;
	resolve(decision: ConsentDecision): void;
	reject(error: unknown): void;
}

export class ConsentRecheck {
	private waiting: Waiting[] = [];
	private reading = false;
	/** Store reads made so far (for tests and the benchmark). */
	reads = 0;

	constructor(private readonly service: Pick<ConsentService, 'check'>) {}

	/**
	 * The current decision for `request`, from a read that starts after this call. A store failure rejects (the
	 * caller must not send: nothing was decided).
	 */
	async confirm(request: CheckRequest): Promise<ConsentDecision> {
		return await new Promise<ConsentDecision>((resolve, reject) => {
			this.waiting.push({ request, resolve, reject });
			if (!this.reading) void this.readWhileWaiting();
		});
	}

	/** One read at a time; each takes every request that arrived before it started. */
	private async readWhileWaiting(): Promise<void> {
		this.reading = true;
		try {
			while (this.waiting.length > 0) {
				// Sends that ask in the same tick share this read.
				await Promise.resolve();
				const batch = this.waiting.splice(0);
				this.reads++;
				const outcome = await settle(async () => await this.service.check(batch.map((w) => w.request)));
				batch.forEach((w, i) => (outcome.ok ? w.resolve(outcome.value[i]) : w.reject(outcome.error)));
			}
		} finally {
			this.reading = false;
		}
	}
}
