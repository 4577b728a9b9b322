/**
 * The delivery pipeline without n8n: a fake clock, a fake time-based processed-event store, a recording log and
 * response port. What Meta is answered, when claims are released, the age check and the depth bound.
 */
import { resetProcessDedupCaches, type ProcessedEventStore } from '../../../core/webhook/dedup';
import type { MessageEvent } from '../../../core/webhook/events';
import { parsePhoneNumberFilter } from '../../../core/webhook/filter';
import {
	CREDENTIAL_UNAVAILABLE,
	STATIC_DATA_DEDUP_KEY,
	STATIC_DATA_STALE_COUNT_KEY,
	processDelivery,
	type DeliveryPorts,
	type DeliverySettings,
} from '../../../core/webhook/pipeline';
import { META_RETRY_WINDOW_MS, dedupRetentionMs, maxEventAgeMs } from '../../../core/webhook/replay-window';
import { signBody } from '../../../core/webhook/signature';
import { FIXTURE_NOW_MS, fixtureBytes } from './fixtures';

const SECRET = 'pipeline-secret';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
/** message-text.json's message timestamp. */
const SENT_MS = Date.parse('2025-06-08T20:59:43Z');

/** A Clinic Store table in memory: claims expire after ttlMs on the shared fake clock. */
class TimedStore implements ProcessedEventStore {
	readonly expiry = new Map<string, number>();
	readonly ttls: number[] = [];
	fail = false;
	constructor(private readonly now: () => number) {}
	async claim(keys: readonly string[], ttlMs: number): Promise<boolean[]> {
		this.ttls.push(ttlMs);
		if (this.fail) throw new Error('db down');
		return keys.map((k) => {
			const until = this.expiry.get(k);
			if (until !== undefined && until > this.now()) return false;
			this.expiry.set(k, this.now() + ttlMs);
			return true;
		});
	}
	async release(keys: readonly string[]): Promise<void> {
		for (const k of keys) this.expiry.delete(k);
	}
}

interface Harness {
	now: number;
	state: Record<string, unknown>;
	store?: TimedStore;
	logs: Array<['warn' | 'error', string]>;
	acknowledged: number;
}

function harness(over: Partial<Harness> = {}): Harness {
	return { now: FIXTURE_NOW_MS, state: {}, logs: [], acknowledged: 0, ...over };
}

function settings(over: Partial<DeliverySettings> = {}): DeliverySettings {
	return {
		appSecret: SECRET,
		kinds: new Set(['message', 'status.delivered', 'status.read', 'account_update']),
		phoneNumbers: parsePhoneNumberFilter('*'),
		includeRaw: false,
		downloadMedia: false,
		maxEventAgeMs: META_RETRY_WINDOW_MS,
		...over,
	};
}

function ports(h: Harness, over: Partial<DeliveryPorts<string>> = {}): DeliveryPorts<string> {
	return {
		dedup: {
			scope: 'wf:node:live',
			state: h.state,
			resolveStore: h.store ? async () => h.store : undefined,
		},
		acknowledge: () => {
			h.acknowledged++;
		},
		log: {
			warn: (m) => h.logs.push(['warn', m]),
			error: (m) => h.logs.push(['error', m]),
		},
		now: () => h.now,
		...over,
	};
}

async function deliver(body: Buffer, h: Harness, s = settings(), p = ports(h)) {
	return await processDelivery({ rawBody: body, signature: signBody(body, s.appSecret || 'x') }, s, p);
}

function emittedKinds(outcome: Awaited<ReturnType<typeof deliver>>): string[] {
	return outcome.kind === 'emit' ? outcome.emitted.map((e) => e.event.event) : [];
}

beforeEach(() => resetProcessDedupCaches());

