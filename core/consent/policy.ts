/**
 * Per-purpose consent policy.
 *
 * - `opt_in_required`: a message may be sent only after a recorded opt-in for that purpose (GDPR Art. 7/9(2)(a),
 *   LGPD Art. 8/11 I, Meta's opt-in rule for templates). Default for marketing, lab results and custom purposes.
 * - `allowed_unless_opted_out`: a treatment communication (HHS OCR: appointment reminders are part of treatment;
 *   GDPR Art. 9(2)(h); LGPD Art. 11 II f) may be sent without a prior opt-in, but an opt-out always blocks it.
 *   Default for appointment reminders and telemedicine.
 *
 * Lab results default to opt-in required even though they are treatment-related: they carry result content, and
 * sending them over WhatsApp is a channel choice the patient should make explicitly.
 *
 * `validityDays` optionally makes an opt-in expire N days after it was recorded (e.g. marketing consent renewed
 * every 24 months); an opt-in can also carry its own expiry (`expiresAt`).
 */
import { z } from 'zod';

import { type Purpose, parsePurpose } from './purposes';

export const POLICY_MODES = ['opt_in_required', 'allowed_unless_opted_out'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export interface PurposePolicy {
	mode: PolicyMode;
	/** Opt-ins older than this many days count as expired. Omitted = no age limit. */
	validityDays?: number;
}

export type ConsentPolicy = Readonly<Record<Purpose, PurposePolicy>>;

export const DEFAULT_POLICY: ConsentPolicy = {
	appointment_reminders: { mode: 'allowed_unless_opted_out' },
	telemedicine: { mode: 'allowed_unless_opted_out' },
	lab_results: { mode: 'opt_in_required' },
	marketing: { mode: 'opt_in_required' },
};

/** Purposes without an entry (custom ones) use the strict mode. */
export const FALLBACK_POLICY: PurposePolicy = { mode: 'opt_in_required' };

export function policyFor(policy: ConsentPolicy, purpose: Purpose): PurposePolicy {
	return policy[purpose] ?? FALLBACK_POLICY;
}

const overrideSchema = z.object({
	purpose: z.string(),
	mode: z.enum(POLICY_MODES),
	validityDays: z.number().int().positive().max(36500).optional(),
});

export type PolicyOverride = z.input<typeof overrideSchema>;

/** Default policy with overrides applied; bad entries throw an error naming the field. */
export function buildPolicy(overrides: readonly PolicyOverride[] = [], base: ConsentPolicy = DEFAULT_POLICY) {
	const result: Record<Purpose, PurposePolicy> = { ...base };
	overrides.forEach((raw, i) => {
		const parsed = overrideSchema.safeParse(raw);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw new Error(
				`policies[${i}].${issue.path.join('.') || 'entry'}: ${issue.message}. ` +
					`Use mode ${POLICY_MODES.join(' or ')} and a positive whole number of validity days.`,
			);
		}
		const purpose = parsePurpose(parsed.data.purpose, `policies[${i}].purpose`);
		result[purpose] = {
			mode: parsed.data.mode,
			...(parsed.data.validityDays ? { validityDays: parsed.data.validityDays } : {}),
		};
	});
	return result as ConsentPolicy;
}
