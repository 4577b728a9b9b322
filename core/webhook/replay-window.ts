/**
 * How long a webhook event can legitimately arrive, and what that means for deduplication and for replays.
 *
 * Meta retries a delivery that did not get a 200 "with decreasing frequency until the request succeeds, for up to 7
 * days" and drops unacknowledged deliveries after 7 days:
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
 *
 * Two rules close the replay window together (Meta's signature carries no timestamp, so a captured, validly signed
 * body stays valid forever):
 * - an event whose own timestamp is older than the maximum age (default: Meta's retry window) is dropped without
 *   starting a workflow and counted;
 * - an event seen before is a duplicate for as long as it could still pass the age check: dedup retention is the
 *   maximum age plus a margin for clock skew between Meta and this server (`dedupRetentionMs`). In Clinic Store mode
 *   that retention is exact (a time-based table); in This Workflow mode the layers are also bounded in entries.
 */
import type { ClinicEvent } from './events';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Meta re-sends an unacknowledged webhook for up to 7 days (see the URLs above). */
export const META_RETRY_WINDOW_MS = 7 * DAY_MS;

/** Slack for clock differences between Meta's timestamps and this server, added to every retention. */
export const CLOCK_SKEW_MARGIN_MS = HOUR_MS;

/** Default "Max Event Age": Meta's retry window, so every genuine retry still passes. */
export const DEFAULT_MAX_EVENT_AGE_DAYS = 7;

/** How long a claimed event must stay remembered so that no copy of it can be emitted again. */
export function dedupRetentionMs(maxEventAgeMs: number = META_RETRY_WINDOW_MS): number {
	const age = Number.isFinite(maxEventAgeMs) && maxEventAgeMs > 0 ? maxEventAgeMs : META_RETRY_WINDOW_MS;
	return Math.max(age, META_RETRY_WINDOW_MS) + CLOCK_SKEW_MARGIN_MS;
}

/** Default retention of every dedup layer: Meta's window plus the margin (7 days + 1 hour). */
export const DEDUP_TTL_MS = dedupRetentionMs(META_RETRY_WINDOW_MS);

/** "Max Event Age (Days)" → milliseconds; anything that is not a positive number means Meta's window. */
export function maxEventAgeMs(days: unknown): number {
	const n = typeof days === 'string' && days.trim() !== '' ? Number(days) : days;
	return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n * DAY_MS : META_RETRY_WINDOW_MS;
}

export interface AgeSplit<T> {
	/** Events young enough (or without a timestamp, or dated in the future: never judged). */
	current: T[];
	/** Events older than the maximum age. */
	stale: T[];
}

/** Splits events by their own timestamp: older than `maxAgeMs` before `nowMs` = stale. */
export function splitByAge<T extends Pick<ClinicEvent, 'timestamp'>>(
	events: readonly T[],
	nowMs: number,
	maxAgeMs: number,
): AgeSplit<T> {
	const current: T[] = [];
	const stale: T[] = [];
	for (const event of events) {
		const at = event.timestamp ? Date.parse(event.timestamp) : Number.NaN;
		if (Number.isFinite(at) && nowMs - at > maxAgeMs) stale.push(event);
		else current.push(event);
	}
	return { current, stale };
}