describe('answers and refusals', () => {
	const body = fixtureBytes('message-text');

	it('no App Secret (empty or whitespace) → 401 with an error log; a wrong signature → 401 with a warning', async () => {
		for (const appSecret of ['', '  ']) {
			const h = harness();
			const r = await processDelivery(
				{ rawBody: body, signature: signBody(body, appSecret) },
				settings({ appSecret }),
				ports(h),
			);
			expect(r).toEqual({ kind: 'answer', status: 401, body: 'App secret not configured' });
			expect(h.logs[0][0]).toBe('error');
		}
		const h = harness();
		const r = await processDelivery(
			{ rawBody: body, signature: signBody(body, 'attacker') },
			settings(),
			ports(h),
		);
		expect(r).toEqual({ kind: 'answer', status: 401, body: 'Invalid signature' });
		expect(h.logs).toEqual([['warn', expect.stringContaining('mismatch')]]);
	});

	it('a body that is not a WhatsApp webhook → 400; no events left after filtering → 200 OK, nothing claimed', async () => {
		const h = harness();
		expect(await deliver(Buffer.from('{"object":"page","entry":[]}'), h)).toMatchObject({
			kind: 'answer',
			status: 400,
		});
		const statuses = await deliver(fixtureBytes('status-sent'), h);
		expect(statuses).toEqual({ kind: 'answer', status: 200, body: 'OK' });
		expect(h.state).toEqual({});
	});

	it('the credential answer is a 500 so that Meta re-sends', () => {
		expect(CREDENTIAL_UNAVAILABLE).toEqual({
			kind: 'answer',
			status: 500,
			body: 'Trigger credential unavailable',
		});
	});
});

describe('deduplication and release policy', () => {
	const body = fixtureBytes('message-text');

	it('emits once; a retry is answered 200 without a workflow; only digests are kept', async () => {
		const h = harness();
		expect(emittedKinds(await deliver(body, h))).toEqual(['message']);
		expect(await deliver(body, h)).toEqual({ kind: 'answer', status: 200, body: 'OK' });
		expect(JSON.stringify(h.state[STATIC_DATA_DEDUP_KEY])).not.toContain('wamid');
	});

	it('a failing store → 500 and nothing stays claimed: the redelivery is emitted', async () => {
		const h = harness();
		h.store = new TimedStore(() => h.now);
		h.store.fail = true;
		expect(await deliver(body, h)).toEqual({ kind: 'answer', status: 500, body: 'Temporarily unavailable' });
		expect(h.logs).toEqual([['error', expect.stringContaining('deduplication store failed')]]);
		h.store.fail = false;
		expect(emittedKinds(await deliver(body, h))).toEqual(['message']);
	});

	it('a failing hook before the answer → 500, claims released in every layer; the redelivery is emitted', async () => {
		const h = harness();
		h.store = new TimedStore(() => h.now);
		const hook = jest.fn().mockRejectedValueOnce(new Error('audit store down')).mockResolvedValue(undefined);
		const r = await deliver(body, h, settings(), ports(h, { hooks: [hook] }));
		expect(r).toEqual({ kind: 'answer', status: 500, body: 'Temporarily unavailable' });
		expect(h.store.expiry.size).toBe(0);
		expect(emittedKinds(await deliver(body, h, settings(), ports(h, { hooks: [hook] })))).toEqual([
			'message',
		]);
		expect(hook).toHaveBeenCalledTimes(2);
	});

	it('media: 200 goes out before the download; a failed download and a failing hook still emit the message', async () => {
		const h = harness();
		const order: string[] = [];
		const p = ports(h, {
			acknowledge: () => order.push('ack'),
			downloadMedia: async (events: readonly MessageEvent[]) => {
				order.push(`download ${events.length}`);
				throw new Error('graph unreachable');
			},
			hooks: [
				async () => {
					throw new Error('audit store down');
				},
			],
		});
		const r = await deliver(fixtureBytes('message-image'), h, settings({ downloadMedia: true }), p);
		expect(order).toEqual(['ack', 'download 1']);
		expect(r.kind).toBe('emit');
		if (r.kind !== 'emit') return;
		expect(r.acknowledged).toBe(true);
		expect(r.emitted[0].media?.mediaError).toMatchObject({
			code: 'download_failed',
			message: 'Media download failed: graph unreachable',
		});
		expect(h.logs).toEqual([['error', expect.stringContaining('emitting anyway')]]);
	});

	it('text messages never wait for media: no early answer', async () => {
		const h = harness();
		const downloadMedia = jest.fn();
		const r = await deliver(body, h, settings({ downloadMedia: true }), ports(h, { downloadMedia }));
		expect(r).toMatchObject({ kind: 'emit', acknowledged: false });
		expect(downloadMedia).not.toHaveBeenCalled();
		expect(h.acknowledged).toBe(0);
	});
});

