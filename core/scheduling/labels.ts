/**
 * Human labels for slots, localised with luxon (Intl): pt-BR "ter., 14 jan · 09:30", es "mar, 14 ene · 09:30",
 * en "Tue, 14 Jan · 9:30 AM". Month abbreviations lose their trailing period so labels stay short for WhatsApp.
 */
import { DateTime } from 'luxon';

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

const TEXTS: Record<SlotLocale, { button: string; body: string; noSlots: string; with: string }> = {
	'pt-BR': {
		button: 'Ver horários',
		body: 'Escolha um horário disponível:',
		noSlots: 'Não há horários disponíveis neste período.',
		with: 'com',
	},
	es: {
		button: 'Ver horarios',
		body: 'Elija un horario disponible:',
		noSlots: 'No hay horarios disponibles en este período.',
		with: 'con',
	},
	en: {
		button: 'See times',
		body: 'Choose an available time:',
		noSlots: 'No free times in this period.',
		with: 'with',
	},
};

export function defaultTexts(locale: SlotLocale) {
	return TEXTS[locale];
}
