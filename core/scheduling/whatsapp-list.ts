/**
 * Builds a WhatsApp Cloud API interactive list (`interactive.type: "list"`) from free slots: sections by local
 * day, one row per slot, row id = slot id (so Book accepts the Trigger's `listReply.id` unchanged).
 * Meta limits enforced: ≤ 10 rows in total, ≤ 10 sections, section title ≤ 24, row id ≤ 200, row title ≤ 24,
 * row description ≤ 72, header text ≤ 60, body ≤ 4096, footer ≤ 60, action.button ≤ 20.
 */
import { dayLabel, defaultTexts, localDateKey, timeLabel } from './labels';
import type { FreeSlot, SlotLocale } from './types';

export const LIST_LIMITS = {
	rows: 10,
	sections: 10,
	sectionTitle: 24,
	rowId: 200,
	rowTitle: 24,
	rowDescription: 72,
	header: 60,
	body: 4096,
	footer: 60,
	button: 20,
} as const;

export interface InteractiveListRow {
	id: string;
	title: string;
	description?: string;
}

export interface InteractiveList {
	type: 'list';
	header?: { type: 'text'; text: string };
	body: { text: string };
	footer?: { text: string };
	action: { button: string; sections: Array<{ title: string; rows: InteractiveListRow[] }> };
}

/** Row id of the "join the waitlist" row: a workflow routes a list reply with this id to Waitlist → Join. */
export const WAITLIST_JOIN_ROW_ID = 'WAITLIST_JOIN';

export interface SlotListOptions {
	locale: SlotLocale;
	header?: string;
	body?: string;
	footer?: string;
	button?: string;
	/** Rows to show (1–10). */
	maxRows?: number;
	/**
	 * Add a last row "None of these — join the waitlist" (id WAITLIST_JOIN_ROW_ID) in the locale's words; one slot
	 * fewer is shown (WhatsApp lists hold 10 rows).
	 */
	waitlistRow?: boolean;
	/** Put the practitioner's name in the row title (when several practitioners are offered). */
	showPractitioner?: boolean;
}

/** Truncates to `max` user-visible characters (code points), ending with "…" when cut. */
export function fit(text: string, max: number): string {
	const chars = Array.from(text.trim());
	if (chars.length <= max) return chars.join('');
	return (
		chars
			.slice(0, max - 1)
			.join('')
			.trimEnd() + '…'
	);
}

export interface SlotListResult {
	/** null when there is no free slot (WhatsApp rejects a list without rows). */
	interactive: InteractiveList | null;
	/** Slots shown, in row order. */
	shown: FreeSlot[];
	/** Free slots found but not shown (list holds at most 10 rows). */
	omitted: number;
	/** Text to send instead when there is no slot. */
	emptyText: string;
}

export function buildSlotList(slots: FreeSlot[], options: SlotListOptions): SlotListResult {
	const texts = defaultTexts(options.locale);
	const rowLimit = options.waitlistRow ? LIST_LIMITS.rows - 1 : LIST_LIMITS.rows;
	const maxRows = Math.min(Math.max(1, options.maxRows ?? rowLimit), rowLimit);
	const shown = slots.slice(0, maxRows);
	const emptyText = texts.noSlots;
	if (shown.length === 0) return { interactive: null, shown, omitted: 0, emptyText };
	const multiplePractitioners =
		options.showPractitioner ?? new Set(shown.map((s) => s.practitioner.id)).size > 1;

	const sections: InteractiveList['action']['sections'] = [];
	let currentKey = '';
	for (const slot of shown) {
		const startMs = Date.parse(slot.start);
		const endMs = Date.parse(slot.end);
		const key = localDateKey(startMs, slot.timeZone);
		if (key !== currentKey) {
			sections.push({
				title: fit(dayLabel(startMs, slot.timeZone, options.locale), LIST_LIMITS.sectionTitle),
				rows: [],
			});
			currentKey = key;
		}
		if (slot.slotId.length > LIST_LIMITS.rowId)
			throw new Error(`slot id longer than ${LIST_LIMITS.rowId} characters`);
		const time = timeLabel(startMs, slot.timeZone, options.locale);
		const who = slot.practitioner.name ?? slot.practitioner.id;
		const title = multiplePractitioners ? `${time} · ${who}` : time;
		const descriptionParts = [
			`${dayLabel(startMs, slot.timeZone, options.locale)} · ${time}–${timeLabel(endMs, slot.timeZone, options.locale)}`,
		];
		if (slot.service?.name) descriptionParts.push(slot.service.name);
		if (!multiplePractitioners && slot.practitioner.name)
			descriptionParts.push(`${texts.with} ${slot.practitioner.name}`);
		sections[sections.length - 1].rows.push({
			id: slot.slotId,
			title: fit(title, LIST_LIMITS.rowTitle),
			description: fit(descriptionParts.join(' · '), LIST_LIMITS.rowDescription),
		});
	}
	// More than 10 distinct days cannot happen with ≤ 10 rows, but keep the invariant explicit.
	if (options.waitlistRow) {
		if (sections.length >= LIST_LIMITS.sections) sections.length = LIST_LIMITS.sections - 1;
		sections.push({
			title: fit(texts.waitlistSection, LIST_LIMITS.sectionTitle),
			rows: [
				{
					id: WAITLIST_JOIN_ROW_ID,
					title: fit(texts.waitlistTitle, LIST_LIMITS.rowTitle),
					description: fit(texts.waitlistDescription, LIST_LIMITS.rowDescription),
				},
			],
		});
	}
	if (sections.length > LIST_LIMITS.sections) sections.length = LIST_LIMITS.sections;

	const interactive: InteractiveList = {
		type: 'list',
		...(options.header
			? { header: { type: 'text' as const, text: fit(options.header, LIST_LIMITS.header) } }
			: {}),
		body: { text: fit(options.body || texts.body, LIST_LIMITS.body) },
		...(options.footer ? { footer: { text: fit(options.footer, LIST_LIMITS.footer) } } : {}),
		action: { button: fit(options.button || texts.button, LIST_LIMITS.button), sections },
	};
	return { interactive, shown, omitted: slots.length - shown.length, emptyText };
}