describe('replay window (issue 14 item 5)', () => {
	const body = fixtureBytes('message-text');

	it('retention covers the maximum age plus one hour, never less than Meta’s 7 days', () => {
		expect(dedupRetentionMs()).toBe(7 * DAY + HOUR);
		expect(dedupRetentionMs(3 * DAY)).toBe(7 * DAY + HOUR);
		expect(dedupRetentionMs(10 * DAY)).toBe(10 * DAY + HOUR);
		expect(maxEventAgeMs(undefined)).toBe(7 * DAY);
		expect(maxEventAgeMs(0)).toBe(7 * DAY);
		expect(maxEventAgeMs('10')).toBe(10 * DAY);
	});

	it('Clinic Store mode: claims are kept for the retention; a replay inside it is a duplicate, after it too old', async () => {
		const h = harness({ now: SENT_MS + 5_000 });
		h.store = new TimedStore(() => h.now);
		expect(emittedKinds(await deliver(body, h))).toEqual(['message']);
		expect(h.store.ttls).toEqual([7 * DAY + HOUR]);

		// Another process (own memory and static data), 6.9 days later: the store still knows the event.
		resetProcessDedupCaches();
		h.now = SENT_MS + 6.9 * DAY;
		expect(await deliver(body, { ...h, state: {} })).toEqual({ kind: 'answer', status: 200, body: 'OK' });

		// 7 days and 2 hours later the claim has expired, but the event is past the maximum age: dropped, counted.
		resetProcessDedupCaches();
		h.now = SENT_MS + 7 * DAY + 2 * HOUR;
		const late = { ...h, state: {} as Record<string, unknown>, logs: [] as Harness['logs'] };
		expect(await deliver(body, late)).toEqual({ kind: 'answer', status: 200, body: 'OK' });
		expect(late.state[STATIC_DATA_STALE_COUNT_KEY]).toBe(1);
		expect(late.logs).toEqual([['warn', expect.stringContaining('1 event(s) older than 7 days')]]);
		expect(h.store.ttls).toHaveLength(2); // the stale event was never claimed
	});

	it('a longer maximum age lengthens the store retention with it', async () => {
		const h = harness({ now: SENT_MS + 9 * DAY });
		h.store = new TimedStore(() => h.now);
		expect(emittedKinds(await deliver(body, h, settings({ maxEventAgeMs: 10 * DAY })))).toEqual(['message']);
		expect(h.store.ttls).toEqual([10 * DAY + HOUR]);
	});

	it('keeps the young events of a batch, counts across deliveries, never judges events without a time', async () => {
		// batch-multi-entry: 3 messages from 2025-06-08, 2 statuses from 2025-06-15.
		const h = harness({ now: Date.parse('2025-06-15T23:00:00Z') });
		const r = await deliver(fixtureBytes('batch-multi-entry'), h);
		expect(emittedKinds(r)).toEqual(['status', 'status']);
		expect(h.state[STATIC_DATA_STALE_COUNT_KEY]).toBe(3);
		resetProcessDedupCaches();
		await deliver(fixtureBytes('message-text'), { ...h, state: h.state });
		expect(h.state[STATIC_DATA_STALE_COUNT_KEY]).toBe(4);
		const errors = await deliver(
			fixtureBytes('value-errors'),
			harness({ now: Date.parse('2030-01-01T00:00:00Z') }),
			settings({ kinds: new Set(['error']) }),
		);
		expect(emittedKinds(errors)).toEqual(['error']);
	});
});

describe('a change nested too deep (issue 14 item 7)', () => {
	function deepDelivery(depth: number): Buffer {
		const good = JSON.parse(fixtureBytes('message-text').toString('utf8'));
		const deep = '['.repeat(depth) + '"private words"' + ']'.repeat(depth);
		good.entry.push({
			id: '102290129340398',
			time: 1749416400,
			changes: [{ field: 'account_update', value: { event: 'X', detail: '__DEEP__' } }],
		});
		return Buffer.from(JSON.stringify(good).replace('"__DEEP__"', deep));
	}

	it('is skipped with a clear log line (position, field, limit, no content); the message of the batch is emitted', async () => {
		const h = harness();
		const r = await deliver(deepDelivery(50_000), h);
		expect(emittedKinds(r)).toEqual(['message']);
		expect(h.logs).toEqual([
			[
				'error',
				expect.stringMatching(
					/^skipped change 1 of entry 2 \(field "account_update"\): nested deeper than 64 levels/,
				),
			],
		]);
		expect(JSON.stringify(h.logs)).not.toContain('private words');
	});

	it('a change within the bound is processed as before', async () => {
		const h = harness();
		expect(emittedKinds(await deliver(deepDelivery(40), h))).toEqual(['message', 'account_update']);
		expect(h.logs).toEqual([]);
	});
});
