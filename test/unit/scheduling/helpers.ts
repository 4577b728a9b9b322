import { DateTime } from 'luxon';

import { type ClinicRulesInput, parseClinicRules } from '../../../core/scheduling/rules';

/** A small clinic: two practitioners, two services, Mon–Fri 08:00–12:00 + 14:00–18:00, lunch handled by the gap. */
export function clinicRules(overrides: Partial<ClinicRulesInput> = {}) {
	return parseClinicRules({
		timeZone: 'America/Sao_Paulo',
		slotGranularityMinutes: 15,
		minimumNoticeMinutes: 0,
		bookingHorizonDays: 60,
		openingHours: {
			mon: [
				{ start: '08:00', end: '12:00' },
				{ start: '14:00', end: '18:00' },
			],
			tue: [{ start: '08:00', end: '12:00' }],
			wed: [{ start: '08:00', end: '12:00' }],
			thu: [{ start: '08:00', end: '12:00' }],
			fri: [{ start: '08:00', end: '12:00' }],
		},
		services: [
			{ id: 'consulta', name: 'Consulta', durationMinutes: 30 },
			{ id: 'retorno', name: 'Retorno', durationMinutes: 15 },
		],
		practitioners: [
			{ id: 'ana', name: 'Dra. Ana Souza' },
			{ id: 'bruno', name: 'Dr. Bruno Lima', serviceIds: ['consulta'] },
		],
		...overrides,
	} as ClinicRulesInput);
}

/** Epoch ms of a local wall time in a zone. */
export function at(local: string, zone = 'America/Sao_Paulo'): number {
	const dt = DateTime.fromISO(local, { zone });
	if (!dt.isValid) throw new Error(`bad test time ${local}`);
	return dt.toMillis();
}

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}

export function localTimes(slots: Array<{ startMs: number }>, zone: string): string[] {
	return slots.map((s) => DateTime.fromMillis(s.startMs, { zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ"));
}
