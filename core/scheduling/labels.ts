/**
 * Human labels for slots, localised with luxon (Intl): pt-BR "ter., 14 jan · 09:30", es "mar, 14 ene · 09:30",
 * en "Tue, 14 Jan · 9:30 AM". Month abbreviations lose their trailing period so labels stay short for WhatsApp.
 */
import { DateTime } from 'luxon';

import { DEFAULT_LANGUAGE, DEFAULT_TEXTS, matchLanguage, NODE_TEXTS, type NodeTextKey } from '../i18n';
import type { SlotLocale } from './types';

export const SUPPORTED_LOCALES: readonly SlotLocale[] = ['pt-BR', 'es', 'en'];

export function normalizeLocale(value: string | undefined): SlotLocale {
	if (!value) return 'pt-BR';
	const lower = value.toLowerCase();
	if (lower.startsWith('pt')) return 'pt-BR';
	if (lower.startsWith('es')) return 'es';
	return 'en';
}

function local(ms: number, zone: string, locale: SlotLocale): DateTime {
	return DateTime.fromMillis(ms, { zone }).setLocale(locale);
}

/** "ter., 14 jan" */
export function dayLabel(ms: number, zone: string, locale: SlotLocale): string {
	const d = local(ms, zone, locale);
	const month = d.toFormat('LLL').replace(/\.$/, '');
	return `${d.toFormat('ccc')}, ${d.toFormat('d')} ${month}`;
}

/** "09:30" (pt-BR, es) or "9:30 AM" (en) */
export function timeLabel(ms: number, zone: string, locale: SlotLocale): string {
	const d = local(ms, zone, locale);
	return locale === 'en' ? d.toFormat('h:mm a') : d.toFormat('HH:mm');
}

/** "ter., 14 jan · 09:30" */
export function slotLabel(ms: number, zone: string, locale: SlotLocale): string {
	return `${dayLabel(ms, zone, locale)} · ${timeLabel(ms, zone, locale)}`;
}

/** Local calendar date "2025-01-14" of an instant (used to group list sections by day). */
export function localDateKey(ms: number, zone: string): string {
	return DateTime.fromMillis(ms, { zone }).toISODate() ?? '';
}

/** The WhatsApp list's texts in a slot locale, from the one text table (core/i18n: slots_button, and slot_list_* / waitlist_row_* of node-texts.ts). */
export function defaultTexts(locale: SlotLocale) {
	const language = matchLanguage(locale) ?? DEFAULT_LANGUAGE;
	const text = (key: NodeTextKey) => NODE_TEXTS[key][language];
	return {
		button: DEFAULT_TEXTS.slots_button[language],
		body: text('slot_list_body'),
		noSlots: text('slot_list_empty'),
		with: text('slot_list_with'),
		/** The "none of these — join the waitlist" row (title ≤ 24, description ≤ 72 characters) and its section. */
		waitlistSection: text('waitlist_row_section'),
		waitlistTitle: text('waitlist_row_title'),
		waitlistDescription: text('waitlist_row_description'),
	};
}
