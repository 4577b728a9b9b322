/**
 * What to tell a patient who joined the waitlist, or tapped "Take this time", in the node's Language (Brazilian
 * Portuguese first): joined; booked (with the time and practitioner), taken (stays on the list), expired, already
 * theirs. `null` when nothing should be sent (a second tap while the first is booking; an offer of another patient
 * or waitlist). The wording is in the one text table (core/i18n/node-texts.ts, `waitlist_*`).
 */
import { DEFAULT_LANGUAGE, fill, matchLanguage, NODE_TEXTS, type NodeTextKey } from '../i18n';
import type { SlotLocale } from '../scheduling/types';
import type { ClaimOutcome } from './types';

/** A waitlist text of the one text table (core/i18n/node-texts.ts) in the node's Language. */
function text(key: NodeTextKey, locale: SlotLocale, variables: Record<string, string> = {}): string {
	return fill(NODE_TEXTS[key][matchLanguage(locale) ?? DEFAULT_LANGUAGE], variables);
}

export function claimReply(outcome: ClaimOutcome, locale: SlotLocale): string | null {
	if (outcome.claimed) {
		const when = outcome.appointment.label ?? outcome.appointment.start;
		const who = outcome.appointment.practitioner?.name ?? '';
		return who
			? text('waitlist_booked_with', locale, { when, who })
			: text('waitlist_booked', locale, { when });
	}
	if (outcome.reason === 'taken' || outcome.reason === 'expired' || outcome.reason === 'already_claimed')
		return text(`waitlist_${outcome.reason}`, locale);
	return null;
}

/** What to tell a patient who joined (or updated their place on) the waitlist. */
export function joinReply(locale: SlotLocale): string {
	return text('waitlist_joined', locale);
}
