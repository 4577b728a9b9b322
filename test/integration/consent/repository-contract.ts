/** Shared contract every ConsentRepository adapter must pass (memory, SQLite store, Postgres store). */
import { decide } from '../../../core/consent/decision';
import { DEFAULT_POLICY } from '../../../core/consent/policy';
import type {
	ConsentEvidence,
	ConsentRepository,
	NewConsentEvent,
} from '../../../core/consent/repositories/port';

const T0 = Date.UTC(2026, 10, 25, 10);
const PHONE = '+5511912345678';
const PHONE2 = '+5511998765432';
const USER_ID = 'BR.7788990011';

export const evidence = (overrides: Partial<ConsentEvidence> = {}): ConsentEvidence => ({
	sourceMessageId: null,
	textShown: 'Quer receber lembretes por WhatsApp? Responda SIM.',
	channel: 'whatsapp',
	timestamp: T0 - 1000,
	actor: { workflowId: 'wf1', executionId: 'ex1', node: 'Consent Check' },
	keyword: null,
	...overrides,
});

const ev = (
	action: 'opt_in' | 'opt_out',
	purpose: string,
	extra: Partial<NewConsentEvent> = {},
): NewConsentEvent => ({
	action,
	purpose,
	expiresAt: null,
	evidence: evidence(),
	...extra,
});

