/**
 * The consent decision: pure function of (consent events of one patient, policy, purpose, now).
 *
 * Events are opt-ins and opt-outs, each for one purpose or for every purpose (`*`, e.g. a "STOP" keyword).
 * For purpose P the event that counts is the LATEST event whose purpose is P or `*` (ties: the later sequence).
 *
 *   latest is an opt-out                      → Blocked  opted_out   (since = opt-out time)
 *   latest is an opt-in, still valid          → Allowed  opt_in      (since = opt-in time)
 *   latest is an opt-in, expired:
 *       policy opt_in_required                → Blocked  expired     (since = expiry time)
 *       policy allowed_unless_opted_out       → Allowed  policy      (an expired opt-in is not an opt-out)
 *   no event covers P:
 *       policy allowed_unless_opted_out       → Allowed  policy
 *       patient has no event at all           → Blocked  no_record
 *       patient has events for other purposes → Blocked  purpose_not_covered
 */
import { ALL_PURPOSES, type Purpose } from './purposes';
import { type ConsentPolicy, policyFor } from './policy';

export type ConsentAction = 'opt_in' | 'opt_out';

/** The minimum of a stored event the decision needs. Times are epoch milliseconds. */
export interface ConsentEventSummary {
	action: ConsentAction;
	purpose: Purpose;
	recordedAt: number;
	/** Absolute expiry of an opt-in, if the consent given had one. */
	expiresAt?: number | null;
	/** Monotonic tie-breaker (store row id). */
	sequence: number;
}

export const BLOCK_REASONS = ['no_record', 'opted_out', 'expired', 'purpose_not_covered'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

export type ConsentDecision =
	| { allowed: true; purpose: Purpose; basis: 'opt_in' | 'policy'; since: number | null }
	| { allowed: false; purpose: Purpose; reason: BlockReason; since: number | null };

function isLater(a: ConsentEventSummary, b: ConsentEventSummary): boolean {
	return a.recordedAt !== b.recordedAt ? a.recordedAt > b.recordedAt : a.sequence > b.sequence;
}

/** The event that governs `purpose`, or undefined. Events may be in any order. */
export function latestFor(events: readonly ConsentEventSummary[], purpose: Purpose) {
	let latest: ConsentEventSummary | undefined;
	for (const e of events) {
		if (e.purpose !== purpose && e.purpose !== ALL_PURPOSES) continue;
		if (!latest || isLater(e, latest)) latest = e;
	}
	return latest;
}

/** When an opt-in stops counting: the earlier of its own expiry and recordedAt + policy validity. */
export function expiryOf(event: ConsentEventSummary, validityDays?: number): number | null {
	const fromPolicy = validityDays ? event.recordedAt + validityDays * 86_400_000 : null;
	const own = event.expiresAt ?? null;
	if (fromPolicy === null) return own;
	if (own === null) return fromPolicy;
	return Math.min(own, fromPolicy);
}

export function decide(
	events: readonly ConsentEventSummary[],
	policy: ConsentPolicy,
	purpose: Purpose,
	now: number,
): ConsentDecision {
	const rule = policyFor(policy, purpose);
	const latest = latestFor(events, purpose);
	if (latest?.action === 'opt_out') {
		return { allowed: false, purpose, reason: 'opted_out', since: latest.recordedAt };
	}
	if (latest?.action === 'opt_in') {
		const expiry = expiryOf(latest, rule.validityDays);
		if (expiry === null || now < expiry) {
			return { allowed: true, purpose, basis: 'opt_in', since: latest.recordedAt };
		}
		if (rule.mode === 'allowed_unless_opted_out')
			return { allowed: true, purpose, basis: 'policy', since: null };
		return { allowed: false, purpose, reason: 'expired', since: expiry };
	}
	if (rule.mode === 'allowed_unless_opted_out')
		return { allowed: true, purpose, basis: 'policy', since: null };
	return {
		allowed: false,
		purpose,
		reason: events.length === 0 ? 'no_record' : 'purpose_not_covered',
		since: null,
	};
}
