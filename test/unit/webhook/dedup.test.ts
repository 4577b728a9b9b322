import {
	MemoryDedupCache,
	PersistedDedupRing,
	claimFreshEvents,
	claimFreshEventsSync,
	compactKey,
	dedupKey,
	processDedupCache,
	releaseClaims,
	resetProcessDedupCaches,
	type ProcessedEventStore,
} from '../../../core/webhook/dedup';
import type { ClinicEvent } from '../../../core/webhook/events';
import { parseEvents } from '../../../core/webhook/parse';
import { fixtureBytes } from './fixtures';

const DAY = 24 * 3600 * 1000;

function eventsOf(name: string): ClinicEvent[] {
	const r = parseEvents(fixtureBytes(name));
	if (!r.ok) throw new Error(r.reason);
	return r.events;
}

class FakeStore implements ProcessedEventStore {
	readonly seen = new Set<string>();
	calls = 0;
	fail = false;
	async claim(keys: readonly string[]): Promise<boolean[]> {
		this.calls++;
		await new Promise((r) => setImmediate(r));
		if (this.fail) throw new Error('db down');
		return keys.map((k) => (this.seen.has(k) ? false : (this.seen.add(k), true)));
	}
	async release(keys: readonly string[]): Promise<void> {
		for (const k of keys) this.seen.delete(k);
	}
}

describe('dedupKey', () => {
	it('messages by wamid, statuses by wamid + status', () => {
		const [m] = eventsOf('message-text');
		expect(dedupKey(m)).toBe('message:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=');
		const batch = eventsOf('batch-multi-entry');
		expect(dedupKey(batch[2])).toBe('status:wamid.OUT-1:delivered');
		expect(dedupKey(batch[3])).toBe('status:wamid.OUT-1:read');
	});

	it('errors have no identity; updates use field + entry time + content digest; no phone number in keys', () => {
		expect(dedupKey(eventsOf('value-errors')[0])).toBeNull();
		const t = dedupKey(eventsOf('template-status-update')[0]);
		expect(t).toMatch(
			/^template_update:message_template_status_update:102290129340398:2025-06-15T23:47:14Z:/,
		);
		const pref = dedupKey(eventsOf('user-preferences')[0]);
		expect(pref).toMatch(/^user_preference:/);
		expect(pref).not.toContain('16505551234');
	});
});

describe('MemoryDedupCache', () => {
	it('claims once, also for duplicates inside one call', () => {
		const c = new MemoryDedupCache();
		expect(c.claim(['a', 'b', 'a'])).toEqual([true, true, false]);
		expect(c.claim(['a', 'c'])).toEqual([false, true]);
	});

	it('expires after the TTL and stays bounded', () => {
		let now = 0;
		const c = new MemoryDedupCache({ ttlMs: 1000, maxEntries: 3, now: () => now });
		c.claim(['a']);
		now = 999;
		expect(c.claim(['a'])).toEqual([false]);
		now = 1000;
		expect(c.claim(['a'])).toEqual([true]);
		c.claim(['b', 'c', 'd', 'e']);
		expect(c.size).toBe(3);
		expect(c.claim(['a'])).toEqual([true]); // evicted as oldest
	});

	it('release lets a key be claimed again', () => {
		const c = new MemoryDedupCache();
		c.claim(['x']);
		c.release(['x']);
		expect(c.claim(['x'])).toEqual([true]);
	});

	it('process caches are shared per scope', () => {
		resetProcessDedupCaches();
		processDedupCache('wf1:n1').claim(['k']);
		expect(processDedupCache('wf1:n1').claim(['k'])).toEqual([false]);
		expect(processDedupCache('wf2:n1').claim(['k'])).toEqual([true]);
	});
});

describe('PersistedDedupRing', () => {
	it('persists compact keys in a JSON-safe holder that survives a round trip (restart)', () => {
		let now = 1_750_000_000_000;
		const holder: Record<string, unknown> = {};
		const ring = new PersistedDedupRing(holder, 'dedup', { now: () => now });
		expect(ring.claim(['message:wamid.A', 'message:wamid.B'])).toEqual([true, true]);
		const saved = JSON.parse(JSON.stringify(holder));
		expect(JSON.stringify(saved)).not.toContain('wamid');
		expect(Object.keys(saved.dedup.seen)).toEqual([
			compactKey('message:wamid.A'),
			compactKey('message:wamid.B'),
		]);
		now += 6 * DAY;
		const again = new PersistedDedupRing(saved, 'dedup', { now: () => now });
		expect(again.claim(['message:wamid.A', 'message:wamid.C'])).toEqual([false, true]);
		now += 2 * DAY; // A is older than the 7-day window now
		expect(again.claim(['message:wamid.A'])).toEqual([true]);
	});

	it('is bounded: oldest entries drop out', () => {
		const holder: Record<string, unknown> = {};
		const ring = new PersistedDedupRing(holder, 'd', { maxEntries: 100 });
		ring.claim(Array.from({ length: 250 }, (_, i) => `k${i}`));
		expect(ring.size).toBe(100);
		expect(ring.claim(['k249', 'k0'])).toEqual([false, true]);
	});

	it('stays bounded under many small claims (at most 25 % overshoot) and expires old keys', () => {
		let now = 1_750_000_000_000;
		const holder: Record<string, unknown> = {};
		const ring = new PersistedDedupRing(holder, 'd', { maxEntries: 100, now: () => now });
		let max = 0;
		for (let i = 0; i < 1000; i++) {
			ring.claim([`key-${i}`]);
			max = Math.max(max, ring.size);
		}
		expect(max).toBeLessThanOrEqual(125);
		expect(Object.keys((holder.d as { seen: object }).seen).length).toBe(ring.size);
		now += 8 * DAY;
		ring.claim(['fresh']);
		expect(ring.size).toBe(1);
	});

	it('repairs a corrupted holder instead of crashing', () => {
		const holder: Record<string, unknown> = { d: 'garbage' };
		const ring = new PersistedDedupRing(holder, 'd');
		expect(ring.claim(['a'])).toEqual([true]);
		expect(holder.d).toMatchObject({ v: 1 });
	});
});

