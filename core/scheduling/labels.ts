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

interface ListTexts {
	button: string;
	body: string;
	noSlots: string;
	with: string;
	/** The "none of these — join the waitlist" row (title ≤ 24, description ≤ 72 characters) and its section. */
	waitlistSection: string;
	waitlistTitle: string;
	waitlistDescription: string;
}

const TEXTS: Record<SlotLocale, ListTexts> = {
	'pt-BR': {
		button: 'Ver horários',
		body: 'Escolha um horário disponível:',
		noSlots: 'Não há horários disponíveis neste período.',
		with: 'com',
		waitlistSection: 'Nenhum serve?',
		waitlistTitle: 'Lista de espera',
		waitlistDescription: 'Nenhum destes horários serve: avisamos quando abrir um antes',
	},
	es: {
		button: 'Ver horarios',
		body: 'Elija un horario disponible:',
		noSlots: 'No hay horarios disponibles en este período.',
		with: 'con',
		waitlistSection: '¿Ninguno le sirve?',
		waitlistTitle: 'Lista de espera',
		waitlistDescription: 'Ninguno de estos horarios: le avisamos cuando se libere uno antes',
	},
	en: {
		button: 'See times',
		body: 'Choose an available time:',
		noSlots: 'No free times in this period.',
		with: 'with',
		waitlistSection: 'None of these?',
		waitlistTitle: 'Join the waitlist',
		waitlistDescription: 'None of these times suits: we tell you when an earlier one frees up',
	},
};

export function defaultTexts(locale: SlotLocale) {
	return TEXTS[locale];
}
