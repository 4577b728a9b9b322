/**
 * Consent per send, not per batch (core/consent/recheck.ts): every send reads consent again right before its request
 * leaves (GraphClient `clearance`, after the rate-limit wait). With the in-memory consent store: a patient who opts out
 * while the batch is being sent gets nothing after the opt-out is recorded; their item is a blocked outcome with the
 * usual reason, never a failure; sends that ask at the same moment share one read.
 */
import { ConsentRecheck } from '../../../core/consent/recheck';
import { MemoryConsentRepository } from '../../../core/consent/repositories/memory';
import { ConsentService, type CheckRequest } from '../../../core/consent/service';
import { runBulkSend, SendHeldBackError, type SendFields } from '../../../core/whatsapp/bulk-send';
import { GraphClient, pairKey } from '../../../core/whatsapp/graph-client';
import { PairLimitGuard, ThroughputLimiter } from '../../../core/whatsapp/rate-limiter';
import { json, scriptedSender, sentMessage } from '../whatsapp/helpers';

const evidence = {
	sourceMessageId: 'wamid.PARAR',
	textShown: 'PARAR',
	channel: 'whatsapp',
	timestamp: Date.now(),
	actor: { workflowId: 'wf-01', executionId: 'e1', node: 'Consent Check' },
};
const phone = (i: number) => `+55119000000${String(i).padStart(2, '0')}`;
const request = (i: number): CheckRequest => ({
	identity: { phone: phone(i), userId: null },
	purpose: 'appointment_reminders',
});

describe('ConsentRecheck', () => {
	it('answers from a read that starts after the call; sends asking together share one read', async () => {
		const repository = new MemoryConsentRepository();
		const service = new ConsentService({ repository });
		const recheck = new ConsentRecheck(service);
		const together = await Promise.all([1, 2, 3, 4, 5].map((i) => recheck.confirm(request(i))));
		expect(together.every((d) => d.allowed)).toBe(true);
		expect(recheck.reads).toBe(1);

		// A call made while a read is running is not answered by that read: it waits for the next one.
		let release!: () => void;
		const batches: number[] = [];
		const slow = new ConsentRecheck({
			check: async (requests) => {
				batches.push(requests.length);
				await new Promise<void>((resolve) => (release = resolve));
				return await service.check(requests);
			},
		});
		const first = slow.confirm(request(6));
		await new Promise((resolve) => setImmediate(resolve));
		expect(batches).toEqual([1]); // the first read is running
		await service.recordOptOut(request(6).identity, { purposes: ['*'], evidence });
		const second = slow.confirm(request(6));
		const third = slow.confirm(request(7));
		release();
		await first;
		await new Promise((resolve) => setImmediate(resolve));
		expect(batches).toEqual([1, 2]); // second and third share the next read, which started after they asked
		release();
		expect(await second).toMatchObject({ allowed: false, reason: 'opted_out' });
		expect((await third).allowed).toBe(true);
		expect(slow.reads).toBe(2);
	});

	it('a store failure rejects: the caller must not send', async () => {
		const recheck = new ConsentRecheck({
			check: async () => {
				throw new Error('database is locked');
			},
		});
		await expect(recheck.confirm(request(1))).rejects.toThrow('database is locked');
	});
});

describe('a batch with consent read again per send (in-memory store)', () => {
	it('a patient who opts out mid-batch is not sent to; their item is blocked with the reason', async () => {
		const repository = new MemoryConsentRepository();
		const service = new ConsentService({ repository });
		const recheck = new ConsentRecheck(service);
		const count = 12;
		const late = 9; // opts out while the third message is being sent
		const sent: string[] = [];
		const send = scriptedSender(async (req, index) => {
			const to = String((req.body as { to: string }).to);
			sent.push(to);
			if (index === 2) await service.recordOptOut(request(late).identity, { purposes: ['*'], evidence });
			return json(200, sentMessage(to));
		});
		const byKey = new Map(Array.from({ length: count }, (_, i) => [pairKey({ to: phone(i) } as never), i]));
		const client = new GraphClient({
			send,
			// 100 msg/s, burst 1: the sends leave one after the other, like a long batch.
			limiter: new ThroughputLimiter({ mps: 100, burst: 1 }),
			pairGuard: new PairLimitGuard({}),
			clearance: async (recipient) => {
				const i = byKey.get(recipient) as number;
				const decision = await recheck.confirm(request(i));
				if (!decision.allowed)
					throw new SendHeldBackError({ sent: false, consent: { allowed: false, reason: decision.reason } });
			},
		});
		const result = await runBulkSend<SendFields, { summary: SendFields; i: number }>({
			itemCount: count,
			continueOnFail: false,
			prepare: (i) => ({ summary: { recipient: phone(i) }, i }),
			gate: async (jobs) => {
				const decisions = await service.check(jobs.map(({ job }) => request(job.i)));
				return decisions.map((d) => (d.allowed ? { send: true, summary: {} } : { send: false, json: {} }));
			},
			send: async (job) => {
				const r = await client.sendMessage('123', {
					to: phone(job.i),
					type: 'text',
					text: { body: 'Lembrete' },
				} as never);
				return { messageId: r.messageId };
			},
			concurrency: () => 4,
		});

		expect(result.stop).toBeUndefined();
		expect(sent).not.toContain(phone(late));
		expect(sent).toHaveLength(count - 1);
		expect(result.outcomes[late]).toMatchObject({
			ok: false,
			blocked: true,
			json: { sent: false, consent: { allowed: false, reason: 'opted_out' } },
		});
		expect(result.outcomes.filter((o) => o.ok)).toHaveLength(count - 1);
		// The batch read plus one read per send at most (sends leaving together share one).
		expect(recheck.reads).toBeLessThanOrEqual(count);
	});
});
