import { type ConsentEventSummary, decide } from '../../../core/consent/decision';
import { buildPolicy, DEFAULT_POLICY } from '../../../core/consent/policy';
import { BUILT_IN_PURPOSES } from '../../../core/consent/purposes';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12);
let seq = 0;
const ev = (
	action: 'opt_in' | 'opt_out',
	purpose: string,
	agoDays: number,
	expiresAt: number | null = null,
) =>
	({
		action,
		purpose,
		recordedAt: NOW - agoDays * DAY,
		expiresAt,
		sequence: ++seq,
	}) satisfies ConsentEventSummary;

const OPT_IN_REQUIRED = ['lab_results', 'marketing', 'my_custom_newsletter'];
const ALLOWED_UNLESS_OUT = ['appointment_reminders', 'telemedicine'];

describe('decide(): each purpose × each state', () => {
	const policy = buildPolicy([{ purpose: 'lab_results', mode: 'opt_in_required', validityDays: 365 }]);

	describe.each([...BUILT_IN_PURPOSES, 'my_custom_newsletter'])('%s', (purpose) => {
		const optInRequired = OPT_IN_REQUIRED.includes(purpose);

		it('no record at all', () => {
			const d = decide([], policy, purpose, NOW);
			if (optInRequired) expect(d).toEqual({ allowed: false, purpose, reason: 'no_record', since: null });
			else expect(d).toEqual({ allowed: true, purpose, basis: 'policy', since: null });
		});

		it('records only for another purpose', () => {
			const other = purpose === 'marketing' ? 'lab_results' : 'marketing';
			const d = decide([ev('opt_in', other, 3)], policy, purpose, NOW);
			if (optInRequired) expect(d).toMatchObject({ allowed: false, reason: 'purpose_not_covered' });
			else expect(d).toMatchObject({ allowed: true, basis: 'policy' });
		});

		it('opted in', () => {
			const optIn = ev('opt_in', purpose, 10);
			expect(decide([optIn], policy, purpose, NOW)).toEqual({
				allowed: true,
				purpose,
				basis: 'opt_in',
				since: optIn.recordedAt,
			});
		});

		it('opted out for this purpose after an opt-in', () => {
			const out = ev('opt_out', purpose, 1);
			const d = decide([ev('opt_in', purpose, 10), out], policy, purpose, NOW);
			expect(d).toEqual({ allowed: false, purpose, reason: 'opted_out', since: out.recordedAt });
		});

		it('opted out of all purposes (STOP)', () => {
			const d = decide([ev('opt_in', purpose, 10), ev('opt_out', '*', 2)], policy, purpose, NOW);
			expect(d).toMatchObject({ allowed: false, reason: 'opted_out' });
		});

		it('opted in again after an opt-out', () => {
			const d = decide([ev('opt_out', '*', 5), ev('opt_in', purpose, 1)], policy, purpose, NOW);
			expect(d).toMatchObject({ allowed: true, basis: 'opt_in' });
		});

		it('opt-in with its own expiry in the past', () => {
			const expiresAt = NOW - DAY;
			const d = decide([ev('opt_in', purpose, 30, expiresAt)], policy, purpose, NOW);
			if (optInRequired) expect(d).toEqual({ allowed: false, purpose, reason: 'expired', since: expiresAt });
			else expect(d).toMatchObject({ allowed: true, basis: 'policy' });
		});

		it('opt-in with its own expiry in the future', () => {
			expect(decide([ev('opt_in', purpose, 30, NOW + DAY)], policy, purpose, NOW)).toMatchObject({
				allowed: true,
				basis: 'opt_in',
			});
		});
	});

	it('expires exactly at the expiry instant (not one millisecond before)', () => {
		const e = ev('opt_in', 'marketing', 30, NOW);
		expect(decide([e], DEFAULT_POLICY, 'marketing', NOW - 1).allowed).toBe(true);
		expect(decide([e], DEFAULT_POLICY, 'marketing', NOW)).toMatchObject({
			allowed: false,
			reason: 'expired',
		});
	});

	it('policy validityDays makes old opt-ins expire (lab results, 365 days)', () => {
		const old = ev('opt_in', 'lab_results', 400);
		expect(decide([old], policy, 'lab_results', NOW)).toEqual({
			allowed: false,
			purpose: 'lab_results',
			reason: 'expired',
			since: old.recordedAt + 365 * DAY,
		});
		expect(decide([ev('opt_in', 'lab_results', 300)], policy, 'lab_results', NOW).allowed).toBe(true);
	});

	it('an opt-out of all purposes does not block a purpose opted in LATER, but blocks others', () => {
		const events = [ev('opt_out', '*', 5), ev('opt_in', 'appointment_reminders', 1)];
		expect(decide(events, DEFAULT_POLICY, 'appointment_reminders', NOW).allowed).toBe(true);
		expect(decide(events, DEFAULT_POLICY, 'telemedicine', NOW)).toMatchObject({ reason: 'opted_out' });
		expect(decide(events, DEFAULT_POLICY, 'marketing', NOW)).toMatchObject({ reason: 'opted_out' });
	});

	it('same timestamp: the later sequence wins, regardless of array order', () => {
		const t = NOW - DAY;
		const a = {
			action: 'opt_in' as const,
			purpose: 'marketing',
			recordedAt: t,
			expiresAt: null,
			sequence: 10,
		};
		const b = {
			action: 'opt_out' as const,
			purpose: 'marketing',
			recordedAt: t,
			expiresAt: null,
			sequence: 11,
		};
		expect(decide([b, a], DEFAULT_POLICY, 'marketing', NOW)).toMatchObject({ reason: 'opted_out' });
		expect(decide([{ ...a, sequence: 12 }, b], DEFAULT_POLICY, 'marketing', NOW).allowed).toBe(true);
	});

	it('allowed-unless-opted-out purposes stay allowed after their opt-in expires', () => {
		for (const purpose of ALLOWED_UNLESS_OUT) {
			expect(decide([ev('opt_in', purpose, 10, NOW - 1)], DEFAULT_POLICY, purpose, NOW)).toMatchObject({
				allowed: true,
				basis: 'policy',
			});
		}
	});
});

describe('buildPolicy()', () => {
	it('applies overrides and keeps defaults', () => {
		const p = buildPolicy([{ purpose: 'Marketing', mode: 'allowed_unless_opted_out' }]);
		expect(p.marketing).toEqual({ mode: 'allowed_unless_opted_out' });
		expect(p.lab_results).toEqual({ mode: 'opt_in_required' });
		expect(p.appointment_reminders).toEqual({ mode: 'allowed_unless_opted_out' });
	});

	it('names the bad field', () => {
		expect(() => buildPolicy([{ purpose: 'x', mode: 'maybe' as never }])).toThrow(/policies\[0\]\.mode/);
		expect(() => buildPolicy([{ purpose: 'Bad Purpose!', mode: 'opt_in_required' }])).toThrow(
			/policies\[0\]\.purpose/,
		);
		expect(() => buildPolicy([{ purpose: 'x', mode: 'opt_in_required', validityDays: -3 }])).toThrow(
			/policies\[0\]\.validityDays/,
		);
	});
});