export function repositoryContract(
	name: string,
	make: () => Promise<{ repo: ConsentRepository; reads: () => number }>,
) {
	describe(`ConsentRepository contract: ${name}`, () => {
		let repo: ConsentRepository;
		let reads: () => number;
		beforeEach(async () => {
			({ repo, reads } = await make());
		});

		it('unknown patients have no events; loadEvents is aligned with its input and reads once', async () => {
			const before = reads();
			const result = await repo.loadEvents([
				{ phone: PHONE, userId: null },
				{ phone: null, userId: USER_ID },
			]);
			expect(result).toEqual([[], []]);
			expect(reads() - before).toBe(1);
		});

		it('append then load: events come back with times, purposes, expiry; round-trips evidence', async () => {
			const stored = await repo.append(
				{ phone: PHONE, userId: null },
				[
					ev('opt_in', 'marketing', { expiresAt: T0 + 1000 }),
					ev('opt_out', 'lab_results', { expiresAt: T0 + 5 }),
				],
				T0,
			);
			expect(stored).toHaveLength(2);
			expect(stored[0]).toMatchObject({
				action: 'opt_in',
				purpose: 'marketing',
				recordedAt: T0,
				expiresAt: T0 + 1000,
			});
			expect(stored[1].expiresAt).toBeNull(); // opt-outs never expire
			expect(stored[1].sequence).toBeGreaterThan(stored[0].sequence);
			expect(stored[0].evidence).toEqual(evidence());
			const [events] = await repo.loadEvents([{ phone: PHONE, userId: null }]);
			expect(events.map((e) => [e.action, e.purpose, e.recordedAt, e.expiresAt])).toEqual([
				['opt_in', 'marketing', T0, T0 + 1000],
				['opt_out', 'lab_results', T0, null],
			]);
		});

		it('many identities in one read, each gets only its own events', async () => {
			await repo.append({ phone: PHONE, userId: null }, [ev('opt_out', '*')], T0);
			await repo.append({ phone: PHONE2, userId: null }, [ev('opt_in', 'marketing')], T0 + 1);
			const before = reads();
			const result = await repo.loadEvents([
				{ phone: PHONE2, userId: null },
				{ phone: '+5511900000000', userId: null },
				{ phone: PHONE, userId: null },
				{ phone: PHONE, userId: null },
			]);
			expect(reads() - before).toBe(1);
			expect(result.map((r) => r.map((e) => e.action))).toEqual([['opt_in'], [], ['opt_out'], ['opt_out']]);
		});

		it('linking: an opt-out via user ID blocks the linked phone, and vice versa', async () => {
			// Seen separately first (two patients), then together (linked = merged).
			await repo.append({ phone: null, userId: USER_ID }, [ev('opt_in', 'marketing')], T0);
			await repo.append({ phone: PHONE, userId: null }, [ev('opt_in', 'lab_results')], T0 + 1);
			await repo.append({ phone: PHONE, userId: USER_ID }, [ev('opt_in', 'telemedicine')], T0 + 2);
			await repo.append({ phone: null, userId: USER_ID }, [ev('opt_out', '*')], T0 + 3);
			const [byPhone, byUserId] = await repo.loadEvents([
				{ phone: PHONE, userId: null },
				{ phone: null, userId: USER_ID },
			]);
			expect(byPhone).toHaveLength(4);
			expect(byUserId).toHaveLength(4);
			expect(decide(byPhone, DEFAULT_POLICY, 'appointment_reminders', T0 + 10)).toMatchObject({
				allowed: false,
				reason: 'opted_out',
			});
			// Opt back in via the phone: the user ID sees it too.
			await repo.append({ phone: PHONE, userId: null }, [ev('opt_in', 'appointment_reminders')], T0 + 4);
			const [viaUserId] = await repo.loadEvents([{ phone: null, userId: USER_ID }]);
			expect(decide(viaUserId, DEFAULT_POLICY, 'appointment_reminders', T0 + 10).allowed).toBe(true);
			const history = await repo.history({ phone: null, userId: USER_ID });
			expect(history.identity).toEqual({ phone: PHONE, userId: USER_ID });
			expect(history.events.map((e) => e.purpose)).toEqual([
				'marketing',
				'lab_results',
				'telemedicine',
				'*',
				'appointment_reminders',
			]);
		});

		it('linking when only one side was known before', async () => {
			await repo.append({ phone: PHONE, userId: null }, [ev('opt_out', 'marketing')], T0);
			await repo.append({ phone: PHONE, userId: USER_ID }, [ev('opt_in', 'telemedicine')], T0 + 1);
			const [viaUserId] = await repo.loadEvents([{ phone: null, userId: USER_ID }]);
			expect(viaUserId.map((e) => e.purpose).sort()).toEqual(['marketing', 'telemedicine']);
		});

		it('a check given both identifiers of two not-yet-linked patients sees both timelines', async () => {
			await repo.append({ phone: PHONE, userId: null }, [ev('opt_in', 'marketing')], T0);
			await repo.append({ phone: null, userId: USER_ID }, [ev('opt_out', 'marketing')], T0 + 1);
			const [both] = await repo.loadEvents([{ phone: PHONE, userId: USER_ID }]);
			expect(decide(both, DEFAULT_POLICY, 'marketing', T0 + 5)).toMatchObject({ reason: 'opted_out' });
		});

		it('replaying the same source message is idempotent', async () => {
			const e = ev('opt_out', '*', {
				evidence: evidence({ sourceMessageId: 'wamid.ABC', keyword: 'PARAR' }),
			});
			const first = await repo.append({ phone: PHONE, userId: null }, [e], T0);
			const again = await repo.append({ phone: PHONE, userId: null }, [e], T0 + 50);
			expect(first[0].duplicate).toBeFalsy();
			expect(again[0]).toMatchObject({ id: first[0].id, recordedAt: T0, duplicate: true });
			expect((await repo.history({ phone: PHONE, userId: null })).events).toHaveLength(1);
		});

		it('history of an unknown patient is empty and keeps the given identity', async () => {
			expect(await repo.history({ phone: PHONE2, userId: null })).toEqual({
				identity: { phone: PHONE2, userId: null },
				events: [],
			});
		});

		it('history is ordered by record time and carries evidence', async () => {
			await repo.append(
				{ phone: PHONE, userId: null },
				[
					ev('opt_out', 'marketing', {
						evidence: evidence({ textShown: 'PARAR', keyword: 'PARAR', sourceMessageId: 'wamid.1' }),
					}),
				],
				T0 + 10,
			);
			await repo.append({ phone: PHONE, userId: null }, [ev('opt_in', 'marketing')], T0 + 20);
			const h = await repo.history({ phone: PHONE, userId: null });
			expect(h.events.map((e) => e.action)).toEqual(['opt_out', 'opt_in']);
			expect(h.events[0].evidence).toMatchObject({
				textShown: 'PARAR',
				keyword: 'PARAR',
				sourceMessageId: 'wamid.1',
			});
			expect(h.events[0].evidence.actor).toEqual({
				workflowId: 'wf1',
				executionId: 'ex1',
				node: 'Consent Check',
			});
		});
	});
}