describe('claimFreshEvents', () => {
	beforeEach(() => resetProcessDedupCaches());

	it('a retried delivery yields nothing new', async () => {
		const memory = new MemoryDedupCache();
		const first = await claimFreshEvents(eventsOf('batch-multi-entry'), { memory });
		expect(first.fresh).toHaveLength(5);
		const retry = await claimFreshEvents(eventsOf('batch-multi-entry'), { memory });
		expect(retry).toMatchObject({ fresh: [], duplicates: 5 });
	});

	it('two overlapping deliveries: exactly one wins each event, even with an async store', async () => {
		const memory = new MemoryDedupCache();
		const store = new FakeStore();
		const [a, b] = await Promise.all([
			claimFreshEvents(eventsOf('batch-multi-entry'), { memory, store }),
			claimFreshEvents(eventsOf('batch-multi-entry'), { memory, store }),
		]);
		expect(a.fresh.length + b.fresh.length).toBe(5);
		expect(store.seen.size).toBe(5);
	});

	it('after a restart (new memory) the persisted ring still suppresses', async () => {
		const holder: Record<string, unknown> = {};
		await claimFreshEvents(eventsOf('message-text'), {
			memory: new MemoryDedupCache(),
			persisted: new PersistedDedupRing(holder, 'd'),
		});
		const saved = JSON.parse(JSON.stringify(holder));
		const r = await claimFreshEvents(eventsOf('message-text'), {
			memory: new MemoryDedupCache(),
			persisted: new PersistedDedupRing(saved, 'd'),
		});
		expect(r.fresh).toHaveLength(0);
	});

	it('another process (shared store) suppresses too', async () => {
		const store = new FakeStore();
		await claimFreshEvents(eventsOf('message-text'), { memory: new MemoryDedupCache(), store });
		const r = await claimFreshEvents(eventsOf('message-text'), { memory: new MemoryDedupCache(), store });
		expect(r.fresh).toHaveLength(0);
	});

	it('the shared store receives digests only (a wamid embeds the phone number)', async () => {
		const store = new FakeStore();
		await claimFreshEvents(eventsOf('message-text'), { memory: new MemoryDedupCache(), store });
		expect([...store.seen]).toEqual([
			compactKey('message:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='),
		]);
		const first = await claimFreshEvents(eventsOf('message-image'), {
			memory: new MemoryDedupCache(),
			store,
		});
		await releaseClaims(first.claimedKeys, { memory: new MemoryDedupCache(), store });
		expect(store.seen.size).toBe(1);
	});

	it('store failure releases the local claims and rethrows, so a redelivery is processed', async () => {
		const memory = new MemoryDedupCache();
		const holder: Record<string, unknown> = {};
		const persisted = new PersistedDedupRing(holder, 'd');
		const store = new FakeStore();
		store.fail = true;
		await expect(claimFreshEvents(eventsOf('message-text'), { memory, persisted, store })).rejects.toThrow(
			'db down',
		);
		store.fail = false;
		const r = await claimFreshEvents(eventsOf('message-text'), { memory, persisted, store });
		expect(r.fresh).toHaveLength(1);
	});

	it('a store failure does not release keys the persisted ring already held', async () => {
		const holder: Record<string, unknown> = {};
		await claimFreshEvents(eventsOf('message-text'), {
			memory: new MemoryDedupCache(),
			persisted: new PersistedDedupRing(holder, 'd'),
		});
		const store = new FakeStore();
		store.fail = true;
		// New process: memory empty, the ring knows message-text; the batch is new.
		const events = [...eventsOf('message-text'), ...eventsOf('message-image')];
		await expect(
			claimFreshEvents(events, {
				memory: new MemoryDedupCache(),
				persisted: new PersistedDedupRing(holder, 'd'),
				store,
			}),
		).rejects.toThrow();
		const r = await claimFreshEvents(eventsOf('message-text'), {
			memory: new MemoryDedupCache(),
			persisted: new PersistedDedupRing(holder, 'd'),
		});
		expect(r.fresh).toHaveLength(0);
	});

	it('the synchronous variant matches (no store)', () => {
		const memory = new MemoryDedupCache();
		expect(claimFreshEventsSync(eventsOf('batch-multi-entry'), { memory }).fresh).toHaveLength(5);
		expect(claimFreshEventsSync(eventsOf('batch-multi-entry'), { memory }).fresh).toHaveLength(0);
	});

	it('events without a key are always emitted; releaseClaims undoes claims', async () => {
		const memory = new MemoryDedupCache();
		expect((await claimFreshEvents(eventsOf('value-errors'), { memory })).fresh).toHaveLength(1);
		expect((await claimFreshEvents(eventsOf('value-errors'), { memory })).fresh).toHaveLength(1);
		const first = await claimFreshEvents(eventsOf('message-text'), { memory });
		await releaseClaims(first.claimedKeys, { memory });
		expect((await claimFreshEvents(eventsOf('message-text'), { memory })).fresh).toHaveLength(1);
	});
});
