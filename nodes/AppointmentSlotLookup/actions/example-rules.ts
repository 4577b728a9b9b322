/** The example clinic rules the Clinic Rules (JSON) field starts with: a small clinic in São Paulo to edit. */
export const EXAMPLE_RULES = {
	timeZone: 'America/Sao_Paulo',
	location: 'Clínica Centro',
	slotGranularityMinutes: 15,
	bufferBeforeMinutes: 0,
	bufferAfterMinutes: 5,
	minimumNoticeMinutes: 120,
	bookingHorizonDays: 60,
	openingHours: {
		mon: [
			{ start: '08:00', end: '12:00' },
			{ start: '13:00', end: '18:00' },
		],
		tue: [
			{ start: '08:00', end: '12:00' },
			{ start: '13:00', end: '18:00' },
		],
		wed: [{ start: '08:00', end: '12:00' }],
		thu: [
			{ start: '08:00', end: '12:00' },
			{ start: '13:00', end: '18:00' },
		],
		fri: [{ start: '08:00', end: '16:00' }],
	},
	breaks: [{ days: ['fri'], start: '12:00', end: '13:00', label: 'Almoço' }],
	closures: [{ date: '2026-12-25', reason: 'Natal' }],
	services: [
		{ id: 'consulta', name: 'Consulta', durationMinutes: 30 },
		{ id: 'retorno', name: 'Retorno', durationMinutes: 15 },
	],
	practitioners: [
		{ id: 'dra-ana', name: 'Dra. Ana Souza', serviceIds: ['consulta', 'retorno'] },
		{ id: 'dr-bruno', name: 'Dr. Bruno Lima', serviceIds: ['consulta'] },
	],
};
